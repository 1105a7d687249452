// fabric-ca's `bccsp:` keys for keys in an HSM, read the same way by the server and the client.

extension ConfigurationKeys {
    /// `bccsp.default` (SW or PKCS11) and the `bccsp.pkcs11` keys, each in its class.
    public static let bccsp: [ConfigurationKey] = [
        ConfigurationKey("bccsp.default"), ConfigurationKey("bccsp.pkcs11.library"),
        ConfigurationKey("bccsp.pkcs11.pin"), ConfigurationKey("bccsp.pkcs11.label"),
        ConfigurationKey("bccsp.pkcs11.hash", .noEffect("the key algorithm comes from csr.keyrequest")),
        ConfigurationKey("bccsp.pkcs11.security", .noEffect("the key size comes from csr.keyrequest")),
        ConfigurationKey("bccsp.pkcs11.softwareverify", .noEffect("Charter verifies every signature in software")),
        ConfigurationKey(
            "bccsp.pkcs11.immutable",
            .noEffect("Charter sets a new key's CKA_ID and CKA_LABEL once, right after making it, as BCCSP does")
        ),
        ConfigurationKey("bccsp.pkcs11.filekeystore.keystore", .noEffect("with PKCS11 no key is kept in files")),
        ConfigurationKey(
            "bccsp.pkcs11.altid",
            .refused("Charter names token keys by the SHA-256 of their public point, as BCCSP does without altid"),
            inert: []
        ),
    ]
}
