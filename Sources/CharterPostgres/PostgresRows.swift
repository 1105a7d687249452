// Reading registry rows from PostgreSQL results, by column name so a query's column order
// never matters.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

enum PostgresRows {
    static let certificateColumns = RegistryColumns.certificate

    static let identityColumns = RegistryColumns.identity

    /// The identity columns of a join, as `i.<column> AS owner_<column>`.
    static let ownerColumns: String = identityColumns.split(separator: ",").map { column -> String in
        let name = column.trimmingSpaces
        return "i.\(name) AS owner_\(name)"
    }.joined(separator: ", ")

    static func certificate(_ row: PostgresRow) throws -> CertificateRecord {
        let cells = row.makeRandomAccess()
        return CertificateRecord(
            serial: try cells["serial_number"].decode(String.self),
            authorityKeyIdentifier: try cells["authority_key_identifier"].decode(String.self),
            enrollmentID: try cells["enrollment_id"].decode(String.self),
            caName: try cells["ca_name"].decode(String.self),
            profile: try cells["profile"].decode(String.self),
            issuedAt: try cells["issued_at"].decode(Date.self),
            notBefore: try cells["not_before"].decode(Date.self),
            notAfter: try cells["not_after"].decode(Date.self),
            status: try cells["status"].decode(String.self),
            reason: try cells["reason"].decode(Int.self),
            revokedAt: try cells["revoked_at"].decode(Date?.self),
            pem: try cells["pem"].decode(String.self)
        )
    }

    /// An identity from its columns, named with `prefix` when a join renamed them.
    static func identity(
        _ row: PostgresRow,
        prefix: String = "",
        decoded: BoundedCache<String, [IdentityAttribute]>? = nil
    ) throws -> Identity {
        let cells = row.makeRandomAccess()
        return Identity(
            id: try cells[prefix + "id"].decode(String.self),
            type: try cells[prefix + "type"].decode(String.self),
            affiliation: try cells[prefix + "affiliation"].decode(String.self),
            attributes: try StoredAttributes.decode(
                try cells[prefix + "attributes"].decode(String.self),
                cache: decoded
            ),
            maxEnrollments: try cells[prefix + "max_enrollments"].decode(Int.self),
            secretHash: try cells[prefix + "secret_hash"].decode(String.self),
            enrollments: try cells[prefix + "enrollments"].decode(Int.self),
            incorrectPasswordAttempts: try cells[prefix + "incorrect_password_attempts"].decode(Int.self),
            revoked: try cells[prefix + "revoked"].decode(Bool.self)
        )
    }

    static func certificates(_ rows: PostgresRowSequence) async throws -> [CertificateRecord] {
        var records: [CertificateRecord] = []
        for try await row in rows { records.append(try certificate(row)) }
        return records
    }

    static func identities(
        _ rows: PostgresRowSequence,
        decoded: BoundedCache<String, [IdentityAttribute]>? = nil
    ) async throws -> [Identity] {
        var identities: [Identity] = []
        for try await row in rows { identities.append(try identity(row, decoded: decoded)) }
        return identities
    }

    /// The insert of many certificate rows in one statement.
    static func insert(_ records: [CertificateRecord]) -> PostgresQuery {
        """
        INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile,
            issued_at, not_before, not_after, status, reason, revoked_at, pem)
        SELECT s, a, e, c, p, i, b, n, t, r, CASE WHEN h THEN v END, m
        FROM unnest(\(records.map(\.serial))::text[], \(records.map(\.authorityKeyIdentifier))::text[],
            \(records.map(\.enrollmentID))::text[], \(records.map(\.caName))::text[], \(records.map(\.profile))::text[],
            \(records.map(\.issuedAt))::timestamptz[], \(records.map(\.notBefore))::timestamptz[],
            \(records.map(\.notAfter))::timestamptz[], \(records.map(\.status))::text[], \(records.map(\.reason))::integer[],
            \(records.map { $0.revokedAt != nil })::boolean[], \(records.map { $0.revokedAt ?? $0.issuedAt })::timestamptz[],
            \(records.map(\.pem))::text[]) AS rows(s, a, e, c, p, i, b, n, t, r, h, v, m)
        """
    }
}
