// What the operations listener's /metrics exposes, recorded through swift-metrics into a
// Prometheus registry that belongs to the server (no process-wide bootstrap): requests by endpoint
// and status with their durations, issuance by CA, profile and type, registrations, revocations,
// CRLs, TLS handshakes and probes, database latency, and each CA's expiry and the certificates
// about to expire.

import CharterCore
import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The metrics of one running server (owned by it, not global).
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// Counter and timer handles by label and dimensions: making one goes through the registry's
    /// lock and label checks, several times a request otherwise.
    let counters = BoundedCache<String, CoreMetrics.Counter>(capacity: 4096)
    let timers = BoundedCache<String, Metrics.Timer>(capacity: 4096)

    /// Empty metrics.
    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a cached token read (about 0.1 ms) to a bcrypt enrollment under load (seconds).
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// One API response: `endpoint` is the route template (`/identities/:id`), never a raw path.
    func countResponse(endpoint: String, method: String, status: Int, duration: Duration) {
        counter(
            "charter_http_requests_total",
            [("endpoint", endpoint), ("method", method), ("status", String(status))]
        ).increment()
        timer("charter_http_request_duration_seconds", [("endpoint", endpoint), ("method", method)])
            .record(duration: duration)
    }

    /// A certificate issued (and recorded) by enroll or reenroll.
    func countIssued(ca: String, profile: String, type: String, reenroll: Bool) {
        countIssued(ca: ca, profile: profile, type: type, operation: reenroll ? "reenroll" : "enroll")
    }

    /// `operation`: enroll, reenroll or acme.
    func countIssued(ca: String, profile: String, type: String, operation: String) {
        counter(
            "charter_certificates_issued_total",
            [("ca", ca), ("profile", profile.isEmpty ? "default" : profile), ("type", type), ("operation", operation)]
        ).increment()
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        counters.value(for: Self.key(label, dimensions)) { _ in
            CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
        }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Timer {
        timers.value(for: Self.key(label, dimensions)) { _ in
            Metrics.Timer(label: label, dimensions: dimensions, factory: factory)
        }
    }

    /// Length-prefixed, so no two label sets share a key whatever their text.
    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.reduce(into: label) { key, dimension in
            key += " \(dimension.0.utf8.count):\(dimension.0)\(dimension.1.utf8.count):\(dimension.1)"
        }
    }

    func countRegistration(ca: String) {
        counter("charter_registrations_total", [("ca", ca)]).increment()
    }

    func countRevocations(ca: String, certificates: Int) {
        counter("charter_revoked_certificates_total", [("ca", ca)]).increment(by: certificates)
    }

    func countCRL(ca: String) {
        counter("charter_crls_generated_total", [("ca", ca)]).increment()
    }

    func countHandshake() {
        counter("charter_tls_handshakes_total", []).increment()
    }

    /// A connection closed before its TLS handshake completed: a load balancer's TCP probe.
    func countProbe() {
        counter("charter_tls_probe_connections_total", []).increment()
    }

    /// Runs a registry call and records how long it took.
    func timeDatabase<T>(_ operation: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer {
            timer("charter_database_operation_duration_seconds", [("operation", operation)])
                .record(duration: ContinuousClock.now - start)
        }
        return try await body()
    }

    /// The CA certificate's NotAfter, for alerts weeks ahead (cert-manager's
    /// `certmanager_certificate_expiration_timestamp_seconds`, for a CA).
    func setCAExpiry(ca: String, notAfter: Date) {
        Gauge(label: "charter_ca_expiration_timestamp_seconds", dimensions: [("ca", ca)], factory: factory)
            .record(notAfter.timeIntervalSince1970.rounded(.down))
    }

    /// Unrevoked certificates of `ca` whose NotAfter falls within `within` from now.
    func setExpiring(ca: String, within: String, count: Int) {
        Gauge(label: "charter_certificates_expiring", dimensions: [("ca", ca), ("within", within)], factory: factory)
            .record(count)
    }

    /// How long the last count of `ca`'s expiring certificates took: what the gauges cost the
    /// registry, every refresh, as it grows.
    func setExpiringRefresh(ca: String, seconds: Double) {
        Gauge(label: "charter_certificates_expiring_refresh_seconds", dimensions: [("ca", ca)], factory: factory)
            .record(seconds)
    }

    /// Free bytes on the volume of `ca`'s SQLite registry.
    func setRegistryFreeBytes(ca: String, bytes: Int) {
        Gauge(label: "charter_registry_free_bytes", dimensions: [("ca", ca)], factory: factory).record(bytes)
    }

    /// The Prometheus exposition text.
    func prometheusText() -> String {
        registry.emitToString()
    }
}
