// What each challenge type expects to find (RFC 8555 §8.1, §8.3, §8.4; RFC 8737 §3).

import Crypto
import SwiftASN1
import X509

/// The key authorization of a challenge and the forms each validation compares with it.
public struct KeyAuthorization: Sendable, Hashable {
    /// The challenge's token (the http-01 path names it).
    public let token: String
    /// `token.thumbprint`.
    public let text: String

    /// The key authorization of `token` for the account key with `thumbprint`.
    public init(token: String, thumbprint: [UInt8]) {
        self.token = token
        self.text = "\(token).\(Base64URL.encode(thumbprint))"
    }

    /// SHA-256 of the key authorization.
    public var digest: [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }

    /// The TXT record value dns-01 expects at `_acme-challenge.<name>`.
    public var dnsRecord: String { Base64URL.encode(digest) }

    /// The body http-01 expects; trailing white space is tolerated, as RFC 8555 §8.3 allows.
    public func matchesHTTPBody(_ body: [UInt8]) -> Bool {
        var end = body.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(body[end - 1]) { end -= 1 }
        return body[..<end].elementsEqual(text.utf8)
    }

    /// The acmeIdentifier extension (RFC 8737 §3).
    public static let acmeIdentifier: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 31]
    /// The ALPN protocol tls-alpn-01 is answered on.
    public static let tlsALPNProtocol = "acme-tls/1"

    /// Checks the certificate a tls-alpn-01 responder presented for `name`: exactly that one
    /// DNS name, and a critical acmeIdentifier holding this key authorization's digest.
    public func checkTLSALPN(certificateDER: [UInt8], name: String) throws(ACMEProblem) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: certificateDER)
        } catch {
            throw ACMEProblem(.tls, "The tls-alpn-01 certificate does not parse")
        }
        let names: [GeneralName] = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map(Array.init) ?? []
        guard names.count == 1, case .dnsName(let presented) = names.first, presented.lowercased() == name else {
            throw ACMEProblem(.incorrectResponse, "The tls-alpn-01 certificate must name only \(name)")
        }
        guard let identifier = certificate.extensions[oid: Self.acmeIdentifier], identifier.critical else {
            throw ACMEProblem(
                .incorrectResponse,
                "The tls-alpn-01 certificate has no critical acmeIdentifier extension"
            )
        }
        guard let value = try? ASN1OctetString(derEncoded: identifier.value), Array(value.bytes) == digest else {
            throw ACMEProblem(
                .incorrectResponse,
                "The tls-alpn-01 certificate's acmeIdentifier is not this challenge's"
            )
        }
    }
}
