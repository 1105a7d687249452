// One way the CLI's verbs open a client of a CA: the URL checked and stripped of the user and
// secret it may carry (`https://admin:adminpw@host:7054`), the trusted files given as
// fabric-ca-client takes them.

import CharterClient
import CharterCore
import Foundation

/// A client of a CA's URL.
struct CAConnection {
    let client: CAClient
    /// The URL without user and secret.
    let url: URL
    /// The user the URL named, if any.
    let user: String?
    /// The secret the URL carried, if any.
    let secret: String?

    /// Opens a client of `text`, trusting the PEM `files` for the server's TLS certificate.
    init(
        url text: String,
        trusting files: [String],
        clientCertificate: String? = nil,
        clientKey: String? = nil,
        debug: Bool = false
    ) throws {
        guard var components = URLComponents(string: text), components.host != nil else {
            throw CharterError(.invalidRequest, "'\(text)' is not a valid URL")
        }
        // Already percent-decoded, once, as fabric-ca-client's URL parser does: `%2540` is `%40`.
        user = components.user
        secret = components.password
        components.user = nil
        components.password = nil
        guard let url = components.url else { throw CharterError(.invalidRequest, "'\(text)' is not a valid URL") }
        self.url = url
        client = try CAClient(
            url: url,
            trustedCertificates: files,
            clientCertificate: clientCertificate,
            clientKey: clientKey,
            debug: debug
        )
    }

    /// A repeatable option whose values may each hold several comma-separated items
    /// (`--tls.certfiles a.pem,b.pem --tls.certfiles c.pem`): the items, in order.
    static func items(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map(String.init) }
    }
}
