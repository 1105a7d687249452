// The registry: what the CA knows about identities, affiliations and the certificates it issued.
// Every backend (SQLite now, PostgreSQL for several replicas) implements this one protocol.

import CharterCore
import Foundation

/// Storage of identities, affiliations and issued certificates.
///
/// Implementations commit a certificate before ``recordEnrollment(_:)`` returns: a certificate
/// the server hands out is always on record.
public protocol Registry: TransparencyLogStore {
    /// The identity with this enrollment ID, if registered.
    func identity(_ id: String) async throws -> Identity?
    /// Registers a new identity; throws `duplicateIdentity` if the ID is taken and
    /// `unknownAffiliation` if its affiliation does not exist, checked in the same transaction.
    func insert(_ identity: Identity) async throws
    /// Registers identities (an import's thousands): on SQLite in one transaction, all or none;
    /// elsewhere one at a time, stopping at the first error.
    func insert(_ identities: [Identity]) async throws
    /// Counts one login attempt before its secret is checked, atomically: nil (and nothing
    /// counted) when the identity already has `limit` wrong attempts, so concurrent guesses can
    /// never get more than `limit` tries. `limit <= 0` counts without a limit.
    func countLoginAttempt(_ id: String, limit: Int) async throws -> Int?
    /// Sets the wrong-secret count back to zero after a correct secret.
    func resetLoginAttempts(_ id: String) async throws
    /// Records an issued certificate in one transaction with the identity's checks and counters.
    func recordEnrollment(_ enrollment: EnrollmentRecord) async throws
    /// Records a certificate that belongs to no enrollment (the server's own TLS certificate).
    func record(_ certificate: CertificateRecord) async throws
    /// Records a batch of certificates in one transaction (cryptogen's `--record`).
    func record(_ certificates: [CertificateRecord]) async throws
    /// The certificate with this serial and AKI (canonical lower-case hex), if recorded.
    func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord?
    /// The certificate and the identity it was issued to, read together (token authentication).
    func certificateAndOwner(serial: String, authorityKeyIdentifier: String) async throws
        -> (certificate: CertificateRecord, owner: Identity?)?
    /// True when the affiliation exists.
    func affiliationExists(_ name: String) async throws -> Bool
    /// Adds affiliations (and their parents) that do not exist yet.
    func addAffiliations(_ names: [String]) async throws
    /// Counts of what is stored, for operations metrics and tests.
    func counts() async throws -> RegistryCounts
    /// Unrevoked certificates whose NotAfter lies in `start...end` (the expiry gauges; the
    /// NotAfter index keeps it cheap).
    func countUnrevoked(notAfterFrom start: Date, to end: Date) async throws -> Int
    /// Throws when the database cannot serve a query now (the operations health check): cheap
    /// enough for a load balancer to call every second.
    func ping() async throws
    /// What a commit survives, as the database itself reports it: logged at start, so an
    /// operator and a benchmark read the setting in force rather than the one configured.
    func durability() async throws -> CommitDurability
    /// Ends the registry's work at a clean exit, after the last request: SQLite checkpoints its
    /// write-ahead log into the database file and truncates it; PostgreSQL closes its pool.
    func shutDown() async

    /// At most `limit` identities after `id` (from the first when nil), by ID: a page, so a
    /// listing of any size holds one page in memory.
    func identities(after id: String?, limit: Int) async throws -> [Identity]
    /// Applies `modify` to the identity as it is stored now, inside one write transaction, and
    /// writes only the fields it changed: the checks `modify` makes and the change they allow are
    /// atomic, and a concurrent revocation or enrollment is never written back over. Returns the
    /// updated identity; throws `unknownIdentity`, or `unknownAffiliation` for a missing affiliation.
    func updateIdentity(_ id: String, _ modify: @escaping @Sendable (inout Identity) throws -> Void) async throws
        -> Identity
    /// Deletes an identity and revokes its certificates; returns them.
    func removeIdentity(_ id: String, at date: Date) async throws -> [CertificateRecord]
    /// Marks an identity revoked (no more enrollments) and revokes its certificates; returns them.
    func revokeIdentity(_ id: String, reason: RevocationReason, at date: Date) async throws -> [CertificateRecord]
    /// Revokes every good certificate recorded for `id` in one transaction, with no identity row
    /// to mark (an LDAP directory's user); returns them.
    func revokeCertificates(of id: String, reason: RevocationReason, at date: Date) async throws
        -> [CertificateRecord]
    /// Revokes one certificate; throws when unknown or already revoked.
    func revokeCertificate(serial: String, authorityKeyIdentifier: String, reason: RevocationReason, at date: Date)
        async throws -> CertificateRecord
    /// Certificates matching a filter, in key order (serial, then AKI), from `filter.after` and
    /// at most `filter.limit` of them: a listing reads pages and holds one at a time.
    func certificates(matching filter: CertificateFilter) async throws -> [CertificateRecord]
    /// What a CRL lists of the certificates matching a filter: serial, date and reason, in key
    /// order, without reading the rest of their rows.
    func revocations(matching filter: CertificateFilter) async throws -> [RevokedCertificate]
    /// The next value of a sequence (1, 2, …), persisted: two replicas never get the same one.
    func next(_ sequence: RegistrySequence) async throws -> Int
    /// The last value a sequence handed out (0 before the first).
    func current(_ sequence: RegistrySequence) async throws -> Int
    /// Stores a nonce handed out for an Idemix credential request, and deletes expired ones.
    func storeIdemixNonce(_ nonce: [UInt8], expiresAt: Date) async throws
    /// Takes a nonce back: true when it was stored and has not expired at `date`. It is deleted
    /// either way, so a nonce answers one request only.
    func takeIdemixNonce(_ nonce: [UInt8], at date: Date) async throws -> Bool
    /// Records an issued Idemix credential; the credentials of an identity are revoked with it.
    func record(_ credential: IdemixCredentialRecord) async throws
    /// How many unrevoked Idemix credentials the identity holds (an Idemix token needs one).
    func goodIdemixCredentials(of id: String) async throws -> Int
    /// The ACME object of `kind` with this ID or look-up key.
    func acmeObject(_ kind: ACMEObjectKind, where key: ACMEObjectKey) async throws -> ACMEObject?
    /// The ACME objects of `kind` belonging to `account` (every one of the kind when nil), oldest first.
    func acmeObjects(_ kind: ACMEObjectKind, account: String?) async throws -> [ACMEObject]
    /// How many objects of `kind` `account` made since `date` (rate limits).
    func countACMEObjects(_ kind: ACMEObjectKind, account: String, since date: Date) async throws -> Int
    /// Saves `object`: version 0 inserts it, a later version replaces the stored one only if it
    /// is still at `object.version`; a taken ID or lookup key, or a changed object, throws
    /// `conflict`. Returns the saved version. Saving a nonce deletes expired ones.
    @discardableResult
    func saveACMEObject(_ object: ACMEObject) async throws -> Int
    /// Deletes an object; true when it existed and had not expired at `date` (a nonce is taken once).
    func removeACMEObject(_ kind: ACMEObjectKind, id: String, at date: Date) async throws -> Bool
    /// Every affiliation path.
    func affiliations() async throws -> [String]
    /// Adds an affiliation; its parent must exist unless `createParents`.
    func addAffiliation(_ name: String, createParents: Bool) async throws
    /// Renames an affiliation with its descendants and moves their identities.
    func renameAffiliation(_ old: String, to new: String) async throws -> AffiliationChange
    /// Removes an affiliation with its descendants and their identities, revoking their certificates.
    func removeAffiliation(_ name: String, at date: Date) async throws -> AffiliationChange
}

extension Registry {
    /// One identity at a time: a backend without a batch insert.
    public func insert(_ identities: [Identity]) async throws {
        for identity in identities { try await insert(identity) }
    }

    /// Every identity, by ID.
    public func identities() async throws -> [Identity] {
        var all: [Identity] = []
        while true {
            let page = try await identities(after: all.last?.id, limit: 1_000)
            all += page
            if page.count < 1_000 { return all }
        }
    }

    /// The next CRL number (1, 2, …), persisted.
    public func nextCRLNumber() async throws -> Int { try await next(.crlNumber) }

    /// The ACME object of `kind` with `id`.
    public func acmeObject(_ kind: ACMEObjectKind, id: String) async throws -> ACMEObject? {
        try await acmeObject(kind, where: .id(id))
    }

    /// The ACME object of `kind` whose look-up key is `lookup`.
    public func acmeObject(_ kind: ACMEObjectKind, lookup: String) async throws -> ACMEObject? {
        try await acmeObject(kind, where: .lookup(lookup))
    }
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

    /// Creates counts.
    public init(identities: Int, certificates: Int, affiliations: Int) {
        self.identities = identities
        self.certificates = certificates
        self.affiliations = affiliations
    }
}
