// What the transparency log records for a certificate row: one place turns rows into entries,
// for every backend, the import, and the audit that recomputes the log.

import CharterCore
import Foundation

extension CertificateRecord {
    /// The issuance entry of this certificate.
    public var issuanceEntry: LogEntry {
        .issuance(
            .init(
                caName: caName,
                certificateDER: PEM.decode(pem.utf8, type: "CERTIFICATE") ?? Array(pem.utf8),
                enrollmentID: enrollmentID,
                profile: profile,
                issuedAt: Int64(issuedAt.timeIntervalSince1970.rounded(.down))
            )
        )
    }

    /// The revocation entry, when the row is revoked.
    public var revocationEntry: LogEntry? {
        guard isRevoked else { return nil }
        return .revocation(
            .init(
                caName: caName,
                serial: serial,
                authorityKeyIdentifier: authorityKeyIdentifier,
                reason: UInt8(clamping: reason),
                revokedAt: Int64((revokedAt ?? issuedAt).timeIntervalSince1970.rounded(.down))
            )
        )
    }

    /// The entries a row stands for, in log order: its issuance, then its revocation; only the
    /// revocation for a row that was just revoked (its issuance is logged already).
    public func logEntries(revocationOnly: Bool = false) -> [LogEntry] {
        let revocation = revocationEntry.map { [$0] } ?? []
        return revocationOnly ? revocation : [issuanceEntry] + revocation
    }
}
