// Certificates, CRL numbers and counts on MySQL.

import CharterCore
import CharterStore
import Foundation

extension MySQLRegistry {
    public func record(_ certificate: CertificateRecord) async throws {
        try await record([certificate])
    }

    public func record(_ certificates: [CertificateRecord]) async throws {
        try await transaction { connection in
            for certificate in certificates {
                try connection.execute(MySQLRows.insert(certificate))
                try MySQLLog.append(connection, certificate)
            }
        }
    }

    public func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord? {
        try await run { connection in
            try MySQLRows.certificates(
                try connection.execute(
                    """
                    SELECT \(unescaped: MySQLRows.certificateColumns) FROM certificates
                    WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier)
                    """
                )
            ).first
        }
    }

    public func certificateAndOwner(serial: String, authorityKeyIdentifier: String) async throws
        -> (certificate: CertificateRecord, owner: Identity?)?
    {
        let cache = attributes
        // One statement reads both at one moment (token authentication, on every request).
        return try await run { connection in
            let rows = try connection.execute(
                """
                SELECT \(unescaped: MySQLRows.columns(MySQLRows.certificateColumns, of: "c")),
                    \(unescaped: MySQLRows.columns(MySQLRows.identityColumns, of: "i", as: "owner_"))
                FROM certificates c LEFT JOIN identities i ON i.id = c.enrollment_id
                WHERE c.serial_number = \(serial) AND c.authority_key_identifier = \(authorityKeyIdentifier)
                """
            ).named
            guard let row = rows.first else { return nil }
            let owner =
                try row.raw("owner_id") == nil ? nil : try MySQLRows.identity(row, prefix: "owner_", decoded: cache)
            return (try MySQLRows.certificate(row), owner)
        }
    }

    public func revokeCertificate(
        serial: String,
        authorityKeyIdentifier: String,
        reason: RevocationReason,
        at date: Date
    ) async throws -> CertificateRecord {
        try await transaction { connection in
            let found = try MySQLRows.certificates(
                try connection.execute(
                    """
                    SELECT \(unescaped: MySQLRows.certificateColumns) FROM certificates
                    WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier) FOR UPDATE
                    """
                )
            )
            var record = try RegistryRules.revocable(
                found.first,
                serial: serial,
                authorityKeyIdentifier: authorityKeyIdentifier
            )
            try connection.execute(
                """
                UPDATE certificates SET status = 'revoked', reason = \(reason.rawValue), revoked_at = \(date)
                WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier)
                """
            )
            record.status = "revoked"
            record.reason = reason.rawValue
            record.revokedAt = MySQLDate.stored(date)
            try MySQLLog.append(connection, record, revocationOnly: true)
            return record
        }
    }

    public func certificates(matching filter: CertificateFilter) async throws -> [CertificateRecord] {
        let query = Self.selection(filter, columns: MySQLRows.columns(MySQLRows.certificateColumns, of: "c"))
        return try await run { connection in try MySQLRows.certificates(try connection.execute(query)) }
    }

    public func revocations(matching filter: CertificateFilter) async throws -> [RevokedCertificate] {
        let query = Self.selection(filter, columns: "c.serial_number, c.revoked_at, c.reason")
        return try await run { connection in
            try connection.execute(query).named.map { row in
                RevokedCertificate(
                    serialHex: try row.text("serial_number"),
                    revokedAt: try row.optionalDate("revoked_at") ?? filter.now,
                    reason: RevocationReason(rawValue: try row.int("reason")) ?? .unspecified
                )
            }
        }
    }

    /// The query of `columns` of the certificates a filter selects, in key order: one for
    /// listings and CRLs.
    static func selection(_ filter: CertificateFilter, columns: String) -> MySQLQuery {
        var clauses: [MySQLQuery] = []
        if let id = filter.enrollmentID { clauses.append("c.enrollment_id = \(id)") }
        if let serial = filter.serial { clauses.append("c.serial_number = \(serial)") }
        if let aki = filter.authorityKeyIdentifier { clauses.append("c.authority_key_identifier = \(aki)") }
        if let date = filter.revokedStart { clauses.append("c.revoked_at >= \(date)") }
        if let date = filter.revokedEnd { clauses.append("c.revoked_at <= \(date)") }
        if let date = filter.expiredStart { clauses.append("c.not_after >= \(date)") }
        if let date = filter.expiredEnd { clauses.append("c.not_after <= \(date)") }
        if filter.notExpired { clauses.append("c.not_after > \(filter.now)") }
        if filter.notRevoked { clauses.append("c.status = 'good'") }
        if filter.revokedOnly { clauses.append("c.status = 'revoked'") }
        if let after = filter.after {
            clauses.append(
                """
                c.serial_number >= \(after.serial)
                AND (c.serial_number > \(after.serial) OR c.authority_key_identifier > \(after.authorityKeyIdentifier))
                """
            )
        }
        var join = ""
        if let scope = filter.affiliationScope, !scope.isEmpty {
            join = "JOIN identities i ON i.id = c.enrollment_id"
            clauses.append(
                "(i.affiliation = \(scope) OR LEFT(i.affiliation, \(scope.utf8.count + 1)) = \(scope + "."))"
            )
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.map(\.sql).joined(separator: " AND ")
        return """
            SELECT \(unescaped: columns)
            FROM certificates c \(unescaped: join) \(unescaped: whereClause)
            ORDER BY c.serial_number, c.authority_key_identifier \(unescaped: filter.limit.map { "LIMIT \($0)" } ?? "")
            """
    }

    public func next(_ sequence: RegistrySequence) async throws -> Int {
        // One atomic upsert: two replicas asking at once get two different values.
        try await transaction { connection in
            try connection.execute(
                """
                INSERT INTO properties (name, value) VALUES (\(sequence.rawValue), LAST_INSERT_ID(1))
                ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)
                """
            )
            return connection.lastInsertID
        }
    }

    public func current(_ sequence: RegistrySequence) async throws -> Int {
        try await run { connection in
            try connection.execute("SELECT value FROM properties WHERE name = \(sequence.rawValue)").integer() ?? 0
        }
    }

    // MARK: Idemix

    public func storeIdemixNonce(_ nonce: [UInt8], expiresAt: Date) async throws {
        try await transaction { connection in
            try connection.execute("DELETE FROM idemix_nonces WHERE expires_at < \(Date())")
            try connection.execute(
                "INSERT INTO idemix_nonces (nonce, expires_at) VALUES (\(bytes: nonce), \(expiresAt))"
            )
        }
    }

    public func takeIdemixNonce(_ nonce: [UInt8], at date: Date) async throws -> Bool {
        try await transaction { connection in
            let rows = try connection.execute(
                "SELECT expires_at FROM idemix_nonces WHERE nonce = \(bytes: nonce) FOR UPDATE"
            ).named
            guard let row = rows.first else { return false }
            try connection.execute("DELETE FROM idemix_nonces WHERE nonce = \(bytes: nonce)")
            return try row.date("expires_at") >= date
        }
    }

    public func record(_ credential: IdemixCredentialRecord) async throws {
        try await run { connection in
            try connection.execute(
                """
                INSERT INTO idemix_credentials (revocation_handle, enrollment_id, credential, status, issued_at)
                VALUES (\(credential.revocationHandle), \(credential.enrollmentID), \(bytes: credential.credential),
                    'good', \(credential.issuedAt))
                """
            )
        }
    }

    public func goodIdemixCredentials(of id: String) async throws -> Int {
        try await run { connection in
            try connection.execute(
                "SELECT count(*) FROM idemix_credentials WHERE enrollment_id = \(id) AND status = 'good'"
            ).integer() ?? 0
        }
    }

    public func countUnrevoked(notAfterFrom start: Date, to end: Date) async throws -> Int {
        try await run { connection in
            try connection.execute(
                "SELECT count(*) FROM certificates WHERE not_after BETWEEN \(start) AND \(end) AND status = 'good'"
            ).integer() ?? 0
        }
    }

    public func counts() async throws -> RegistryCounts {
        try await run { connection in
            guard
                let row = try connection.execute(
                    """
                    SELECT (SELECT count(*) FROM identities) AS identities,
                        (SELECT count(*) FROM certificates) AS certificates,
                        (SELECT count(*) FROM affiliations) AS affiliations
                    """
                ).named.first
            else { throw CharterError(.storage, "The registry counts were not returned") }
            return RegistryCounts(
                identities: try row.int("identities"),
                certificates: try row.int("certificates"),
                affiliations: try row.int("affiliations")
            )
        }
    }

    // MARK: CertificateArchive

    public func certificateBatch(after rowID: Int64, limit: Int) async throws -> [AuditRow] {
        try await run { connection in
            try connection.execute(
                """
                SELECT row_id, serial_number, profile, pem FROM certificates
                WHERE row_id > \(Int(rowID)) ORDER BY row_id LIMIT \(limit)
                """
            ).named.map { row in
                AuditRow(
                    rowID: Int64(try row.int("row_id")),
                    serial: try row.text("serial_number"),
                    profile: try row.text("profile"),
                    pem: try row.text("pem")
                )
            }
        }
    }

    public func duplicateSerials() async throws -> [(serial: String, authorityKeyIdentifier: String)] {
        // The primary key forbids duplicates; kept for the audit's uniform view of every backend.
        try await run { connection in
            try connection.execute(
                """
                SELECT serial_number, authority_key_identifier FROM certificates
                GROUP BY serial_number, authority_key_identifier HAVING count(*) > 1
                """
            ).named.map { (try $0.text("serial_number"), try $0.text("authority_key_identifier")) }
        }
    }

    public func certificateCount(authorityKeyIdentifier: String) async throws -> Int {
        try await run { connection in
            try connection.execute(
                "SELECT count(*) FROM certificates WHERE authority_key_identifier = \(authorityKeyIdentifier)"
            ).integer() ?? 0
        }
    }
}
