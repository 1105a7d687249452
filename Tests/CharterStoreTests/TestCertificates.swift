// Certificates for registry tests: real ones, issued by a throwaway CA.

import CharterCore
import CharterStore

enum TestCertificates {
    /// A peer certificate of `id` from a new self-signed CA, as a registry records it.
    static func record(for id: String) throws -> CertificateRecord {
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "ca", type: "", affiliation: "")
        )
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.subject(from: .init(), enrollmentID: id, type: "peer", affiliation: ""),
                profile: .enrollment
            )
        )
        return CertificateRecord(issued, enrollmentID: id, caName: "")
    }
}
