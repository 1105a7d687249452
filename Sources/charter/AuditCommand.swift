// `charter audit`: which certificates will break the network, and why.

import ArgumentParser
import CharterAudit
import CharterClient
import CharterCore
import CharterMySQL
import CharterPostgres
import CharterServer
import CharterStore
import Foundation
import Synchronization

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract:
            "Find certificates that will break a Fabric network: exit 0 clean, 1 findings at --fail-on or worse, 2 could not run."
    )

    @Option(
        help:
            "A Charter database, read only (safe while the server runs): a SQLite file, a PostgreSQL datasource ('host=… dbname=…' or postgres://…) or a MySQL one ('user:pw@tcp(host:port)/db')."
    ) var db: String?
    @Option(help: "Folders of certificates: cryptogen trees, MSP folders, any PEM files (repeatable).") var dir:
        [String] = []
    @Option(help: "CA certificate files to check against (repeatable).") var ca: [String] = []
    @Option(help: "Report certificates expiring within this duration.") var within = "30d"
    @Option(help: "A Charter server config whose gateway policy TLS certificates must satisfy.") var config: String?
    @Option(help: "table, json or csv.") var format = "table"
    @Option(help: "Also write a self-contained HTML report with an expiry chart.") var html: String?
    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is this severe or worse: info, warning, error.")
    var failOn = "error"
    @Option(
        name: [.customShort("u"), .long],
        help: "Audit a running server's certificates (with the MSP identity of -H/-M)."
    ) var url: String?
    @Option(name: [.customShort("H"), .long], help: "Client home for --url.") var home: String?
    @Option(name: [.customShort("M"), .long], help: "MSP folder for --url.") var mspdir: String?
    @Option(name: .customLong("tls.certfiles"), help: "TLS trust for --url.") var tlsCertfiles: [String] = []
    @Flag(
        name: .customLong("verify-log"),
        help: "With --db: recompute the transparency log from the rows and check it and its signed checkpoints."
    )
    var verifyLog = false
    @Option(
        name: .customLong("log-key"),
        help: "The log's verifier key for --verify-log (default: the key of the server home beside the database)."
    )
    var logKey: String?
    @Flag(name: .customLong("list-checks"), help: "List every finding id with its severity and fix, then exit.")
    var listChecks = false

    func run() async throws {
        if listChecks {
            for kind in FindingKind.allCases {
                print(
                    "\(kind.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) \(kind.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(kind.fix)"
                )
            }
            return
        }
        do {
            let code = try await audit()
            if code != 0 { throw ExitCode(code) }
        } catch let error as CharterError {
            printError(error)
            throw ExitCode(2)
        }
    }

    func audit() async throws -> Int32 {
        guard let outputFormat = AuditFormat(rawValue: format) else {
            throw CharterError(.configuration, "--format must be one of table, json, csv")
        }
        guard let threshold = Severity(rawValue: failOn) else {
            throw CharterError(.configuration, "--fail-on must be one of info, warning, error")
        }
        guard db != nil || !dir.isEmpty || url != nil else {
            throw CharterError(.configuration, "Nothing to audit: give --db, --dir or --url")
        }
        var request = AuditRequest()
        request.directories = dir
        request.caFiles = ca
        if let db {
            let registry: any Registry & CertificateArchive
            if MySQLDataSource.isMySQL(db) {
                registry = try await MySQLRegistry(try MySQLDataSource(parsing: db), migrate: false)
            } else if PostgresDataSource.isPostgres(db) {
                registry = try await PostgresRegistry(try PostgresDataSource(parsing: db), migrate: false)
            } else {
                registry = try SQLiteRegistry(path: db, readOnly: true)
                request.databaseFile = db
            }
            request.database = registry
            if verifyLog {
                request.logVerifier = LogVerifier(registry: registry, verifier: try logVerifierKey(beside: db))
            }
        } else if verifyLog {
            throw CharterError(.configuration, "--verify-log needs --db")
        }
        request.within = try DurationText.parse(within)
        if let config {
            request.gateway = GatewayPolicy(rules: try ServerConfiguration.load(contentsOf: config).gateways)
        }
        if let url {
            (request.serverCertificates, request.serverChainPEM) = try await serverCertificates(url)
        }
        let writer = FindingWriter(format: outputFormat)
        let collected = Mutex<[Finding]>([])
        let keep = html != nil
        let worst = Mutex<Severity?>(nil)
        let summary = try await Auditor(request).run { finding in
            writer.add(finding)
            if keep { collected.withLock { $0.append(finding) } }
            worst.withLock { current in if current.map({ finding.severity > $0 }) ?? true { current = finding.severity }
            }
        }
        writer.finish(summary)
        if let html {
            let page = HTMLReport.render(findings: collected.withLock { $0 }, summary: summary)
            try FileWriter.write(page, to: html, mode: 0o644)
        }
        return worst.withLock { $0 }.map { $0 >= threshold } == true ? 1 : 0
    }

    /// `--log-key`, else the key of the server home the SQLite database lives in, else none
    /// (checkpoints then compared by root only).
    func logVerifierKey(beside db: String) throws -> NoteVerifier? {
        if let logKey { return try NoteVerifier(verifierKey: logKey) }
        let home = (db as NSString).deletingLastPathComponent
        let config = (home as NSString).appendingPathComponent(ServerHome.configFileName)
        guard !PostgresDataSource.isPostgres(db), !MySQLDataSource.isMySQL(db),
            FileManager.default.fileExists(atPath: config),
            FileManager.default.fileExists(
                atPath: (home as NSString).appendingPathComponent("msp/keystore/log-signing.key")
            )
        else { return nil }
        let signer = try ServerHome.logSigner(
            home: home,
            configuration: try ServerConfiguration.load(contentsOf: config)
        )
        return try NoteVerifier(verifierKey: signer.verifierKey)
    }

    /// Lists a server's certificates with the MSP identity, and its CA chain.
    func serverCertificates(_ url: String) async throws -> ([String], String) {
        var options = try ClientOptions.parse(
            ["-u", url] + (home.map { ["-H", $0] } ?? []) + (mspdir.map { ["-M", $0] } ?? [])
                + tlsCertfiles.flatMap { ["--tls.certfiles", $0] }
        )
        options.debug = false
        let context = try options.context()
        defer { Task { await context.client.shutdown() } }
        let listing = try await context.client.certificates([], as: try context.identity)
        let info = try await context.client.caInfo(caName: context.caName)
        let chain = Data(base64Encoded: info.caChain).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (listing.certs.map(\.pem), chain)
    }
}
