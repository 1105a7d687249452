// The most reported Fabric CA incident is a CA certificate that expired unnoticed: a warning at
// start and then daily, while the CA certificate is within its warning window.

import CharterCore
import Foundation
import Logging
import ServiceLifecycle

/// Warns, at start and then once a day, when the CA certificate expires within `window`.
struct CAExpiryWatch: Service {
    let caName: String
    let notAfter: Date
    let window: Duration
    let logger: Logger

    /// The warning for `now`, or nil while the CA has more than `window` left.
    func warning(at now: Date) -> String? {
        let left = notAfter.timeIntervalSince(now)
        guard left < window.timeInterval else { return nil }
        if left <= 0 {
            return "The CA certificate expired at \(GoTime.format(notAfter)): nothing it issues is valid; renew the CA"
        }
        return "The CA certificate expires at \(GoTime.format(notAfter)), in \(Int(left / 86_400)) days: renew the CA"
    }

    func run() async throws {
        while !Task.isStopping {
            if let warning = warning(at: Date()) {
                logger.warning("\(warning)", metadata: ["ca": "\(caName)"])
            }
            // A day, cut short by a graceful shutdown.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(86_400)) }
        }
    }
}
