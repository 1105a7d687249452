// An MSP that renews its own certificate: reenroll, authenticated by the certificate being
// replaced, for the same subject, hosts and profile, and write the result as enroll does (key
// first, then the certificate, each renamed into place), so a reader of the MSP finds a
// certificate with its key at every instant.

import CharterCore
import Foundation
import X509

/// One MSP folder whose enrollment (or TLS) certificate is renewed before it expires.
public struct MSPRenewal: Sendable {
    /// The MSP folder.
    public let msp: MSPStore
    /// Keep the current key (orderers: Raft and BFT identify consenters by their key).
    public var reuseKey: Bool
    /// The CA on the server.
    public var caName: String

    /// Describes the renewal of one MSP.
    public init(msp: MSPStore, reuseKey: Bool = false, caName: String = "") {
        self.msp = msp
        self.reuseKey = reuseKey
        self.caName = caName
    }

    /// The MSP's certificate now.
    public func certificate() throws -> Certificate {
        try Certificate(pemEncoded: try msp.identity().certificatePEM)
    }

    /// When a certificate is due: `before` ahead of its NotAfter, or, without `before`, at two
    /// thirds of its lifetime (cert-manager's default).
    public static func dueDate(of certificate: Certificate, before: Duration?) -> Date {
        if let before { return certificate.notValidAfter.addingTimeInterval(-before.timeInterval) }
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        return certificate.notValidBefore.addingTimeInterval(lifetime * 2 / 3)
    }

    /// Reenrolls now for the same subject, hosts and profile; returns the new certificate.
    ///
    /// An expired certificate cannot authenticate a reenroll: that is an error saying so, and
    /// the MSP is left as it is.
    public func renew(client: CAClient, now: Date = Date()) async throws -> Certificate {
        let identity = try msp.identity()
        let current = try Certificate(pemEncoded: identity.certificatePEM)
        guard current.notValidAfter > now else {
            throw CharterError(
                .invalidRequest,
                "The certificate in \(msp.directory) expired at \(GoTime.format(current.notValidAfter)): an expired certificate cannot reenroll; enroll again with the identity's secret"
            )
        }
        var enrollment = Enrollment(
            commonName: SubjectPolicy.commonName(of: current.subject) ?? "",
            names: Self.names(of: current.subject),
            hosts: Self.hosts(of: current)
        )
        let serverAuth = (try? current.extensions.extendedKeyUsage)??.contains(.serverAuth) ?? false
        enrollment.profile = serverAuth ? SigningProfile.tls.name : ""
        enrollment.reuseKey = reuseKey
        enrollment.caName = caName
        switch identity.key.algorithm {
        case .p256: (enrollment.keyAlgorithm, enrollment.keySize) = ("ecdsa", 256)
        case .p384: (enrollment.keyAlgorithm, enrollment.keySize) = ("ecdsa", 384)
        case .ed25519: enrollment.keyAlgorithm = "ed25519"
        }
        _ = try await enrollment.run(
            .token(identity),
            client: client,
            msp: msp,
            caFileName: client.caFileName(caName: caName),
            existingKey: identity.key
        )
        return try certificate()
    }

    /// The subject's C, ST, L and O, which a renewal asks for again (the server sets OU and CN).
    static func names(of subject: DistinguishedName) -> [(String, String)] {
        var names: [(String, String)] = []
        for rdn in subject {
            for attribute in rdn {
                guard let value = String(attribute.value) else { continue }
                switch attribute.type {
                case .RDNAttributeType.countryName: names.append(("C", value))
                case .RDNAttributeType.stateOrProvinceName: names.append(("ST", value))
                case .RDNAttributeType.localityName: names.append(("L", value))
                case .RDNAttributeType.organizationName: names.append(("O", value))
                default: break
                }
            }
        }
        return names
    }

    /// The certificate's DNS names and IP addresses, asked for again.
    static func hosts(of certificate: Certificate) -> [String] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            switch name {
            case .dnsName(let host): return host
            case .ipAddress(let bytes):
                let text = HostPolicy.text(ofAddress: Array(bytes.bytes))
                return text.isEmpty ? nil : text
            default: return nil
            }
        }
    }
}
