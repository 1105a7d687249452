// `charter renew`: certificates that renew themselves. Reenrolls each watched MSP when it is due
// (`--before` ahead of NotAfter, else at two thirds of its lifetime), runs a hook after each
// renewal, and with `--daemon` keeps watching: sleeping until the next due time with jitter,
// retrying with backoff while the CA is down, exposing the watched certificates' expiry on
// `--metrics`.

import ArgumentParser
import CharterClient
import CharterCore
import CharterPKCS11
import Foundation
import Hummingbird
import Logging
import Prometheus
import X509

struct RenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Reenroll MSPs whose certificate is due, now or (--daemon) whenever one becomes due."
    )

    @Option(
        name: [.customShort("u"), .long],
        help: "URL of the CA server (default: the url of the client config beside the first MSP)."
    ) var url: String?
    @Option(name: .customLong("mspdir"), help: "An MSP folder to watch (repeatable): enrollment or TLS.")
    var mspdirs: [String] = []
    @Option(name: .customLong("tls.certfiles"), help: "PEM files trusted for the server's TLS certificate.")
    var tlsCertfiles: [String] = []
    @Option(name: .customLong("tls.client.certfile"), help: "Client certificate for mutual TLS.")
    var tlsClientCertfile: String?
    @Option(name: .customLong("tls.client.keyfile"), help: "Client key for mutual TLS.")
    var tlsClientKeyfile: String?
    @Option(name: .customLong("caname"), help: "Name of the CA on the server.") var caName = ""
    @Option(help: "Renew this long before NotAfter (e.g. 30d); default: at two thirds of the lifetime.")
    var before: String?
    @Flag(help: "Keep running, renewing each certificate when it becomes due.") var daemon = false
    @Flag(
        name: [.customLong("reusekey"), .customLong("csr.keyrequest.reusekey")],
        help: "Keep the current key (orderers: consenters are identified by key)."
    )
    var reuseKey = false
    @Option(name: .customLong("exec"), help: "Run this shell command after each renewal (e.g. to reload a peer).")
    var hook: String?
    @Option(help: "With --daemon: serve the watched certificates' expiry at http://<host:port>/metrics.")
    var metrics: String?
    @Flag(name: [.customShort("d"), .long], help: "Print each request and its answer's status.") var debug = false

    func validate() throws {
        guard !mspdirs.isEmpty else { throw ValidationError("Give at least one --mspdir") }
        if metrics != nil && !daemon { throw ValidationError("--metrics needs --daemon") }
    }

    func run() async throws {
        var logger = Logger(label: "charter.renew")
        logger.logLevel = debug ? .debug : .info
        let client: CAClient
        // The home's key store: a token's keys are renewed in the token.
        let keys: KeyStore
        do {
            // Without -u, the client home the MSP came from says where its CA is, as for reenroll.
            let home = ((mspdirs.first ?? ".") as NSString).deletingLastPathComponent
            let settings = try ClientSettings.load("\(home.isEmpty ? "." : home)/\(ClientSettings.fileName)")
            guard let text = url ?? settings.url else {
                throw CharterError(.invalidRequest, "No CA URL: pass -u https://host:port")
            }
            var trusted = CAConnection.items(tlsCertfiles)
            if trusted.isEmpty {
                trusted = (settings.tls?.certfiles ?? []).map { $0.hasPrefix("/") ? $0 : "\(home)/\($0)" }
            }
            keys = try KeyStore(settings.bccsp)
            client = try CAConnection(
                url: text,
                trusting: trusted,
                clientCertificate: tlsClientCertfile,
                clientKey: tlsClientKeyfile,
                debug: debug
            ).client
        } catch let error as CharterError {
            printError(error)
            throw ExitCode.failure
        }
        do {
            let watcher = RenewalWatcher(
                renewals: try mspdirs.map {
                    try MSPRenewal(msp: MSPStore(directory: $0, keys: keys), reuseKey: reuseKey, caName: caName)
                },
                before: try before.map(DurationText.parse),
                hook: hook,
                client: client,
                logger: logger
            )
            if daemon {
                try await watcher.runDaemon(metricsAddress: metrics)
            } else {
                try await watcher.renewDue()
            }
            await client.shutdown()
        } catch let error as CharterError {
            await client.shutdown()
            printError(error)
            throw ExitCode.failure
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// Watches MSPs and renews each when it is due.
struct RenewalWatcher: Sendable {
    let renewals: [MSPRenewal]
    let before: Duration?
    let hook: String?
    let client: CAClient
    let logger: Logger
    let registry = PrometheusCollectorRegistry()

    /// Renews, once, every MSP that is due; fails when any renewal failed.
    func renewDue() async throws {
        var failures: [String] = []
        for renewal in renewals {
            let certificate = try renewal.certificate()
            let due = MSPRenewal.dueDate(of: certificate, before: before)
            guard due <= Date() else {
                print(
                    "\(renewal.msp.directory): not due until \(GoTime.format(due)) (expires \(GoTime.format(certificate.notValidAfter)))"
                )
                continue
            }
            do {
                try await renew(renewal)
            } catch let error as CharterError {
                failures.append("\(renewal.msp.directory): \(error.message)")
            }
        }
        if !failures.isEmpty {
            throw CharterError(.invalidRequest, "Renewal failed for " + failures.joined(separator: "; "))
        }
    }

    /// Renews one MSP, records its new expiry, and runs the hook.
    func renew(_ renewal: MSPRenewal) async throws {
        let renewed = try await renewal.renew(client: client)
        expiryGauge(renewal).set(renewed.notValidAfter.timeIntervalSince1970)
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "charter_renew_renewals",
                unitName: "total",
                helpText: "Renewals done, per MSP folder"
            ),
            labels: [("mspdir", renewal.msp.directory)]
        ).increment()
        logger.info(
            "renewed",
            metadata: [
                "mspdir": "\(renewal.msp.directory)", "not_after": "\(GoTime.format(renewed.notValidAfter))",
            ]
        )
        print("\(renewal.msp.directory): renewed, valid until \(GoTime.format(renewed.notValidAfter))")
        if let hook { runHook(hook, renewal: renewal, notAfter: renewed.notValidAfter) }
    }

    func expiryGauge(_ renewal: MSPRenewal) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "charter_renew_certificate_expiration_timestamp",
                unitName: "seconds",
                helpText: "When the watched certificate expires (Unix time)"
            ),
            labels: [("mspdir", renewal.msp.directory)]
        )
    }

    /// The hook's failure is logged, never fatal: the MSP is already renewed.
    func runHook(_ command: String, renewal: MSPRenewal, notAfter: Date) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["CHARTER_RENEWED_MSPDIR"] = renewal.msp.directory
        environment["CHARTER_RENEWED_NOT_AFTER"] = GoTime.format(notAfter)
        process.environment = environment
        do {
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                logger.warning(
                    "the --exec command failed",
                    metadata: ["mspdir": "\(renewal.msp.directory)", "status": "\(process.terminationStatus)"]
                )
            }
        } catch {
            logger.warning("the --exec command could not start: \(error)")
        }
    }

    /// Runs until stopped: each MSP renewed when due, with jitter; failures retried with backoff.
    /// An expired certificate can never reenroll: that ends the daemon with an error.
    func runDaemon(metricsAddress: String?) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let metricsAddress {
                let (host, port) = try Self.split(metricsAddress)
                let router = Router()
                let registry = self.registry
                router.get("metrics") { _, _ -> Response in
                    Response(
                        status: .ok,
                        headers: [.contentType: "text/plain; version=0.0.4"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
                    )
                }
                let application = Application(
                    router: router,
                    configuration: .init(address: .hostname(host, port: port), serverName: nil),
                    logger: logger
                )
                group.addTask { try await application.runService() }
            }
            group.addTask { try await watch() }
            // The watch loop ends only with an error; the listener only when stopped.
            try await group.next()
            group.cancelAll()
        }
    }

    func watch() async throws {
        var failures = [Int](repeating: 0, count: renewals.count)
        var retryAt = [Date?](repeating: nil, count: renewals.count)
        while !Task.isCancelled {
            var next = Date().addingTimeInterval(3600)  // re-read the MSPs at least hourly
            for (index, renewal) in renewals.enumerated() {
                let certificate: Certificate
                do {
                    certificate = try renewal.certificate()
                } catch {
                    logger.error("cannot read the MSP", metadata: ["mspdir": "\(renewal.msp.directory)"])
                    next = min(next, Date().addingTimeInterval(60))
                    continue
                }
                expiryGauge(renewal).set(certificate.notValidAfter.timeIntervalSince1970)
                let now = Date()
                if certificate.notValidAfter <= now {
                    throw CharterError(
                        .invalidRequest,
                        "The certificate in \(renewal.msp.directory) expired at \(GoTime.format(certificate.notValidAfter)): an expired certificate cannot reenroll; enroll again with the identity's secret"
                    )
                }
                var due = MSPRenewal.dueDate(of: certificate, before: before)
                if let retry = retryAt[index] { due = max(due, retry) }
                if due <= now {
                    do {
                        try await renew(renewal)
                        failures[index] = 0
                        retryAt[index] = nil
                        next = min(next, now.addingTimeInterval(1))
                    } catch {
                        failures[index] += 1
                        // 1 s, 2 s, 4 s … at most 5 minutes, and never past the certificate's end.
                        let delay = min(300, pow(2, Double(min(failures[index] - 1, 9))))
                        let retry = min(now.addingTimeInterval(delay), certificate.notValidAfter)
                        retryAt[index] = retry
                        next = min(next, retry)
                        registry.makeCounter(
                            descriptor: MetricNameDescriptor(
                                metricName: "charter_renew_failures",
                                unitName: "total",
                                helpText: "Failed renewal attempts, per MSP folder"
                            ),
                            labels: [("mspdir", renewal.msp.directory)]
                        ).increment()
                        logger.warning(
                            "renewal failed; retrying",
                            metadata: [
                                "mspdir": "\(renewal.msp.directory)", "error": "\(error)",
                                "retry_in_s": "\(Int(delay))",
                            ]
                        )
                    }
                } else {
                    // Jitter: up to a twentieth of the wait (at most 5 minutes), so a fleet of
                    // daemons does not reach the CA at the same second.
                    let wait = due.timeIntervalSince(now)
                    next = min(next, due.addingTimeInterval(-Double.random(in: 0...min(wait / 20, 300))))
                    logger.debug("next renewal", metadata: ["mspdir": "\(renewal.msp.directory)", "due": "\(due)"])
                }
            }
            let sleep = max(0.05, next.timeIntervalSinceNow)
            try await Task.sleep(for: .milliseconds(Int64(sleep * 1000)))
        }
    }

    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"),
            let port = DecimalInteger.parse(address[address.index(after: colon)...], in: 0...65535)
        else {
            throw CharterError(.configuration, "--metrics '\(address)' is not host:port")
        }
        let host = String(address[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
