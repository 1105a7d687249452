// The identity lifecycle in SQL: listing, modifying, revoking and removing identities and
// certificates, affiliation changes, CRL numbers. Each change is one transaction.

import CharterCore
import Foundation
import GRDB

extension SQLiteRegistry {
    public func identities(after id: String?, limit: Int) async throws -> [Identity] {
        try await read { db in
            var rows = IdentityRow.order(Column("id")).limit(limit)
            if let id { rows = rows.filter(Column("id") > id) }
            return try rows.fetchAll(db).map { try $0.identity() }
        }
    }

    public func updateIdentity(_ id: String, _ modify: @escaping @Sendable (inout Identity) throws -> Void)
        async throws -> Identity
    {
        try await write { db in
            guard let stored = try IdentityRow.fetchOne(db, key: id) else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            let current = try stored.identity()
            var updated = current
            try modify(&updated)
            try RegistryRules.checkUpdate(from: current, to: updated)
            if updated.affiliation != current.affiliation {
                try Self.requireAffiliation(db, updated.affiliation)
            }
            try IdentityRow(updated).updateChanges(db, from: stored)
            return updated
        }
    }

    public func removeIdentity(_ id: String, at date: Date) async throws -> [CertificateRecord] {
        try await write { db in
            guard try IdentityRow.deleteOne(db, key: id) else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            return try Self.revokeAll(db, of: id, reason: .cessationOfOperation, at: date)
        }
    }

    public func revokeIdentity(_ id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await write { db in
            guard try IdentityRow.exists(db, key: id) else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            try db.execute(sql: "UPDATE identities SET revoked = 1 WHERE id = ?", arguments: [id])
            return try Self.revokeAll(db, of: id, reason: reason, at: date)
        }
    }

    public func revokeCertificates(of id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await write { db in try Self.revokeAll(db, of: id, reason: reason, at: date) }
    }

    public func revokeCertificate(
        serial: String,
        authorityKeyIdentifier: String,
        reason: RevocationReason,
        at date: Date
    ) async throws -> CertificateRecord {
        try await write { db in
            let key: [String: any DatabaseValueConvertible] = [
                "serial_number": serial, "authority_key_identifier": authorityKeyIdentifier,
            ]
            var record = try RegistryRules.revocable(
                try CertificateRecord.fetchOne(db, key: key),
                serial: serial,
                authorityKeyIdentifier: authorityKeyIdentifier
            )
            record.status = "revoked"
            record.reason = reason.rawValue
            record.revokedAt = date
            try record.update(db)
            try SQLiteLog.log(db, record, revocationOnly: true)
            return record
        }
    }

    static func revokeAll(_ db: Database, of id: String, reason: RevocationReason, at date: Date) throws
        -> [CertificateRecord]
    {
        let good = try CertificateRecord.fetchAll(
            db,
            sql: "SELECT * FROM certificates WHERE enrollment_id = ? AND status = 'good' ORDER BY issued_at",
            arguments: [id]
        )
        try db.execute(
            sql:
                "UPDATE certificates SET status = 'revoked', reason = ?, revoked_at = ? WHERE enrollment_id = ? AND status = 'good'",
            arguments: [reason.rawValue, StoredDate(date), id]
        )
        let revoked = good.map { record in
            var revoked = record
            revoked.status = "revoked"
            revoked.reason = reason.rawValue
            revoked.revokedAt = date
            return revoked
        }
        for record in revoked {
            try SQLiteLog.log(db, record, revocationOnly: true)
        }
        try db.execute(
            sql:
                "UPDATE idemix_credentials SET status = 'revoked', revoked_at = ? WHERE enrollment_id = ? AND status = 'good'",
            arguments: [StoredDate(date), id]
        )
        return revoked
    }

    public func certificates(matching filter: CertificateFilter) async throws -> [CertificateRecord] {
        try await read { db in
            let (from, arguments) = Self.selection(filter)
            return try CertificateRecord.fetchAll(
                db,
                sql: "SELECT c.* \(from)",
                arguments: arguments
            )
        }
    }

    public func revocations(matching filter: CertificateFilter) async throws -> [RevokedCertificate] {
        try await read { db in
            let (from, arguments) = Self.selection(filter)
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT c.serial_number, c.revoked_at, c.reason \(from)",
                arguments: arguments
            )
            var entries: [RevokedCertificate] = []
            while let row = try rows.next() {
                let revokedAt: StoredDate? = row[1]
                entries.append(
                    RevokedCertificate(
                        serialHex: row[0],
                        revokedAt: revokedAt?.date ?? filter.now,
                        reason: RevocationReason(rawValue: row[2]) ?? .unspecified
                    )
                )
            }
            return entries
        }
    }

    /// The FROM, JOIN, WHERE, ORDER BY and LIMIT of a filter, with its arguments: one for
    /// listings and CRLs. Key order lets a page resume on the primary key's index.
    static func selection(_ filter: CertificateFilter) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        func add(_ clause: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            clauses.append(clause)
            arguments += [value]
        }
        add("c.enrollment_id = ?", filter.enrollmentID)
        add("c.serial_number = ?", filter.serial)
        add("c.authority_key_identifier = ?", filter.authorityKeyIdentifier)
        add("c.revoked_at >= ?", filter.revokedStart.map(StoredDate.init))
        add("c.revoked_at <= ?", filter.revokedEnd.map(StoredDate.init))
        add("c.not_after >= ?", filter.expiredStart.map(StoredDate.init))
        add("c.not_after <= ?", filter.expiredEnd.map(StoredDate.init))
        if filter.notExpired { add("c.not_after > ?", StoredDate(filter.now)) }
        if filter.notRevoked { clauses.append("c.status = 'good'") }
        if filter.revokedOnly { clauses.append("c.status = 'revoked'") }
        if let after = filter.after {
            clauses.append("c.serial_number >= ? AND (c.serial_number > ? OR c.authority_key_identifier > ?)")
            arguments += [after.serial, after.serial, after.authorityKeyIdentifier]
        }
        var join = ""
        if let scope = filter.affiliationScope, !scope.isEmpty {
            join = "JOIN identities i ON i.id = c.enrollment_id"
            clauses.append("(i.affiliation = ? OR substr(i.affiliation, 1, ?) = ?)")
            arguments += [scope, scope.unicodeScalars.count + 1, scope + "."]
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        var tail = "ORDER BY c.serial_number, c.authority_key_identifier"
        if let limit = filter.limit {
            tail += " LIMIT ?"
            arguments += [limit]
        }
        return ("FROM certificates c \(join) \(whereClause) \(tail)", arguments)
    }

    public func next(_ sequence: RegistrySequence) async throws -> Int {
        try await write { db in
            let name = sequence.rawValue
            try db.execute(sql: "INSERT OR IGNORE INTO properties (name, value) VALUES (?, '0')", arguments: [name])
            try db.execute(
                sql: "UPDATE properties SET value = CAST(value AS INTEGER) + 1 WHERE name = ?",
                arguments: [name]
            )
            return try Int.fetchOne(
                db,
                sql: "SELECT CAST(value AS INTEGER) FROM properties WHERE name = ?",
                arguments: [name]
            )
                ?? 1
        }
    }

    public func current(_ sequence: RegistrySequence) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT CAST(value AS INTEGER) FROM properties WHERE name = ?",
                arguments: [sequence.rawValue]
            ) ?? 0
        }
    }

    // MARK: Idemix

    public func storeIdemixNonce(_ nonce: [UInt8], expiresAt: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM idemix_nonces WHERE expires_at < ?", arguments: [StoredDate(Date())])
            try db.execute(
                sql: "INSERT INTO idemix_nonces (nonce, expires_at) VALUES (?, ?)",
                arguments: [Data(nonce), StoredDate(expiresAt)]
            )
        }
    }

    public func takeIdemixNonce(_ nonce: [UInt8], at date: Date) async throws -> Bool {
        try await write { db in
            let expiry = try StoredDate.fetchOne(
                db,
                sql: "SELECT expires_at FROM idemix_nonces WHERE nonce = ?",
                arguments: [Data(nonce)]
            )
            try db.execute(sql: "DELETE FROM idemix_nonces WHERE nonce = ?", arguments: [Data(nonce)])
            return expiry.map { $0.date >= date } ?? false
        }
    }

    public func record(_ credential: IdemixCredentialRecord) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO idemix_credentials (revocation_handle, enrollment_id, credential, status, issued_at)
                    VALUES (?, ?, ?, 'good', ?)
                    """,
                arguments: [
                    credential.revocationHandle, credential.enrollmentID, Data(credential.credential),
                    StoredDate(credential.issuedAt),
                ]
            )
        }
    }

    public func goodIdemixCredentials(of id: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM idemix_credentials WHERE enrollment_id = ? AND status = 'good'",
                arguments: [id]
            ) ?? 0
        }
    }

    // MARK: affiliations

    public func affiliations() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT name FROM affiliations ORDER BY name") }
    }

    public func addAffiliation(_ name: String, createParents: Bool) async throws {
        try await write { db in
            try RegistryRules.checkAddition(
                of: name,
                exists: try Self.affiliationExists(db, name),
                parentExists: try Affiliation.parent(of: name).map { try Self.affiliationExists(db, $0) } ?? true,
                createParents: createParents
            )
            try Self.insertWithParents(db, name)
        }
    }

    static func insertWithParents(_ db: Database, _ name: String) throws {
        for element in RegistryRules.lineage(of: name) {
            try db.execute(
                sql: "INSERT OR IGNORE INTO affiliations (name, parent) VALUES (?, ?)",
                arguments: [element, Affiliation.parent(of: element)]
            )
        }
    }

    public func renameAffiliation(_ old: String, to new: String) async throws -> AffiliationChange {
        try await write { db in
            let change = try Self.affected(db, old)
            if try Self.affiliationExists(db, new) {
                throw CharterError(.duplicateAffiliation, "Affiliation '\(new)' already exists")
            }
            let renamed = { (name: String) in new + name.dropFirst(old.count) }
            for name in change.affiliations {
                try db.execute(sql: "DELETE FROM affiliations WHERE name = ?", arguments: [name])
            }
            for name in change.affiliations {
                try Self.insertWithParents(db, renamed(name))
            }
            for identity in change.identities {
                try db.execute(
                    sql: "UPDATE identities SET affiliation = ? WHERE id = ?",
                    arguments: [renamed(identity.affiliation), identity.id]
                )
            }
            return change
        }
    }

    public func removeAffiliation(_ name: String, at date: Date) async throws -> AffiliationChange {
        try await write { db in
            var change = try Self.affected(db, name)
            for affiliation in change.affiliations {
                try db.execute(sql: "DELETE FROM affiliations WHERE name = ?", arguments: [affiliation])
            }
            for identity in change.identities {
                _ = try IdentityRow.deleteOne(db, key: identity.id)
                change.revoked += try Self.revokeAll(db, of: identity.id, reason: .affiliationChanged, at: date)
            }
            return change
        }
    }

    /// The affiliation, its descendants and the identities in them; throws if it does not exist.
    static func affected(_ db: Database, _ name: String) throws -> AffiliationChange {
        let names = try String.fetchAll(
            db,
            sql: "SELECT name FROM affiliations WHERE name = ? OR substr(name, 1, ?) = ? ORDER BY name",
            arguments: [name, name.unicodeScalars.count + 1, name + "."]
        )
        guard names.first == name else {
            throw CharterError(.affiliationNotFound, "Affiliation '\(name)' does not exist")
        }
        let identities = try IdentityRow.fetchAll(
            db,
            sql: "SELECT * FROM identities WHERE affiliation = ? OR substr(affiliation, 1, ?) = ? ORDER BY id",
            arguments: [name, name.unicodeScalars.count + 1, name + "."]
        ).map { try $0.identity() }
        return AffiliationChange(affiliations: names, identities: identities)
    }
}

/// What an affiliation rename or removal touches.
public struct AffiliationChange: Sendable {
    /// The affiliation and its descendants, parents first.
    public var affiliations: [String]
    /// Identities in any of them.
    public var identities: [Identity]
    /// Certificates revoked by the change.
    public var revoked: [CertificateRecord] = []

    /// Creates a change (before its revocations are added).
    public init(affiliations: [String], identities: [Identity]) {
        self.affiliations = affiliations
        self.identities = identities
    }
}
