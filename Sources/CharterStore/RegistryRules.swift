// The checks every registry backend makes inside its transactions, decided once: what it says
// when an affiliation cannot be added, a certificate cannot be revoked or an update would rename
// an identity. The backends only read the rows these need.

import CharterCore

/// Registry checks shared by SQLite, PostgreSQL and MySQL.
public enum RegistryRules {
    /// An affiliation and its missing ancestors, root first: what adding it inserts.
    public static func lineage(of name: String) -> [String] {
        var chain: [String] = []
        var path: String? = name
        while let current = path {
            chain.insert(current, at: 0)
            path = Affiliation.parent(of: current)
        }
        return chain
    }

    /// Throws unless `name` may be added: it must be new, and its parent must exist unless
    /// `createParents` (the API's `force`).
    public static func checkAddition(
        of name: String,
        exists: Bool,
        parentExists: Bool,
        createParents: Bool
    ) throws {
        if exists { throw CharterError(.duplicateAffiliation, "Affiliation '\(name)' already exists") }
        if let parent = Affiliation.parent(of: name), !parentExists, !createParents {
            throw CharterError(
                .unknownAffiliation,
                "Parent affiliation '\(parent)' does not exist (use force to create it)"
            )
        }
    }

    /// The stored certificate, if it may be revoked now; throws when unknown or already revoked.
    public static func revocable(
        _ record: CertificateRecord?,
        serial: String,
        authorityKeyIdentifier: String
    ) throws -> CertificateRecord {
        guard let record else {
            throw CharterError(
                .unknownCertificate,
                "Certificate \(serial) (AKI \(authorityKeyIdentifier)) was not issued by this CA"
            )
        }
        guard !record.isRevoked else { throw CharterError(.alreadyRevoked, "Certificate \(serial) is already revoked") }
        return record
    }

    /// Throws when an update changed the enrollment ID (the row's key).
    public static func checkUpdate(from current: Identity, to updated: Identity) throws {
        guard updated.id == current.id else {
            throw CharterError(.invalidRequest, "An identity's enrollment ID cannot be changed")
        }
    }

    /// A new ACME object whose ID or lookup key another holds.
    public static func acmeTaken(_ object: ACMEObject) -> CharterError {
        CharterError(.conflict, "ACME \(object.kind.rawValue) '\(object.id)' or its key is already on record")
    }

    /// An ACME object that changed since it was read.
    public static func acmeChanged(_ object: ACMEObject) -> CharterError {
        CharterError(.conflict, "ACME \(object.kind.rawValue) '\(object.id)' changed meanwhile: retry")
    }
}
