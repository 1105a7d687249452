// Reading registry rows from MySQL results, by column name so a query's column order never
// matters. A value that does not read as its column's type is a storage error, never a trap.

import CharterCore
import CharterStore
import Foundation

/// One row of a ``MySQLResult``.
struct MySQLRow {
    let names: [String: Int]
    let values: [[UInt8]?]

    func raw(_ column: String) throws -> [UInt8]? {
        guard let index = names[column], index < values.count else {
            throw CharterError(.storage, "The registry's result has no column \(column)")
        }
        return values[index]
    }

    func bytes(_ column: String) throws -> [UInt8] {
        guard let value = try raw(column) else { throw CharterError(.storage, "Column \(column) is NULL") }
        return value
    }

    func text(_ column: String) throws -> String {
        String(decoding: try bytes(column), as: UTF8.self)
    }

    func optionalText(_ column: String) throws -> String? {
        try raw(column).map { String(decoding: $0, as: UTF8.self) }
    }

    func int(_ column: String) throws -> Int {
        guard let value = Self.integer(try bytes(column)) else {
            throw CharterError(.storage, "Column \(column) is not an integer")
        }
        return value
    }

    /// A signed decimal integer as MySQL's text protocol writes it.
    static func integer(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        let negative = text.hasPrefix("-")
        return DecimalInteger.parse(negative ? text.dropFirst() : Substring(text), in: 0...Int.max).map {
            negative ? -$0 : $0
        }
    }

    func bool(_ column: String) throws -> Bool {
        try int(column) != 0
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw CharterError(.storage, "Column \(column) is NULL") }
        return date
    }

    func optionalDate(_ column: String) throws -> Date? {
        guard let value = try raw(column) else { return nil }
        guard let date = MySQLDate.parse(value) else { throw CharterError(.storage, "Column \(column) is not a date") }
        return date
    }
}

extension MySQLResult {
    /// The rows, addressable by column name.
    var named: [MySQLRow] {
        var names: [String: Int] = [:]
        for (index, column) in columns.enumerated() where names[column] == nil { names[column] = index }
        return rows.map { MySQLRow(names: names, values: $0) }
    }

    /// The first column of the first row as an integer (counts, sizes, numbers).
    func integer() throws -> Int? {
        guard let row = rows.first, let value = row.first else { return nil }
        guard let value else { return nil }
        guard let number = MySQLRow.integer(value) else {
            throw CharterError(.storage, "The registry returned a number it cannot read")
        }
        return number
    }
}

enum MySQLRows {
    static let certificateColumns = RegistryColumns.certificate

    static let identityColumns = RegistryColumns.identity

    /// The columns of a join, as `<table>.<column> AS <prefix><column>`.
    static func columns(_ list: String, of table: String, as prefix: String = "") -> String {
        list.split(separator: ",").map { column -> String in
            let name = column.trimmingSpaces
            return "\(table).\(name) AS \(prefix)\(name)"
        }.joined(separator: ", ")
    }

    static func certificate(_ row: MySQLRow) throws -> CertificateRecord {
        CertificateRecord(
            serial: try row.text("serial_number"),
            authorityKeyIdentifier: try row.text("authority_key_identifier"),
            enrollmentID: try row.text("enrollment_id"),
            caName: try row.text("ca_name"),
            profile: try row.text("profile"),
            issuedAt: try row.date("issued_at"),
            notBefore: try row.date("not_before"),
            notAfter: try row.date("not_after"),
            status: try row.text("status"),
            reason: try row.int("reason"),
            revokedAt: try row.optionalDate("revoked_at"),
            pem: try row.text("pem")
        )
    }

    /// An identity from its columns, named with `prefix` when a join renamed them.
    static func identity(
        _ row: MySQLRow,
        prefix: String = "",
        decoded: BoundedCache<String, [IdentityAttribute]>? = nil
    ) throws -> Identity {
        Identity(
            id: try row.text(prefix + "id"),
            type: try row.text(prefix + "type"),
            affiliation: try row.text(prefix + "affiliation"),
            attributes: try StoredAttributes.decode(try row.text(prefix + "attributes"), cache: decoded),
            maxEnrollments: try row.int(prefix + "max_enrollments"),
            secretHash: try row.text(prefix + "secret_hash"),
            enrollments: try row.int(prefix + "enrollments"),
            incorrectPasswordAttempts: try row.int(prefix + "incorrect_password_attempts"),
            revoked: try row.bool(prefix + "revoked")
        )
    }

    static func certificates(_ result: MySQLResult) throws -> [CertificateRecord] {
        try result.named.map(certificate)
    }

    static func identities(
        _ result: MySQLResult,
        decoded: BoundedCache<String, [IdentityAttribute]>? = nil
    ) throws -> [Identity] {
        try result.named.map { try identity($0, decoded: decoded) }
    }

    /// The insert of one certificate row.
    static func insert(_ record: CertificateRecord) -> MySQLQuery {
        """
        INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile,
            issued_at, not_before, not_after, status, reason, revoked_at, pem)
        VALUES (\(record.serial), \(record.authorityKeyIdentifier), \(record.enrollmentID), \(record.caName),
            \(record.profile), \(record.issuedAt), \(record.notBefore), \(record.notAfter), \(record.status),
            \(record.reason), \(record.revokedAt), \(record.pem))
        """
    }
}
