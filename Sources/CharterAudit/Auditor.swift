// Runs an audit over its sources (folders, a Charter database, a running server's list) and
// streams every finding to a sink as soon as it is known.

import CharterCore
import CharterStore
import Foundation
import X509

/// Where certificates come from and what to check them against.
public struct AuditRequest: Sendable {
    /// Folders of PEM files and MSP trees.
    public var directories: [String] = []
    /// Extra CA certificate files.
    public var caFiles: [String] = []
    /// A Charter registry (SQLite or PostgreSQL), read only.
    public var database: (any CertificateArchive)?
    /// The SQLite file behind ``database``: a `ca-cert.pem` beside it is a CA to check against.
    public var databaseFile: String?
    /// `--verify-log`: the registry's transparency log recomputed and checked.
    public var logVerifier: LogVerifier?
    /// Certificates listed by a server, with the CA chain it reported.
    public var serverCertificates: [String]?
    public var serverChainPEM: String?
    /// "Expiring soon" horizon.
    public var within: Duration = .hours(30 * 24)
    /// Gateway names TLS certificates must carry.
    public var gateway = GatewayPolicy()
    /// The audit's notion of now.
    public var now = Date()

    /// Creates an empty request.
    public init() {}
}

/// What an audit looked at, beside its findings.
public struct AuditSummary: Sendable, Codable {
    /// Distinct certificates checked.
    public var certificates = 0
    /// Findings by severity.
    public var errors = 0
    public var warnings = 0
    public var infos = 0
    /// Certificates expiring per week from now (index 0: this week); expired ones in `expired`.
    public var expiriesByWeek: [Int] = Array(repeating: 0, count: 105)
    public var expired = 0
    public var later = 0

    mutating func count(_ finding: Finding) {
        switch finding.severity {
        case .error: errors += 1
        case .warning: warnings += 1
        case .info: infos += 1
        }
    }

    mutating func add(expiry: Date, now: Date) {
        certificates += 1
        let weeks = expiry.timeIntervalSince(now) / (7 * 86_400)
        if weeks < 0 {
            expired += 1
        } else if weeks < Double(expiriesByWeek.count) {
            expiriesByWeek[Int(weeks)] += 1
        } else {
            later += 1
        }
    }

    mutating func merge(_ other: AuditSummary) {
        certificates += other.certificates
        errors += other.errors
        warnings += other.warnings
        infos += other.infos
        expired += other.expired
        later += other.later
        for index in expiriesByWeek.indices { expiriesByWeek[index] += other.expiriesByWeek[index] }
    }
}

/// Runs audits.
public struct Auditor: Sendable {
    public let request: AuditRequest

    /// Creates an auditor.
    public init(_ request: AuditRequest) {
        self.request = request
    }

    /// Audits everything, calling `sink` with each finding (from one task at a time).
    public func run(_ sink: @escaping @Sendable (Finding) -> Void) async throws -> AuditSummary {
        var summary = AuditSummary()
        let report: @Sendable (Finding, inout AuditSummary) -> Void = { finding, summary in
            summary.count(finding)
            sink(finding)
        }
        let scanned = try DirectoryScanner.scan(request.directories)
        let registry = request.database
        let checks = CertificateChecks(
            authorities: try authorities(scanned),
            within: request.within,
            gateway: request.gateway,
            now: request.now
        )

        // Folders: every distinct certificate, cross-checked with the database when there is one.
        var issuedBySerial: [String: [UInt8]] = [:]
        for item in scanned {
            switch item {
            case .unloadable(let location, let subject, let issuer, let serial, let weakness):
                var finding = Finding(.weakKey, certificate: nil, detail: weakness)
                finding.location = location
                finding.subject = subject
                finding.issuer = issuer
                finding.serial = serial
                summary.certificates += 1
                report(finding, &summary)
            case .unreadable(let location, let reason):
                summary.certificates += 1
                report(.unreadable(at: location, reason: reason), &summary)
            case .certificate(let audited, let der):
                summary.add(expiry: audited.certificate.notValidAfter, now: request.now)
                for finding in checks.check(audited) { report(finding, &summary) }
                let key = "\(audited.issuer)|\(audited.serialHex)"
                if let other = issuedBySerial[key], other != der {
                    report(
                        Finding(
                            .duplicateSerial,
                            certificate: audited,
                            detail: "another certificate of \(audited.issuer) has serial \(audited.serialHex)"
                        ),
                        &summary
                    )
                }
                issuedBySerial[key] = der
                if let registry, !audited.isCA, let aki = audited.authorityKeyIdentifier {
                    if let record = try await registry.certificate(
                        serial: audited.serialHex,
                        authorityKeyIdentifier: aki
                    ) {
                        if record.isRevoked {
                            report(
                                Finding(
                                    .revokedInMSP,
                                    certificate: audited,
                                    detail: "revoked \(record.revokedAt.map(GoTime.format) ?? "")"
                                ),
                                &summary
                            )
                        }
                    } else if try await registry.certificateCount(authorityKeyIdentifier: aki) > 0 {
                        report(Finding(.notRecorded, certificate: audited), &summary)
                    }
                }
            }
        }

        if let registry {
            summary.merge(try await auditDatabase(registry, checks: checks, sink: sink))
        }
        if let listed = request.serverCertificates {
            for (index, pem) in listed.enumerated() {
                let certificate: Certificate
                do {
                    certificate = try Certificate(pemEncoded: pem)
                } catch {
                    summary.certificates += 1
                    report(.unreadable(at: "server:#\(index + 1)", reason: "\(error)"), &summary)
                    continue
                }
                let serial = Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes)) ?? "0"
                summary.add(expiry: certificate.notValidAfter, now: request.now)
                for finding in checks.check(AuditedCertificate(certificate, location: "server:\(serial)", isTLS: false))
                {
                    report(finding, &summary)
                }
            }
        }
        if let logVerifier = request.logVerifier {
            for finding in try await logVerifier.findings() { report(finding, &summary) }
        }
        return summary
    }

    /// Streams the database in batches, checking each batch on every core.
    func auditDatabase(
        _ registry: any CertificateArchive,
        checks: CertificateChecks,
        sink: @escaping @Sendable (Finding) -> Void
    ) async throws
        -> AuditSummary
    {
        var summary = AuditSummary()
        for duplicate in try await registry.duplicateSerials() {
            var finding = Finding(
                .duplicateSerial,
                certificate: nil,
                detail: "recorded more than once under AKI \(duplicate.authorityKeyIdentifier)"
            )
            finding.location = "db:\(duplicate.serial)"
            finding.serial = duplicate.serial
            summary.count(finding)
            sink(finding)
        }
        // More slices than cores, so one slow slice does not leave a core idle at the end of a batch.
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount) * 4
        var cursor: Int64 = 0
        var next = Task { try await registry.certificateBatch(after: 0, limit: 8192) }
        while true {
            let batch = try await next.value
            guard let last = batch.last else { break }
            cursor = last.rowID
            let after = cursor
            next = Task { try await registry.certificateBatch(after: after, limit: 8192) }  // read ahead while checking
            let chunk = (batch.count + workers - 1) / workers
            let now = request.now
            let results = try await withThrowingTaskGroup(of: (AuditSummary, [Finding]).self) { group in
                for start in stride(from: 0, to: batch.count, by: chunk) {
                    let slice = batch[start..<min(start + chunk, batch.count)]
                    group.addTask {
                        var part = AuditSummary()
                        var findings: [Finding] = []
                        for record in slice {
                            let location = "db:\(record.serial)"
                            guard let der = PEM.decode(record.pem.utf8, type: "CERTIFICATE") else {
                                part.certificates += 1
                                findings.append(
                                    .unreadable(
                                        at: location,
                                        serial: record.serial,
                                        reason: "the row holds no PEM certificate"
                                    )
                                )
                                continue
                            }
                            let certificate: Certificate
                            do {
                                certificate = try Certificate(derEncoded: der)
                            } catch {
                                part.certificates += 1
                                findings.append(.unreadable(at: location, serial: record.serial, reason: "\(error)"))
                                continue
                            }
                            let audited = AuditedCertificate(
                                certificate,
                                location: location,
                                isTLS: record.profile == "tls"
                            )
                            part.add(expiry: certificate.notValidAfter, now: now)
                            findings += checks.check(audited)
                        }
                        return (part, findings)
                    }
                }
                var collected: [(AuditSummary, [Finding])] = []
                for try await result in group { collected.append(result) }
                return collected
            }
            for (part, findings) in results {
                summary.merge(part)
                for finding in findings {
                    summary.count(finding)
                    sink(finding)
                }
            }
        }
        return summary
    }

    /// CAs from `--ca` files, from the folders, from the server's chain, and beside the database.
    func authorities(_ scanned: [ScannedItem]) throws -> [AuditedCertificate] {
        var files = request.caFiles
        if let database = request.databaseFile {
            let besides = ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                "ca-cert.pem"
            )
            if FileManager.default.fileExists(atPath: besides) { files.append(besides) }
        }
        var authorities: [AuditedCertificate] = []
        for file in files {
            authorities += try PEMBundle.certificates(in: try TextFile.read(file, as: "CA file")).map {
                AuditedCertificate($0, location: file, isTLS: false)
            }
        }
        if let chain = request.serverChainPEM {
            authorities += try PEMBundle.certificates(in: chain).map {
                AuditedCertificate($0, location: "server CA chain", isTLS: false)
            }
        }
        for case .certificate(let audited, _) in scanned where audited.isCA {
            authorities.append(audited)
        }
        return authorities
    }
}
