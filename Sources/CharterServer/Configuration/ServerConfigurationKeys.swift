// Every key of fabric-ca-server-config.yaml (1.5) and of Charter's own server configuration, in
// one of three classes: honoured, accepted with no effect (and why), or refused unless set to a
// value that asks for nothing. The loader, `FABRIC_CA_SERVER_*` variables and the generic
// `--<key>` flags all go through this table; docs/reference/configuration.md is generated from it,
// docs/operators/configuration.md explains its refused and no-effect keys, and tests keep both current.

import CharterConfiguration

extension ConfigurationKeys {
    /// The server's table.
    public static let server = ConfigurationKeys(
        keys: ServerKeys.honoured + ServerKeys.withoutEffect + ServerKeys.refused + ConfigurationKeys.bccsp,
        environmentPrefix: "FABRIC_CA_SERVER_",
        spellings: ["listenAddress", "v1_3"]
    )
}

/// The classes of the server's keys.
enum ServerKeys {
    static let honoured: [ConfigurationKey] =
        [
            ConfigurationKey("port"), ConfigurationKey("address"),
            ConfigurationKey("debug", isBoolean: true), ConfigurationKey("loglevel"),
            ConfigurationKey("tls.enabled", isBoolean: true), ConfigurationKey("tls.certfile"),
            ConfigurationKey("tls.keyfile"), ConfigurationKey("tls.clientauth.type"),
            ConfigurationKey("tls.clientauth.certfiles", isList: true), ConfigurationKey("tls.renewbefore"),
            ConfigurationKey("ca.name"), ConfigurationKey("ca.keyfile"), ConfigurationKey("ca.certfile"),
            ConfigurationKey("ca.chainfile"), ConfigurationKey("ca.expirywarning"), ConfigurationKey("ca.hashkeyfile"),
            ConfigurationKey("crl.expiry"),
            ConfigurationKey("idemix.rhpoolsize"), ConfigurationKey("idemix.nonceexpiration"),
            ConfigurationKey("registry.maxenrollments"), ConfigurationKey("registry.identities", isWhole: true),
            ConfigurationKey("db.type"), ConfigurationKey("db.datasource"), ConfigurationKey("db.tls.enabled"),
            ConfigurationKey("db.tls.certfiles", isList: true), ConfigurationKey("db.tls.client.certfile"),
            ConfigurationKey("db.tls.client.keyfile"),
            ConfigurationKey("affiliations", isWhole: true),
            ConfigurationKey("csr.cn"), ConfigurationKey("csr.names", isWhole: true),
            ConfigurationKey("csr.hosts", isList: true), ConfigurationKey("csr.ca.expiry"),
            ConfigurationKey("csr.ca.pathlength"), ConfigurationKey("csr.keyrequest.algo"),
            ConfigurationKey("csr.keyrequest.size"),
            ConfigurationKey("cfg.identities.passwordattempts"),
            ConfigurationKey("cfg.identities.allowremove", isBoolean: true),
            ConfigurationKey("cfg.affiliations.allowremove", isBoolean: true),
            ConfigurationKey("operations.listenaddress"),
            ConfigurationKey("cafiles", isList: true), ConfigurationKey("cacount"),
            ConfigurationKey("intermediate.parentserver.url"), ConfigurationKey("intermediate.parentserver.caname"),
            ConfigurationKey("intermediate.enrollment.hosts", isList: true),
            ConfigurationKey("intermediate.enrollment.profile"), ConfigurationKey("intermediate.enrollment.label"),
            ConfigurationKey("intermediate.tls.certfiles", isList: true),
            ConfigurationKey("intermediate.tls.client.certfile"), ConfigurationKey("intermediate.tls.client.keyfile"),
            // Charter's own.
            ConfigurationKey("gateways", isWhole: true), ConfigurationKey("keyalgorithms", isList: true),
            ConfigurationKey(
                "compatibility.v1_3",
                isBoolean: true,
                environment: "FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3"
            ),
            ConfigurationKey("connections.handshaketimeout"), ConfigurationKey("connections.requesttimeout"),
            ConfigurationKey("connections.idletimeout"), ConfigurationKey("connections.maxconnections"),
            ConfigurationKey("connections.shutdowntimeout"),
            ConfigurationKey("log.origin"), ConfigurationKey("log.keyfile"), ConfigurationKey("log.checkpointinterval"),
            ConfigurationKey("log.readauth", isBoolean: true),
            ConfigurationKey("ldap.enabled", isBoolean: true), ConfigurationKey("ldap.url"),
            ConfigurationKey("ldap.userfilter"), ConfigurationKey("ldap.tls.certfiles", isList: true),
            ConfigurationKey("ldap.tls.client.certfile"), ConfigurationKey("ldap.tls.client.keyfile"),
            ConfigurationKey("ldap.attribute.names", isList: true),
            ConfigurationKey("ldap.attribute.converters", isWhole: true),
            ConfigurationKey("ldap.attribute.maps", isWhole: true),
            ConfigurationKey("acme.enabled", isBoolean: true), ConfigurationKey("acme.eab", isBoolean: true),
            ConfigurationKey("acme.allow", isList: true), ConfigurationKey("acme.resolver"),
            ConfigurationKey("acme.http01port"), ConfigurationKey("acme.tlsalpn01port"),
            ConfigurationKey("acme.ordersperhour"),
        ] + ["default", "*"].flatMap(profileKeys)

    /// A signing profile's keys (`signing.default` or `signing.profiles.<name>`).
    static func profileKeys(_ name: String) -> [ConfigurationKey] {
        let prefix = name == "default" ? "signing.default" : "signing.profiles.\(name)"
        return [
            ConfigurationKey("\(prefix).usage", isList: true), ConfigurationKey("\(prefix).expiry"),
            ConfigurationKey("\(prefix).backdate"), ConfigurationKey("\(prefix).caconstraint.isca"),
            ConfigurationKey("\(prefix).caconstraint.maxpathlen"),
            ConfigurationKey("\(prefix).caconstraint.maxpathlenzero"),
        ]
    }

    static let withoutEffect: [ConfigurationKey] = [
        ConfigurationKey("version", .noEffect("fabric-ca's stamp of the release that wrote the file")),
        ConfigurationKey("ldap.groupfilter", .noEffect("fabric-ca 1.5 reads nothing with it either")),
        ConfigurationKey(
            "bccsp.sw.hash",
            .noEffect("software keys: the CA's key comes from csr.keyrequest, certificates are signed with SHA-256/384")
        ),
        ConfigurationKey("bccsp.sw.security", .noEffect("software keys: the CA's key size comes from csr.keyrequest")),
        ConfigurationKey(
            "metrics.statsd.*",
            .noEffect("read only when metrics.provider is statsd, which Charter refuses")
        ),
        ConfigurationKey(
            "operations.tls.*",
            .noEffect("read only when operations.tls.enabled is true, which Charter refuses")
        ),
        ConfigurationKey(
            "operations.tls.*.*",
            .noEffect("read only when operations.tls.enabled is true, which Charter refuses")
        ),
        ConfigurationKey("cors.origins", .noEffect("read only when cors.enabled is true, which Charter refuses")),
        ConfigurationKey(
            "idemix.noncesweepinterval",
            .noEffect("expired nonces are deleted whenever a new one is handed out")
        ),
    ]

    static let refused: [ConfigurationKey] = [
        ConfigurationKey(
            "bccsp.sw.filekeystore.keystore",
            .refused("Charter keeps the CA key in <home>/msp/keystore, or where ca.keyfile names it"),
            inert: ["msp/keystore"]
        ),
        ConfigurationKey(
            "idemix.curve",
            .refused("Charter issues Idemix credentials on fabric-ca's default curve only"),
            inert: ["amcl.fp256bn"]
        ),
        ConfigurationKey(
            "cors.enabled",
            .refused("Charter sends no CORS headers: put a proxy that adds them in front of it"),
            inert: ["false"],
            isBoolean: true
        ),
        ConfigurationKey(
            "crlsizelimit",
            .refused("Charter does not limit the size of CRLs: remove the key or set fabric-ca's 512000"),
            inert: ["512000"]
        ),
        ConfigurationKey(
            "ca.reenrollignorecertexpiry",
            .refused("reenrolling with an expired certificate is not supported: enroll again with the secret"),
            inert: ["false"],
            isBoolean: true
        ),
        ConfigurationKey(
            "operations.tls.enabled",
            .refused("the operations listener serves plain HTTP (on 127.0.0.1 by default): put TLS in front of it"),
            inert: ["false"],
            isBoolean: true
        ),
        ConfigurationKey(
            "metrics.provider",
            .refused(
                "Charter serves Prometheus metrics at /metrics on the operations listener; StatsD is not implemented"
            ),
            inert: ["disabled", "prometheus"]
        ),
    ]
}
