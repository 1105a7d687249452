// The private key of an issuer (or of a certificate holder signing a token), with signatures
// normalised to low-S so that Fabric's verifiers, which reject high-S signatures, accept them.

import Crypto
import Foundation
import SwiftASN1
import X509

/// An ECDSA private key on P-256 or P-384 whose signatures are always low-S.
///
/// Fabric's BCCSP refuses ECDSA signatures whose S lies in the upper half of the group order
/// (to stop signature malleability); BoringSSL does not normalise, so every signature Charter
/// makes goes through here.
public struct SigningKey: Sendable, Hashable {
    /// The curves Charter issues and signs with.
    public enum Curve: String, Sendable, Hashable {
        case p256 = "P-256"
        case p384 = "P-384"
    }

    enum Backing: Sendable, Hashable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)

        static func == (lhs: Backing, rhs: Backing) -> Bool {
            lhs.raw == rhs.raw
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(raw)
        }

        var raw: Data {
            switch self {
            case .p256(let key): return key.rawRepresentation
            case .p384(let key): return key.rawRepresentation
            }
        }
    }

    let backing: Backing

    /// A fresh random key. The uncompressed representation is twice as fast to generate.
    public static func generate(_ curve: Curve = .p256) -> SigningKey {
        switch curve {
        case .p256: return SigningKey(backing: .p256(P256.Signing.PrivateKey(compactRepresentable: false)))
        case .p384: return SigningKey(backing: .p384(P384.Signing.PrivateKey(compactRepresentable: false)))
        }
    }

    /// Reads a PEM key in PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) form, as fabric-ca's
    /// `msp/keystore/*_sk` and cryptogen's `priv_sk` hold them.
    public init(pemEncoded pem: String) throws {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .p256(key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .p384(key)
        } else {
            throw CharterError(.configuration, "The private key is neither a P-256 nor a P-384 ECDSA key in PEM form")
        }
    }

    init(backing: Backing) {
        self.backing = backing
    }

    /// PKCS#8 PEM, the form fabric-ca-client and cryptogen write.
    public var pkcs8PEM: String {
        switch backing {
        case .p256(let key): return key.pemRepresentation + "\n"
        case .p384(let key): return key.pemRepresentation + "\n"
        }
    }

    /// The public half, as the certificate library models it.
    public var publicKey: Certificate.PublicKey {
        switch backing {
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        }
    }

    /// A DER ECDSA signature over SHA-256 of `data`, low-S.
    ///
    /// SHA-256 for both curves, as Fabric's SW BCCSP with `hash: SHA2, security: 256` does.
    public func signatureDER(over data: some DataProtocol) throws -> [UInt8] {
        let digest = SHA256.hash(data: data)
        switch backing {
        case .p256(let key):
            let signature = try key.signature(for: digest)
            return try LowS.normalise(der: Array(signature.derRepresentation), order: LowS.p256Order)
        case .p384(let key):
            let signature = try key.signature(for: digest)
            return try LowS.normalise(der: Array(signature.derRepresentation), order: LowS.p384Order)
        }
    }

    /// Wraps this key for the certificate library, which then signs through ``signatureDER(over:)``.
    public var certificateKey: Certificate.PrivateKey {
        Certificate.PrivateKey(CertificateSigner(key: self))
    }
}

/// Bridges ``SigningKey`` into swift-certificates so certificates and CSRs are signed low-S.
struct CertificateSigner: CustomPrivateKey {
    let key: SigningKey

    var publicKey: Certificate.PublicKey { key.publicKey }

    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm { .ecdsaWithSHA256 }

    var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [.ecdsaWithSHA256] }

    func signSynchronously(
        bytes: some DataProtocol,
        signatureAlgorithm: Certificate.SignatureAlgorithm
    ) throws -> Certificate.Signature {
        guard signatureAlgorithm == .ecdsaWithSHA256 else {
            throw CharterError(.internalError, "Charter signs with ecdsa-with-SHA256 only, not \(signatureAlgorithm)")
        }
        let der = try key.signatureDER(over: bytes)
        return try Certificate.Signature(
            signatureAlgorithm: .ecdsaWithSHA256,
            signatureBytes: ASN1BitString(bytes: der[...])
        )
    }

    // swift-certificates asks every custom key to be PEM-serialisable; PKCS#8 is what we store.
    static var defaultPEMDiscriminator: String { "PRIVATE KEY" }

    func serialize(into coder: inout DER.Serializer) throws {
        let document = try PEMDocument(pemString: key.pkcs8PEM)
        coder.serializeRawBytes(document.derBytes)
    }
}
