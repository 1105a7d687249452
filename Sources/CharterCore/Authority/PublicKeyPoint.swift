// The raw EC point of a public key: what SKIs and fabric-ca's keystore file names are hashed from.

import Crypto
import X509

extension Certificate.PublicKey {
    /// The uncompressed EC point (`04 || X || Y`), or empty for non-EC keys.
    public var ecPoint: [UInt8] {
        if let key = P256.Signing.PublicKey(self) { return Array(key.x963Representation) }
        if let key = P384.Signing.PublicKey(self) { return Array(key.x963Representation) }
        return []
    }
}
