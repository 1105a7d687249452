// One connection of MariaDB Connector/C. Its calls block, so they run on the registry's thread
// pool, and a socket time limit bounds each of them: a database that accepts and never answers
// costs a request the limit, never a thread forever. Queries travel as text (``MySQLQuery``
// writes every value as a literal no input can break out of); results come back as bytes.

import CMariaDB
import CharterCore
import Foundation

/// What a statement returned: rows of nullable byte columns, by column name.
struct MySQLResult: Sendable {
    /// Column names, in order.
    var columns: [String] = []
    /// Rows of raw values (nil for NULL).
    var rows: [[[UInt8]?]] = []
    /// Rows a write matched (the connection asks for found rows, so an update that leaves a
    /// row as it was still counts it).
    var affectedRows: Int = 0
}

/// A failure the server or the client library reported, with MySQL's error number.
struct MySQLFailure: Error, CustomStringConvertible {
    let number: UInt32
    let state: String
    let message: String
    var description: String { "MySQL error \(number) (\(state)): \(message)" }

    /// The connection cannot be used again: it is dropped and the next request connects anew.
    var losesConnection: Bool {
        // 2002/2003 cannot connect, 2006 gone away, 2013 lost, 2026 TLS, 2055 lost (system
        // error); 1053 server shutdown, 1927 connection killed, 1290 --read-only (a demoted primary).
        [2002, 2003, 2005, 2006, 2013, 2026, 2055, 1053, 1927, 1290, 1836].contains(number)
    }

    /// Deadlocks and lock wait timeouts, which InnoDB resolves by rolling one side back.
    var isRetryable: Bool { number == 1213 || number == 1205 }
}

/// A blocking connection, used by one thread at a time: the pool lends it to one operation and
/// takes it back, which is why it may cross threads.
final class MySQLConnection: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<MYSQL>

    /// The client library's process-wide set-up, done once before the first connection (it is
    /// not thread-safe when `mysql_init` does it implicitly).
    private static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    /// Connects and sets the session up: utf8mb4, UTC, READ COMMITTED (as PostgreSQL's default,
    /// so a locking read and the reads after it see the latest commits), no `LOAD DATA LOCAL`.
    init(_ source: MySQLDataSource, tls: MySQLRegistry.TLSFiles, database: String?) throws {
        guard Self.libraryReady, let handle = mysql_init(nil) else {
            throw MySQLFailure(number: 2008, state: "HY000", message: "MariaDB Connector/C could not start")
        }
        self.handle = handle
        var connectTimeout = UInt32(clamping: source.connectTimeout.components.seconds)
        var ioTimeout = UInt32(clamping: source.ioTimeout.components.seconds)
        var off: UInt32 = 0
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        // A server must never be able to ask for the client's files.
        mysql_options(handle, MYSQL_OPT_LOCAL_INFILE, &off)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // tcp(localhost:…) means TCP, as in the Go driver: the C client would take the local socket.
        var transport = (source.socket == nil ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET).rawValue
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &transport)
        if source.tls != .disable {
            var on: CChar = 1
            var verify: CChar = source.tls == .skipVerify ? 0 : 1
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
            if source.tls == .custom {
                func path(_ file: String) -> String? { file.isEmpty ? nil : file }
                mysql_ssl_set(
                    handle,
                    path(tls.clientKeyfile),
                    path(tls.clientCertfile),
                    tls.certfiles.first,
                    nil,
                    nil
                )
            }
        }
        let connected = mysql_real_connect(
            handle,
            source.socket == nil ? source.host : nil,
            source.user,
            source.password,
            database,
            UInt32(source.port),
            source.socket,
            UInt(CLIENT_FOUND_ROWS)
        )
        // A throw from here on still runs deinit, which closes the handle.
        guard connected != nil else { throw Self.failure(handle) }
        try execute("SET time_zone = '+00:00'")
        try execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    }

    deinit {
        mysql_close(handle)
    }

    /// Runs one statement and reads its whole result. Only a ``MySQLQuery`` is taken, never a
    /// `String`, so an interpolated value can never reach the server unescaped.
    @discardableResult
    func execute(_ query: MySQLQuery) throws -> MySQLResult {
        let sql = query.sql
        let status = sql.withCString { mysql_real_query(handle, $0, UInt(strlen($0))) }
        guard status == 0 else { throw Self.failure(handle) }
        var result = MySQLResult()
        guard let stored = mysql_store_result(handle) else {
            guard mysql_field_count(handle) == 0 else { throw Self.failure(handle) }
            result.affectedRows = Int(clamping: mysql_affected_rows(handle))
            return result
        }
        defer { mysql_free_result(stored) }
        let width = Int(mysql_num_fields(stored))
        if let fields = mysql_fetch_fields(stored) {
            result.columns = (0..<width).map { String(cString: fields[$0].name) }
        }
        while let row = mysql_fetch_row(stored) {
            guard let lengths = mysql_fetch_lengths(stored) else { break }
            result.rows.append(
                (0..<width).map { column -> [UInt8]? in
                    guard let value = row[column] else { return nil }
                    return value.withMemoryRebound(to: UInt8.self, capacity: Int(lengths[column])) {
                        Array(UnsafeBufferPointer(start: $0, count: Int(lengths[column])))
                    }
                }
            )
        }
        if mysql_errno(handle) != 0 { throw Self.failure(handle) }
        return result
    }

    /// When the connection last finished an operation: one idle for a while is pinged before
    /// use, since the server may have closed it (`wait_timeout`) or restarted meanwhile.
    var lastUsed = ContinuousClock.now

    /// True when the server still answers on this connection.
    func isAlive() -> Bool {
        mysql_ping(handle) == 0
    }

    /// The `AUTO_INCREMENT` or `LAST_INSERT_ID(expr)` value of the last statement.
    var lastInsertID: Int { Int(clamping: mysql_insert_id(handle)) }

    private static func failure(_ handle: UnsafeMutablePointer<MYSQL>) -> MySQLFailure {
        MySQLFailure(
            number: mysql_errno(handle),
            state: String(cString: mysql_sqlstate(handle)),
            message: String(cString: mysql_error(handle))
        )
    }
}
