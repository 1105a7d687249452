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

    /// Creates an empty filter.
    public init() {}
}
