// The identity a client signs tokens with: an enrollment certificate and its key.

import CharterCore

/// An enrolled identity, as an MSP folder holds it.
public struct ClientIdentity: Sendable {
    /// The private key.
    public var key: SigningKey
    /// The enrollment certificate in PEM, exactly as the server returned it.
    public var certificatePEM: String

    /// Creates an identity.
    public init(key: SigningKey, certificatePEM: String) {
        self.key = key
        self.certificatePEM = certificatePEM
    }
}
