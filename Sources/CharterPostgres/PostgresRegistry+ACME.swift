// ACME's documents on PostgreSQL.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

extension PostgresRegistry {
    static let acmeColumns = "kind, id, account, lookup, created_at, expires_at, version, body"

    public func acmeObject(_ kind: ACMEObjectKind, where key: ACMEObjectKey) async throws -> ACMEObject? {
        try await read { connection in
            try await Self.acmeObjects(
                connection.query(
                    """
                    SELECT \(unescaped: Self.acmeColumns) FROM acme_objects
                    WHERE kind = \(kind.rawValue) AND \(unescaped: key.column) = \(key.value)
                    """,
                    logger: logger
                )
            ).first
        }
    }

    public func acmeObjects(_ kind: ACMEObjectKind, account: String?) async throws -> [ACMEObject] {
        try await read { connection in
            try await Self.acmeObjects(
                connection.query(
                    """
                    SELECT \(unescaped: Self.acmeColumns) FROM acme_objects
                    WHERE kind = \(kind.rawValue) AND (\(account)::text IS NULL OR account = \(account))
                    ORDER BY created_at, id
                    """,
                    logger: logger
                )
            )
        }
    }

    public func countACMEObjects(_ kind: ACMEObjectKind, account: String, since date: Date) async throws -> Int {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FROM acme_objects
                WHERE kind = \(kind.rawValue) AND account = \(account) AND created_at >= \(date)
                """,
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    public func saveACMEObject(_ object: ACMEObject) async throws -> Int {
        try await transaction { connection in
            let body = ByteBuffer(bytes: object.body)
            if object.version == 0 {
                if object.kind == .nonce {
                    try await connection.query(
                        "DELETE FROM acme_objects WHERE kind = 'nonce' AND expires_at < now()",
                        logger: logger
                    )
                }
                let rows = try await connection.query(
                    """
                    INSERT INTO acme_objects (\(unescaped: Self.acmeColumns))
                    VALUES (\(object.kind.rawValue), \(object.id), \(object.account), \(object.lookup), \(object.created),
                        \(object.expires), 1, \(body))
                    ON CONFLICT DO NOTHING RETURNING version
                    """,
                    logger: logger
                )
                for try await version in rows.decode(Int.self) { return version }
                throw RegistryRules.acmeTaken(object)
            }
            if let lookup = object.lookup {
                let rows = try await connection.query(
                    """
                    SELECT count(*) FROM acme_objects
                    WHERE kind = \(object.kind.rawValue) AND lookup = \(lookup) AND id <> \(object.id)
                    """,
                    logger: logger
                )
                for try await count in rows.decode(Int.self) where count > 0 { throw RegistryRules.acmeTaken(object) }
            }
            let rows = try await connection.query(
                """
                UPDATE acme_objects SET account = \(object.account), lookup = \(object.lookup),
                    expires_at = \(object.expires), body = \(body), version = version + 1
                WHERE kind = \(object.kind.rawValue) AND id = \(object.id) AND version = \(object.version)
                RETURNING version
                """,
                logger: logger
            )
            for try await version in rows.decode(Int.self) { return version }
            throw RegistryRules.acmeChanged(object)
        }
    }

    public func removeACMEObject(_ kind: ACMEObjectKind, id: String, at date: Date) async throws -> Bool {
        try await read { connection in
            let rows = try await connection.query(
                "DELETE FROM acme_objects WHERE kind = \(kind.rawValue) AND id = \(id) RETURNING expires_at",
                logger: logger
            )
            for try await expires in rows.decode(Date?.self) { return expires.map { $0 >= date } ?? true }
            return false
        }
    }

    static func acmeObjects(_ rows: PostgresRowSequence) async throws -> [ACMEObject] {
        var objects: [ACMEObject] = []
        for try await (kind, id, account, lookup, created, expires, version, body) in rows.decode(
            (String, String, String?, String?, Date, Date?, Int, ByteBuffer).self
        ) {
            guard let kind = ACMEObjectKind(rawValue: kind) else {
                throw CharterError(.storage, "Unknown ACME object kind '\(kind)'")
            }
            var object = ACMEObject(
                kind: kind,
                id: id,
                account: account,
                lookup: lookup,
                created: created,
                expires: expires,
                body: Array(body.readableBytesView)
            )
            object.version = version
            objects.append(object)
        }
        return objects
    }
}
