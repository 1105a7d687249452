// The credential revocation information of an epoch: fabric-ca's only algorithm,
// ALG_NO_REVOCATION, publishes g2 as the epoch key, signed with the revocation key (ECDSA P-384
// over SHA-256 of the message without its signature).

import Crypto

/// An `idemix.CredentialRevocationInformation`.
public struct CredentialRevocationInformation: Sendable {
    public let epoch: Int64
    /// The DER ECDSA signature of the epoch key.
    public let signature: [UInt8]

    /// Signs the information of `epoch` with the revocation key.
    public init(epoch: Int64, key: P384.Signing.PrivateKey) throws {
        self.epoch = epoch
        signature = Array(try key.signature(for: SHA256.hash(data: Self.unsigned(epoch: epoch))).derRepresentation)
    }

    /// Reads the information and checks its signature with the revocation public key.
    public init(serialized bytes: [UInt8], key: P384.Signing.PublicKey) throws(IdemixError) {
        var reader = ProtobufReader(bytes)
        var epoch: Int64 = 0
        var algorithm: Int64 = 0
        var epochKey: G2?
        var signature: [UInt8] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: epoch = try value.integer()
            case 2: epochKey = try G2(message: try value.bytes(), name: "the epoch key")
            case 3: signature = try value.bytes()
            case 4: algorithm = try value.integer()
            default: continue
            }
        }
        guard algorithm == 0, epochKey == G2.generator else {
            throw .invalidValue("only ALG_NO_REVOCATION is supported")
        }
        guard let ecdsa = try? P384.Signing.ECDSASignature(derRepresentation: signature),
            key.isValidSignature(ecdsa, for: SHA256.hash(data: Self.unsigned(epoch: epoch)))
        else { throw .invalidProof("the epoch key's signature does not verify with the revocation public key") }
        self.epoch = epoch
        self.signature = signature
    }

    /// The serialised message fabric-ca sends (base64) and a SignerConfig holds.
    public var serialized: [UInt8] { Self.encode(epoch: epoch, signature: signature) }

    private static func unsigned(epoch: Int64) -> [UInt8] { encode(epoch: epoch, signature: []) }

    private static func encode(epoch: Int64, signature: [UInt8]) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.integer(1, epoch)
        writer.message(2, G2.generator.message)
        writer.bytes(3, signature)
        return writer.bytes
    }
}
