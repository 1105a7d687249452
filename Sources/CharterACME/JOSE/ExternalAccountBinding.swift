// External account binding (RFC 8555 §7.3.4): a new account proves it holds a key the CA handed
// to a known identity, by a MAC over the account's public key.

import Crypto
import Foundation

/// The `externalAccountBinding` of a newAccount request, parsed; ``verify(hmacKey:)`` checks it.
public struct ExternalAccountBinding: Sendable {
    /// The key identifier the CA gave out with the MAC key.
    public let keyID: String
    let algorithm: String
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// The MAC algorithms accepted.
    public static let algorithms = ["HS256", "HS384", "HS512"]

    /// Parses the binding and checks that it binds `accountKey` and was made for `url`.
    public init(_ value: Any, accountKey: JSONWebKey, url: String) throws(ACMEProblem) {
        guard let object = value as? [String: Any] else {
            throw .malformed("externalAccountBinding is not a flattened JWS")
        }
        let parts = try FlattenedJWS(object)
        let header = parts.header
        guard let algorithm = header["alg"] as? String, Self.algorithms.contains(algorithm) else {
            var problem = ACMEProblem(
                .badSignatureAlgorithm,
                "externalAccountBinding must be signed with HS256, HS384 or HS512"
            )
            problem.algorithms = Self.algorithms
            throw problem
        }
        guard header["nonce"] == nil else { throw .malformed("externalAccountBinding must not have a nonce") }
        guard let keyID = header["kid"] as? String, !keyID.isEmpty else {
            throw .malformed("externalAccountBinding has no 'kid'")
        }
        guard header["url"] as? String == url else {
            throw .unauthorized("externalAccountBinding was made for another URL than \(url)")
        }
        guard let bound = try? JSONSerialization.jsonObject(with: Data(parts.payload)) as? [String: Any],
            let boundKey = try? JSONWebKey(bound), boundKey.thumbprint == accountKey.thumbprint
        else { throw .unauthorized("externalAccountBinding binds another key than the account's") }
        self.keyID = keyID
        self.algorithm = algorithm
        self.signingInput = parts.signingInput
        self.signature = parts.signature
    }

    /// Checks the MAC with the key the CA stored for ``keyID``.
    public func verify(hmacKey: [UInt8]) throws(ACMEProblem) {
        let key = SymmetricKey(data: hmacKey)
        let valid: Bool
        switch algorithm {
        case "HS384":
            valid = HMAC<SHA384>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key)
        case "HS512":
            valid = HMAC<SHA512>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key)
        default: valid = HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key)
        }
        guard valid else { throw .unauthorized("externalAccountBinding's MAC does not verify with key '\(keyID)'") }
    }
}
