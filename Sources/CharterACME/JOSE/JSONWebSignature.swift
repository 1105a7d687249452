// An ACME request body: a JWS in flattened JSON serialization (RFC 7515 §7.2.2, RFC 8555 §6.2).

import Foundation

/// A request's JWS, parsed and checked for shape; ``verify(with:)`` checks its signature.
public struct JSONWebSignature: Sendable {
    /// The protected header's fields ACME uses.
    public struct Header: Sendable {
        /// The algorithm, as written.
        public var algorithm: String
        /// The anti-replay nonce.
        public var nonce: String?
        /// The URL the request was sent to, as the client signed it.
        public var url: String?
        /// The account URL, for requests by an existing account.
        public var keyID: String?
        /// The embedded key, for new accounts and revocation by certificate key.
        public var key: JSONWebKey?
    }

    /// The protected header as sent (base64url): the signed input starts with it.
    public let protectedText: String
    /// The payload as sent (base64url; empty for POST-as-GET).
    public let payloadText: String
    /// The decoded signature.
    public let signature: [UInt8]
    /// The decoded protected header.
    public let header: Header
    /// The decoded payload.
    public let payload: [UInt8]

    /// The largest JWS body read: ACME's requests are small; a CSR is the largest.
    public static let maxSize = 64 * 1024

    /// Parses a request body. Only the flattened form with a protected header is accepted:
    /// RFC 8555 forbids unprotected headers and several signatures.
    public init(body: [UInt8]) throws(ACMEProblem) {
        guard body.count <= Self.maxSize else { throw .malformed("The JWS is larger than \(Self.maxSize) bytes") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw .malformed("The request body is not a JSON object")
        }
        let parts = try FlattenedJWS(object)
        guard !parts.signature.isEmpty else { throw .malformed("The signature is empty") }
        self.protectedText = parts.protectedText
        self.payloadText = parts.payloadText
        self.payload = parts.payload
        self.signature = parts.signature
        self.header = try Self.header(parts.header)
    }

    static func header(_ object: [String: Any]) throws(ACMEProblem) -> Header {
        guard let algorithm = object["alg"] as? String else { throw .malformed("The protected header has no 'alg'") }
        guard JWSAlgorithm(rawValue: algorithm) != nil else {
            var problem = ACMEProblem(.badSignatureAlgorithm, "Algorithm '\(algorithm)' is not accepted")
            problem.algorithms = JWSAlgorithm.allCases.map(\.rawValue)
            throw problem
        }
        if let critical = object["crit"] { throw .malformed("Unknown critical header parameters: \(critical)") }
        var header = Header(algorithm: algorithm)
        for name in ["nonce", "url", "kid"] where object[name] != nil && !(object[name] is String) {
            throw .malformed("The protected header's '\(name)' is not a string")
        }
        header.nonce = object["nonce"] as? String
        header.url = object["url"] as? String
        header.keyID = object["kid"] as? String
        if let jwk = object["jwk"] {
            guard let jwkObject = jwk as? [String: Any] else {
                throw .malformed("The protected header's 'jwk' is not an object")
            }
            header.key = try JSONWebKey(jwkObject)
        }
        guard (header.key == nil) != (header.keyID == nil) else {
            throw .malformed("The protected header must have exactly one of 'jwk' and 'kid'")
        }
        return header
    }

    /// The bytes the signature covers.
    public var signingInput: [UInt8] { Array("\(protectedText).\(payloadText)".utf8) }

    /// Checks the signature with `key`; the header's algorithm must be the key's own.
    public func verify(with key: JSONWebKey) throws(ACMEProblem) {
        guard header.algorithm == key.algorithm.rawValue else {
            var problem = ACMEProblem(
                .badSignatureAlgorithm,
                "A \(key.members["crv"] ?? key.members["kty"] ?? "") key signs with \(key.algorithm.rawValue), not \(header.algorithm)"
            )
            problem.algorithms = [key.algorithm.rawValue]
            throw problem
        }
        guard key.isValidSignature(signature, for: signingInput) else {
            throw .malformed("The JWS signature does not verify")
        }
    }

    /// The payload as a JSON object; POST-as-GET (empty payload) is refused here.
    public func payloadObject() throws(ACMEProblem) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else {
            throw .malformed("The payload is not a JSON object")
        }
        return object
    }

    /// True for POST-as-GET: an empty payload.
    public var isPostAsGet: Bool { payload.isEmpty }
}

/// The three parts of a flattened JWS, decoded: one parse for request bodies and the external
/// account bindings they carry. RFC 8555 forbids unprotected headers and several signatures, so
/// exactly these three members are accepted.
struct FlattenedJWS {
    let protectedText: String
    let payloadText: String
    let header: [String: Any]
    let payload: [UInt8]
    let signature: [UInt8]

    init(_ object: [String: Any]) throws(ACMEProblem) {
        guard Set(object.keys) == ["protected", "payload", "signature"],
            let protectedText = object["protected"] as? String,
            let payloadText = object["payload"] as? String,
            let signatureText = object["signature"] as? String
        else {
            throw .malformed("The JWS must be flattened JSON with exactly 'protected', 'payload' and 'signature'")
        }
        guard let headerBytes = Base64URL.decode(protectedText),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any]
        else { throw .malformed("The protected header is not base64url JSON") }
        guard let payload = Base64URL.decode(payloadText) else { throw .malformed("The payload is not base64url") }
        guard let signature = Base64URL.decode(signatureText) else {
            throw .malformed("The signature is not base64url")
        }
        self.protectedText = protectedText
        self.payloadText = payloadText
        self.header = header
        self.payload = payload
        self.signature = signature
    }

    /// The bytes the signature covers.
    var signingInput: [UInt8] { Array("\(protectedText).\(payloadText)".utf8) }
}
