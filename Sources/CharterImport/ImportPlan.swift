// What an import writes, decided before anything is written. Every row of the fabric-ca registry
// passes the rules the API applies to the same data (affiliation names and depth, NodeOU role
// names, `IdentityRules` for identities, the certificate's own fields); a row that breaks one is
// set aside with its reason, never repaired.

import CharterCore
import CharterStore

/// The affiliations an import takes and the rows it refused; identities and certificates, read in
/// batches, are converted as they come (``identity(_:certificatesIssued:into:)``,
/// ``record(_:defaultCAName:into:)``).
struct ImportPlan: Sendable {
    var affiliations: [String] = []
    /// Every affiliation the registry will hold, parents included.
    var stored = Set<String>()
    var refused: [ImportRefusal] = []

    init(_ rows: FabricCARegistry) {
        refused = rows.refused
        // The registry creates every parent of an affiliation it stores.
        for name in rows.affiliations {
            guard Self.check("affiliations", name, into: &refused, { try Affiliation.validate(name) }) != nil else {
                continue
            }
            affiliations.append(name)
            var path: String? = name
            while let current = path, stored.insert(current).inserted { path = Affiliation.parent(of: current) }
        }
    }

    /// The identity a user row becomes, or nil with the reason noted in `refused`.
    /// `certificatesIssued` stands for a revoked identity's enrollment count, which fabric-ca
    /// loses (see ``FabricCAUser``).
    func identity(_ user: FabricCAUser, certificatesIssued: Int, into refused: inout [ImportRefusal]) -> Identity? {
        Self.check("users", user.id, into: &refused) {
            if let problem = user.problem { throw CharterError(.invalidRequest, problem) }
            let identity = try user.identity(certificatesIssued: certificatesIssued)
            try IdentityRules.validate(identity)
            guard identity.affiliation.isEmpty || stored.contains(identity.affiliation) else {
                throw CharterError(
                    .unknownAffiliation,
                    "its affiliation '\(PathElement.printable(identity.affiliation))' is not among the affiliations imported"
                )
            }
            return identity
        }
    }

    /// The record a certificate row becomes, or nil with the reason noted in `refused`.
    static func record(
        _ row: FabricCACertificate,
        defaultCAName: String,
        into refused: inout [ImportRefusal]
    ) -> CertificateRecord? {
        check("certificates", row.serial, into: &refused) {
            if let problem = row.problem { throw CharterError(.invalidRequest, problem) }
            return try row.record(defaultCAName: defaultCAName)
        }
    }

    /// The value `make` returns, or nil with its error noted as a refusal of row `key` of `table`.
    static func check<Value>(
        _ table: String,
        _ key: String,
        into refused: inout [ImportRefusal],
        _ make: () throws -> Value
    ) -> Value? {
        do {
            return try make()
        } catch let error as CharterError {
            refused.append(ImportRefusal(table: table, key: key, reason: error.message))
        } catch {
            refused.append(ImportRefusal(table: table, key: key, reason: "\(error)"))
        }
        return nil
    }
}
