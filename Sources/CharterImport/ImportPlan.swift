// What an import writes, decided before anything is written. Every row of the fabric-ca registry
// passes the rules the API applies to the same data (affiliation names and depth, NodeOU role
// names, `IdentityRules` for identities, the certificate's own fields); a row that breaks one is
// set aside with its reason, never repaired.

import CharterCore
import CharterStore

/// The affiliations and identities an import takes, and the rows it refused. Certificates,
/// the bulk of a registry, are converted batch by batch as they are read (``record(_:defaultCAName:into:)``).
struct ImportPlan: Sendable {
    var affiliations: [String] = []
    var identities: [Identity] = []
    var refused: [ImportRefusal] = []

    /// `issued`: how many certificates each revoked identity holds (a revoked identity's count of
    /// enrollments is lost in fabric-ca; see ``FabricCAUser``).
    init(_ rows: FabricCARegistry, issued: [String: Int]) {
        var refused = rows.refused
        // The registry creates every parent of an affiliation it stores.
        var stored = Set<String>()
        for name in rows.affiliations {
            guard Self.check("affiliations", name, into: &refused, { try Affiliation.validate(name) }) != nil else {
                continue
            }
            affiliations.append(name)
            var path: String? = name
            while let current = path, stored.insert(current).inserted { path = Affiliation.parent(of: current) }
        }
        for user in rows.users {
            let identity = Self.check("users", user.id, into: &refused) {
                if let problem = user.problem { throw CharterError(.invalidRequest, problem) }
                let identity = try user.identity(certificatesIssued: issued[user.id] ?? 0)
                try IdentityRules.validate(identity)
                guard identity.affiliation.isEmpty || stored.contains(identity.affiliation) else {
                    throw CharterError(
                        .unknownAffiliation,
                        "its affiliation '\(PathElement.printable(identity.affiliation))' is not among the affiliations imported"
                    )
                }
                return identity
            }
            if let identity { identities.append(identity) }
        }
        self.refused = refused
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
