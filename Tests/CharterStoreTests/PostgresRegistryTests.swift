import CharterCore
import CharterPostgres
import CharterStore
import Foundation
import Testing

/// What only PostgreSQL has: its time limit on connecting.
@Suite(.enabled(if: TestPostgres.isAvailable)) struct PostgresRegistryTests {
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
