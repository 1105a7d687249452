// A certificate under audit, with where it came from and what its location says about it
// (a TLS folder, the host folder of a node).

import CharterCore
import Foundation
import X509

/// One certificate and its context.
public struct AuditedCertificate: Sendable {
    public let certificate: Certificate
    /// A file path, or `db:<serial>` / `server:<serial>`.
    public let location: String
    /// True for TLS certificates (a `tls/` folder, or the `tls` profile on record).
    public let isTLS: Bool
    /// The host a node TLS certificate must name: the folder below `peers/` or `orderers/`.
    public let hostFolder: String?
    /// `peer` / `orderer` when the location says so.
    public let nodeType: String?

    /// Wraps a parsed certificate.
    public init(
        _ certificate: Certificate,
        location: String,
        isTLS: Bool,
        hostFolder: String? = nil,
        nodeType: String? = nil
    ) {
        self.certificate = certificate
        self.location = location
        self.isTLS = isTLS
        self.hostFolder = hostFolder
        self.nodeType = nodeType
    }

    // Text forms are computed when a finding needs them: most certificates have none.
    public var serialHex: String { Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes)) ?? "0" }
    public var subject: String { certificate.subject.description }
    public var issuer: String { certificate.issuer.description }

    /// True for CA certificates.
    public var isCA: Bool {
        if case .isCertificateAuthority = (try? certificate.extensions.basicConstraints) ?? .notCertificateAuthority {
            return true
        }
        return false
    }

    /// Self-signed roots are checked for expiry and key strength, not against an issuer.
    public var isSelfIssued: Bool { certificate.subject == certificate.issuer }

    /// Lower-case hex AKI, if any.
    public var authorityKeyIdentifier: String? {
        ((try? certificate.extensions.authorityKeyIdentifier)?.keyIdentifier).map { Hex.encode($0) }
    }
}
