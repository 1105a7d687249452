// The registry in a MySQL or MariaDB database, for deployments whose fabric-ca kept it there and
// for several replicas behind a load balancer. As on PostgreSQL, every decision that must hold
// across replicas (max enrollments, the lockout, revocations, CRL numbers, the log's order) is
// made by the database with row locks or conditional updates inside one transaction.

import CharterCore
import CharterStore
import Foundation
import NIOPosix

/// A ``Registry`` in a MySQL or MariaDB (InnoDB) database.
public struct MySQLRegistry: Registry, CertificateArchive {
    let pool: MySQLPool
    /// Attribute columns already decoded, by their text.
    let attributes = BoundedCache<String, [IdentityAttribute]>(capacity: 1024)
    /// Where the registry lives, for messages (``MySQLDataSource/redacted`` only).
    public let dataSource: MySQLDataSource

    /// TLS material for the database connection (`db.tls.*`), used with `tls=custom`.
    public struct TLSFiles: Sendable, Hashable {
        /// PEM roots the server's certificate must chain to (`db.tls.certfiles`; one file).
        public var certfiles: [String] = []
        /// Client certificate (`db.tls.client.certfile`).
        public var clientCertfile = ""
        /// Client key (`db.tls.client.keyfile`).
        public var clientKeyfile = ""
        /// No files.
        public init() {}
    }

    /// Connects, creates the database when it is missing (as fabric-ca does) and brings its
    /// schema up to date (unless `migrate` is false: an audit never writes).
    ///
    /// Fails within the datasource's time limits when the database cannot be reached: a server
    /// must not start on a database it cannot use.
    public init(
        _ dataSource: MySQLDataSource,
        tls: TLSFiles = TLSFiles(),
        migrate: Bool = true,
        maximumConnections: Int = 16
    ) async throws {
        guard tls.certfiles.count <= 1 else {
            throw CharterError(
                .configuration,
                "db.tls.certfiles names \(tls.certfiles.count) files; MySQL's client takes one: put the roots in one PEM file"
            )
        }
        self.dataSource = dataSource
        self.pool = MySQLPool(source: dataSource, tls: tls, maximumConnections: maximumConnections)
        do {
            if migrate {
                try await Self.createDatabase(dataSource, tls: tls)
                try await self.migrate()
            } else {
                try await ping()
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    public func shutDown() async {
        await pool.close()
    }

    public func ping() async throws {
        try await run { connection in _ = try connection.execute("SELECT 1") }
    }

    public func durability() async throws -> CommitDurability {
        let settings = try await run { connection in
            try connection.execute("SELECT @@innodb_flush_log_at_trx_commit AS flush, @@sync_binlog AS binlog").named
                .first.map { (try $0.int("flush"), try $0.int("binlog")) }
        }
        guard let (flush, binlog) = settings else {
            throw CharterError(.storage, "The database's durability settings were not returned")
        }
        // Only 1 writes and flushes the redo log at every commit; 0 and 2 lose the last second
        // of commits in a power cut.
        return CommitDurability(
            "mysql innodb_flush_log_at_trx_commit=\(flush), sync_binlog=\(binlog)",
            survivesPowerCut: flush == 1
        )
    }

    /// Creates the database named in the datasource if it does not exist, over a connection to
    /// no database.
    static func createDatabase(_ source: MySQLDataSource, tls: TLSFiles) async throws {
        do {
            try await NIOThreadPool.singleton.runIfActive {
                let connection = try MySQLConnection(source, tls: tls, database: nil)
                // The name passed MySQLDataSource's rule (letters, digits, $ and _).
                try connection.execute(
                    "CREATE DATABASE IF NOT EXISTS `\(unescaped: source.database)` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                )
            }
        } catch {
            throw Self.storageError(error, source)
        }
    }

    func migrate() async throws {
        try await run { connection in
            let taken = try connection.execute("SELECT GET_LOCK(\(MySQLSchema.migrationLock), 30)").integer()
            guard taken == 1 else {
                throw CharterError(.unavailable, "Another replica held the schema lock for 30 s; start again")
            }
            defer { _ = try? connection.execute("DO RELEASE_LOCK(\(MySQLSchema.migrationLock))") }
            let tables = Set(
                try connection.execute("SHOW TABLES").rows.compactMap { $0.first ?? nil }.map {
                    String(decoding: $0, as: UTF8.self)
                }
            )
            if tables.contains("users") && !tables.contains("identities") {
                throw CharterError(
                    .configuration,
                    "\(dataSource.database) holds a fabric-ca registry: move it in with 'charter server import --from-db' into another database"
                )
            }
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS charter_migrations (name VARBINARY(255) NOT NULL PRIMARY KEY,
                    applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB
                """
            )
            let applied = Set(
                try connection.execute("SELECT name FROM charter_migrations").named.map { try $0.text("name") }
            )
            for migration in MySQLSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try connection.execute(MySQLQuery(verbatim: statement)) }
                try connection.execute("INSERT INTO charter_migrations (name) VALUES (\(migration.name))")
            }
        }
    }

    // MARK: transactions

    /// Runs `body` in one transaction on one borrowed connection. Deadlocks and lock wait
    /// timeouts (InnoDB rolls one side back) are retried; typed errors from `body` roll back and
    /// pass through; anything else becomes a storage error.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        try await run { connection in
            var attempt = 0
            while true {
                attempt += 1
                try connection.execute("START TRANSACTION")
                do {
                    let value = try body(connection)
                    try connection.execute("COMMIT")
                    return value
                } catch {
                    _ = try? connection.execute("ROLLBACK")
                    if let failure = error as? MySQLFailure, failure.isRetryable, attempt < 5 { continue }
                    throw error
                }
            }
        }
    }

    /// Runs `body` on a borrowed connection, outside an explicit transaction. A lost connection
    /// answers `unavailable`, a 503 the client may retry (the next request connects anew).
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        do {
            return try await pool.withConnection(body)
        } catch {
            throw Self.storageError(error, dataSource)
        }
    }

    /// A typed error for anything the database or its client library said; never the query's
    /// values (which may be secret hashes).
    static func storageError(_ error: any Error, _ source: MySQLDataSource) -> CharterError {
        if let error = error as? CharterError { return error }
        if let failure = error as? MySQLFailure {
            if failure.losesConnection {
                return CharterError(
                    .unavailable,
                    "The database \(source.redacted) cannot be used now (\(failure.number): \(failure.message)); retry"
                )
            }
            if failure.number == 1045 || failure.number == 1044 || failure.number == 1049 {
                return CharterError(.configuration, "The database \(source.redacted) refused: \(failure.message)")
            }
            return CharterError(.storage, "Database error \(failure.number): \(failure.message)")
        }
        return CharterError(.storage, "Database error: \(error)")
    }
}
