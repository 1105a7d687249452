import CharterCore
import CharterMySQL
import CharterStore
import Foundation
import Testing

/// What only MySQL has: fabric-ca's Go datasource, text that must survive as bytes, and a
/// connection the server drops.
@Suite(.enabled(if: TestMySQL.isAvailable)) struct MySQLRegistryTests {
    @Test func hostileTextRoundTripsByteForByte() async throws {
        let registry = try await MySQLRegistry(try await TestMySQL.shared.makeDatabase(), maximumConnections: 2)
        let nasty = "x'); DROP TABLE identities; -- \\' \" \\\\ %_ \u{0} é 🔑"
        try await registry.addAffiliations(["o'rg.un\"it"])
        let identity = Identity(
            id: "o'neil\\",
            type: "client",
            affiliation: "o'rg.un\"it",
            attributes: [IdentityAttribute(name: "note", value: nasty, ecert: true)],
            maxEnrollments: -1,
            secretHash: nasty
        )
        try await registry.insert(identity)
        #expect(try await registry.identity("o'neil\\") == identity)
        #expect(try await registry.identity("o'neil") == nil)
        #expect(try await registry.affiliations() == ["o'rg", "o'rg.un\"it"])
        #expect(try await registry.counts().identities == 1)
    }

    @Test func datesKeepTheirMicroseconds() async throws {
        let registry = try await MySQLRegistry(try await TestMySQL.shared.makeDatabase(), maximumConnections: 2)
        try await registry.insert(
            Identity(id: "p", type: "peer", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        let certificate = try TestCertificates.record(for: "p")
        try await registry.recordEnrollment(EnrollmentRecord(certificate: certificate, countsAsEnrollment: true))
        // A leap day and a fraction of a second.
        let when = Date(timeIntervalSince1970: 951_782_400.123_456)
        let revoked = try await registry.revokeCertificate(
            serial: certificate.serial,
            authorityKeyIdentifier: certificate.authorityKeyIdentifier,
            reason: .keyCompromise,
            at: when
        )
        let stored = try #require(
            try await registry.certificate(
                serial: certificate.serial,
                authorityKeyIdentifier: certificate.authorityKeyIdentifier
            )
        )
        #expect(stored == revoked)
        #expect(abs(try #require(stored.revokedAt).timeIntervalSince(when)) < 0.000_001)
        #expect(stored.notAfter == certificate.notAfter && stored.issuedAt == certificate.issuedAt)
        var filter = CertificateFilter()
        filter.revokedStart = Date(timeIntervalSince1970: -86_400)
        filter.revokedEnd = when
        let old = try await registry.certificates(matching: filter)
        #expect(old.map(\.serial) == [certificate.serial])
    }

    @Test func aFabricCADatabaseIsNotTakenOver() async throws {
        let source = try await TestMySQL.shared.makeDatabase()
        try await TestMySQL.shared.execute(
            "CREATE DATABASE \(source.database)$$ CREATE TABLE \(source.database).users (id VARCHAR(255))"
        )
        let error = await #expect(throws: CharterError.self) { _ = try await MySQLRegistry(source) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("server import --from-db") == true)
    }

    @Test func aWrongPasswordIsAConfigurationError() async throws {
        var source = try await TestMySQL.shared.makeDatabase()
        source.user = "nobody-here"
        source.password = "wrong"
        let error = await #expect(throws: CharterError.self) { _ = try await MySQLRegistry(source) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("wrong") == false)
    }

    @Test func tcpLocalhostMeansTCPAsInTheGoDriver() async throws {
        // The C client alone would take the local socket for "localhost"; the test server has none there.
        var source = try await TestMySQL.shared.makeDatabase()
        source.host = "localhost"
        try await MySQLRegistry(source, maximumConnections: 1).ping()
    }

    @Test func anUnreachableDatabaseIsUnavailable() async throws {
        let nowhere = try MySQLDataSource(parsing: "root@tcp(127.0.0.1:1)/none?timeout=2s")
        let error = await #expect(throws: CharterError.self) { _ = try await MySQLRegistry(nowhere) }
        #expect(error?.code == .unavailable)
    }

    @Test func killedConnectionsAreReplaced() async throws {
        let source = try await TestMySQL.shared.makeDatabase()
        let registry = try await MySQLRegistry(source, maximumConnections: 2)
        try await registry.ping()
        try await TestMySQL.shared.execute(
            """
            BEGIN NOT ATOMIC
                FOR c IN (SELECT id FROM information_schema.processlist WHERE db = '\(source.database)') DO
                    KILL CONNECTION c.id;
                END FOR;
            END
            """
        )
        // The request on the killed connection fails as unavailable (a 503 to retry: whether a
        // statement in flight ran is unknown); the pool drops it and the next one connects anew.
        let error = await #expect(throws: CharterError.self) { _ = try await registry.counts() }
        #expect(error?.code == .unavailable)
        #expect(try await registry.counts().identities == 0)
        #expect(try await registry.counts().identities == 0)
    }
}

@Suite struct MySQLDataSourceTests {
    @Test func fabricCAsGoFormIsParsed() throws {
        let source = try MySQLDataSource(
            parsing: "fabric:p@ss:w/rd@tcp(db.example.com:3307)/fabric_ca?parseTime=true&tls=custom&timeout=3s"
        )
        #expect(source.user == "fabric" && source.password == "p@ss:w/rd")
        #expect(source.host == "db.example.com" && source.port == 3307)
        #expect(source.database == "fabric_ca" && source.tls == .custom)
        #expect(source.connectTimeout == .seconds(3))
        #expect(source.redacted == "fabric:***@tcp(db.example.com:3307)/fabric_ca")
    }

    @Test func addressesDefaultAsTheGoDriverDoes() throws {
        let bare = try MySQLDataSource(parsing: "root@/ca")
        #expect(bare.host == "127.0.0.1" && bare.port == 3306 && bare.password == nil)
        let socket = try MySQLDataSource(parsing: "ca:pw@unix(/run/mysqld/mysqld.sock)/ca?tls=skip-verify")
        #expect(socket.socket == "/run/mysqld/mysqld.sock" && socket.tls == .skipVerify)
        let ipv6 = try MySQLDataSource(parsing: "u@tcp([::1]:3310)/ca?tls=true")
        #expect(ipv6.host == "::1" && ipv6.port == 3310 && ipv6.tls == .verifyFull)
    }

    @Test(arguments: [
        "root@tcp(db:3306)", "root@tcp(db:0)/ca", "root@tcp(db:99999)/ca", "root@udp(db)/ca",
        "root@tcp(db)/fabric-ca", "root@tcp(db)/ca;drop", "root@tcp(db)/ca?colour=blue",
        "root@tcp(db)/ca?timeout=5x", "root@tcp(db)/ca?readTimeout=10ms", ":pw@tcp(db)/ca", "root@tcp(db)/ca?parseTime",
    ])
    func mistakesAreConfigurationErrors(_ text: String) {
        let error = #expect(throws: CharterError.self) { _ = try MySQLDataSource(parsing: text) }
        #expect(error?.code == .configuration)
    }

    @Test func mysqlDatasourcesAreToldApart() {
        #expect(MySQLDataSource.isMySQL("root:pw@tcp(localhost:3306)/fabric_ca?parseTime=true"))
        #expect(!MySQLDataSource.isMySQL("charter.db"))
        #expect(!MySQLDataSource.isMySQL("host=localhost dbname=ca"))
    }
}
