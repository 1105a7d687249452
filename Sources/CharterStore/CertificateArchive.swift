// What an audit reads from a registry: every certificate row in a stable order, in batches, so
// a database of millions of certificates streams through in bounded memory.

/// Streaming, read-only access to the recorded certificates.
public protocol CertificateArchive: Sendable {
    /// Certificates in row order after `rowID`, at most `limit`.
    func certificateBatch(after rowID: Int64, limit: Int) async throws -> [AuditRow]
    /// (serial, AKI) pairs recorded more than once; empty in a Charter database, whose key forbids it.
    func duplicateSerials() async throws -> [(serial: String, authorityKeyIdentifier: String)]
    /// The certificate with this serial and AKI, if recorded (cross-checks of found files).
    func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord?
    /// Number of recorded certificates issued under this AKI.
    func certificateCount(authorityKeyIdentifier: String) async throws -> Int
}

/// What an audit reads of each recorded certificate.
public struct AuditRow: Sendable {
    /// Position in the table; batches continue after the last one seen.
    public var rowID: Int64
    /// Serial, hex.
    public var serial: String
    /// Signing profile.
    public var profile: String
    /// The certificate.
    public var pem: String

    /// Creates a row.
    public init(rowID: Int64, serial: String, profile: String, pem: String) {
        self.rowID = rowID
        self.serial = serial
        self.profile = profile
        self.pem = pem
    }
}
