// Identities and enrollments on MySQL. An identity's row lock (`FOR UPDATE`, or the lock an
// UPDATE takes) orders everything that changes it, whichever replica asks.

import CMariaDB
import CharterCore
import CharterStore
import Foundation

extension MySQLRegistry {
    public func identity(_ id: String) async throws -> Identity? {
        let cache = attributes
        return try await run { connection in
            try MySQLRows.identities(
                try connection.execute(
                    "SELECT \(unescaped: MySQLRows.identityColumns) FROM identities WHERE id = \(id)"
                ),
                decoded: cache
            ).first
        }
    }

    public func identities(after id: String?, limit: Int) async throws -> [Identity] {
        let range: MySQLQuery = id.map { "WHERE id > \($0)" } ?? ""
        return try await run { connection in
            try MySQLRows.identities(
                try connection.execute(
                    """
                    SELECT \(unescaped: MySQLRows.identityColumns) FROM identities \(unescaped: range.sql)
                    ORDER BY id LIMIT \(limit)
                    """
                )
            )
        }
    }

    public func insert(_ identity: Identity) async throws {
        let attributes = try StoredAttributes.encode(identity.attributes)
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: false)
            try Self.requireAffiliation(connection, identity.affiliation)
            do {
                try connection.execute(
                    """
                    INSERT INTO identities (id, secret_hash, type, affiliation, attributes, enrollments, max_enrollments,
                        incorrect_password_attempts, revoked)
                    VALUES (\(identity.id), \(identity.secretHash), \(identity.type), \(identity.affiliation),
                        \(attributes), \(identity.enrollments), \(identity.maxEnrollments),
                        \(identity.incorrectPasswordAttempts), \(identity.revoked))
                    """
                )
            } catch let failure as MySQLFailure where failure.number == UInt32(ER_DUP_ENTRY) {
                throw CharterError(.duplicateIdentity, "Identity '\(identity.id)' is already registered")
            }
        }
    }

    public func countLoginAttempt(_ id: String, limit: Int) async throws -> Int? {
        try await transaction { connection in
            let counted = try connection.execute(
                """
                UPDATE identities SET incorrect_password_attempts = incorrect_password_attempts + 1
                WHERE id = \(id) AND (\(limit) <= 0 OR incorrect_password_attempts < \(limit))
                """
            )
            guard counted.affectedRows == 1 else { return nil }
            // The row stays locked until COMMIT: this reads the count this attempt made.
            return try connection.execute("SELECT incorrect_password_attempts FROM identities WHERE id = \(id)")
                .integer()
        }
    }

    public func resetLoginAttempts(_ id: String) async throws {
        try await run { connection in
            try connection.execute(
                "UPDATE identities SET incorrect_password_attempts = 0 WHERE id = \(id) AND incorrect_password_attempts != 0"
            )
        }
    }

    public func recordEnrollment(_ enrollment: EnrollmentRecord) async throws {
        let certificate = enrollment.certificate
        let id = certificate.enrollmentID
        let counts = enrollment.countsAsEnrollment
        try await transaction { connection in
            // Concurrent enrollments of one identity, on any replica, take turns on its row.
            guard
                let owner = try connection.execute(
                    "SELECT revoked, enrollments, max_enrollments FROM identities WHERE id = \(id) FOR UPDATE"
                ).named.first
            else {
                throw CharterError.authentication("Identity '\(id)' no longer exists")
            }
            if try owner.bool("revoked") { throw CharterError.authentication("Identity '\(id)' is revoked") }
            let maximum = try owner.int("max_enrollments")
            if counts, maximum >= 0, try owner.int("enrollments") >= maximum {
                throw CharterError.authentication("Identity '\(id)' has reached its maximum of \(maximum) enrollments")
            }
            try connection.execute(MySQLRows.insert(certificate))
            try connection.execute(
                """
                UPDATE identities SET enrollments = enrollments + \(counts ? 1 : 0), incorrect_password_attempts = 0
                WHERE id = \(id)
                """
            )
            try MySQLLog.append(connection, certificate)
        }
    }

    public func updateIdentity(_ id: String, _ modify: @escaping @Sendable (inout Identity) throws -> Void)
        async throws -> Identity
    {
        try await transaction { connection in
            try Self.lockAffiliations(connection, exclusive: false)
            guard
                let current = try MySQLRows.identities(
                    try connection.execute(
                        "SELECT \(unescaped: MySQLRows.identityColumns) FROM identities WHERE id = \(id) FOR UPDATE"
                    )
                ).first
            else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            var updated = current
            try modify(&updated)
            try RegistryRules.checkUpdate(from: current, to: updated)
            if updated.affiliation != current.affiliation {
                try Self.requireAffiliation(connection, updated.affiliation)
            }
            // The row is locked: writing every column cannot overwrite a concurrent change.
            try connection.execute(
                """
                UPDATE identities SET secret_hash = \(updated.secretHash), type = \(updated.type),
                    affiliation = \(updated.affiliation), attributes = \(try StoredAttributes.encode(updated.attributes)),
                    enrollments = \(updated.enrollments), max_enrollments = \(updated.maxEnrollments),
                    incorrect_password_attempts = \(updated.incorrectPasswordAttempts), revoked = \(updated.revoked)
                WHERE id = \(id)
                """
            )
            return updated
        }
    }

    public func removeIdentity(_ id: String, at date: Date) async throws -> [CertificateRecord] {
        try await transaction { connection in
            guard try connection.execute("DELETE FROM identities WHERE id = \(id)").affectedRows == 1 else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            return try Self.revokeAll(connection, of: id, reason: .cessationOfOperation, at: date)
        }
    }

    public func revokeIdentity(_ id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await transaction { connection in
            guard try connection.execute("UPDATE identities SET revoked = TRUE WHERE id = \(id)").affectedRows == 1
            else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            return try Self.revokeAll(connection, of: id, reason: reason, at: date)
        }
    }

    public func revokeCertificates(of id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await transaction { connection in try Self.revokeAll(connection, of: id, reason: reason, at: date) }
    }

    /// Revokes every good certificate of `id`; returns them as revoked, oldest first.
    static func revokeAll(_ connection: MySQLConnection, of id: String, reason: RevocationReason, at date: Date)
        throws -> [CertificateRecord]
    {
        let good = try MySQLRows.certificates(
            try connection.execute(
                """
                SELECT \(unescaped: MySQLRows.certificateColumns) FROM certificates
                WHERE enrollment_id = \(id) AND status = 'good' FOR UPDATE
                """
            )
        ).sorted { ($0.issuedAt, $0.serial) < ($1.issuedAt, $1.serial) }
        try connection.execute(
            """
            UPDATE idemix_credentials SET status = 'revoked', revoked_at = \(date)
            WHERE enrollment_id = \(id) AND status = 'good'
            """
        )
        guard !good.isEmpty else { return [] }
        try connection.execute(
            """
            UPDATE certificates SET status = 'revoked', reason = \(reason.rawValue), revoked_at = \(date)
            WHERE enrollment_id = \(id) AND status = 'good'
            """
        )
        let revoked = good.map { record -> CertificateRecord in
            var record = record
            record.status = "revoked"
            record.reason = reason.rawValue
            record.revokedAt = MySQLDate.stored(date)
            return record
        }
        for record in revoked { try MySQLLog.append(connection, record, revocationOnly: true) }
        return revoked
    }
}
