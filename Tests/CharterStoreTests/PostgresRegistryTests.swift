import CharterCore
import CharterPostgres
import CharterStore
import Foundation
import Testing

/// Two `PostgresRegistry` values on one database behave like two replicas: what must be exact
/// across replicas is decided by the database.
@Suite(.enabled(if: TestPostgres.isAvailable)) struct PostgresRegistryTests {
    func replicas() async throws -> (PostgresRegistry, PostgresRegistry) {
        let database = try await TestPostgres.shared.makeDatabase()
        async let first = PostgresRegistry(database, maximumConnections: 8)
        async let second = PostgresRegistry(database, maximumConnections: 8)
        return try await (first, second)
    }

    func record(for id: String) throws -> CertificateRecord {
        try TestCertificates.record(for: id)
    }

    @Test func maxEnrollmentsHoldAcrossReplicas() async throws {
        let (a, b) = try await replicas()
        try await a.insert(
            Identity(id: "peer0", type: "peer", affiliation: "", attributes: [], maxEnrollments: 5, secretHash: "h")
        )
        let records = try (0..<20).map { _ in try record(for: "peer0") }
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for (index, certificate) in records.enumerated() {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    (try? await replica.recordEnrollment(
                        EnrollmentRecord(certificate: certificate, countsAsEnrollment: true)
                    )) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 5)
        #expect(try await b.counts().certificates == 5)
        #expect(try await a.identity("peer0")?.enrollments == 5)
        // both replicas appended to one log, in one order: exactly the accepted certificates
        #expect(try await a.logSize() == 5)
        let leaves = try await b.logEntries(start: 0, count: 10).map(MerkleTree.leafHash)
        #expect(try await MerkleTree.root(size: 5, node: a.nodeReader) == MerkleTree.root(of: leaves[...]))
    }

    @Test func crlNumbersStrictlyIncreaseAcrossReplicas() async throws {
        let (a, b) = try await replicas()
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask { try await replica.nextCRLNumber() }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...40))
    }

    @Test func lockoutHoldsAcrossReplicas() async throws {
        let (a, b) = try await replicas()
        try await a.insert(
            Identity(id: "user1", type: "client", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask { try await replica.countLoginAttempt("user1", limit: 7) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 7)
    }

    @Test func identityUpdatesOnBothReplicasAreAllKept() async throws {
        let (a, b) = try await replicas()
        try await a.insert(
            Identity(id: "peer1", type: "peer", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    _ = try await replica.updateIdentity("peer1") {
                        $0.attributes.append(IdentityAttribute(name: "a\(index)", value: "\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try #require(try await b.identity("peer1"))
        #expect(Set(stored.attributes.map(\.name)) == Set((0..<20).map { "a\($0)" }))
    }

    @Test func aCertificateIsRevokedOnceAcrossReplicas() async throws {
        let (a, b) = try await replicas()
        try await a.insert(
            Identity(id: "peer2", type: "peer", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        let certificate = try record(for: "peer2")
        try await a.recordEnrollment(EnrollmentRecord(certificate: certificate, countsAsEnrollment: true))
        let outcomes = await withTaskGroup(of: CharterError.Code?.self) { group in
            for index in 0..<10 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    do {
                        _ = try await replica.revokeCertificate(
                            serial: certificate.serial,
                            authorityKeyIdentifier: certificate.authorityKeyIdentifier,
                            reason: .keyCompromise,
                            at: Date()
                        )
                        return nil
                    } catch let error as CharterError {
                        return error.code
                    } catch {
                        return .storage
                    }
                }
            }
            return await group.reduce(into: [CharterError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .alreadyRevoked })
    }

    @Test func anUnreachableDatabaseFailsWithinTheTimeout() async throws {
        let nowhere = try PostgresDataSource(parsing: "host=127.0.0.1 port=1 user=charter dbname=none sslmode=disable")
        let error = await #expect(throws: CharterError.self) {
            _ = try await PostgresRegistry(nowhere, timeout: .seconds(2))
        }
        // A database that does not answer is a 503 a client may retry, not a server fault.
        #expect(error?.code == .unavailable)
    }
}

@Suite struct PostgresDataSourceTests {
    @Test func fabricCAKeywordFormIsParsed() throws {
        let source = try PostgresDataSource(
            parsing: "host=db.example.com port=5433 user=fabric password='p w\\'d' dbname=fabric_ca sslmode=verify-full"
        )
        #expect(source.host == "db.example.com")
        #expect(source.port == 5433)
        #expect(source.user == "fabric")
        #expect(source.password == "p w'd")
        #expect(source.database == "fabric_ca")
        #expect(source.sslMode == .verifyFull)
        #expect(!source.redacted.contains("p w"))
        #expect(source.redacted.contains("password=***"))
    }

    @Test func urlFormIsParsed() throws {
        let source = try PostgresDataSource(parsing: "postgres://ca:secret@10.0.0.5:6432/registry?sslmode=require")
        #expect(source.host == "10.0.0.5")
        #expect(source.port == 6432)
        #expect(source.user == "ca")
        #expect(source.password == "secret")
        #expect(source.database == "registry")
        #expect(source.sslMode == .require)
    }

    @Test(arguments: [
        "host=db port=99999", "host=db sslmode=prefer-maybe", "host=db colour=blue", "host=db password='open",
        "postgres:///nohost",
    ])
    func badDataSourcesAreConfigurationErrors(_ text: String) {
        let error = #expect(throws: CharterError.self) { _ = try PostgresDataSource(parsing: text) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("open") != true || !text.contains("password"))
    }

    @Test func sqliteFileNamesAreNotPostgres() {
        #expect(!PostgresDataSource.isPostgres("charter.db"))
        #expect(!PostgresDataSource.isPostgres("/var/lib/charter/fabric-ca-server.db"))
        #expect(PostgresDataSource.isPostgres("host=localhost dbname=ca"))
        #expect(PostgresDataSource.isPostgres("postgresql://localhost/ca"))
    }

    @Test func aDatabaseThatDoesNotSyncCommitsIsReportedSo() async throws {
        let database = try await TestPostgres.shared.makeDatabase(settings: ["synchronous_commit": "off"])
        let durability = try await PostgresRegistry(database, maximumConnections: 2).durability()
        #expect(
            durability
                == CommitDurability("postgresql synchronous_commit=off, waits for no standby", survivesPowerCut: false)
        )
    }
}

@Suite struct PostgresMultiHostTests {
    @Test func libpqsMultiHostFormNamesEveryServer() throws {
        let source = try PostgresDataSource(
            parsing: "host=db1,db2 port=5432,5433 user=ca dbname=ca target_session_attrs=read-write"
        )
        #expect(source.servers.map(\.host) == ["db1", "db2"] && source.servers.map(\.port) == [5432, 5433])
        #expect(source.targetSessionAttributes == .readWrite)
        #expect(source.redacted.contains("host=db1,db2 port=5432,5433"))
        let shared = try PostgresDataSource(parsing: "host=a,b,c port=6000")
        #expect(shared.servers.map(\.port) == [6000, 6000, 6000])
    }

    @Test(arguments: [
        "host=a,b port=1,2,3", "host=a,,b", "host=a target_session_attrs=standby", "host=a port=1,x",
        "host=a target_session_attrs=prefer-standby",
    ])
    func multiHostMistakesAreRefused(text: String) {
        let error = #expect(throws: CharterError.self) { try PostgresDataSource(parsing: text) }
        #expect(error?.code == .configuration)
    }
}
