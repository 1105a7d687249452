// Certificates, CRL numbers and counts on PostgreSQL.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

extension PostgresRegistry {
    public func record(_ certificate: CertificateRecord) async throws {
        try await record([certificate])
    }

    public func record(_ certificates: [CertificateRecord]) async throws {
        guard !certificates.isEmpty else { return }
        // Two statements for the rows and a few for the log, however many there are (an import's batches).
        try await transaction { connection in
            try await connection.query(PostgresRows.insert(certificates), logger: logger)
            try await PostgresLog.append(
                connection,
                certificates.map {
                    PostgresLog.Appended(
                        entries: $0.logEntries(revocationOnly: false),
                        serial: $0.serial,
                        authorityKeyIdentifier: $0.authorityKeyIdentifier
                    )
                },
                logger: logger
            )
        }
    }

    public func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord? {
        try await read { connection in
            try await PostgresRows.certificates(
                try await connection.query(
                    """
                    SELECT \(unescaped: PostgresRows.certificateColumns) FROM certificates
                    WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier)
                    """,
                    logger: logger
                )
            ).first
        }
    }

    public func certificateAndOwner(serial: String, authorityKeyIdentifier: String) async throws
        -> (certificate: CertificateRecord, owner: Identity?)?
    {
        // One statement reads both in one snapshot (token authentication, on every request).
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT c.*, \(unescaped: PostgresRows.ownerColumns) FROM certificates c
                LEFT JOIN identities i ON i.id = c.enrollment_id
                WHERE c.serial_number = \(serial) AND c.authority_key_identifier = \(authorityKeyIdentifier)
                """,
                logger: logger
            )
            for try await row in rows {
                let owner = try row.makeRandomAccess()["owner_id"].decode(String?.self) == nil
                return (
                    try PostgresRows.certificate(row),
                    owner ? nil : try PostgresRows.identity(row, prefix: "owner_", decoded: attributes)
                )
            }
            return nil
        }
    }

    public func revokeCertificate(
        serial: String,
        authorityKeyIdentifier: String,
        reason: RevocationReason,
        at date: Date
    ) async throws -> CertificateRecord {
        try await transaction { connection in
            let found = try await PostgresRows.certificates(
                try await connection.query(
                    """
                    SELECT \(unescaped: PostgresRows.certificateColumns) FROM certificates
                    WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier) FOR UPDATE
                    """,
                    logger: logger
                )
            )
            _ = try RegistryRules.revocable(found.first, serial: serial, authorityKeyIdentifier: authorityKeyIdentifier)
            let revoked = try await PostgresRows.certificates(
                try await connection.query(
                    """
                    UPDATE certificates SET status = 'revoked', reason = \(reason.rawValue), revoked_at = \(date)
                    WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier)
                    RETURNING \(unescaped: PostgresRows.certificateColumns)
                    """,
                    logger: logger
                )
            )
            guard let record = revoked.first else {
                throw CharterError(.unknownCertificate, "Certificate \(serial) disappeared while being revoked")
            }
            try await PostgresLog.append(connection, record, revocationOnly: true, logger: logger)
            return record
        }
    }

    public func certificates(matching filter: CertificateFilter) async throws -> [CertificateRecord] {
        let columns = PostgresRows.certificateColumns.split(separator: ",").map {
            "c." + $0.trimmingSpaces
        }.joined(separator: ", ")
        let query = try Self.selection(filter, columns: columns)
        return try await read { connection in
            try await PostgresRows.certificates(try await connection.query(query, logger: logger))
        }
    }

    public func revocations(matching filter: CertificateFilter) async throws -> [RevokedCertificate] {
        let query = try Self.selection(filter, columns: "c.serial_number, c.revoked_at, c.reason")
        return try await read { connection in
            var entries: [RevokedCertificate] = []
            let rows = try await connection.query(query, logger: logger)
            for try await (serial, revokedAt, reason) in rows.decode((String, Date?, Int).self) {
                entries.append(
                    RevokedCertificate(
                        serialHex: serial,
                        revokedAt: revokedAt ?? filter.now,
                        reason: RevocationReason(rawValue: reason) ?? .unspecified
                    )
                )
            }
            return entries
        }
    }

    /// The query of `columns` of the certificates a filter selects, in key order: one for
    /// listings and CRLs.
    static func selection(_ filter: CertificateFilter, columns: String) throws -> PostgresQuery {
        var clauses: [String] = []
        var bindings = PostgresBindings()
        func add<Value: PostgresEncodable>(_ clause: (String) -> String, _ value: Value?) throws {
            guard let value else { return }
            try bindings.append(value)
            clauses.append(clause("$\(bindings.count)"))
        }
        try add({ "c.enrollment_id = \($0)" }, filter.enrollmentID)
        try add({ "c.serial_number = \($0)" }, filter.serial)
        try add({ "c.authority_key_identifier = \($0)" }, filter.authorityKeyIdentifier)
        try add({ "c.revoked_at >= \($0)" }, filter.revokedStart)
        try add({ "c.revoked_at <= \($0)" }, filter.revokedEnd)
        try add({ "c.not_after >= \($0)" }, filter.expiredStart)
        try add({ "c.not_after <= \($0)" }, filter.expiredEnd)
        if filter.notExpired { try add({ "c.not_after > \($0)" }, filter.now) }
        if filter.notRevoked { clauses.append("c.status = 'good'") }
        if filter.revokedOnly { clauses.append("c.status = 'revoked'") }
        if let after = filter.after {
            bindings.append(after.serial)
            let serial = bindings.count
            bindings.append(after.authorityKeyIdentifier)
            clauses.append(
                "c.serial_number >= $\(serial) AND (c.serial_number > $\(serial) "
                    + "OR c.authority_key_identifier > $\(bindings.count))"
            )
        }
        var join = ""
        if let scope = filter.affiliationScope, !scope.isEmpty {
            join = "JOIN identities i ON i.id = c.enrollment_id"
            bindings.append(scope)
            let exact = bindings.count
            bindings.append(scope + ".")
            clauses.append("(i.affiliation = $\(exact) OR starts_with(i.affiliation, $\(bindings.count)))")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return PostgresQuery(
            unsafeSQL: """
                SELECT \(columns) FROM certificates c \(join) \(whereClause)
                ORDER BY c.serial_number, c.authority_key_identifier\(filter.limit.map { " LIMIT \($0)" } ?? "")
                """,
            binds: bindings
        )
    }

    public func next(_ sequence: RegistrySequence) async throws -> Int {
        // One atomic upsert: two replicas asking at once get two different values.
        try await read { connection in
            let rows = try await connection.query(
                """
                INSERT INTO properties (name, value) VALUES (\(sequence.rawValue), 1)
                ON CONFLICT (name) DO UPDATE SET value = properties.value + 1
                RETURNING value
                """,
                logger: logger
            )
            for try await number in rows.decode(Int.self) { return number }
            throw CharterError(.storage, "The next \(sequence.rawValue) was not returned")
        }
    }

    public func current(_ sequence: RegistrySequence) async throws -> Int {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT value FROM properties WHERE name = \(sequence.rawValue)",
                logger: logger
            )
            for try await number in rows.decode(Int.self) { return number }
            return 0
        }
    }

    // MARK: Idemix

    public func storeIdemixNonce(_ nonce: [UInt8], expiresAt: Date) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM idemix_nonces WHERE expires_at < now()", logger: logger)
            try await connection.query(
                "INSERT INTO idemix_nonces (nonce, expires_at) VALUES (\(ByteBuffer(bytes: nonce)), \(expiresAt))",
                logger: logger
            )
        }
    }

    public func takeIdemixNonce(_ nonce: [UInt8], at date: Date) async throws -> Bool {
        try await read { connection in
            let rows = try await connection.query(
                "DELETE FROM idemix_nonces WHERE nonce = \(ByteBuffer(bytes: nonce)) RETURNING expires_at",
                logger: logger
            )
            for try await expiry in rows.decode(Date.self) { return expiry >= date }
            return false
        }
    }

    public func record(_ credential: IdemixCredentialRecord) async throws {
        _ = try await read { connection in
            try await connection.query(
                """
                INSERT INTO idemix_credentials (revocation_handle, enrollment_id, credential, status, issued_at)
                VALUES (\(credential.revocationHandle), \(credential.enrollmentID),
                    \(ByteBuffer(bytes: credential.credential)), 'good', \(credential.issuedAt))
                """,
                logger: logger
            )
        }
    }

    public func goodIdemixCredentials(of id: String) async throws -> Int {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT count(*) FROM idemix_credentials WHERE enrollment_id = \(id) AND status = 'good'",
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    public func countUnrevoked(notAfterFrom start: Date, to end: Date) async throws -> Int {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FROM certificates
                WHERE not_after BETWEEN \(start) AND \(end) AND status = 'good'
                """,
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    public func counts() async throws -> RegistryCounts {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT (SELECT count(*) FROM identities), (SELECT count(*) FROM certificates),
                    (SELECT count(*) FROM affiliations)
                """,
                logger: logger
            )
            for try await (identities, certificates, affiliations) in rows.decode((Int, Int, Int).self) {
                return RegistryCounts(identities: identities, certificates: certificates, affiliations: affiliations)
            }
            throw CharterError(.storage, "The registry counts were not returned")
        }
    }

    // MARK: CertificateArchive

    public func certificateBatch(after rowID: Int64, limit: Int) async throws -> [AuditRow] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT row_id, serial_number, profile, pem FROM certificates
                WHERE row_id > \(rowID) ORDER BY row_id LIMIT \(limit)
                """,
                logger: logger
            )
            var batch: [AuditRow] = []
            for try await (id, serial, profile, pem) in rows.decode((Int64, String, String, String).self) {
                batch.append(AuditRow(rowID: id, serial: serial, profile: profile, pem: pem))
            }
            return batch
        }
    }

    public func duplicateSerials() async throws -> [(serial: String, authorityKeyIdentifier: String)] {
        // The primary key forbids duplicates; kept for the audit's uniform view of every backend.
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT serial_number, authority_key_identifier FROM certificates
                GROUP BY serial_number, authority_key_identifier HAVING count(*) > 1
                """,
                logger: logger
            )
            var pairs: [(serial: String, authorityKeyIdentifier: String)] = []
            for try await (serial, aki) in rows.decode((String, String).self) {
                pairs.append((serial, aki))
            }
            return pairs
        }
    }

    public func certificateCount(authorityKeyIdentifier: String) async throws -> Int {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT count(*) FROM certificates WHERE authority_key_identifier = \(authorityKeyIdentifier)",
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
