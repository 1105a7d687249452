// The filters of `GET /certificates` (and `charter certificate list`), as the registry applies them.

import Foundation

/// Which certificates a query returns. Every field left nil does not filter.
public struct CertificateFilter: Sendable, Hashable {
    /// Owner's enrollment ID.
    public var enrollmentID: String?
    /// Serial, canonical hex.
    public var serial: String?
    /// Authority key identifier, hex.
    public var authorityKeyIdentifier: String?
    /// Revoked at or after.
    public var revokedStart: Date?
    /// Revoked at or before.
    public var revokedEnd: Date?
    /// NotAfter at or after.
    public var expiredStart: Date?
    /// NotAfter at or before.
    public var expiredEnd: Date?
    /// Only certificates that have not expired at `now`.
    public var notExpired = false
    /// Only certificates that are not revoked.
    public var notRevoked = false
    /// Only revoked certificates (for CRLs).
    public var revokedOnly = false
    /// Only certificates whose owner's affiliation lies in this scope; nil: all, including
    /// certificates whose owner is not a registered identity (the server's TLS certificate).
    public var affiliationScope: String?
    /// The time `notExpired` compares with.
    public var now = Date()
    /// Only certificates after this one in key order (serial, then AKI): the next page of a
    /// listing read in pages, so a listing of any size holds one page in memory.
    public var after: CertificateKey?
    /// At most this many certificates (nil: all).
    public var limit: Int?

    /// Creates an empty filter.
    public init() {}
}

/// A certificate's key in the registry: where a paged listing resumes.
public struct CertificateKey: Sendable, Hashable {
    /// Serial, canonical hex.
    public var serial: String
    /// Authority key identifier, hex.
    public var authorityKeyIdentifier: String

    /// Creates a key.
    public init(serial: String, authorityKeyIdentifier: String) {
        self.serial = serial
        self.authorityKeyIdentifier = authorityKeyIdentifier
    }
}
