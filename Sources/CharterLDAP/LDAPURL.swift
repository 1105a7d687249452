// The directory fabric-ca's `ldap.url` names: `ldap[s]://<bind DN>:<password>@host[:port]/<base>`,
// user and password percent-decoded as Go's URL parser decodes them. The password never appears
// in a description or an error.

import CharterCore
import Foundation

/// A parsed `ldap.url`.
public struct LDAPURL: Sendable, Hashable, CustomStringConvertible {
    /// `ldaps` connects with TLS from the first byte.
    public var usesTLS: Bool
    public var host: String
    public var port: Int
    /// The DN the server binds as to search (empty: anonymous).
    public var bindDN: String
    /// Its password; never printed.
    public var bindPassword: String
    /// The search base.
    public var base: String

    /// Parses `text`; throws a configuration error that never repeats the password.
    public init(parsing text: String) throws {
        func failure(_ why: String) -> CharterError {
            CharterError(.configuration, "ldap.url is not ldap[s]://<bind DN>:<password>@host[:port]/<base>: \(why)")
        }
        guard let schemeEnd = text.range(of: "://") else { throw failure("it has no scheme") }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "ldap": usesTLS = false
        case "ldaps": usesTLS = true
        default: throw failure("the scheme must be ldap or ldaps")
        }
        var rest = text[schemeEnd.upperBound...]
        // The bind DN holds commas and '=': the credentials end at the last '@' before the path.
        let pathStart =
            rest.lastIndex(of: "@").flatMap { at in rest[at...].firstIndex(of: "/") }
            ?? rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<pathStart]
        bindDN = ""
        bindPassword = ""
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let colon = credentials.firstIndex(of: ":") ?? credentials.endIndex
            guard let user = String(credentials[..<colon]).removingPercentEncoding,
                let password = String(credentials[colon...].dropFirst()).removingPercentEncoding
            else { throw failure("the credentials are not percent-encoded properly") }
            bindDN = user
            bindPassword = password
        }
        rest = rest[pathStart...]
        guard let decodedBase = String(rest.drop { $0 == "/" }).removingPercentEncoding else {
            throw failure("the base is not percent-encoded properly")
        }
        base = decodedBase
        var hostText = String(authority)
        var portNumber = usesTLS ? 636 : 389
        if let colon = hostText.lastIndex(of: ":"), !hostText.hasSuffix("]") {
            guard let parsed = DecimalInteger.parse(hostText[hostText.index(after: colon)...], in: 1...65535) else {
                throw failure("the port is not a TCP port")
            }
            portNumber = parsed
            hostText = String(hostText[..<colon])
        }
        if hostText.hasPrefix("[") && hostText.hasSuffix("]") { hostText = String(hostText.dropFirst().dropLast()) }
        guard !hostText.isEmpty, !hostText.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw failure("it names no host")
        }
        host = hostText
        port = portNumber
    }

    /// The URL libldap connects to: scheme, host and port only.
    public var serverURL: String {
        "\(usesTLS ? "ldaps" : "ldap")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The URL without its password.
    public var description: String {
        "\(serverURL)/\(base) (bind DN '\(bindDN)')"
    }
}
