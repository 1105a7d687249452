// The affiliation tree on PostgreSQL. Changes to the tree take an exclusive transaction lock;
// identity inserts and moves take it shared, so no identity lands in an affiliation that a
// concurrent removal is deleting.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

extension PostgresRegistry {
    func lockAffiliations(_ connection: PostgresConnection, exclusive: Bool) async throws {
        if exclusive {
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.affiliationLock))",
                logger: logger
            )
        } else {
            try await connection.query(
                "SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.affiliationLock))",
                logger: logger
            )
        }
    }

    func requireAffiliation(_ connection: PostgresConnection, _ name: String) async throws {
        if name.isEmpty { return }
        guard try await affiliationExists(connection, name) else {
            throw CharterError(.unknownAffiliation, "Affiliation '\(name)' does not exist")
        }
    }

    func affiliationExists(_ connection: PostgresConnection, _ name: String) async throws -> Bool {
        try await !connection.query("SELECT 1 FROM affiliations WHERE name = \(name)", logger: logger).collect().isEmpty
    }

    public func affiliationExists(_ name: String) async throws -> Bool {
        try await read { connection in try await affiliationExists(connection, name) }
    }

    public func affiliations() async throws -> [String] {
        try await read { connection in
            var names: [String] = []
            let rows = try await connection.query(
                "SELECT name FROM affiliations ORDER BY name COLLATE \"C\"",
                logger: logger
            )
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    public func addAffiliations(_ names: [String]) async throws {
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: true)
            for name in names { try await insertWithParents(connection, name) }
        }
    }

    public func addAffiliation(_ name: String, createParents: Bool) async throws {
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: true)
            var parentExists = true
            if let parent = Affiliation.parent(of: name) {
                parentExists = try await affiliationExists(connection, parent)
            }
            try RegistryRules.checkAddition(
                of: name,
                exists: try await affiliationExists(connection, name),
                parentExists: parentExists,
                createParents: createParents
            )
            try await insertWithParents(connection, name)
        }
    }

    func insertWithParents(_ connection: PostgresConnection, _ name: String) async throws {
        for element in RegistryRules.lineage(of: name) {
            try await connection.query(
                """
                INSERT INTO affiliations (name, parent) VALUES (\(element), \(Affiliation.parent(of: element)))
                ON CONFLICT (name) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func renameAffiliation(_ old: String, to new: String) async throws -> AffiliationChange {
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: true)
            let change = try await affected(connection, old)
            if try await affiliationExists(connection, new) {
                throw CharterError(.duplicateAffiliation, "Affiliation '\(new)' already exists")
            }
            let renamed = { (name: String) in new + name.dropFirst(old.count) }
            for name in change.affiliations {
                try await connection.query("DELETE FROM affiliations WHERE name = \(name)", logger: logger)
            }
            for name in change.affiliations {
                try await insertWithParents(connection, renamed(name))
            }
            for identity in change.identities {
                try await connection.query(
                    "UPDATE identities SET affiliation = \(renamed(identity.affiliation)) WHERE id = \(identity.id)",
                    logger: logger
                )
            }
            return change
        }
    }

    public func removeAffiliation(_ name: String, at date: Date) async throws -> AffiliationChange {
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: true)
            var change = try await affected(connection, name)
            for affiliation in change.affiliations {
                try await connection.query("DELETE FROM affiliations WHERE name = \(affiliation)", logger: logger)
            }
            for identity in change.identities {
                try await connection.query("DELETE FROM identities WHERE id = \(identity.id)", logger: logger)
                change.revoked += try await revokeAll(
                    connection,
                    of: identity.id,
                    reason: .affiliationChanged,
                    at: date
                )
            }
            return change
        }
    }

    /// The affiliation, its descendants and the identities in them; throws if it does not exist.
    func affected(_ connection: PostgresConnection, _ name: String) async throws -> AffiliationChange {
        let prefix = name + "."
        var names: [String] = []
        let rows = try await connection.query(
            """
            SELECT name FROM affiliations WHERE name = \(name) OR starts_with(name, \(prefix))
            ORDER BY name COLLATE "C"
            """,
            logger: logger
        )
        for try await affiliation in rows.decode(String.self) { names.append(affiliation) }
        guard names.first == name else {
            throw CharterError(.affiliationNotFound, "Affiliation '\(name)' does not exist")
        }
        let identities = try await PostgresRows.identities(
            try await connection.query(
                """
                SELECT \(unescaped: PostgresRows.identityColumns) FROM identities
                WHERE affiliation = \(name) OR starts_with(affiliation, \(prefix))
                ORDER BY id COLLATE "C" FOR UPDATE
                """,
                logger: logger
            )
        )
        return AffiliationChange(affiliations: names, identities: identities)
    }
}
