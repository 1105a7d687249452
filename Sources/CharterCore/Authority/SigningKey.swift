// The private key of an issuer (or of a certificate holder signing a token): ECDSA P-256 or P-384
// with signatures normalised to low-S so that Fabric's verifiers accept them, or Ed25519 for
// Fabric 3. Nothing else in Charter switches on the key algorithm.

import Crypto
import Foundation
import SwiftASN1
import X509

/// A private key Charter signs with.
///
/// Fabric's BCCSP refuses ECDSA signatures whose S lies in the upper half of the group order
/// (to stop signature malleability); BoringSSL does not normalise, so every ECDSA signature Charter
/// makes goes through here. Ed25519 signatures are deterministic and not malleable.
public struct SigningKey: Sendable, Hashable {
    /// The algorithms Charter issues and signs with.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case p256 = "P-256"
        case p384 = "P-384"
        case ed25519 = "Ed25519"

        /// Parses fabric-ca's `csr.keyrequest` (`ecdsa` with size 256 or 384, `ed25519`) and the
        /// names above, any case.
        public init(algorithm: String, size: Int?) throws {
            switch (algorithm.lowercased(), size) {
            case ("ecdsa", nil), ("ecdsa", 256), ("p-256", _): self = .p256
            case ("ecdsa", 384), ("p-384", _): self = .p384
            case ("ed25519", _): self = .ed25519
            default:
                throw CharterError(
                    .invalidRequest,
                    "Key algorithm '\(algorithm)'\(size.map { " size \($0)" } ?? "") is not supported (ecdsa 256 or 384, ed25519)"
                )
            }
        }
    }

    enum Backing: Sendable, Hashable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        /// A key in a token, with its public key (checked when the key was made).
        case external(any ExternalSigningKey, Certificate.PublicKey)

        static func == (lhs: Backing, rhs: Backing) -> Bool {
            lhs.raw == rhs.raw
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(raw)
        }

        /// What identifies the key: its private bytes, or a token key's public point.
        var raw: Data {
            switch self {
            case .p256(let key): return key.rawRepresentation
            case .p384(let key): return key.rawRepresentation
            case .ed25519(let key): return key.rawRepresentation
            case .external(let key, _): return Data([0xff] + key.publicPoint)
            }
        }
    }

    let backing: Backing

    /// The public key's uncompressed point (`04 || X || Y`), or Ed25519's 32 bytes, computed once:
    /// each ECDSA computation costs a field inversion, and a new key needs it for its identifier
    /// and for PKCS#8 (cryptogen makes thousands).
    public let publicPoint: [UInt8]

    /// A fresh random key. An ECDSA key is a random scalar from BoringSSL's generator with its
    /// public point computed once: swift-crypto's own generation recomputes that point and checks
    /// the pair (FIPS 140 self-tests), which doubles the cost of cryptogen's thousands of keys.
    public static func generate(_ algorithm: Algorithm = .p256) -> SigningKey {
        switch algorithm {
        case .p256:
            return SigningKey(
                backing: .p256(
                    randomScalar(bytes: 32) { try? P256.Signing.PrivateKey(rawRepresentation: $0) }
                        ?? P256.Signing.PrivateKey(compactRepresentable: false)
                )
            )
        case .p384:
            return SigningKey(
                backing: .p384(
                    randomScalar(bytes: 48) { try? P384.Signing.PrivateKey(rawRepresentation: $0) }
                        ?? P384.Signing.PrivateKey(compactRepresentable: false)
                )
            )
        case .ed25519:
            // Any 32 bytes are an Ed25519 private key (its seed).
            let seed = SecureRandom.bytes(count: 32)
            return SigningKey(
                backing: .ed25519(
                    (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) ?? Curve25519.Signing.PrivateKey()
                )
            )
        }
    }

    /// The first key `make` accepts from random scalars (one out of range, with odds near 2^-32, is
    /// drawn again); nil when none is accepted, and the caller then generates the usual way.
    static func randomScalar<Key>(bytes: Int, _ make: ([UInt8]) -> Key?) -> Key? {
        for _ in 0..<8 {
            let scalar = SecureRandom.bytes(count: bytes)
            if scalar.contains(where: { $0 != 0 }), let key = make(scalar) { return key }
        }
        return nil
    }

    /// Reads a PEM key: ECDSA in PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) form, as
    /// fabric-ca's `msp/keystore/*_sk` and cryptogen's `priv_sk` hold them, or Ed25519 in PKCS#8.
    public init(pemEncoded pem: String) throws {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(backing: .p256(key))
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(backing: .p384(key))
        } else if let der = PEM.decode(pem.utf8, type: "PRIVATE KEY"), der.count == 48,
            der.starts(with: Self.ed25519PKCS8Prefix),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        {
            self.init(backing: .ed25519(key))
        } else {
            throw CharterError(
                .configuration,
                "The private key is not a P-256, P-384 or Ed25519 key in PEM form"
            )
        }
    }

    init(backing: Backing) {
        self.backing = backing
        switch backing {
        case .p256(let key): publicPoint = Array(key.publicKey.x963Representation)
        case .p384(let key): publicPoint = Array(key.publicKey.x963Representation)
        case .ed25519(let key): publicPoint = Array(key.publicKey.rawRepresentation)
        case .external(let key, _): publicPoint = key.publicPoint
        }
    }

    /// A key held by a token: Charter signs with it and never sees it. Throws when its public
    /// point is not a key of its algorithm.
    public init(external key: any ExternalSigningKey) throws {
        let publicKey: Certificate.PublicKey
        do {
            switch key.algorithm {
            case .p256: publicKey = .init(try P256.Signing.PublicKey(x963Representation: key.publicPoint))
            case .p384: publicKey = .init(try P384.Signing.PublicKey(x963Representation: key.publicPoint))
            case .ed25519: publicKey = .init(try Curve25519.Signing.PublicKey(rawRepresentation: key.publicPoint))
            }
        } catch {
            throw CharterError(.configuration, "The token's public key is not a \(key.algorithm.rawValue) key")
        }
        self.init(backing: .external(key, publicKey))
    }

    /// False for a key held by a token: there are no private bytes to write anywhere.
    public var isExportable: Bool {
        if case .external = backing { return false }
        return true
    }

    /// PKCS#8 for Ed25519 (RFC 8410): the fixed header before the 32-byte seed.
    static let ed25519PKCS8Prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    /// The key's algorithm.
    public var algorithm: Algorithm {
        switch backing {
        case .p256: return .p256
        case .p384: return .p384
        case .ed25519: return .ed25519
        case .external(let key, _): return key.algorithm
        }
    }

    /// PKCS#8 for ECDSA (RFC 5915 inside RFC 5208, the curve named outside, the public key
    /// inside): fixed bytes around the scalar and the uncompressed point, as swift-crypto, Go and
    /// OpenSSL write them.
    static let p256PKCS8 = (
        prefix: Hex.decode("308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420") ?? [],
        middle: Hex.decode("a144034200") ?? []
    )
    static let p384PKCS8 = (
        prefix: Hex.decode("3081b6020100301006072a8648ce3d020106052b8104002204819e30819b0201010430") ?? [],
        middle: Hex.decode("a164036200") ?? []
    )

    /// PKCS#8 DER, the form fabric-ca-client and cryptogen write (assembled here: swift-crypto's
    /// encoder costs more than the key's generation); empty for a key held by a token (see
    /// ``isExportable``).
    public var pkcs8DER: [UInt8] {
        switch backing {
        case .p256(let key):
            return Self.p256PKCS8.prefix + key.rawRepresentation + Self.p256PKCS8.middle + publicPoint
        case .p384(let key):
            return Self.p384PKCS8.prefix + key.rawRepresentation + Self.p384PKCS8.middle + publicPoint
        case .ed25519(let key): return Self.ed25519PKCS8Prefix + key.rawRepresentation
        case .external: return []
        }
    }

    /// PKCS#8 PEM.
    public var pkcs8PEM: String {
        PEM.encode(pkcs8DER, type: "PRIVATE KEY")
    }

    /// The public half, as the certificate library models it.
    public var publicKey: Certificate.PublicKey {
        switch backing {
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        case .ed25519(let key): return Certificate.PublicKey(key.publicKey)
        case .external(_, let publicKey): return publicKey
        }
    }

    /// What certificates, CSRs and CRLs this key signs are signed with: ecdsa-with-SHA256 for
    /// P-256, ecdsa-with-SHA384 for P-384, Ed25519 for Ed25519.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch algorithm {
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        case .ed25519: return .ed25519
        }
    }

    /// A token signature over `data`: ECDSA over SHA-256 (for both curves, as Fabric's SW BCCSP with
    /// `hash: SHA2, security: 256` does) in DER, low-S; or the 64-byte Ed25519 signature.
    public func signatureDER(over data: some DataProtocol) throws -> [UInt8] {
        try signature(over: data, sha384: false)
    }

    /// A TLS handshake signature: ECDSA in DER over SHA-256 (P-256) or SHA-384 (P-384).
    public func tlsSignature(over data: some DataProtocol) throws -> [UInt8] {
        try signature(over: data, sha384: algorithm == .p384)
    }

    /// The signature of `data` for ``signatureAlgorithm`` (SHA-384 digests for a P-384 key).
    func signature(over data: some DataProtocol, sha384: Bool) throws -> [UInt8] {
        switch backing {
        case .p256(let key):
            let signature = try key.signature(for: SHA256.hash(data: data))
            return try LowS.normalise(der: Array(signature.derRepresentation), order: LowS.p256Order)
        case .p384(let key):
            let signature =
                sha384
                ? try key.signature(for: SHA384.hash(data: data)) : try key.signature(for: SHA256.hash(data: data))
            return try LowS.normalise(der: Array(signature.derRepresentation), order: LowS.p384Order)
        case .ed25519(let key):
            return Array(try key.signature(for: Data(data)))
        case .external(let key, _):
            switch key.algorithm {
            case .ed25519:
                return try key.sign(Array(data))
            case .p256, .p384:
                let digest =
                    sha384 && key.algorithm == .p384 ? Array(SHA384.hash(data: data)) : Array(SHA256.hash(data: data))
                let raw = try key.sign(digest)
                let half = raw.count / 2
                guard half > 0, raw.count == 2 * half else {
                    throw CharterError(.internalError, "The token returned an ECDSA signature of \(raw.count) bytes")
                }
                let order = key.algorithm == .p256 ? LowS.p256Order : LowS.p384Order
                return try LowS.normalise(
                    der: try LowS.encode(r: LowS.strip(Array(raw[..<half])), s: LowS.strip(Array(raw[half...]))),
                    order: order
                )
            }
        }
    }

    /// Wraps this key for the certificate library, which then signs through this type.
    public var certificateKey: Certificate.PrivateKey {
        Certificate.PrivateKey(CertificateSigner(key: self))
    }
}

/// Bridges ``SigningKey`` into swift-certificates so certificates and CSRs are signed low-S.
struct CertificateSigner: CustomPrivateKey {
    let key: SigningKey

    var publicKey: Certificate.PublicKey { key.publicKey }

    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm { key.signatureAlgorithm }

    var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [key.signatureAlgorithm] }

    func signSynchronously(
        bytes: some DataProtocol,
        signatureAlgorithm: Certificate.SignatureAlgorithm
    ) throws -> Certificate.Signature {
        guard signatureAlgorithm == key.signatureAlgorithm else {
            throw CharterError(
                .internalError,
                "A \(key.algorithm.rawValue) key signs with \(key.signatureAlgorithm), not \(signatureAlgorithm)"
            )
        }
        let signature = try key.signature(over: bytes, sha384: signatureAlgorithm == .ecdsaWithSHA384)
        return try Certificate.Signature(
            signatureAlgorithm: signatureAlgorithm,
            signatureBytes: ASN1BitString(bytes: signature[...])
        )
    }

    // swift-certificates asks every custom key to be PEM-serialisable; PKCS#8 is what we store.
    static var defaultPEMDiscriminator: String { "PRIVATE KEY" }

    func serialize(into coder: inout DER.Serializer) throws {
        coder.serializeRawBytes(key.pkcs8DER)
    }
}
