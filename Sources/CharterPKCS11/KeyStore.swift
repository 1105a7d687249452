// Where private keys live, as fabric-ca's `bccsp:` section says, for the server and the client
// alike: files (SW, the default), or a PKCS#11 token (PKCS11), where keys are made and stay, named
// as Fabric's BCCSP names them so a peer or fabric-ca configured for the same token finds them.

import CharterCore
import X509

/// A key store: files, or a token.
public enum KeyStore: Sendable {
    /// Key files (the MSP's keystore, the server home's).
    case files
    /// Keys in a token; nothing private is written.
    case token(PKCS11Token)

    /// The store `bccsp.default` names: PKCS11 loads `library` and logs in to the token labelled
    /// `label`, so a wrong library, label or PIN stops the command or the start at once.
    public init(default kind: String?, library: String?, label: String?, pin: String?) throws {
        switch (kind ?? "SW").uppercased() {
        case "SW", "":
            self = .files
        case "PKCS11":
            guard let library, !library.isEmpty, let label, !label.isEmpty else {
                throw CharterError(
                    .configuration,
                    "bccsp.default is PKCS11: set bccsp.pkcs11.library and bccsp.pkcs11.label"
                )
            }
            self = .token(try PKCS11Module(path: library).token(label: label, pin: pin ?? ""))
        case let other:
            throw CharterError(.configuration, "bccsp.default '\(other)' is not a key store: use SW or PKCS11")
        }
    }

    /// A new key: generated here (SW) or in the token (PKCS11).
    public func generate(_ algorithm: SigningKey.Algorithm) throws -> SigningKey {
        switch self {
        case .files: return .generate(algorithm)
        case .token(let token): return try SigningKey(external: try token.generateKey(algorithm))
        }
    }

    /// The token's key for `publicKey`, found by the SHA-256 of its point; nil for files (the
    /// caller reads its keystore) or when the token does not hold it.
    public func tokenKey(for publicKey: Certificate.PublicKey) throws -> SigningKey? {
        guard case .token(let token) = self else { return nil }
        let point = publicKey.ecPoint
        guard !point.isEmpty, let key = try token.key(publicPoint: point) else { return nil }
        return try SigningKey(external: key)
    }
}
