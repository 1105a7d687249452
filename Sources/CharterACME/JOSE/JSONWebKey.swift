// Account public keys as JWKs (RFC 7517/7518/8037): the kinds ACME clients use, checked strictly.

import Crypto
import Foundation
import X509
import _CryptoExtras

/// A JWS algorithm Charter verifies, each bound to one kind of key.
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    case es256 = "ES256"
    case es384 = "ES384"
    case rs256 = "RS256"
    case edDSA = "EdDSA"
}

/// An account's public key: P-256, P-384, RSA (2048 to 8192 bits) or Ed25519.
public struct JSONWebKey: Sendable {
    enum Key: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    let key: Key
    /// The members RFC 7638 hashes, each base64url or a fixed name: also the key's JSON form.
    public let members: [String: String]

    /// Parses a JWK object; private members (`d`, …) are refused, never read.
    public init(_ object: [String: Any]) throws(ACMEProblem) {
        func member(_ name: String) throws(ACMEProblem) -> String {
            guard let value = object[name] as? String else {
                throw ACMEProblem(.badPublicKey, "The JWK has no '\(name)'")
            }
            return value
        }
        func bytes(_ name: String) throws(ACMEProblem) -> [UInt8] {
            guard let decoded = Base64URL.decode(try member(name)) else {
                throw ACMEProblem(.badPublicKey, "The JWK's '\(name)' is not base64url")
            }
            return decoded
        }
        guard object["d"] == nil, object["p"] == nil else {
            throw ACMEProblem(.badPublicKey, "The JWK holds a private key")
        }
        do {
            switch (try member("kty"), object["crv"] as? String) {
            case ("EC", "P-256"?):
                let (x, y) = (try bytes("x"), try bytes("y"))
                guard x.count == 32, y.count == 32 else {
                    throw ACMEProblem(.badPublicKey, "P-256 coordinates are 32 bytes")
                }
                key = .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
                members = ["kty": "EC", "crv": "P-256", "x": try member("x"), "y": try member("y")]
            case ("EC", "P-384"?):
                let (x, y) = (try bytes("x"), try bytes("y"))
                guard x.count == 48, y.count == 48 else {
                    throw ACMEProblem(.badPublicKey, "P-384 coordinates are 48 bytes")
                }
                key = .p384(try P384.Signing.PublicKey(rawRepresentation: x + y))
                members = ["kty": "EC", "crv": "P-384", "x": try member("x"), "y": try member("y")]
            case ("OKP", "Ed25519"?):
                let x = try bytes("x")
                guard x.count == 32 else { throw ACMEProblem(.badPublicKey, "Ed25519 keys are 32 bytes") }
                key = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: x))
                members = ["kty": "OKP", "crv": "Ed25519", "x": try member("x")]
            case ("RSA", _):
                let (n, e) = (try bytes("n"), try bytes("e"))
                guard n.first != 0, e.first != 0, (2048...8192).contains(n.count * 8), (1...4).contains(e.count) else {
                    throw ACMEProblem(
                        .badPublicKey,
                        "RSA keys need a 2048- to 8192-bit modulus and a short exponent, minimally encoded"
                    )
                }
                key = .rsa(try _RSA.Signing.PublicKey(n: n, e: e))
                members = ["kty": "RSA", "n": try member("n"), "e": try member("e")]
            case (let type, let curve):
                throw ACMEProblem(
                    .badPublicKey,
                    "Unsupported key: kty \(type), crv \(curve ?? "none") (use EC P-256/P-384, RSA or Ed25519)"
                )
            }
        } catch let problem as ACMEProblem {
            throw problem
        } catch {
            throw ACMEProblem(.badPublicKey, "The JWK is not a valid public key: \(error)")
        }
    }

    /// The JWK as canonical JSON (RFC 7638: required members, sorted, no spaces).
    public var canonicalJSON: String {
        "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    /// The RFC 7638 thumbprint (SHA-256), which names the key in key authorizations and lookups.
    public var thumbprint: [UInt8] { Array(SHA256.hash(data: Array(canonicalJSON.utf8))) }

    /// The algorithm this key signs with: one per key, so a header cannot pick a weaker one.
    public var algorithm: JWSAlgorithm {
        switch key {
        case .p256: return .es256
        case .p384: return .es384
        case .rsa: return .rs256
        case .ed25519: return .edDSA
        }
    }

    /// True when `signature` (JWS form: `r || s` for ECDSA) signs `data` with this key.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        switch key {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: data)
        case .p384(let key):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: data)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: data,
                padding: .insecurePKCS1v1_5
            )
        case .ed25519(let key):
            return key.isValidSignature(signature, for: data)
        }
    }

    /// The key as a certificate's subject public key, to match a certificate it claims to hold.
    public var certificatePublicKey: Certificate.PublicKey {
        switch key {
        case .p256(let key): return Certificate.PublicKey(key)
        case .p384(let key): return Certificate.PublicKey(key)
        case .rsa(let key): return Certificate.PublicKey(key)
        case .ed25519(let key): return Certificate.PublicKey(key)
        }
    }
}
