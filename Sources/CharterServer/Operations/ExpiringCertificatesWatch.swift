// `charter_certificates_expiring{ca,within}`: how many unrevoked certificates of each CA expire
// within 7, 30 and 90 days, counted in the background every few minutes (an indexed range count)
// rather than on each scrape, so an alert can fire weeks ahead at no cost to Prometheus.

import CharterStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps one CA's expiring-certificate gauges current.
struct ExpiringCertificatesWatch: Service {
    let caName: String
    let registry: any Registry
    let metrics: ServerMetrics
    let logger: Logger
    var interval: Duration = .seconds(300)

    /// The windows, with the label each is reported under.
    static let windows: [(label: String, days: Double)] = [("7d", 7), ("30d", 30), ("90d", 90)]

    /// Counts every window once.
    func refresh(now: Date = Date()) async throws {
        let started = ContinuousClock.now
        for window in Self.windows {
            let count = try await registry.countUnrevoked(
                notAfterFrom: now,
                to: now.addingTimeInterval(window.days * 86_400)
            )
            metrics.setExpiring(ca: caName, within: window.label, count: count)
        }
        let elapsed = ContinuousClock.now - started
        metrics.setExpiringRefresh(
            ca: caName,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }

    func run() async throws {
        while !Task.isStopping {
            do {
                try await refresh()
            } catch  where !Task.isStopping {
                logger.warning("could not count expiring certificates: \(error)", metadata: ["ca": "\(caName)"])
            } catch {
                return
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
