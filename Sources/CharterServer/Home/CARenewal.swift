// `charter server renew-ca`: a CA certificate re-issued with the same key and subject before it
// expires, so every certificate it issued still verifies: a root re-signs itself, an intermediate
// reenrolls with its parent. The old certificate stays in the home, named by its dates; the
// server serves the new one from its next start.

import CharterCore
import Foundation
import X509

/// Renews the CA certificate of a server home.
public enum CARenewal {
    /// What a renewal did.
    public struct Outcome: Sendable {
        /// Where the old certificate was kept.
        public var archivedPath: String
        /// The new CA certificate.
        public var certificate: Certificate
    }

    /// Re-issues the home's CA certificate, keeping the old one as
    /// `ca-cert-<NotBefore>-<NotAfter>.pem` beside it. A root lives `expiry` from `now`; an
    /// intermediate as long as its parent's `ca` profile gives. Nothing changes when any step fails.
    public static func renew(
        home path: String,
        configuration: ServerConfiguration,
        expiry: Duration,
        now: Date = Date()
    ) async throws -> Outcome {
        let files = HomeFiles(root: path)
        let certPath = ServerHome.certificatePath(configuration)
        guard let old = try ServerHome.loadAuthority(files: files, configuration: configuration) else {
            throw CharterError(.configuration, "\(files.resolve(certPath)) does not exist: there is no CA to renew")
        }
        let renewedPEM: String
        let renewedCertificate: Certificate
        var chainPEM: String?
        if old.certificate.issuer == old.certificate.subject {
            let renewed = try old.renewed(now: now, expiry: expiry)
            (renewedPEM, renewedCertificate) = (renewed.chainPEM, renewed.certificate)
        } else {
            guard configuration.intermediate.isConfigured else {
                throw CharterError(
                    .configuration,
                    "This CA is an intermediate: set intermediate.parentserver.url (without the secret) to renew it with its parent"
                )
            }
            let key = try ServerHome.findKey(for: old.certificate, files: files, configuration: configuration)
            let enrolled = try await ParentEnrollment.renew(old, key: key, configuration: configuration, files: files)
            (renewedPEM, renewedCertificate) = (enrolled.certificatePEM, enrolled.authority.certificate)
            chainPEM = enrolled.authority.chainPEM
        }
        let stamp = { (date: Date) in GoTime.format(date).filter { $0.isNumber || $0 == "T" || $0 == "Z" } }
        let folder = (files.resolve(certPath) as NSString).deletingLastPathComponent
        let archived =
            "\(folder)/ca-cert-\(stamp(old.certificate.notValidBefore))-\(stamp(old.certificate.notValidAfter)).pem"
        try FileWriter.write(try files.read(certPath), to: archived, mode: 0o644)
        try files.write(certPath, renewedPEM, mode: 0o644)
        if let chainPEM { try files.write(ServerHome.chainPath(configuration), chainPEM, mode: 0o644) }
        try files.write("msp/signcerts/cert.pem", renewedPEM, mode: 0o644)
        return Outcome(archivedPath: archived, certificate: renewedCertificate)
    }
}
