// Counters the operations listener exposes in Prometheus text format.

import Synchronization

/// Process-wide counters of one running server (owned by it, not global).
public final class ServerMetrics: Sendable {
    let responses2xx = Atomic<Int>(0)
    let responses4xx = Atomic<Int>(0)
    let responses5xx = Atomic<Int>(0)
    let enrollments = Atomic<Int>(0)
    let reenrollments = Atomic<Int>(0)
    let registrations = Atomic<Int>(0)
    let tlsHandshakes = Atomic<Int>(0)
    let tlsProbes = Atomic<Int>(0)

    /// Creates zeroed counters.
    public init() {}

    func countResponse(status: Int) {
        switch status {
        case 200..<300: responses2xx.add(1, ordering: .relaxed)
        case 400..<500: responses4xx.add(1, ordering: .relaxed)
        case 500...: responses5xx.add(1, ordering: .relaxed)
        default: break
        }
    }

    func countIssued(reenroll: Bool) {
        if reenroll {
            reenrollments.add(1, ordering: .relaxed)
        } else {
            enrollments.add(1, ordering: .relaxed)
        }
    }

    func countRegistration() {
        registrations.add(1, ordering: .relaxed)
    }

    /// The Prometheus exposition text.
    func prometheusText() -> String {
        func line(_ name: String, _ help: String, _ value: Int, labels: String = "") -> String {
            "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name)\(labels) \(value)\n"
        }
        return [
            "# HELP charter_api_responses_total API responses by status class\n# TYPE charter_api_responses_total counter\n"
                + "charter_api_responses_total{class=\"2xx\"} \(responses2xx.load(ordering: .relaxed))\n"
                + "charter_api_responses_total{class=\"4xx\"} \(responses4xx.load(ordering: .relaxed))\n"
                + "charter_api_responses_total{class=\"5xx\"} \(responses5xx.load(ordering: .relaxed))\n",
            line("charter_enrollments_total", "Certificates issued by enroll", enrollments.load(ordering: .relaxed)),
            line(
                "charter_reenrollments_total",
                "Certificates issued by reenroll",
                reenrollments.load(ordering: .relaxed)
            ),
            line("charter_registrations_total", "Identities registered", registrations.load(ordering: .relaxed)),
            line("charter_tls_handshakes_total", "Completed TLS handshakes", tlsHandshakes.load(ordering: .relaxed)),
            line(
                "charter_tls_probe_connections_total",
                "Connections closed before a TLS handshake completed (TCP health probes)",
                tlsProbes.load(ordering: .relaxed)
            ),
        ].joined()
    }
}
