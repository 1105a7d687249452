// ACME's documents in SQLite.

import CharterCore
import Foundation
import GRDB

extension SQLiteRegistry {
    static let acmeColumns = "kind, id, account, lookup, created_at, expires_at, version, body"

    public func acmeObject(_ kind: ACMEObjectKind, where key: ACMEObjectKey) async throws -> ACMEObject? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.acmeColumns) FROM acme_objects WHERE kind = ? AND \(key.column) = ?",
                arguments: [kind.rawValue, key.value]
            ).map(Self.acmeObject)
        }
    }

    public func acmeObjects(_ kind: ACMEObjectKind, account: String?) async throws -> [ACMEObject] {
        try await read { db in
            let rows =
                if let account {
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT \(Self.acmeColumns) FROM acme_objects WHERE kind = ? AND account = ? ORDER BY created_at, id",
                        arguments: [kind.rawValue, account]
                    )
                } else {
                    try Row.fetchAll(
                        db,
                        sql: "SELECT \(Self.acmeColumns) FROM acme_objects WHERE kind = ? ORDER BY created_at, id",
                        arguments: [kind.rawValue]
                    )
                }
            return try rows.map(Self.acmeObject)
        }
    }

    public func countACMEObjects(_ kind: ACMEObjectKind, account: String, since date: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM acme_objects WHERE kind = ? AND account = ? AND created_at >= ?",
                arguments: [kind.rawValue, account, StoredDate(date)]
            ) ?? 0
        }
    }

    public func saveACMEObject(_ object: ACMEObject) async throws -> Int {
        try await write { db in
            let expires = object.expires.map(StoredDate.init)
            if object.version == 0 {
                if object.kind == .nonce {
                    try db.execute(
                        sql: "DELETE FROM acme_objects WHERE kind = 'nonce' AND expires_at < ?",
                        arguments: [StoredDate(Date())]
                    )
                }
                let taken = try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM acme_objects WHERE kind = ? AND (id = ? OR lookup = ?))",
                    arguments: [object.kind.rawValue, object.id, object.lookup]
                )
                guard taken != true else { throw RegistryRules.acmeTaken(object) }
                try db.execute(
                    sql: "INSERT INTO acme_objects (\(Self.acmeColumns)) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                    arguments: [
                        object.kind.rawValue, object.id, object.account, object.lookup, StoredDate(object.created),
                        expires, Data(object.body),
                    ]
                )
                return 1
            }
            if let lookup = object.lookup {
                let taken = try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM acme_objects WHERE kind = ? AND lookup = ? AND id <> ?)",
                    arguments: [object.kind.rawValue, lookup, object.id]
                )
                guard taken != true else { throw RegistryRules.acmeTaken(object) }
            }
            try db.execute(
                sql: """
                    UPDATE acme_objects SET account = ?, lookup = ?, expires_at = ?, body = ?, version = version + 1
                    WHERE kind = ? AND id = ? AND version = ?
                    """,
                arguments: [
                    object.account, object.lookup, expires, Data(object.body), object.kind.rawValue, object.id,
                    object.version,
                ]
            )
            guard db.changesCount == 1 else { throw RegistryRules.acmeChanged(object) }
            return object.version + 1
        }
    }

    public func removeACMEObject(_ kind: ACMEObjectKind, id: String, at date: Date) async throws -> Bool {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT expires_at FROM acme_objects WHERE kind = ? AND id = ?",
                    arguments: [kind.rawValue, id]
                )
            else { return false }
            try db.execute(sql: "DELETE FROM acme_objects WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
            let expires: StoredDate? = row[0]
            return expires.map { $0.date >= date } ?? true
        }
    }

    static func acmeObject(_ row: Row) throws -> ACMEObject {
        guard let kind = ACMEObjectKind(rawValue: row["kind"]) else {
            throw CharterError(.storage, "Unknown ACME object kind '\(row["kind"] as String? ?? "")'")
        }
        let created: StoredDate = row["created_at"]
        let expires: StoredDate? = row["expires_at"]
        let body: Data = row["body"]
        var object = ACMEObject(
            kind: kind,
            id: row["id"],
            account: row["account"],
            lookup: row["lookup"],
            created: created.date,
            expires: expires?.date,
            body: [UInt8](body)
        )
        object.version = row["version"]
        return object
    }
}
