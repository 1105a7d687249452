// A private key that lives outside the process (a hardware security module): Charter holds its
// public point and asks it for signatures; the key itself never comes into memory.

/// A key held by a token that signs for Charter.
///
/// CharterCore stays free of I/O: the module that talks to the token implements this, and
/// ``SigningKey`` turns what it returns into the signatures Fabric accepts (ECDSA in DER, low-S).
public protocol ExternalSigningKey: Sendable {
    /// The algorithm of the key.
    var algorithm: SigningKey.Algorithm { get }
    /// The public key: ECDSA's uncompressed point (`04 || X || Y`) or Ed25519's 32 bytes.
    var publicPoint: [UInt8] { get }
    /// ECDSA: the raw `r || s` signature of `digest` (already hashed). Ed25519: the 64-byte
    /// signature of `message`, which is then the whole message.
    func sign(_ input: [UInt8]) throws -> [UInt8]
}
