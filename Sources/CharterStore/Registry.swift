// The registry: what the CA knows about identities, affiliations and the certificates it issued.
// Every backend (SQLite now, PostgreSQL for several replicas) implements this one protocol.

import CharterCore
import Foundation

/// Storage of identities, affiliations and issued certificates.
///
/// Implementations commit a certificate before ``recordEnrollment(_:)`` returns: a certificate
/// the server hands out is always on record.
public protocol Registry: Sendable {
    /// The identity with this enrollment ID, if registered.
    func identity(_ id: String) async throws -> Identity?
    /// Registers a new identity; throws `duplicateIdentity` if the ID is taken.
    func insert(_ identity: Identity) async throws
    /// Adds one to the wrong-secret count and returns the new count.
    func recordFailedLogin(_ id: String) async throws -> Int
    /// Records an issued certificate in one transaction with the identity's checks and counters.
    func recordEnrollment(_ enrollment: EnrollmentRecord) async throws
    /// Records a certificate that belongs to no enrollment (the server's own TLS certificate).
    func record(_ certificate: CertificateRecord) async throws
    /// The certificate with this serial and AKI (canonical lower-case hex), if recorded.
    func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord?
    /// True when the affiliation exists.
    func affiliationExists(_ name: String) async throws -> Bool
    /// Adds affiliations (and their parents) that do not exist yet.
    func addAffiliations(_ names: [String]) async throws
    /// Counts of what is stored, for operations metrics and tests.
    func counts() async throws -> RegistryCounts
}

/// One enrollment to record: the certificate and what it does to the identity's counters.
public struct EnrollmentRecord: Sendable {
    /// The issued certificate.
    public var certificate: CertificateRecord
    /// True for enroll (counts toward max enrollments), false for reenroll.
    public var countsAsEnrollment: Bool

    /// Creates a record.
    public init(certificate: CertificateRecord, countsAsEnrollment: Bool) {
        self.certificate = certificate
        self.countsAsEnrollment = countsAsEnrollment
    }
}

/// Row counts of the registry.
public struct RegistryCounts: Sendable, Hashable {
    /// Registered identities.
    public var identities: Int
    /// Recorded certificates.
    public var certificates: Int
    /// Affiliations.
    public var affiliations: Int
}
