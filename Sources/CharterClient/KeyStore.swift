// Where a client's private keys live, as fabric-ca-client's `bccsp:` section says: files in the
// MSP's keystore (SW, the default), or a PKCS#11 token (PKCS11), where keys are made and stay,
// named as Fabric's BCCSP names them so a peer or fabric-ca-client configured for the same token
// finds them.

import CharterCore
import CharterPKCS11
import X509

/// The home's key store.
public enum KeyStore: Sendable {
    /// Key files in `<mspdir>/keystore` (or `--myskfile`).
    case files
    /// Keys in a token; nothing private is written.
    case token(PKCS11Token)

    /// The store a `bccsp:` section names: PKCS11 opens the library and logs in to the token
    /// labelled `pkcs11.label`, so a wrong library, label or PIN stops the command at once.
    public init(_ bccsp: ClientSettings.BCCSP?) throws {
        switch (bccsp?.default ?? "SW").uppercased() {
        case "SW", "":
            self = .files
        case "PKCS11":
            let pkcs11 = bccsp?.pkcs11
            guard let library = pkcs11?.library, !library.isEmpty, let label = pkcs11?.label, !label.isEmpty else {
                throw CharterError(
                    .configuration,
                    "bccsp.default is PKCS11: set bccsp.pkcs11.library and bccsp.pkcs11.label"
                )
            }
            self = .token(try PKCS11Module(path: library).token(label: label, pin: pkcs11?.pin ?? ""))
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

    /// The token's key for `publicKey`, found by the SHA-256 of its point; nil for files (the MSP
    /// reads its keystore) or when the token does not hold it.
    func tokenKey(for publicKey: Certificate.PublicKey) throws -> SigningKey? {
        guard case .token(let token) = self else { return nil }
        let point = publicKey.ecPoint
        guard !point.isEmpty, let key = try token.key(publicPoint: point) else { return nil }
        return try SigningKey(external: key)
    }
}
