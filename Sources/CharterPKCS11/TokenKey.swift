// A private key in a token, as CharterCore signs with it (``ExternalSigningKey``): ECDSA P-256 or
// P-384 over a digest, Ed25519 over the message. It is found by, and named with, the SHA-256 of
// its public point, which is where Fabric's BCCSP looks for its keys.

import CPKCS11
import CharterCore
import Crypto

/// A key held by a ``PKCS11Token``.
public struct TokenKey: ExternalSigningKey {
    let token: PKCS11Token
    /// The key's algorithm.
    public let algorithm: SigningKey.Algorithm
    /// ECDSA's uncompressed point, or Ed25519's 32 bytes.
    public let publicPoint: [UInt8]
    let handle: CK_OBJECT_HANDLE
    /// The token's connection generation `handle` belongs to.
    let generation: Int

    /// CKA_ID and CKA_LABEL: the SHA-256 of the public point (BCCSP's SKI).
    public var identifier: [UInt8] { Self.identifier(of: publicPoint) }

    /// BCCSP's SKI of a public point: its SHA-256.
    static func identifier(of point: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: point))
    }

    public func sign(_ input: [UInt8]) throws -> [UInt8] {
        try token.sign(self, input)
    }

    /// DER of the curve's OID, as CKA_EC_PARAMS holds it.
    static func curveParameters(_ algorithm: SigningKey.Algorithm) -> [UInt8] {
        switch algorithm {
        case .p256: return [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        case .p384: return [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]
        case .ed25519: return [0x06, 0x03, 0x2B, 0x65, 0x70]
        }
    }

    /// The algorithm whose curve CKA_EC_PARAMS names (Ed25519 also as the printable string
    /// "edwards25519", which some tokens use).
    static func algorithm(parameters: [UInt8]) throws -> SigningKey.Algorithm {
        for algorithm in SigningKey.Algorithm.allCases where curveParameters(algorithm) == parameters {
            return algorithm
        }
        if parameters == [0x13, 0x0C] + Array("edwards25519".utf8) { return .ed25519 }
        throw CharterError(
            .configuration,
            "The token's key is on a curve Charter does not sign with (P-256, P-384, Ed25519)"
        )
    }

    /// The point inside CKA_EC_POINT's DER OCTET STRING (some tokens give it bare).
    static func point(_ value: [UInt8], _ algorithm: SigningKey.Algorithm) throws -> [UInt8] {
        let length = algorithm == .ed25519 ? 32 : (algorithm == .p256 ? 65 : 97)
        if value.count == length { return value }
        if value.count == length + 2, value[0] == 0x04, Int(value[1]) == length { return Array(value.suffix(length)) }
        if value.count == length + 3, value[0] == 0x04, value[1] == 0x81, Int(value[2]) == length {
            return Array(value.suffix(length))
        }
        throw CharterError(.configuration, "The token's public key is not a \(algorithm.rawValue) point")
    }
}

extension TokenKey: Hashable {
    public static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        lhs.token === rhs.token && lhs.handle == rhs.handle
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(token))
        hasher.combine(handle)
    }
}
