// What an audit reports: one problem of one certificate, with how bad it is, why it matters to a
// Fabric network and what to do about it.

import Foundation

/// How serious a finding is; `--fail-on` compares against it.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info
    case warning
    case error

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The kinds of problem the audit finds, each with a stable id and a one-line fix.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    case notBeforeBeforeIssuer = "notbefore-before-issuer"
    case notAfterAfterIssuer = "notafter-after-issuer"
    case expired = "expired"
    case expiringSoon = "expiring-soon"
    case badSignature = "bad-signature"
    case unknownIssuer = "unknown-issuer"
    case authorityKeyMismatch = "aki-mismatch"
    case issuerNotCA = "issuer-not-ca"
    case revokedInMSP = "revoked-in-msp"
    case notRecorded = "not-recorded"
    case duplicateSerial = "duplicate-serial"
    case tlsUsageMissing = "tls-usage-missing"
    case gatewayNameMissing = "gateway-name-missing"
    case hostNameMissing = "host-name-missing"
    case weakKey = "weak-key"
    case highS = "high-s-signature"
    case unreadable = "unreadable"
    case ed25519NeedsV3 = "ed25519-needs-v3"
    case logLeafMissing = "log-leaf-missing"
    case logRowMissing = "log-row-missing"
    case logRowEdited = "log-row-edited"
    case logRewritten = "log-rewritten"

    /// How serious it is.
    public var severity: Severity {
        switch self {
        case .expiringSoon, .notAfterAfterIssuer, .highS, .gatewayNameMissing: return .warning
        case .ed25519NeedsV3: return .info
        default: return .error
        }
    }

    /// Why it matters, in a Fabric network.
    public var why: String {
        switch self {
        case .notBeforeBeforeIssuer:
            return "starts before its CA: Fabric rejects it with \"x509: certificate has expired or is not yet valid\""
        case .notAfterAfterIssuer:
            return "outlives its CA: it stops verifying when the CA expires, earlier than its own date says"
        case .expired: return "expired: peers and orderers refuse it"
        case .expiringSoon: return "expires soon: renew it before the network stops accepting it"
        case .badSignature: return "its signature does not verify with its issuer's key"
        case .unknownIssuer: return "no CA in the sources has its issuer's name: nothing can verify it"
        case .authorityKeyMismatch:
            return "its authority key identifier does not match its issuer's subject key identifier"
        case .issuerNotCA: return "its issuer is not a CA certificate (BasicConstraints CA:TRUE is missing)"
        case .revokedInMSP: return "revoked in the CA's database but still installed in an MSP folder"
        case .notRecorded:
            return "present on disk but not recorded in the CA's database: it cannot be audited or revoked"
        case .duplicateSerial:
            return "another certificate of the same CA has the same serial number: revocation cannot tell them apart"
        case .tlsUsageMissing:
            return "a TLS certificate without serverAuth and clientAuth: Fabric's mutual TLS refuses it"
        case .gatewayNameMissing:
            return
                "a TLS certificate without the gateway service names the policy requires: clients reaching the service fail hostname checks"
        case .hostNameMissing:
            return
                "a node TLS certificate whose SANs do not name its host: clients dialing the node fail hostname checks"
        case .weakKey: return "its key is weaker than P-256 / RSA 2048"
        case .highS: return "its signature is high-S: Fabric's verifiers reject malleable signatures"
        case .unreadable: return "it cannot be read or parsed, so nothing it stands for can be checked or trusted"
        case .logLeafMissing:
            return "on record but not in the transparency log: nobody following the log can know it exists"
        case .logRowMissing:
            return "in the transparency log but no longer on record: the row was deleted or the revocation undone"
        case .logRowEdited:
            return "its row differs from what the log recorded when it was issued or revoked: the row was edited"
        case .logRewritten:
            return "the log no longer extends a checkpoint it signed: its history was rewritten or truncated"
        case .ed25519NeedsV3:
            return
                "an Ed25519 identity is accepted only by Fabric 3 peers and orderers on channels with the V3_0 capability"
        }
    }

    /// What to do about it.
    public var fix: String {
        switch self {
        case .notBeforeBeforeIssuer, .notAfterAfterIssuer:
            return "reissue it with Charter, which clamps validity to the CA's"
        case .expired, .expiringSoon: return "reenroll (charter reenroll) or regenerate the node's material"
        case .badSignature, .unknownIssuer, .authorityKeyMismatch, .issuerNotCA:
            return "reissue it from the CA that the MSP's cacerts/ names, or fix cacerts/"
        case .revokedInMSP: return "remove it from the MSP folder and enroll again"
        case .notRecorded: return "reissue it through Charter (or cryptogen --record) so it is on record"
        case .duplicateSerial: return "revoke one of them and reissue it"
        case .tlsUsageMissing: return "enroll with --enrollment.profile tls"
        case .gatewayNameMissing: return "reenroll with the tls profile so the gateway policy adds the service names"
        case .hostNameMissing: return "enroll the TLS certificate with --csr.hosts <host>"
        case .weakKey: return "reenroll with an ECDSA P-256 or P-384 key"
        case .highS: return "reissue it with Charter, which signs low-S"
        case .unreadable: return "replace it with the PEM certificate it should hold, or remove it"
        case .ed25519NeedsV3: return "enable the V3_0 channel capability, or reissue it with an ECDSA key"
        case .logLeafMissing, .logRowMissing, .logRowEdited, .logRewritten:
            return "treat the database as tampered with: restore it from a backup and find who wrote to it"
        }
    }
}

/// One problem of one certificate.
public struct Finding: Sendable, Codable, Hashable {
    public var kind: FindingKind
    public var severity: Severity
    /// Where the certificate was found: a file path, or `db:<serial>` / `server:<serial>`.
    public var location: String
    public var serial: String
    public var subject: String
    public var issuer: String
    /// Specific detail (dates, names).
    public var detail: String

    /// A file, row or listed entry that could not be read as a certificate, with the reason.
    public static func unreadable(at location: String, serial: String = "", reason: String) -> Finding {
        var finding = Finding(.unreadable, certificate: nil, detail: reason)
        finding.location = location
        finding.serial = serial
        return finding
    }

    /// Creates a finding with its kind's severity, about `certificate` when there is one.
    public init(_ kind: FindingKind, certificate: AuditedCertificate?, detail: String = "") {
        self.kind = kind
        self.severity = kind.severity
        self.location = certificate?.location ?? ""
        self.serial = certificate?.serialHex ?? ""
        self.subject = certificate?.subject ?? ""
        self.issuer = certificate?.issuer ?? ""
        self.detail = detail
    }
}
