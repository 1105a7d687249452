// The client home's `bccsp:` section as a key store.

import CharterPKCS11

extension KeyStore {
    /// The store the client configuration's `bccsp:` section names (SW when it has none).
    public init(_ bccsp: ClientSettings.BCCSP?) throws {
        try self.init(
            default: bccsp?.default,
            library: bccsp?.pkcs11?.library,
            label: bccsp?.pkcs11?.label,
            pin: bccsp?.pkcs11?.pin
        )
    }
}
