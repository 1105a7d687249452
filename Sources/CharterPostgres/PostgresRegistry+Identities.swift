// Identities and enrollments on PostgreSQL. An identity's row lock (`FOR UPDATE`, or the lock a
// conditional UPDATE takes) orders everything that changes it, whichever replica asks.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

extension PostgresRegistry {
    public func identity(_ id: String) async throws -> Identity? {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresRows.identityColumns) FROM identities WHERE id = \(id)",
                logger: logger
            )
            return try await PostgresRows.identities(rows, decoded: attributes).first
        }
    }

    public func identities(after id: String?, limit: Int) async throws -> [Identity] {
        // The primary key's own order, so each page is a range of its index.
        try await read { connection in
            try await PostgresRows.identities(
                try await connection.query(
                    """
                    SELECT \(unescaped: PostgresRows.identityColumns) FROM identities
                    WHERE \(id == nil) OR id > \(id ?? "") ORDER BY id LIMIT \(limit)
                    """,
                    logger: logger
                )
            )
        }
    }

    public func insert(_ identity: Identity) async throws {
        let attributes = try StoredAttributes.encode(identity.attributes)
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: false)
            try await requireAffiliation(connection, identity.affiliation)
            let inserted = try await connection.query(
                """
                INSERT INTO identities (id, secret_hash, type, affiliation, attributes, enrollments, max_enrollments,
                    incorrect_password_attempts, revoked)
                VALUES (\(identity.id), \(identity.secretHash), \(identity.type), \(identity.affiliation),
                    \(attributes), \(identity.enrollments), \(identity.maxEnrollments),
                    \(identity.incorrectPasswordAttempts), \(identity.revoked))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """,
                logger: logger
            ).collect()
            guard !inserted.isEmpty else {
                throw CharterError(.duplicateIdentity, "Identity '\(identity.id)' is already registered")
            }
        }
    }

    public func countLoginAttempt(_ id: String, limit: Int) async throws -> Int? {
        try await read { connection in
            let rows = try await connection.query(
                """
                UPDATE identities SET incorrect_password_attempts = incorrect_password_attempts + 1
                WHERE id = \(id) AND (\(limit) <= 0 OR incorrect_password_attempts < \(limit))
                RETURNING incorrect_password_attempts
                """,
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return nil
        }
    }

    public func resetLoginAttempts(_ id: String) async throws {
        try await read { connection in
            _ = try await connection.query(
                """
                UPDATE identities SET incorrect_password_attempts = 0
                WHERE id = \(id) AND incorrect_password_attempts != 0
                """,
                logger: logger
            )
        }
    }

    public func recordEnrollment(_ enrollment: EnrollmentRecord) async throws {
        let certificate = enrollment.certificate
        let id = certificate.enrollmentID
        let counts = enrollment.countsAsEnrollment
        // One statement, one round trip, its own transaction: lock the identity's row
        // (concurrent enrollments of one identity, on any replica, take turns), check it, insert
        // the certificate, count it and append it to the transparency log. Nothing is written
        // when a check fails; the outcome columns say which one did.
        let leaves = PostgresLog.Leaves([
            PostgresLog.Appended(
                entries: certificate.logEntries(revocationOnly: false),
                serial: certificate.serial,
                authorityKeyIdentifier: certificate.authorityKeyIdentifier
            )
        ])
        let query: PostgresQuery = """
            WITH owner AS (
                SELECT revoked, enrollments, max_enrollments, incorrect_password_attempts
                FROM identities WHERE id = \(id) FOR UPDATE
            ), allowed AS (
                SELECT * FROM owner
                WHERE NOT revoked AND (NOT \(counts) OR max_enrollments < 0 OR enrollments < max_enrollments)
            ), inserted AS (
                INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile,
                    issued_at, not_before, not_after, status, reason, revoked_at, pem)
                SELECT \(certificate.serial), \(certificate.authorityKeyIdentifier), \(id), \(certificate.caName),
                    \(certificate.profile), \(certificate.issuedAt), \(certificate.notBefore), \(certificate.notAfter),
                    \(certificate.status), \(certificate.reason), \(certificate.revokedAt), \(certificate.pem)
                FROM allowed
                RETURNING 1
            ), counted AS (
                UPDATE identities SET enrollments = enrollments + (CASE WHEN \(counts) THEN 1 ELSE 0 END),
                    incorrect_password_attempts = 0
                WHERE id = \(id) AND EXISTS (SELECT 1 FROM inserted)
                    AND (\(counts) OR incorrect_password_attempts <> 0)
                RETURNING 1
            ), logged AS (
                SELECT charter_log_append(\(leaves.kinds)::integer[], \(leaves.serials)::text[], \(leaves.akis)::text[],
                    \(leaves.hashes)::bytea[])
                FROM inserted
            )
            SELECT (SELECT count(*) FROM owner), (SELECT bool_or(revoked) FROM owner),
                (SELECT max(max_enrollments) FROM owner), (SELECT count(*) FROM inserted),
                (SELECT count(*) FROM logged)
            """
        try await read { connection in
            var outcome: (found: Int, revoked: Bool?, max: Int?, inserted: Int, logged: Int)?
            for try await row in try await connection.query(query, logger: logger).decode(
                (Int, Bool?, Int?, Int, Int).self
            ) {
                outcome = row
            }
            guard let outcome else { throw CharterError(.storage, "The enrollment's outcome was not returned") }
            if outcome.inserted == 1 && outcome.logged == 1 { return }
            guard outcome.found == 1 else { throw CharterError.authentication("Identity '\(id)' no longer exists") }
            if outcome.revoked == true { throw CharterError.authentication("Identity '\(id)' is revoked") }
            throw CharterError.authentication(
                "Identity '\(id)' has reached its maximum of \(outcome.max ?? 0) enrollments"
            )
        }
    }

    public func updateIdentity(_ id: String, _ modify: @escaping @Sendable (inout Identity) throws -> Void)
        async throws -> Identity
    {
        try await transaction { connection in
            try await lockAffiliations(connection, exclusive: false)
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresRows.identityColumns) FROM identities WHERE id = \(id) FOR UPDATE",
                logger: logger
            )
            guard let current = try await PostgresRows.identities(rows).first else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            var updated = current
            try modify(&updated)
            try RegistryRules.checkUpdate(from: current, to: updated)
            if updated.affiliation != current.affiliation {
                try await requireAffiliation(connection, updated.affiliation)
            }
            // The row is locked: writing every column cannot overwrite a concurrent change.
            try await connection.query(
                """
                UPDATE identities SET secret_hash = \(updated.secretHash), type = \(updated.type),
                    affiliation = \(updated.affiliation), attributes = \(try StoredAttributes.encode(updated.attributes)),
                    enrollments = \(updated.enrollments), max_enrollments = \(updated.maxEnrollments),
                    incorrect_password_attempts = \(updated.incorrectPasswordAttempts), revoked = \(updated.revoked)
                WHERE id = \(id)
                """,
                logger: logger
            )
            return updated
        }
    }

    public func removeIdentity(_ id: String, at date: Date) async throws -> [CertificateRecord] {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM identities WHERE id = \(id) RETURNING 1",
                logger: logger
            ).collect()
            guard !deleted.isEmpty else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            return try await revokeAll(connection, of: id, reason: .cessationOfOperation, at: date)
        }
    }

    public func revokeIdentity(_ id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await transaction { connection in
            let updated = try await connection.query(
                "UPDATE identities SET revoked = true WHERE id = \(id) RETURNING 1",
                logger: logger
            ).collect()
            guard !updated.isEmpty else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            return try await revokeAll(connection, of: id, reason: reason, at: date)
        }
    }

    public func revokeCertificates(of id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    {
        try await transaction { connection in try await revokeAll(connection, of: id, reason: reason, at: date) }
    }

    /// Revokes every good certificate of `id` in one statement; returns them as revoked.
    func revokeAll(_ connection: PostgresConnection, of id: String, reason: RevocationReason, at date: Date)
        async throws -> [CertificateRecord]
    {
        let revoked = try await PostgresRows.certificates(
            try await connection.query(
                """
                UPDATE certificates SET status = 'revoked', reason = \(reason.rawValue), revoked_at = \(date)
                WHERE enrollment_id = \(id) AND status = 'good'
                RETURNING \(unescaped: PostgresRows.certificateColumns)
                """,
                logger: logger
            )
        ).sorted { ($0.issuedAt, $0.serial) < ($1.issuedAt, $1.serial) }
        for record in revoked {
            try await PostgresLog.append(connection, record, revocationOnly: true, logger: logger)
        }
        try await connection.query(
            """
            UPDATE idemix_credentials SET status = 'revoked', revoked_at = \(date)
            WHERE enrollment_id = \(id) AND status = 'good'
            """,
            logger: logger
        )
        return revoked
    }
}
