// ACME's documents on MySQL.

import CharterCore
import CharterStore
import Foundation

extension MySQLRegistry {
    static let acmeColumns = "kind, id, account, lookup, created_at, expires_at, version, body"

    public func acmeObject(_ kind: ACMEObjectKind, where key: ACMEObjectKey) async throws -> ACMEObject? {
        try await run { connection in
            try Self.acmeObjects(
                connection.execute(
                    """
                    SELECT \(unescaped: Self.acmeColumns) FROM acme_objects
                    WHERE kind = \(kind.rawValue) AND \(unescaped: key.column) = \(key.value)
                    """
                )
            ).first
        }
    }

    public func acmeObjects(_ kind: ACMEObjectKind, account: String?) async throws -> [ACMEObject] {
        try await run { connection in
            try Self.acmeObjects(
                connection.execute(
                    """
                    SELECT \(unescaped: Self.acmeColumns) FROM acme_objects
                    WHERE kind = \(kind.rawValue) AND (\(account) IS NULL OR account = \(account))
                    ORDER BY created_at, id
                    """
                )
            )
        }
    }

    public func countACMEObjects(_ kind: ACMEObjectKind, account: String, since date: Date) async throws -> Int {
        try await run { connection in
            try connection.execute(
                """
                SELECT count(*) FROM acme_objects
                WHERE kind = \(kind.rawValue) AND account = \(account) AND created_at >= \(date)
                """
            ).integer() ?? 0
        }
    }

    public func saveACMEObject(_ object: ACMEObject) async throws -> Int {
        try await transaction { connection in
            if object.version == 0 {
                if object.kind == .nonce {
                    try connection.execute("DELETE FROM acme_objects WHERE kind = 'nonce' AND expires_at < \(Date())")
                }
                let inserted = try connection.execute(
                    """
                    INSERT IGNORE INTO acme_objects (\(unescaped: Self.acmeColumns))
                    VALUES (\(object.kind.rawValue), \(object.id), \(object.account), \(object.lookup), \(object.created),
                        \(object.expires), 1, \(bytes: object.body))
                    """
                )
                guard inserted.affectedRows == 1 else { throw RegistryRules.acmeTaken(object) }
                return 1
            }
            if let lookup = object.lookup {
                let taken = try connection.execute(
                    """
                    SELECT count(*) FROM acme_objects
                    WHERE kind = \(object.kind.rawValue) AND lookup = \(lookup) AND id <> \(object.id)
                    """
                ).integer()
                guard taken == 0 else { throw RegistryRules.acmeTaken(object) }
            }
            let updated = try connection.execute(
                """
                UPDATE acme_objects SET account = \(object.account), lookup = \(object.lookup),
                    expires_at = \(object.expires), body = \(bytes: object.body), version = version + 1
                WHERE kind = \(object.kind.rawValue) AND id = \(object.id) AND version = \(object.version)
                """
            )
            guard updated.affectedRows == 1 else { throw RegistryRules.acmeChanged(object) }
            return object.version + 1
        }
    }

    public func removeACMEObject(_ kind: ACMEObjectKind, id: String, at date: Date) async throws -> Bool {
        try await transaction { connection in
            let rows = try connection.execute(
                "SELECT expires_at FROM acme_objects WHERE kind = \(kind.rawValue) AND id = \(id) FOR UPDATE"
            ).named
            guard let row = rows.first else { return false }
            try connection.execute("DELETE FROM acme_objects WHERE kind = \(kind.rawValue) AND id = \(id)")
            return try row.optionalDate("expires_at").map { $0 >= date } ?? true
        }
    }

    static func acmeObjects(_ result: MySQLResult) throws -> [ACMEObject] {
        try result.named.map { row in
            guard let kind = ACMEObjectKind(rawValue: try row.text("kind")) else {
                throw CharterError(.storage, "Unknown ACME object kind '\(try row.text("kind"))'")
            }
            var object = ACMEObject(
                kind: kind,
                id: try row.text("id"),
                account: try row.optionalText("account"),
                lookup: try row.optionalText("lookup"),
                created: try row.date("created_at"),
                expires: try row.optionalDate("expires_at"),
                body: try row.bytes("body")
            )
            object.version = try row.int("version")
            return object
        }
    }
}
