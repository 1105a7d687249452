import CharterCore
import Foundation
import Logging
import Testing

@testable import CharterServer

@Suite struct ServerConfigurationTests {
    @Test(arguments: ["admin:", ":pw", "nocolon", ""])
    func bootstrapNeedsANameAndASecret(text: String) {
        #expect(throws: CharterError.self) { try ServerConfiguration.BootstrapIdentity(parsing: text) }
    }

    @Test func bootstrapSecretsMayHoldColons() throws {
        let identity = try ServerConfiguration.BootstrapIdentity(parsing: "admin:a:b")
        #expect(identity.name == "admin" && identity.pass == "a:b")
        #expect(identity.attrs["hf.Revoker"] == "1")
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        let error = #expect(throws: CharterError.self) {
            try ServerConfiguration.load(contentsOf: "/nonexistent/charter.yaml")
        }
        #expect(error?.message.contains("/nonexistent/charter.yaml") == true)
    }

    @Test func legacyTokensFollowTheEnvironment() throws {
        #expect(!(try ServerConfiguration.load(yaml: "port: 7054\n").compatibility.v1_3))
        let configuration = try ServerConfiguration.load(
            yaml: "port: 7054\n",
            environment: ["FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3": "true"]
        )
        #expect(configuration.compatibility.v1_3)
        #expect(try ServerConfiguration.load(yaml: "compatibility:\n  v1_3: true\n").compatibility.v1_3)
    }

    @Test func connectionDefaultsAreWhatAnOperatorWouldPick() throws {
        let connections = try ServerConfiguration.load(yaml: "port: 7054\n").connections
        #expect(connections.requesttimeout == "30s" && connections.handshaketimeout == "10s")
        #expect(connections.maxconnections == 4096)
    }
}

@Suite struct DatabaseConfigurationTests {
    @Test func eachDatabaseTypeIsKnownAndOthersAreRefused() throws {
        for (type, kind) in [
            ("sqlite3", ServerConfiguration.DB.Kind.sqlite), ("postgres", .postgres), ("mysql", .mysql),
        ] {
            #expect(try ServerConfiguration.load(yaml: "db:\n  type: \(type)\n").db.kind() == kind)
        }
        let error = #expect(throws: CharterError.self) {
            try ServerConfiguration.load(yaml: "db:\n  type: oracle\n").db.kind()
        }
        #expect(error?.message.contains("mysql") == true)
    }

    @Test func aMySQLPasswordIsNeverShownAndMakesTheConfigPrivate() throws {
        let db = try ServerConfiguration.load(
            yaml: "db:\n  type: mysql\n  datasource: ca:s3cret@tcp(db:3306)/fabric_ca?parseTime=true\n"
        ).db
        #expect(db.redactedDatasource == "ca:***@tcp(db:3306)/fabric_ca")
        #expect(db.datasourceHasPassword)
        #expect(!ServerConfiguration.DB().datasourceHasPassword)
    }

    @Test func tlsEnabledIsWrittenOnlyForTheDatabase() throws {
        var configuration = try ServerConfiguration.load(yaml: "db:\n  tls:\n    enabled: true\n")
        #expect(configuration.db.tls.enabled)
        // Written back and read again: no `intermediate.tls.enabled` or `ldap.tls.enabled`, which
        // are not settings and would be refused.
        #expect(try ServerConfiguration.load(yaml: try configuration.yaml()).db.tls.enabled)
        configuration.db.tls.enabled = false
        #expect(!(try ServerConfiguration.load(yaml: try configuration.yaml()).db.tls.enabled))
    }

    @Test func postgresTLSWithSSLModeDisableIsAContradiction() async throws {
        var configuration = ServerConfiguration()
        configuration.db.type = "postgres"
        configuration.db.datasource = "host=127.0.0.1 port=1 dbname=ca sslmode=disable"
        configuration.db.tls.enabled = true
        let error = await #expect(throws: CharterError.self) {
            _ = try await ServerHome.openRegistry(configuration: configuration, home: "/nonexistent")
        }
        #expect(error?.message.contains("sslmode") == true)
    }
}

@Suite struct PartialConfigurationTests {
    @Test func everySectionKeepsItsDefaultsForMissingKeys() throws {
        let configuration = try ServerConfiguration.load(
            yaml:
                "csr:\n  ca:\n    expiry: 100h\ncrl: {}\ndb: {}\noperations: {}\ncfg:\n  affiliations: {}\ncompatibility: {}\n"
        )
        #expect(configuration.csr.ca.expiry == "100h" && configuration.csr.ca.pathlength == 1)
        #expect(configuration.crl.expiry == "24h")
        #expect(configuration.db.datasource == "charter.db")
        #expect(configuration.operations.listenAddress == "127.0.0.1:9443")
        #expect(!configuration.cfg.affiliations.allowremove && !configuration.compatibility.v1_3)
    }
}

@Suite struct CAExpiryWatchTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func watch(daysLeft: Double) -> CAExpiryWatch {
        CAExpiryWatch(
            caName: "",
            notAfter: now.addingTimeInterval(daysLeft * 86_400),
            window: .seconds(90 * 86_400),
            logger: Logger(label: "test")
        )
    }

    @Test func warnsInsideTheWindowOnly() {
        #expect(watch(daysLeft: 91).warning(at: now) == nil)
        #expect(watch(daysLeft: 30).warning(at: now)?.contains("in 30 days") == true)
        #expect(watch(daysLeft: -1).warning(at: now)?.contains("expired") == true)
    }
}
