// The import fuzz target: a fabric-ca SQLite registry built from the input, imported by the real
// importer next to a real CA home. An input is rows, one a line, fields split by `|`, the first
// naming the table (`users|id|token|type|affiliation|attributes|state|max|attempts`,
// `affiliations|name`, `certificates|id|serial|aki|ca_label|status|reason|revoked_at|pem`), `\n`
// standing for a newline inside a field; every other byte, NUL included, is stored as it is.
// The first byte's low bit picks `--skip-invalid`.

import CharterCore
import CharterImport
import CharterServer
import Foundation
import GRDB

/// A CA home to import next to, shared by every input of a run.
final class ImportHarness: Sendable {
    /// A home holding `ca-cert.pem` and its key in `msp/keystore`, as a fabric-ca home does.
    let source: String

    init(source: String) {
        self.source = source
    }

    static func make() async throws -> ImportHarness {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("charter-import-fuzz-\(UUID().uuidString)").path
        var configuration = ServerConfiguration()
        configuration.tls.enabled = false
        _ = try await ServerHome.open(
            path: home,
            configuration: configuration,
            bootstrap: ServerConfiguration.BootstrapIdentity(name: "admin", pass: "adminpw"),
            hostName: "fuzz-host"
        )
        return ImportHarness(source: home)
    }

    static let schema = """
        CREATE TABLE users (id VARCHAR(255), token bytea, type VARCHAR(256), affiliation VARCHAR(1024),
            attributes TEXT, state INTEGER, max_enrollments INTEGER, level INTEGER DEFAULT 0,
            incorrect_password_attempts INTEGER DEFAULT 0, PRIMARY KEY (id));
        CREATE TABLE affiliations (name VARCHAR(1024) NOT NULL UNIQUE, prekey VARCHAR(1024), level INTEGER DEFAULT 0);
        CREATE TABLE certificates (id VARCHAR(255), serial_number blob NOT NULL, authority_key_identifier blob NOT NULL,
            ca_label blob, status blob NOT NULL, reason int, expiry timestamp, revoked_at timestamp, pem blob NOT NULL,
            level INTEGER DEFAULT 0, PRIMARY KEY(serial_number, authority_key_identifier));
        """

    static let inserts: [String: (columns: [String], count: Int)] = [
        "users": (
            [
                "id", "token", "type", "affiliation", "attributes", "state", "max_enrollments",
                "incorrect_password_attempts",
            ], 8
        ),
        "affiliations": (["name"], 1),
        "certificates": (
            ["id", "serial_number", "authority_key_identifier", "ca_label", "status", "reason", "revoked_at", "pem"], 8
        ),
    ]

    /// Builds the registry the input describes and imports it into a new home, then removes both.
    func run(_ input: [UInt8]) async {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("charter-import-fuzz-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let database = scratch + "/fabric-ca-server.db"
            try Self.build(database, from: input)
            _ = try await FabricCAImporter(
                source: source,
                sourceDatabase: .sqlite(path: database),
                target: scratch + "/home",
                skipInvalid: (input.first ?? 0) & 1 == 1
            ).run()
        } catch {
            // Refusals are the expected outcome of most inputs.
        }
    }

    static func build(_ path: String, from input: [UInt8]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: schema)
            for line in input.split(separator: UInt8(ascii: "\n")) {
                let fields = line.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).map(unescape)
                guard let table = fields.first.map({ String(decoding: $0, as: UTF8.self) }),
                    let insert = inserts[table]
                else { continue }
                var values = Array(fields.dropFirst().prefix(insert.count))
                values += Array(repeating: Data(), count: insert.count - values.count)
                // Text bound as a blob and cast keeps every byte, NUL included.
                let placeholders = Array(repeating: "CAST(? AS TEXT)", count: insert.count).joined(separator: ", ")
                try db.execute(
                    sql:
                        "INSERT OR IGNORE INTO \(table) (\(insert.columns.joined(separator: ", "))) VALUES (\(placeholders))",
                    arguments: StatementArguments(values)
                )
            }
        }
    }

    /// A field's bytes with `\n` turned into a newline.
    static func unescape(_ field: ArraySlice<UInt8>) -> Data {
        var bytes: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex {
            let next = field.index(after: index)
            if field[index] == UInt8(ascii: "\\"), next < field.endIndex, field[next] == UInt8(ascii: "n") {
                bytes.append(UInt8(ascii: "\n"))
                index = field.index(after: next)
            } else {
                bytes.append(field[index])
                index = next
            }
        }
        return Data(bytes)
    }
}
