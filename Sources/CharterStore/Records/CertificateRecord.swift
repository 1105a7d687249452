// What the registry keeps about each issued certificate, for audit, listing and revocation.

import CharterCore
import Foundation
import GRDB

/// A certificate on record.
public struct CertificateRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "certificates"

    /// Serial number, lower-case hex without leading zeros.
    public var serial: String
    /// Authority key identifier, lower-case hex.
    public var authorityKeyIdentifier: String
    /// The enrollment ID (or host name for the server's TLS certificate).
    public var enrollmentID: String
    /// The CA that issued it.
    public var caName: String
    /// The signing profile it was issued under.
    public var profile: String
    /// When it was issued.
    public var issuedAt: Date
    /// Its NotBefore.
    public var notBefore: Date
    /// Its NotAfter.
    public var notAfter: Date
    /// `good` or `revoked`.
    public var status: String
    /// RFC 5280 reason code when revoked.
    public var reason: Int
    /// When it was revoked.
    public var revokedAt: Date?
    /// The PEM.
    public var pem: String

    enum CodingKeys: String, CodingKey {
        case serial = "serial_number"
        case authorityKeyIdentifier = "authority_key_identifier"
        case enrollmentID = "enrollment_id"
        case caName = "ca_name"
        case profile
        case issuedAt = "issued_at"
        case notBefore = "not_before"
        case notAfter = "not_after"
        case status, reason
        case revokedAt = "revoked_at"
        case pem
    }

    // Decoding by column, not through Codable: token authentication reads a record per request.
    public init(row: Row) {
        serial = row["serial_number"]
        authorityKeyIdentifier = row["authority_key_identifier"]
        enrollmentID = row["enrollment_id"]
        caName = row["ca_name"]
        profile = row["profile"]
        issuedAt = row["issued_at"]
        notBefore = row["not_before"]
        notAfter = row["not_after"]
        status = row["status"]
        reason = row["reason"]
        revokedAt = row["revoked_at"]
        pem = row["pem"]
    }

    /// Dates as ``StoredDate`` writes them (GRDB's text, without its formatter).
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate($0) }
    }

    /// Inserts through a cached statement (the enrollment hot path), with the log indices of its
    /// issuance and revocation.
    func insertCached(_ db: Database, logIndex: Int, revocationLogIndex: Int?) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile,
                    issued_at, not_before, not_after, status, reason, revoked_at, pem, log_index, revocation_log_index)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try statement.execute(arguments: [
            serial, authorityKeyIdentifier, enrollmentID, caName, profile, StoredDate(issuedAt), StoredDate(notBefore),
            StoredDate(notAfter), status, reason, revokedAt.map(StoredDate.init), pem, logIndex, revocationLogIndex,
        ])
    }

    /// A record as a registry backend or an import reads it.
    public init(
        serial: String,
        authorityKeyIdentifier: String,
        enrollmentID: String,
        caName: String,
        profile: String,
        issuedAt: Date,
        notBefore: Date,
        notAfter: Date,
        status: String,
        reason: Int,
        revokedAt: Date?,
        pem: String
    ) {
        self.serial = serial
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.enrollmentID = enrollmentID
        self.caName = caName
        self.profile = profile
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.status = status
        self.reason = reason
        self.revokedAt = revokedAt
        self.pem = pem
    }

    /// The record for a certificate just issued.
    public init(_ issued: IssuedCertificate, enrollmentID: String, caName: String, issuedAt: Date = Date()) {
        self.serial = issued.serialHex
        self.authorityKeyIdentifier = issued.authorityKeyIdentifierHex
        self.enrollmentID = enrollmentID
        self.caName = caName
        self.profile = issued.profile
        // Whole seconds, like the certificate's own times, so a stored record reads back equal.
        self.issuedAt = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        self.notBefore = issued.window.notBefore
        self.notAfter = issued.window.notAfter
        self.status = "good"
        self.reason = 0
        self.revokedAt = nil
        self.pem = issued.pem
    }

    /// True once revoked.
    public var isRevoked: Bool { status == "revoked" }
}
