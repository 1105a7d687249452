// `certificate list --store DIR`: listed certificates as PEM files named by their CN, as
// fabric-ca-client writes them (`peer0.pem`, or `peer0-1.pem`, `peer0-2.pem` when several).

import CharterCore
import Foundation
import X509

/// Writes listed certificates into a folder.
public struct CertificateStore: Sendable {
    /// The folder.
    public let folder: String

    /// Creates a store.
    public init(folder: String) {
        self.folder = folder
    }

    /// Writes each certificate under its CN. The CN comes from the server: one that is not a safe
    /// file name (`../x`) is refused before anything is written.
    public func store(_ certificates: [(pem: String, certificate: Certificate)]) throws {
        let owners = try certificates.map { entry -> String in
            let owner = SubjectPolicy.commonName(of: entry.certificate.subject) ?? "certificate"
            try EnrollmentID.validate(owner)
            return owner
        }
        guard !certificates.isEmpty else { return }
        try FileWriter.makeFolder(folder, mode: 0o755)
        let totals = Dictionary(owners.map { ($0, 1) }, uniquingKeysWith: +)
        var counts: [String: Int] = [:]
        for (entry, owner) in zip(certificates, owners) {
            counts[owner, default: 0] += 1
            let name = totals[owner] == 1 ? owner : "\(owner)-\(counts[owner] ?? 1)"
            try FileWriter.write(entry.pem, to: "\(folder)/\(name).pem", mode: 0o644)
        }
    }
}
