// The raw bytes of a public key: what SKIs and fabric-ca's keystore file names are hashed from.

import Crypto
import X509

extension Certificate.PublicKey {
    /// The uncompressed EC point (`04 || X || Y`), the 32 bytes of an Ed25519 key, or empty for
    /// other keys. cryptogen hashes exactly these bytes for SKIs, fabric-ca for key file names.
    public var ecPoint: [UInt8] {
        if let key = P256.Signing.PublicKey(self) { return Array(key.x963Representation) }
        if let key = P384.Signing.PublicKey(self) { return Array(key.x963Representation) }
        if let key = Curve25519.Signing.PublicKey(self) { return Array(key.rawRepresentation) }
        return []
    }

    /// The key's algorithm, when it is one Charter issues for.
    public var algorithm: SigningKey.Algorithm? {
        if P256.Signing.PublicKey(self) != nil { return .p256 }
        if P384.Signing.PublicKey(self) != nil { return .p384 }
        if Curve25519.Signing.PublicKey(self) != nil { return .ed25519 }
        return nil
    }
}
