// Every key of fabric-ca-client-config.yaml (1.5) in one of three classes, as for the server: the
// client verbs read a home's file and the `FABRIC_CA_CLIENT_*` variables through this table, so a
// setting Charter does not implement (another Idemix curve, register defaults) stops the
// command instead of being ignored.

import CharterConfiguration

extension ConfigurationKeys {
    /// The client's table.
    public static let client = ConfigurationKeys(
        keys: [
            ConfigurationKey("url"), ConfigurationKey("mspdir"), ConfigurationKey("caname"),
            ConfigurationKey("tls.certfiles", isList: true), ConfigurationKey("tls.client.certfile"),
            ConfigurationKey("tls.client.keyfile"),
            ConfigurationKey("csr.names", isWhole: true), ConfigurationKey("csr.hosts", isList: true),
            ConfigurationKey("csr.keyrequest.algo"), ConfigurationKey("csr.keyrequest.size"),
            ConfigurationKey("csr.keyrequest.reusekey", isBoolean: true),
            ConfigurationKey("enrollment.profile"), ConfigurationKey("enrollment.label"),
            ConfigurationKey("enrollment.type"),
            ConfigurationKey("mycertfile"), ConfigurationKey("myskfile"), ConfigurationKey("mycacertfile"),
            ConfigurationKey(
                "csr.cn",
                .noEffect("the certificate's CN is the enrollment ID, which fabric-ca-client also puts there")
            ),
            ConfigurationKey("bccsp.sw.hash", .noEffect("software keys: the algorithm comes from csr.keyrequest")),
            ConfigurationKey("bccsp.sw.security", .noEffect("software keys: the size comes from csr.keyrequest")),
            ConfigurationKey(
                "bccsp.sw.filekeystore.keystore",
                .refused("Charter writes keys to <mspdir>/keystore, or where --myskfile names"),
                inert: ["msp/keystore"]
            ),
            ConfigurationKey(
                "csr.serialnumber",
                .refused("Charter puts no serial number in the subject it asks for"),
                inert: []
            ),
            ConfigurationKey(
                "enrollment.attrs",
                .refused("pass the attributes with --enrollment.attrs"),
                isWhole: true
            ),
            ConfigurationKey(
                "idemixcurveid",
                .refused("Charter enrolls Idemix credentials on fabric-ca's default curve only"),
                inert: ["amcl.fp256bn"]
            ),
        ]
            + ["name", "type", "affiliation", "secret", "maxenrollments", "attributes"].map { field in
                ConfigurationKey(
                    "id.\(field)",
                    .refused("register takes the new identity from its --id.* flags, not from the configuration file"),
                    inert: ["0"],
                    isWhole: field == "attributes"
                )
            } + bccsp,
        environmentPrefix: "FABRIC_CA_CLIENT_",
        spellings: ["idemixCurveID"]
    )
}
