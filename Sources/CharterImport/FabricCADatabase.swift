// Reads fabric-ca's registry tables from its SQLite file or its PostgreSQL or MySQL database, read only.
// Column types differ between the two (blob, bytea, text, timestamp): every value is read as
// text so both give the same rows. SQLite's text is read as the bytes stored (a C string would
// stop at the first NUL, so `nul\0../x` would arrive as `nul`), and a value that is not UTF-8
// marks its row as unreadable instead of being repaired.

import CharterCore
import CharterMySQL
import CharterPostgres
import Foundation
import GRDB
import Logging
import PostgresNIO

/// Where a fabric-ca registry is.
public enum FabricCADatabase: Sendable {
    /// `fabric-ca-server.db` (or whatever `db.datasource` names).
    case sqlite(path: String)
    /// A fabric-ca PostgreSQL database.
    case postgres(PostgresDataSource)
    /// A fabric-ca MySQL database.
    case mysql(MySQLDataSource)

    /// The database a `--from-db` datasource names: MySQL's Go form, else PostgreSQL's.
    public static func parsing(_ datasource: String) throws -> FabricCADatabase {
        MySQLDataSource.isMySQL(datasource)
            ? .mysql(try MySQLDataSource(parsing: datasource)) : .postgres(try PostgresDataSource(parsing: datasource))
    }

    /// `CAST(x AS BLOB)` keeps every byte of a text value.
    static func bytes(_ columns: [String]) -> String {
        columns.map { "CAST(\($0) AS BLOB) AS \($0)" }.joined(separator: ", ")
    }
    static let userColumns =
        "\(bytes(["id", "token", "type", "affiliation", "attributes"])), state, max_enrollments, incorrect_password_attempts"
    static let affiliationsSQL = "SELECT name FROM affiliations ORDER BY name"
    static let affiliationsBytesSQL = "SELECT \(bytes(["name"])) FROM affiliations ORDER BY name"
    static let certificateColumns =
        "\(bytes(["id", "serial_number", "authority_key_identifier", "ca_label", "status"])), reason, revoked_at, \(bytes(["pem"]))"

    /// Every affiliation; users and certificates come in batches (``users(batch:_:)``,
    /// ``certificates(batch:_:)``).
    public func read() async throws -> FabricCARegistry {
        switch self {
        case .sqlite(let path):
            return try await Self.sqlite(path) { queue in
                try await queue.read { db in
                    FabricCATables.affiliations(try Self.rows(db, Self.affiliationsBytesSQL, []))
                }
            }
        case .postgres(let source):
            return try await Self.postgres(source) { connection, logger in
                var registry = FabricCARegistry()
                for try await name in try await connection.query(
                    PostgresQuery(unsafeSQL: Self.affiliationsSQL),
                    logger: logger
                ).decode(String.self) {
                    registry.affiliations.append(name)
                }
                return registry
            }
        case .mysql(let source):
            let tables = try await MySQLTableReader.read(source, [Self.mysqlAffiliationsSQL])
            guard let rows = tables.first else {
                throw CharterError(.storage, "The fabric-ca affiliations were not read")
            }
            return FabricCATables.affiliations(rows)
        }
    }

    /// Every user row, handed to `body` in batches of at most `size` as they are read (MySQL's
    /// are read whole first).
    public func users(batch size: Int, _ body: ([FabricCAUser]) async throws -> Void) async throws {
        switch self {
        case .sqlite(let path):
            try await Self.sqlitePages(
                path,
                columns: Self.userColumns,
                table: "users",
                batch: size,
                FabricCATables.users,
                body
            )
        case .postgres(let source):
            try await Self.postgres(source) { connection, logger in
                try await Self.readPostgresUsers(connection, logger: logger, batch: size, body)
            }
        case .mysql(let source):
            try await Self.mysqlBatches(source, Self.mysqlUsersSQL, batch: size, FabricCATables.users, body)
        }
    }

    /// Every certificate row, handed to `body` in batches of at most `size` as they are read, so
    /// an import holds one batch whatever the registry's size (MySQL's rows are read whole first).
    public func certificates(
        batch size: Int,
        _ body: ([FabricCACertificate]) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite(let path):
            try await Self.sqlitePages(
                path,
                columns: Self.certificateColumns,
                table: "certificates",
                batch: size,
                FabricCATables.certificates,
                body
            )
        case .postgres(let source):
            try await Self.postgres(source) { connection, logger in
                try await Self.readPostgresCertificates(connection, logger: logger, batch: size, body)
            }
        case .mysql(let source):
            try await Self.mysqlBatches(
                source,
                Self.mysqlCertificatesSQL,
                batch: size,
                FabricCATables.certificates,
                body
            )
        }
    }

    /// A MySQL table's rows, read whole in one snapshot, handed to `body` in batches.
    static func mysqlBatches<Item>(
        _ source: MySQLDataSource,
        _ statement: StaticString,
        batch size: Int,
        _ convert: ([FabricCATables.Row]) -> [Item],
        _ body: ([Item]) async throws -> Void
    ) async throws {
        guard let rows = try await MySQLTableReader.read(source, [statement]).first else {
            throw CharterError(.storage, "The fabric-ca table was not read")
        }
        for start in stride(from: 0, to: rows.count, by: size) {
            try await body(convert(Array(rows[start..<min(start + size, rows.count)])))
        }
    }

    /// The rows of a table in pages by rowid, each its own read (the file is another server's and
    /// read only), converted and handed to `body`; the next page is read while `body` works.
    static func sqlitePages<Item: Sendable>(
        _ path: String,
        columns: String,
        table: String,
        batch size: Int,
        _ convert: @escaping @Sendable ([FabricCATables.Row]) -> [Item],
        _ body: ([Item]) async throws -> Void
    ) async throws {
        try await sqlite(path) { queue in
            @Sendable func page(after rowID: Int64) async throws -> (items: [Item], last: Int64?) {
                let arguments: StatementArguments = [rowID, size]
                let rows = try await queue.read { db in
                    try Self.rows(
                        db,
                        "SELECT rowid AS charter_rowid, \(columns) FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                        arguments
                    )
                }
                let last = rows.last?["charter_rowid"].flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
                return (convert(rows), last)
            }
            var current = try await page(after: 0)
            while let last = current.last, !current.items.isEmpty {
                let next = Task { try await page(after: last) }
                do {
                    try await body(current.items)
                } catch {
                    next.cancel()
                    throw error
                }
                current = try await next.value
            }
        }
    }

    /// Runs `body` on fabric-ca's SQLite file, opened read only.
    static func sqlite<T>(_ path: String, _ body: (DatabaseQueue) async throws -> T) async throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CharterError(.configuration, "fabric-ca database \(path) does not exist")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            return try await body(try DatabaseQueue(path: path, configuration: configuration))
        } catch let error as CharterError {
            throw error
        } catch {
            throw CharterError(.storage, "Cannot read the fabric-ca database \(path): \(error)")
        }
    }

    /// Every value as the bytes stored: blobs and text as they are, numbers as digits.
    static func rows(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [FabricCATables.Row] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            var values: FabricCATables.Row = [:]
            for (column, value) in row {
                switch value.storage {
                case .null: continue
                case .int64(let number): values[column] = Array(String(number).utf8)
                case .double(let number): values[column] = Array(String(number).utf8)
                case .string(let text): values[column] = Array(text.utf8)
                case .blob(let data): values[column] = Array(data)
                }
            }
            return values
        }
    }

    static let mysqlUsersSQL: StaticString =
        "SELECT id, token, type, affiliation, attributes, state, max_enrollments, incorrect_password_attempts FROM users"
    static let mysqlAffiliationsSQL: StaticString = "SELECT name FROM affiliations ORDER BY name"
    static let mysqlCertificatesSQL: StaticString =
        "SELECT id, serial_number, authority_key_identifier, ca_label, status, reason, revoked_at, pem FROM certificates"

    /// Runs `body` on one connection to fabric-ca's PostgreSQL database.
    static func postgres<T: Sendable>(
        _ source: PostgresDataSource,
        _ body: (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "charter.import")
        let client = PostgresClient(
            configuration: try PostgresRegistry.clientConfiguration(source, tls: PostgresRegistry.TLSFiles()),
            backgroundLogger: logger
        )
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        do {
            return try await client.withConnection { connection in try await body(connection, logger) }
        } catch let error as CharterError {
            throw error
        } catch {
            throw PostgresRegistry.storageError(error)
        }
    }

    /// fabric-ca's users on PostgreSQL, streamed from one query in batches.
    static func readPostgresUsers(
        _ connection: PostgresConnection,
        logger: Logger,
        batch size: Int,
        _ body: ([FabricCAUser]) async throws -> Void
    ) async throws {
        // bytea columns as text, so the rows read as SQLite's do.
        let users = try await connection.query(
            """
            SELECT id, convert_from(token, 'UTF8') AS token, type, affiliation, attributes, state, max_enrollments,
                incorrect_password_attempts FROM users
            """,
            logger: logger
        )
        try await inBatches(
            users.decode((String, String?, String?, String?, String?, Int?, Int?, Int?).self),
            of: size,
            body
        ) { id, token, type, affiliation, attributes, state, max, attempts in
            FabricCAUser(
                id: id,
                token: token ?? "",
                type: type ?? "client",
                affiliation: affiliation ?? "",
                attributes: attributes ?? "",
                state: state ?? 0,
                maxEnrollments: max ?? -1,
                incorrectPasswordAttempts: attempts ?? 0
            )
        }
    }

    /// fabric-ca's certificates on PostgreSQL, streamed from one query in batches.
    static func readPostgresCertificates(
        _ connection: PostgresConnection,
        logger: Logger,
        batch size: Int,
        _ body: ([FabricCACertificate]) async throws -> Void
    ) async throws {
        // bytea and timestamp columns as text, so the rows read as SQLite's do.
        func bytes(_ column: String) -> String { "convert_from(\(column), 'UTF8') AS \(column)" }
        let certificates = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT id, \(bytes("serial_number")), \(bytes("authority_key_identifier")),
                        \(bytes("ca_label")), \(bytes("status")), reason,
                        to_char(revoked_at, 'YYYY-MM-DD HH24:MI:SS') AS revoked_at, \(bytes("pem"))
                    FROM certificates
                    """
            ),
            logger: logger
        )
        try await inBatches(
            certificates.decode((String?, String, String, String?, String, Int?, String?, String).self),
            of: size,
            body
        ) { id, serial, aki, label, status, reason, revokedAt, pem in
            FabricCACertificate(
                id: id ?? "",
                serial: serial,
                authorityKeyIdentifier: aki,
                caLabel: label ?? "",
                status: status,
                reason: reason ?? 0,
                revokedAt: FabricCARegistry.time(revokedAt),
                pem: pem
            )
        }
    }

    /// The rows of a streamed query, each made an item, handed to `body` in batches of `size`.
    static func inBatches<Rows: AsyncSequence, Item>(
        _ rows: Rows,
        of size: Int,
        _ body: ([Item]) async throws -> Void,
        _ make: (Rows.Element) -> Item
    ) async throws {
        var batch: [Item] = []
        for try await row in rows {
            batch.append(make(row))
            if batch.count == size {
                try await body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try await body(batch) }
    }
}
