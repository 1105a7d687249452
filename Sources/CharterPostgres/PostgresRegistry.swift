// The shared registry: one PostgreSQL database behind several Charter replicas. Every decision
// that must hold across replicas (max enrollments, the wrong-secret lockout, revocations, CRL
// numbers) is made by the database with row locks or conditional updates inside one transaction,
// never by one process's memory.

import CharterCore
import CharterStore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// A ``Registry`` in a PostgreSQL database.
public struct PostgresRegistry: Registry, CertificateArchive {
    /// The pool to the server that takes writes (found again after a failover).
    let primary: PostgresPrimary
    let logger: Logger
    /// The longest one registry operation may take: a request in flight when the database goes
    /// away is answered with an error, never left waiting.
    let operationTimeout: Duration
    /// Attribute columns already decoded, by their text.
    let attributes = BoundedCache<String, [IdentityAttribute]>(capacity: 1024)
    /// Where the registry lives, for messages (``PostgresDataSource/redacted`` only).
    public let dataSource: PostgresDataSource

    /// TLS material for the database connection (`db.tls.*`).
    public struct TLSFiles: Sendable {
        /// PEM roots the server's certificate must chain to (`db.tls.certfiles`).
        public var certfiles: [String] = []
        /// Client certificate (`db.tls.client.certfile`).
        public var clientCertfile = ""
        /// Client key (`db.tls.client.keyfile`).
        public var clientKeyfile = ""
        /// No files.
        public init() {}
    }

    /// Connects, checks the database answers, and brings its schema up to date (unless
    /// `migrate` is false: an audit never writes).
    ///
    /// Fails within `timeout` when the database cannot be reached: a server must not start (nor
    /// report itself healthy) on a database it cannot use.
    public init(
        _ dataSource: PostgresDataSource,
        tls: TLSFiles = TLSFiles(),
        migrate: Bool = true,
        maximumConnections: Int = 16,
        timeout: Duration = .seconds(15),
        logger: Logger = Logger(label: "charter.postgres")
    ) async throws {
        self.primary = PostgresPrimary(
            dataSource: dataSource,
            tls: tls,
            maximumConnections: maximumConnections,
            connectTimeout: min(timeout, .seconds(5)),
            logger: logger
        )
        self.logger = logger
        self.dataSource = dataSource
        // A request in flight when the primary vanished is answered within this.
        self.operationTimeout = min(timeout, .seconds(10))
        do {
            let registry = self
            try await Self.within(timeout, dataSource) {
                if migrate { try await registry.migrate() } else { try await registry.ping() }
            }
        } catch {
            primary.close()
            throw error
        }
    }

    /// Stops the connection pool.
    public func close() {
        primary.close()
    }

    public func shutDown() async {
        close()
    }

    public func ping() async throws {
        let logger = logger
        _ = try await Self.within(.seconds(2), dataSource) {
            try await read { connection in try await connection.query("SELECT 1", logger: logger).collect().count }
        }
    }

    public func durability() async throws -> CommitDurability {
        let logger = logger
        let (setting, standbys) = try await Self.within(.seconds(2), dataSource) {
            try await read { connection in
                let commit = try await connection.query("SHOW synchronous_commit", logger: logger).collect()
                    .first?.decode(String.self)
                let names = try await connection.query("SHOW synchronous_standby_names", logger: logger).collect()
                    .first?.decode(String.self)
                return (commit, names ?? "")
            }
        }
        // Every value but `off` waits for the local WAL flush; with synchronous standbys named,
        // `on` and above also wait for a standby's, so a failover to it loses nothing.
        let waitsForStandby = !standbys.isEmpty && ["on", "remote_write", "remote_apply"].contains(setting ?? "")
        return CommitDurability(
            "postgresql synchronous_commit=\(setting ?? "unknown")"
                + (waitsForStandby
                    ? ", waits for a standby (synchronous_standby_names=\(standbys))" : ", waits for no standby"),
            survivesPowerCut: setting != nil && setting != "off"
        )
    }

    /// The connection settings for a datasource: one place turns `sslmode` and `db.tls` into TLS.
    public static func clientConfiguration(
        _ dataSource: PostgresDataSource,
        tls: TLSFiles,
        server: (host: String, port: Int)? = nil
    ) throws -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: server?.host ?? dataSource.host,
            port: server?.port ?? dataSource.port,
            username: dataSource.user,
            password: dataSource.password,
            database: dataSource.database,
            tls: try Self.tls(dataSource.sslMode, tls)
        )
    }

    static func tls(_ mode: PostgresDataSource.SSLMode, _ files: TLSFiles) throws -> PostgresClient.Configuration.TLS {
        guard mode != .disable else { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        do {
            if !files.certfiles.isEmpty {
                configuration.trustRoots = .certificates(
                    try files.certfiles.flatMap {
                        try NIOSSLCertificate.fromPEMBytes(Array(try TextFile.read($0).utf8))
                    }
                )
            }
            if !files.clientCertfile.isEmpty || !files.clientKeyfile.isEmpty {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(
                    Array(try TextFile.read(files.clientCertfile).utf8)
                ).map { .certificate($0) }
                configuration.privateKey = .privateKey(
                    try NIOSSLPrivateKey(bytes: Array(try TextFile.read(files.clientKeyfile).utf8), format: .pem)
                )
            }
        } catch let error as CharterError {
            throw error
        } catch {
            throw CharterError(.configuration, "db.tls: \(error)")
        }
        return .require(configuration)
    }

    /// `body`'s result, or an `unavailable` error once `timeout` has passed. The caller gets its
    /// answer on time even when `body` does not heed cancellation (a query on a connection whose
    /// server vanished): `body` is cancelled and left to end on its own.
    static func within<T: Sendable>(
        _ timeout: Duration,
        _ dataSource: PostgresDataSource,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = Deadline<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                outcome.start(continuation)
                let work = Task {
                    do {
                        outcome.finish(.success(try await body()))
                    } catch {
                        outcome.finish(.failure(error))
                    }
                }
                outcome.onLateFinish { work.cancel() }
                Task {
                    try? await Task.sleep(for: timeout)
                    outcome.finish(
                        .failure(
                            CharterError(
                                .unavailable,
                                "The database \(dataSource.redacted) did not answer within \(timeout.components.seconds) s"
                            )
                        )
                    )
                }
            }
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
    }

    func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS charter_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM charter_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO charter_migrations (name) VALUES (\(migration.name))",
                    logger: logger
                )
            }
            if !applied.contains(where: { $0.hasPrefix("v2:") }) {
                // Certificates recorded before the log existed enter it first, in row order.
                let rows = try await connection.query(
                    "SELECT \(unescaped: PostgresRows.certificateColumns) FROM certificates ORDER BY row_id",
                    logger: logger
                )
                for record in try await PostgresRows.certificates(rows) {
                    try await PostgresLog.append(connection, record, logger: logger)
                }
            }
        }
    }

    // MARK: transactions

    /// Runs `body` in one transaction on one pooled connection. Deadlocks and serialization
    /// failures (which PostgreSQL resolves by aborting one side) are retried; typed errors from
    /// `body` roll back and pass through; anything else becomes a storage error.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        try await withPrimary { client in
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try await client.withConnection { connection in
                        try await connection.query("BEGIN", logger: logger)
                        do {
                            let value = try await body(connection)
                            try await connection.query("COMMIT", logger: logger)
                            return value
                        } catch {
                            _ = try? await connection.query("ROLLBACK", logger: logger)
                            throw error
                        }
                    }
                } catch let error as PSQLError where Self.isRetryable(error) && attempt < 5 {
                    continue
                }
            }
        }
    }

    /// One statement outside an explicit transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withPrimary { client in
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// Runs `body` on the primary's pool within ``operationTimeout``. A failure that says the
    /// server is gone or no longer takes writes drops the pool (the next request looks for the
    /// primary again) and answers `unavailable`, a 503 the client may retry.
    func withPrimary<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = try await primary.client()
        do {
            return try await Self.within(operationTimeout, dataSource) { try await body(client) }
        } catch {
            if Self.isConnectionLoss(error) {
                primary.invalidate(client)
                throw CharterError(
                    .unavailable,
                    "The database connection was lost (\(Self.storageError(error).message)); retry: the primary is looked for again"
                )
            }
            if let error = error as? CharterError, error.code == .unavailable { primary.invalidate(client) }
            throw Self.storageError(error)
        }
    }

    /// Failures after which the pool's server cannot be trusted to be the primary: the
    /// connection closed or never opened, the server shutting down, or a standby refusing writes.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        // The pool's own errors (its shutdown after a loss, a lease given up) come as the
        // connection pool module's type, which PostgresNIO does not export.
        if String(describing: type(of: error)) == "ConnectionPoolError" { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed, .clientClosedConnection:
            return true
        default:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state == "25006" || state.hasPrefix("57P") || state.hasPrefix("08")
        }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// PSQLError's description hides everything; this keeps the server's message and state but
    /// never the query's bound values (which may be secret hashes).
    public static func storageError(_ error: any Error) -> CharterError {
        if let error = error as? CharterError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return CharterError(
                    .storage,
                    "Database error \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
                )
            }
            return CharterError(.storage, "Database error: \(error.code)")
        }
        return CharterError(.storage, "Database error: \(error)")
    }
}
