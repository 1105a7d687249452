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
    static let usersSQL =
        "SELECT \(bytes(["id", "token", "type", "affiliation", "attributes"])), state, max_enrollments, incorrect_password_attempts FROM users ORDER BY id"
    static let affiliationsSQL = "SELECT name FROM affiliations ORDER BY name"
    static let affiliationsBytesSQL = "SELECT \(bytes(["name"])) FROM affiliations ORDER BY name"
    static let certificatesSQL =
        "SELECT \(bytes(["id", "serial_number", "authority_key_identifier", "ca_label", "status"])), reason, revoked_at, \(bytes(["pem"])) FROM certificates"

    /// Every user, affiliation and certificate.
    public func read() async throws -> FabricCARegistry {
        switch self {
        case .sqlite(let path): return try readSQLite(path)
        case .postgres(let source): return try await readPostgres(source)
        case .mysql(let source): return try await readMySQL(source)
        }
    }

    func readSQLite(_ path: String) throws -> FabricCARegistry {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CharterError(.configuration, "fabric-ca database \(path) does not exist")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                // Every value as the bytes stored: blobs and text as they are, numbers as digits.
                func rows(_ sql: String) throws -> [FabricCATables.Row] {
                    try Row.fetchAll(db, sql: sql).map { row in
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
                return FabricCATables(
                    users: try rows(Self.usersSQL),
                    affiliations: try rows(Self.affiliationsBytesSQL),
                    certificates: try rows(Self.certificatesSQL)
                ).registry()
            }
        } catch let error as CharterError {
            throw error
        } catch {
            throw CharterError(.storage, "Cannot read the fabric-ca database \(path): \(error)")
        }
    }

    func readMySQL(_ source: MySQLDataSource) async throws -> FabricCARegistry {
        // fabric-ca's MySQL columns are text and varbinary alike: the bytes come as stored.
        let tables = try await MySQLTableReader.read(
            source,
            [
                "SELECT id, token, type, affiliation, attributes, state, max_enrollments, incorrect_password_attempts FROM users ORDER BY id",
                "SELECT name FROM affiliations ORDER BY name",
                "SELECT id, serial_number, authority_key_identifier, ca_label, status, reason, revoked_at, pem FROM certificates",
            ]
        )
        guard tables.count == 3 else { throw CharterError(.storage, "The fabric-ca tables were not all read") }
        return FabricCATables(users: tables[0], affiliations: tables[1], certificates: tables[2]).registry()
    }

    func readPostgres(_ source: PostgresDataSource) async throws -> FabricCARegistry {
        let logger = Logger(label: "charter.import")
        let client = PostgresClient(
            configuration: try PostgresRegistry.clientConfiguration(source, tls: PostgresRegistry.TLSFiles()),
            backgroundLogger: logger
        )
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        do {
            return try await client.withConnection { connection in
                try await Self.readPostgres(connection, logger: logger)
            }
        } catch let error as CharterError {
            throw error
        } catch {
            throw PostgresRegistry.storageError(error)
        }
    }

    static func readPostgres(_ connection: PostgresConnection, logger: Logger) async throws -> FabricCARegistry {
        // bytea and timestamp columns as text, so the rows read as SQLite's do.
        func bytes(_ column: String) -> String { "convert_from(\(column), 'UTF8') AS \(column)" }
        var registry = FabricCARegistry()
        let users = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT id, \(bytes("token")), type, affiliation, attributes, state, max_enrollments,
                        incorrect_password_attempts FROM users ORDER BY id
                    """
            ),
            logger: logger
        )
        for try await (id, token, type, affiliation, attributes, state, max, attempts) in users.decode(
            (String, String?, String?, String?, String?, Int?, Int?, Int?).self
        ) {
            registry.users.append(
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
            )
        }
        for try await name in try await connection.query(
            PostgresQuery(unsafeSQL: Self.affiliationsSQL),
            logger: logger
        ).decode(String.self) {
            registry.affiliations.append(name)
        }
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
        for try await (id, serial, aki, label, status, reason, revokedAt, pem) in certificates.decode(
            (String?, String, String, String?, String, Int?, String?, String).self
        ) {
            registry.certificates.append(
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
            )
        }
        return registry
    }
}
