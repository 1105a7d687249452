// The checks of one certificate against the CAs the audit knows: validity inside the issuer's,
// expiry, chain, TLS usages and names, key strength, low-S.

import CharterCore
import Crypto
import Foundation
import SwiftASN1
import X509

/// The per-certificate rules.
public struct CertificateChecks: Sendable {
    /// A CA with its key identifier read once.
    struct Authority: Sendable {
        let audited: AuditedCertificate
        let keyIdentifier: ArraySlice<UInt8>?
        var certificate: Certificate { audited.certificate }
        var isCA: Bool { audited.isCA }
        var location: String { audited.location }
    }

    /// CAs by subject name (several CAs may share one).
    let authorities: [DistinguishedName: [Authority]]
    /// "Expiring soon" horizon.
    let within: Duration
    /// Gateway names that TLS certificates must carry.
    let gateway: GatewayPolicy
    let now: Date

    /// Creates the checks for a set of CAs.
    public init(authorities: [AuditedCertificate], within: Duration, gateway: GatewayPolicy, now: Date = Date()) {
        self.authorities = Dictionary(
            grouping: authorities.map {
                Authority(
                    audited: $0,
                    keyIdentifier: (try? $0.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
                )
            },
            by: { $0.certificate.subject }
        )
        self.within = within
        self.gateway = gateway
        self.now = now
    }

    /// Every finding of one certificate.
    public func check(_ audited: AuditedCertificate) -> [Finding] {
        var findings: [Finding] = []
        let certificate = audited.certificate
        if certificate.notValidAfter < now {
            findings.append(
                Finding(.expired, certificate: audited, detail: "expired \(GoTime.format(certificate.notValidAfter))")
            )
        } else if certificate.notValidAfter < now.addingTimeInterval(within.timeInterval) {
            findings.append(
                Finding(
                    .expiringSoon,
                    certificate: audited,
                    detail: "expires \(GoTime.format(certificate.notValidAfter))"
                )
            )
        }
        if !audited.isSelfIssued {
            findings += chain(audited)
        } else if !Self.isLowS(certificate, issuerKey: certificate.publicKey) {
            findings.append(Finding(.highS, certificate: audited))
        }
        if audited.isTLS && !audited.isCA {
            findings += tls(audited)
        }
        if certificate.publicKey.algorithm == .ed25519 {
            findings.append(Finding(.ed25519NeedsV3, certificate: audited))
        }
        return findings
    }

    func chain(_ audited: AuditedCertificate) -> [Finding] {
        let certificate = audited.certificate
        guard let candidates = authorities[certificate.issuer], !candidates.isEmpty else {
            return [
                Finding(.unknownIssuer, certificate: audited, detail: "issuer \(audited.issuer) is not among the CAs")
            ]
        }
        let aki = (try? certificate.extensions.authorityKeyIdentifier)?.keyIdentifier
        // Prefer the CA whose key signed it; else the one its AKI names; else the first.
        let verifiedBy = candidates.first {
            $0.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
        }
        let issuer = verifiedBy ?? candidates.first { aki != nil && $0.keyIdentifier == aki } ?? candidates[0]
        var findings: [Finding] = []
        if !issuer.isCA {
            findings.append(Finding(.issuerNotCA, certificate: audited, detail: "issuer at \(issuer.location)"))
        }
        if let aki, let ski = issuer.keyIdentifier, aki != ski {
            findings.append(
                Finding(
                    .authorityKeyMismatch,
                    certificate: audited,
                    detail: "AKI \(Hex.encode(aki)), issuer SKI \(Hex.encode(ski))"
                )
            )
        }
        if verifiedBy == nil {
            findings.append(Finding(.badSignature, certificate: audited, detail: "issuer at \(issuer.location)"))
        } else if !Self.isLowS(certificate, issuerKey: issuer.certificate.publicKey) {
            findings.append(Finding(.highS, certificate: audited))
        }
        if certificate.notValidBefore < issuer.certificate.notValidBefore {
            findings.append(
                Finding(
                    .notBeforeBeforeIssuer,
                    certificate: audited,
                    detail:
                        "NotBefore \(GoTime.format(certificate.notValidBefore)) < CA NotBefore \(GoTime.format(issuer.certificate.notValidBefore))"
                )
            )
        }
        if certificate.notValidAfter > issuer.certificate.notValidAfter {
            findings.append(
                Finding(
                    .notAfterAfterIssuer,
                    certificate: audited,
                    detail:
                        "NotAfter \(GoTime.format(certificate.notValidAfter)) > CA NotAfter \(GoTime.format(issuer.certificate.notValidAfter))"
                )
            )
        }
        return findings
    }

    func tls(_ audited: AuditedCertificate) -> [Finding] {
        var findings: [Finding] = []
        let certificate = audited.certificate
        let usages = ((try? certificate.extensions.extendedKeyUsage).map(Array.init)) ?? []
        if !usages.contains(.serverAuth) || !usages.contains(.clientAuth) {
            findings.append(
                Finding(
                    .tlsUsageMissing,
                    certificate: audited,
                    detail: "extended key usages: \(usages.map { "\($0)" }.joined(separator: ", "))"
                )
            )
        }
        let names = Self.dnsNames(certificate)
        if let host = audited.hostFolder, !names.contains(host.lowercased()) {
            findings.append(
                Finding(
                    .hostNameMissing,
                    certificate: audited,
                    detail: "SANs \(names.joined(separator: ", ")) lack \(host)"
                )
            )
        }
        guard !gateway.rules.isEmpty else { return findings }
        let attributes = Self.fabricAttributes(certificate)
        let type = attributes["hf.Type"] ?? audited.nodeType ?? ""
        let required = gateway.hosts(
            adding: [],
            profile: SigningProfile.tls.name,
            type: type,
            affiliation: attributes["hf.Affiliation"] ?? ""
        )
        let missing = required.filter { !names.contains($0.lowercased()) }
        if !missing.isEmpty {
            findings.append(
                Finding(.gatewayNameMissing, certificate: audited, detail: "missing \(missing.joined(separator: ", "))")
            )
        }
        return findings
    }

    static func dnsNames(_ certificate: Certificate) -> [String] {
        guard let sans = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return sans.compactMap { name in
            if case .dnsName(let dns) = name { return dns.lowercased() }
            return nil
        }
    }

    static func fabricAttributes(_ certificate: Certificate) -> [String: String] {
        guard let ext = certificate.extensions[oid: AttributeExtension.oid],
            let object = try? JSONSerialization.jsonObject(with: Data(ext.value)) as? [String: Any],
            let attrs = object["attrs"] as? [String: Any]
        else { return [:] }
        return attrs.compactMapValues { $0 as? String }
    }

    /// True unless an ECDSA signature's S lies in the upper half of the issuer curve's order.
    static func isLowS(_ certificate: Certificate, issuerKey: Certificate.PublicKey) -> Bool {
        let size: Int
        if P256.Signing.PublicKey(issuerKey) != nil {
            size = 32
        } else if P384.Signing.PublicKey(issuerKey) != nil {
            size = 48
        } else {
            return true
        }
        return LowS.isLow(der: certificate.signature.rawRepresentation, curveBytes: size)
    }
}
