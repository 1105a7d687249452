import CharterConfiguration
import CharterCore
import Foundation
import Testing

@testable import CharterServer

/// The server's table against the files it must read: Charter's own, fabric-ca's, and README.
@Suite struct ServerConfigurationKeysTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theConfigurationCharterWritesReadsBack() throws {
        var configuration = ServerConfiguration()
        configuration.signing.profiles["ca"] = ServerConfiguration.Profile(
            usage: ["cert sign"],
            expiry: "43800h",
            caconstraint: ServerConfiguration.CAConstraint(isca: true, maxpathlen: 0, maxpathlenzero: true)
        )
        configuration.registry.identities = [ServerConfiguration.BootstrapIdentity(name: "a", pass: "b")]
        configuration.loglevel = "debug"
        // Every key it writes is one the table honours, spelt as the decoder reads it.
        let read = try ServerConfiguration.load(yaml: try configuration.yaml())
        #expect(read.signing.profiles["ca"]?.caconstraint?.maxpathlenzero == true)
        #expect(read.registry.identities.map(\.name) == ["a"] && read.loglevel == "debug")
        #expect(read.operations.listenAddress == configuration.operations.listenAddress)
        #expect(read.signing.profiles.keys.sorted() == configuration.signing.profiles.keys.sorted())
    }

    @Test func fabricCAsOwnDefaultConfigurationIsAccepted() throws {
        let path = Self.repository.appendingPathComponent(
            "Tests/Fixtures/fabric-ca/home-1.5.5/home/fabric-ca-server-config.yaml"
        ).path
        let configuration = try ServerConfiguration.load(contentsOf: path)
        #expect(configuration.cfg.identities.passwordattempts == 10)
        #expect(configuration.signing.profiles["ca"]?.caconstraint?.isca == true)
    }

    @Test(arguments: [
        "ldap:\n  enabled: true\n  sizelimit: 3\n", "bccsp:\n  pkcs11:\n    altid: key7\n",
        "idemix:\n  curve: gurvy.Bn254\n", "cors:\n  enabled: true\n", "crlsizelimit: 1\n",
        "ca:\n  reenrollIgnoreCertExpiry: true\n", "operations:\n  tls:\n    enabled: true\n",
        "metrics:\n  provider: statsd\n", "bccsp:\n  sw:\n    filekeystore:\n      keystore: /elsewhere\n",
        "signing:\n  profiles:\n    tls:\n      ocsp_url: http://x\n", "tls:\n  enable: true\n",
    ])
    func unimplementedSettingsStopTheStartNamingTheKey(yaml: String) {
        let error = #expect(throws: CharterError.self) { try ServerConfiguration.load(yaml: yaml) }
        #expect(error?.code == .configuration)
        #expect(error?.message.hasPrefix("Configuration key '") == true)
    }

    @Test func fabricCAsVariablesAndFlagsSetTheirKeys() throws {
        let configuration = try ServerConfiguration.load(
            yaml: "",
            environment: ["FABRIC_CA_SERVER_CSR_HOSTS": "a.example.com,b", "FABRIC_CA_SERVER_CA_NAME": "ca1"],
            flags: ["--cfg.identities.allowremove", "--cfg.affiliations.allowremove=true", "--crl.expiry", "12h"]
        )
        #expect(configuration.csr.hosts == ["a.example.com", "b"])
        #expect(configuration.ca.name == "ca1")
        #expect(configuration.cfg.identities.allowremove && configuration.cfg.affiliations.allowremove)
        #expect(configuration.crl.expiry == "12h")
        let hsm = try ServerConfiguration.load(
            yaml: "",
            environment: ["FABRIC_CA_SERVER_BCCSP_DEFAULT": "PKCS11", "FABRIC_CA_SERVER_BCCSP_PKCS11_PIN": "98765432"],
            flags: ["--bccsp.pkcs11.label", "ForFabric"]
        )
        #expect(hsm.bccsp.usesToken && hsm.bccsp.pkcs11.pin == "98765432" && hsm.bccsp.pkcs11.label == "ForFabric")
        #expect(throws: CharterError.self) {
            try ServerConfiguration.load(yaml: "", environment: ["FABRIC_CA_SERVER_BCCSP_PKCS11_ALTID": "k"])
        }
    }

    @Test func theConfigurationPageExplainsEveryKeyThatIsRefusedOrHasNoEffect() throws {
        let page = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/operators/configuration.md"),
            encoding: .utf8
        )
        for key in ConfigurationKeys.server.keys {
            if case .honoured = key.treatment { continue }
            #expect(page.contains("`\(key.path)`"), "docs/operators/configuration.md names \(key.path)")
        }
    }
}
