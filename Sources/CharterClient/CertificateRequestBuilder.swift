// The CSR an enrollment sends: the key, the subject from the CN and --csr.names, the hosts as SANs.

import CharterCore
import SwiftASN1
import X509

/// Builds PEM CSRs.
public enum CertificateRequestBuilder {
    /// A signed CSR.
    public static func pem(key: SigningKey, commonName: String, names: [(String, String)], hosts: [String]) throws
        -> String
    {
        var attributes = CertificateSigningRequest.Attributes()
        let sans = try HostPolicy.subjectAlternativeNames(for: hosts)
        if !sans.isEmpty {
            let extensions = try Certificate.Extensions { SubjectAlternativeNames(sans) }
            attributes.insert(try .init(ExtensionRequest(extensions: extensions)))
        }
        let csr = try CertificateSigningRequest(
            version: .v1,
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: commonName, names: names)),
            privateKey: key.certificateKey,
            attributes: attributes,
            signatureAlgorithm: key.signatureAlgorithm
        )
        return try csr.serializeAsPEM().pemString + "\n"
    }
}
