// The server's own TLS certificate, when the CA issued it, is re-issued `tls.renewbefore` ahead of
// its NotAfter while the server runs: new connections get the new certificate, open ones keep
// theirs, nothing restarts. (fabric-ca's expires after a year and takes the API down with it.)

import CharterCore
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import X509

/// Renews the API's TLS certificate before it expires.
struct TLSRenewal: Service {
    let tls: ServerTLS
    let home: ServerHome
    let renewBefore: Duration
    let makeContext: @Sendable (String, TLSPrivateKey) throws -> NIOSSLContext
    let logger: Logger

    /// When the certificate in `chainPEM` is due: `renewBefore` ahead of its NotAfter, but not
    /// before two thirds of its lifetime (a certificate shorter than the window, cut by the CA's
    /// own expiry, must not be renewed in a loop); nil when it cannot be read.
    func dueDate(of chainPEM: String) -> Date? {
        guard let certificate = try? PEMBundle.certificates(in: chainPEM).first else { return nil }
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        return max(
            certificate.notValidAfter.addingTimeInterval(-renewBefore.timeInterval),
            certificate.notValidBefore.addingTimeInterval(lifetime * 2 / 3)
        )
    }

    func run() async throws {
        var chainPEM = home.tls?.chainPEM ?? ""
        while !Task.isStopping {
            let due = dueDate(of: chainPEM) ?? Date()
            let wait = max(0, due.timeIntervalSinceNow)
            if wait > 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
                continue
            }
            do {
                let renewed = try await home.renewedTLS()
                tls.replace(with: try makeContext(renewed.chainPEM, renewed.key))
                chainPEM = renewed.chainPEM
                let notAfter = try? PEMBundle.certificates(in: chainPEM).first?.notValidAfter
                logger.info(
                    "renewed the server's TLS certificate",
                    metadata: ["not_after": "\(notAfter.map(GoTime.format) ?? "?")"]
                )
                // At most one renewal a second, whatever the certificates' lifetimes.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            } catch {
                logger.error("could not renew the server's TLS certificate; retrying in a minute: \(error)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            }
        }
    }
}
