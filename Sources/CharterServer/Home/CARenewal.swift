// `charter server renew-ca`: a root CA re-issued with the same key and subject before it expires,
// so every certificate it issued still verifies. The old certificate stays in the home, named by
// its dates; the server serves the new one from its next start.

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

    /// Re-issues the home's root CA certificate for `expiry` from `now`, keeping the old one as
    /// `ca-cert-<NotBefore>-<NotAfter>.pem` beside it. Nothing changes when any step fails.
    public static func renew(
        home path: String,
        configuration: ServerConfiguration,
        expiry: Duration,
        now: Date = Date()
    ) throws -> Outcome {
        let files = HomeFiles(root: path)
        let certPath = ServerHome.certificatePath(configuration)
        guard let old = try ServerHome.loadAuthority(files: files, configuration: configuration) else {
            throw CharterError(.configuration, "\(files.resolve(certPath)) does not exist: there is no CA to renew")
        }
        let renewed = try old.renewed(now: now, expiry: expiry)
        let stamp = { (date: Date) in GoTime.format(date).filter { $0.isNumber || $0 == "T" || $0 == "Z" } }
        let folder = (files.resolve(certPath) as NSString).deletingLastPathComponent
        let archived =
            "\(folder)/ca-cert-\(stamp(old.certificate.notValidBefore))-\(stamp(old.certificate.notValidAfter)).pem"
        try FileWriter.write(try files.read(certPath), to: archived, mode: 0o644)
        try files.write(certPath, renewed.chainPEM, mode: 0o644)
        try files.write("msp/signcerts/cert.pem", renewed.chainPEM, mode: 0o644)
        return Outcome(archivedPath: archived, certificate: renewed.certificate)
    }
}
