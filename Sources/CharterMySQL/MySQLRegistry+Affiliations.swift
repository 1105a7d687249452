// The affiliation tree on MySQL. Changes to the tree lock one row of `charter_locks` exclusively;
// identity inserts and moves lock it shared, so no identity lands in an affiliation that a
// concurrent removal is deleting.

import CharterCore
import CharterStore
import Foundation

extension MySQLRegistry {
    static func lockAffiliations(_ connection: MySQLConnection, exclusive: Bool) throws {
        try connection.execute(
            """
            SELECT name FROM charter_locks WHERE name = '\(unescaped: MySQLSchema.affiliationLock)'
            \(unescaped: exclusive ? "FOR UPDATE" : "LOCK IN SHARE MODE")
            """
        )
    }

    static func requireAffiliation(_ connection: MySQLConnection, _ name: String) throws {
        if name.isEmpty { return }
        guard try affiliationExists(connection, name) else {
            throw CharterError(.unknownAffiliation, "Affiliation '\(name)' does not exist")
        }
    }

    static func affiliationExists(_ connection: MySQLConnection, _ name: String) throws -> Bool {
        try !connection.execute("SELECT 1 FROM affiliations WHERE name = \(name)").rows.isEmpty
    }

    public func affiliationExists(_ name: String) async throws -> Bool {
        try await run { connection in try Self.affiliationExists(connection, name) }
    }

    public func affiliations() async throws -> [String] {
        try await run { connection in
            try connection.execute("SELECT name FROM affiliations ORDER BY name").named.map { try $0.text("name") }
        }
    }

    public func addAffiliations(_ names: [String]) async throws {
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: true)
            for name in names { try Self.insertWithParents(connection, name) }
        }
    }

    public func addAffiliation(_ name: String, createParents: Bool) async throws {
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: true)
            try RegistryRules.checkAddition(
                of: name,
                exists: try Self.affiliationExists(connection, name),
                parentExists: try Affiliation.parent(of: name).map { try Self.affiliationExists(connection, $0) }
                    ?? true,
                createParents: createParents
            )
            try Self.insertWithParents(connection, name)
        }
    }

    static func insertWithParents(_ connection: MySQLConnection, _ name: String) throws {
        for element in RegistryRules.lineage(of: name) {
            try connection.execute(
                """
                INSERT INTO affiliations (name, parent) VALUES (\(element), \(Affiliation.parent(of: element)))
                ON DUPLICATE KEY UPDATE name = name
                """
            )
        }
    }

    public func renameAffiliation(_ old: String, to new: String) async throws -> AffiliationChange {
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: true)
            let change = try Self.affected(connection, old)
            if try Self.affiliationExists(connection, new) {
                throw CharterError(.duplicateAffiliation, "Affiliation '\(new)' already exists")
            }
            let renamed = { (name: String) in new + name.dropFirst(old.count) }
            for name in change.affiliations {
                try connection.execute("DELETE FROM affiliations WHERE name = \(name)")
            }
            for name in change.affiliations { try Self.insertWithParents(connection, renamed(name)) }
            for identity in change.identities {
                try connection.execute(
                    "UPDATE identities SET affiliation = \(renamed(identity.affiliation)) WHERE id = \(identity.id)"
                )
            }
            return change
        }
    }

    public func removeAffiliation(_ name: String, at date: Date) async throws -> AffiliationChange {
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: true)
            var change = try Self.affected(connection, name)
            for affiliation in change.affiliations {
                try connection.execute("DELETE FROM affiliations WHERE name = \(affiliation)")
            }
            for identity in change.identities {
                try connection.execute("DELETE FROM identities WHERE id = \(identity.id)")
                change.revoked += try Self.revokeAll(connection, of: identity.id, reason: .affiliationChanged, at: date)
            }
            return change
        }
    }

    /// The affiliation, its descendants and the identities in them; throws if it does not exist.
    static func affected(_ connection: MySQLConnection, _ name: String) throws -> AffiliationChange {
        let prefix = name + "."
        let width = prefix.utf8.count
        let names = try connection.execute(
            "SELECT name FROM affiliations WHERE name = \(name) OR LEFT(name, \(width)) = \(prefix) ORDER BY name"
        ).named.map { try $0.text("name") }
        guard names.first == name else {
            throw CharterError(.affiliationNotFound, "Affiliation '\(name)' does not exist")
        }
        let identities = try MySQLRows.identities(
            try connection.execute(
                """
                SELECT \(unescaped: MySQLRows.identityColumns) FROM identities
                WHERE affiliation = \(name) OR LEFT(affiliation, \(width)) = \(prefix)
                ORDER BY id FOR UPDATE
                """
            )
        )
        return AffiliationChange(affiliations: names, identities: identities)
    }
}
