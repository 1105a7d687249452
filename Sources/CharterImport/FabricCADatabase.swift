// Reads fabric-ca's registry tables from its SQLite file or its PostgreSQL database, read only.
// Column types differ between the two (blob, bytea, text, timestamp): every value is read as
// text so both give the same rows. SQLite's text is read as the bytes stored (a C string would
// stop at the first NUL, so `nul\0../x` would arrive as `nul`), and a value that is not UTF-8
// marks its row as unreadable instead of being repaired.

import CharterCore
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
                // Columns of the row being read that were not UTF-8; `problem()` reports and clears them.
                var unreadable: [String] = []
                func text(_ row: Row, _ column: String) -> String {
                    switch row[column] as DatabaseValue {
                    case let value where value.isNull: return ""
                    case let value:
                        if let data = Data.fromDatabaseValue(value) {
                            guard let string = String(validating: data, as: UTF8.self) else {
                                unreadable.append(column)
                                return String(decoding: data, as: UTF8.self)
                            }
                            return string
                        }
                        if let string = String.fromDatabaseValue(value) { return string }
                        return value.description
                    }
                }
                // An integer column, or its text; anything else reads as 0, as before.
                func number(_ row: Row, _ column: String) -> Int {
                    if let value = Int.fromDatabaseValue(row[column] as DatabaseValue) { return value }
                    let written = text(row, column)
                    let negative = written.hasPrefix("-")
                    let magnitude = DecimalInteger.parse(
                        negative ? written.dropFirst() : Substring(written),
                        in: 0...Int.max
                    )
                    return magnitude.map { negative ? -$0 : $0 } ?? 0
                }
                func problem() -> String? {
                    defer { unreadable = [] }
                    return unreadable.isEmpty ? nil : "\(unreadable.joined(separator: ", ")) not UTF-8"
                }
                var registry = FabricCARegistry()
                registry.users = try Row.fetchAll(db, sql: Self.usersSQL).map { row in
                    return FabricCAUser(
                        id: text(row, "id"),
                        token: text(row, "token"),
                        type: text(row, "type"),
                        affiliation: text(row, "affiliation"),
                        attributes: text(row, "attributes"),
                        state: number(row, "state"),
                        maxEnrollments: number(row, "max_enrollments"),
                        incorrectPasswordAttempts: number(row, "incorrect_password_attempts"),
                        problem: problem()
                    )
                }
                for row in try Row.fetchAll(db, sql: Self.affiliationsBytesSQL) {
                    let name = text(row, "name")
                    if let problem = problem() {
                        registry.refused.append(ImportRefusal(table: "affiliations", key: name, reason: problem))
                    } else {
                        registry.affiliations.append(name)
                    }
                }
                registry.certificates = try Row.fetchAll(db, sql: Self.certificatesSQL).map { row in
                    return FabricCACertificate(
                        id: text(row, "id"),
                        serial: text(row, "serial_number"),
                        authorityKeyIdentifier: text(row, "authority_key_identifier"),
                        caLabel: text(row, "ca_label"),
                        status: text(row, "status"),
                        reason: number(row, "reason"),
                        revokedAt: FabricCARegistry.time(text(row, "revoked_at")),
                        pem: text(row, "pem"),
                        problem: problem()
                    )
                }
                return registry
            }
        } catch let error as CharterError {
            throw error
        } catch {
            throw CharterError(.storage, "Cannot read the fabric-ca database \(path): \(error)")
        }
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
