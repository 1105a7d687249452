// An organisation's two CAs and its Admin certificate: created for a new org, or read back from
// an existing tree when `extend` adds nodes to it.

import CharterCore
import Foundation
import X509

/// The signing CA, the TLS CA and the Admin certificate of one organisation.
struct OrgMaterial: Sendable {
    let ca: CertificateAuthority
    let tlsCA: CertificateAuthority
    /// `Admin@<domain>-cert.pem` contents, copied into admincerts/ when NodeOUs are off.
    var adminCertificatePEM: String?

    /// The CA certificate files' exact text, so copies stay byte-identical.
    let caPEM: String
    let tlsCAPEM: String

    /// Reads the CAs of an existing org folder.
    static func read(from folder: String, plan: OrgPlan) throws -> OrgMaterial {
        func load(_ dir: String, _ commonName: String) throws -> (CertificateAuthority, String) {
            let certPath = "\(folder)/\(dir)/\(commonName)-cert.pem"
            let keyPath = "\(folder)/\(dir)/priv_sk"
            guard let certText = try? String(contentsOfFile: certPath, encoding: .utf8),
                let certificate = try PEMBundle.certificates(in: certText).first,
                let keyText = try? String(contentsOfFile: keyPath, encoding: .utf8)
            else {
                throw CharterError(
                    .configuration,
                    "\(folder) exists but \(certPath) or \(keyPath) is missing: cannot extend it"
                )
            }
            return (
                try CertificateAuthority(certificate: certificate, key: try SigningKey(pemEncoded: keyText)), certText
            )
        }
        let admin = "\(folder)/users/Admin@\(plan.spec.domain)/msp/signcerts/Admin@\(plan.spec.domain)-cert.pem"
        let (ca, caPEM) = try load("ca", plan.caCommonName)
        let (tlsCA, tlsCAPEM) = try load("tlsca", plan.tlsCACommonName)
        return OrgMaterial(
            ca: ca,
            tlsCA: tlsCA,
            adminCertificatePEM: try? String(contentsOfFile: admin, encoding: .utf8),
            caPEM: caPEM,
            tlsCAPEM: tlsCAPEM
        )
    }
}
