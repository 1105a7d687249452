// The database server a registry writes to. A plain datasource names one; a multi-host one
// (`host=a,b … target_session_attrs=read-write`) names a primary and its standbys, and the
// registry must find the one that accepts writes, and find it again when a standby has been
// promoted after the primary died. A connection-level failure drops the current pool; the next
// request looks for the primary again, so no restart is needed and no request waits on a pool
// whose server is gone.

import CharterCore
import Logging
import PostgresNIO
import Synchronization

/// The current connection pool, to the server that takes the registry's work.
final class PostgresPrimary: Sendable {
    struct Pool: Sendable {
        let client: PostgresClient
        let runner: Task<Void, Never>
        let server: String
    }

    let dataSource: PostgresDataSource
    let tls: PostgresRegistry.TLSFiles
    let maximumConnections: Int
    let connectTimeout: Duration
    let logger: Logger
    let current = Mutex<Pool?>(nil)

    init(
        dataSource: PostgresDataSource,
        tls: PostgresRegistry.TLSFiles,
        maximumConnections: Int,
        connectTimeout: Duration,
        logger: Logger
    ) {
        self.dataSource = dataSource
        self.tls = tls
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// The pool in use, or a new one to the first server that fits `target_session_attrs`.
    func client() async throws -> PostgresClient {
        if let pool = current.withLock({ $0 }) { return pool.client }
        var reasons: [String] = []
        for server in dataSource.servers {
            let pool = try open(server)
            do {
                if dataSource.targetSessionAttributes == .readWrite {
                    let recovering = try await PostgresRegistry.within(connectTimeout, dataSource) {
                        try await pool.client.query("SELECT pg_is_in_recovery()", logger: self.logger).collect()
                            .first?.decode(Bool.self)
                    }
                    guard recovering == false else {
                        reasons.append("\(pool.server) is a standby")
                        pool.runner.cancel()
                        continue
                    }
                }
                let kept = current.withLock { existing -> Pool in
                    if let existing { return existing }
                    existing = pool
                    return pool
                }
                if kept.client !== pool.client { pool.runner.cancel() }
                if dataSource.servers.count > 1 {
                    logger.info("registry database: \(kept.server)")
                }
                return kept.client
            } catch {
                reasons.append("\(pool.server): \(PostgresRegistry.storageError(error).message)")
                pool.runner.cancel()
            }
        }
        throw CharterError(
            .unavailable,
            "No PostgreSQL server of \(dataSource.redacted) takes writes now (\(reasons.joined(separator: "; ")))"
        )
    }

    func open(_ server: (host: String, port: Int)) throws -> Pool {
        var configuration = try PostgresRegistry.clientConfiguration(dataSource, tls: tls, server: server)
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return Pool(client: client, runner: Task { await client.run() }, server: "\(server.host):\(server.port)")
    }

    /// Drops `client`'s pool after a failure that says its server is gone or no longer the
    /// primary; the next request looks again.
    func invalidate(_ client: PostgresClient) {
        let dropped = current.withLock { pool -> Pool? in
            guard let existing = pool, existing.client === client else { return nil }
            pool = nil
            return existing
        }
        dropped?.runner.cancel()
    }

    /// Stops the pool.
    func close() {
        current.withLock { pool in
            pool?.runner.cancel()
            pool = nil
        }
    }
}
