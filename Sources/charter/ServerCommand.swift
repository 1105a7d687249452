// `charter server init|start`: fabric-ca-server's verbs and flags.

import ArgumentParser
import CharterCore
import CharterServer
import Foundation
import Logging

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the CA server (replaces fabric-ca-server).",
        subcommands: [Init.self, Start.self, RenewCA.self, ImportCommand.self, Backup.self, Restore.self]
    )

    /// Flags shared by init and start, named as fabric-ca-server names them.
    struct Options: ParsableArguments {
        @Option(name: [.customShort("H"), .long], help: "Server home folder.")
        var home: String = ProcessInfo.processInfo.environment["CHARTER_HOME"] ?? "charter-home"

        @Option(
            name: [.customShort("c"), .long],
            help: "Configuration file (default: <home>/charter-server-config.yaml)."
        )
        var config: String?

        @Option(
            name: [.customShort("b"), .long],
            help: "Bootstrap identity as <name>:<secret> (default $FABRIC_CA_SERVER_BOOT)."
        )
        var boot: String?

        @Option(
            name: .customLong("boot-file"),
            help: "A file holding <name>:<secret>, e.g. a mounted secret (keeps it out of the process list)."
        )
        var bootFile: String?

        @Option(name: [.customShort("p"), .long], help: "API listening port.")
        var port: Int?

        @Option(help: "API listening address.")
        var address: String?

        @Option(name: .customLong("tls.enabled"), help: "Serve the API over TLS (default true).")
        var tlsEnabled: Bool?

        @Option(name: [.customShort("n"), .customLong("ca.name")], help: "Name of the CA.")
        var caName: String?

        @Option(name: .customLong("operations.listenaddress"), help: "Operations listener host:port.")
        var operationsAddress: String?

        @Option(name: .customLong("registry.maxenrollments"), help: "Default max enrollments (-1 unlimited).")
        var maxEnrollments: Int?

        @Option(name: .customLong("csr.keyrequest.algo"), help: "The CA key of a new home: ecdsa (default) or ed25519.")
        var keyAlgorithm: String?

        @Option(name: .customLong("csr.keyrequest.size"), help: "ECDSA key size of a new CA: 256 (default) or 384.")
        var keySize: Int?

        @Option(
            name: [.customShort("u"), .customLong("intermediate.parentserver.url")],
            help: "Be an intermediate CA of this parent: https://<id>:<secret>@parent:7054."
        )
        var parentURL: String?

        @Option(name: .customLong("intermediate.parentserver.caname"), help: "The parent's CA name.")
        var parentCAName: String?

        @Option(
            name: .customLong("intermediate.tls.certfiles"),
            help: "PEM files the parent's TLS certificate must chain to (comma-separated or repeated)."
        )
        var parentTLSFiles: [String] = []

        @Option(name: .customLong("cacount"), help: "Run this many more CAs, ca1…caN, under <home>/ca/.")
        var caCount: Int?

        @Option(
            name: .customLong("cafiles"),
            help: "More CAs in this server, one config file each (comma-separated or repeated)."
        )
        var caFiles: [String] = []

        @Flag(name: [.customShort("d"), .long], help: "Debug logging.")
        var debug = false

        @Option(name: .customLong("loglevel"), help: "Log level: debug, info, warning, error, critical.")
        var logLevel: String?

        @Argument(
            parsing: .allUnrecognized,
            help: ArgumentHelp(
                "Any other fabric-ca-server configuration key as a flag: --<key> <value> (e.g. --cfg.identities.allowremove, --db.datasource x.db).",
                valueName: "--key value"
            )
        )
        var settings: [String] = []

        func effectiveConfiguration() throws -> ServerConfiguration {
            let path = config ?? (home as NSString).appendingPathComponent(ServerHome.configFileName)
            // A home's own file is optional; one named with -c must exist. Variables and flags
            // named after keys go through the same table as the file's keys.
            let environment = ProcessInfo.processInfo.environment
            var configuration =
                config != nil || FileManager.default.fileExists(atPath: path)
                ? try ServerConfiguration.load(contentsOf: path, environment: environment, flags: settings)
                : try ServerConfiguration.load(yaml: "", environment: environment, flags: settings)
            if let port { configuration.port = port }
            if let address { configuration.address = address }
            if let tlsEnabled { configuration.tls.enabled = tlsEnabled }
            if let caName { configuration.ca.name = caName }
            if let operationsAddress { configuration.operations.listenAddress = operationsAddress }
            if let maxEnrollments { configuration.registry.maxenrollments = maxEnrollments }
            if let keyAlgorithm { configuration.csr.keyrequest.algo = keyAlgorithm }
            if let keySize { configuration.csr.keyrequest.size = keySize }
            if let parentURL { configuration.intermediate.parentserver.url = parentURL }
            if let parentCAName { configuration.intermediate.parentserver.caname = parentCAName }
            if !parentTLSFiles.isEmpty { configuration.intermediate.tls.certfiles = CAConnection.items(parentTLSFiles) }
            if let caCount { configuration.cacount = caCount }
            if !caFiles.isEmpty { configuration.cafiles = CAConnection.items(caFiles) }
            if debug { configuration.debug = true }
            return configuration
        }

        /// `-b`, then `--boot-file`, then `FABRIC_CA_SERVER_BOOT`; none: a fresh home gets a
        /// generated admin secret, printed once.
        func bootstrapIdentity() throws -> ServerConfiguration.BootstrapIdentity? {
            if let boot { return try ServerConfiguration.BootstrapIdentity(parsing: boot) }
            if let bootFile {
                let text = try TextFile.read(bootFile, as: "--boot-file")
                return try ServerConfiguration.BootstrapIdentity(
                    parsing: text.trimmingCharacters(in: .whitespacesAndNewlines)
                )
            }
            return try ProcessInfo.processInfo.environment["FABRIC_CA_SERVER_BOOT"].map(
                ServerConfiguration.BootstrapIdentity.init(parsing:)
            )
        }

        /// Opens the home and every other CA it names, printing any secret generated for a
        /// bootstrap admin (once: it is not stored in clear).
        func open(adding tlsCA: String? = nil) async throws -> ServerCAs {
            var configuration = try effectiveConfiguration()
            if let tlsCA {
                configuration = try ServerCAs.addingTLSCA(named: tlsCA, to: configuration, home: home)
            }
            let bootstrap = try bootstrapIdentity()
            let primary = try await ServerHome.open(path: home, configuration: configuration, bootstrap: bootstrap)
            let cas = try await ServerCAs.open(primary: primary, bootstrap: bootstrap)
            for opened in cas.all {
                guard let secret = opened.generatedBootstrapSecret else { continue }
                let name = opened.configuration.ca.name
                FileHandle.standardError.write(
                    Data(
                        "No bootstrap identity was given: created 'admin' with secret \(secret)\(name.isEmpty ? "" : " in CA '\(name)'")\nStore it now: it is not shown again.\n"
                            .utf8
                    )
                )
            }
            return cas
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the server home (CA key and certificate, TLS pair, config, database) without serving."
        )
        @OptionGroup var options: Options

        @Flag(help: "Also set up a TLS CA in this home (dual-headed: enroll TLS certificates with --caname <name>).")
        var tlsca = false

        @Option(name: .customLong("tlsca.name"), help: "The TLS CA's name.")
        var tlscaName = "tlsca"

        func run() async throws {
            do {
                let cas = try await options.open(adding: tlsca ? tlscaName : nil)
                for home in cas.all {
                    let name = home.configuration.ca.name
                    print(
                        "Initialized \(home.path): CA\(name.isEmpty ? "" : " '\(name)'") '\(home.authority.certificate.subject)', database \(home.configuration.db.redactedDatasource)"
                    )
                }
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start the server, initialising the home when needed."
        )
        @OptionGroup var options: Options

        func run() async throws {
            let cas: ServerCAs
            do {
                cas = try await options.open()
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
            var configured = Logger(label: "charter.server")
            let home = cas.primary
            configured.logLevel = home.configuration.debug ? .debug : .info
            if let name = options.logLevel ?? (home.configuration.loglevel.isEmpty ? nil : home.configuration.loglevel)
            {
                guard let level = Logger.Level(rawValue: name.lowercased()) else {
                    FileHandle.standardError.write(Data("Error: unknown log level '\(name)'\n".utf8))
                    throw ExitCode.failure
                }
                configured.logLevel = level
            }
            let logger = configured
            let server = CharterServer(cas: cas, logger: logger)
            let scheme = home.tls == nil ? "http" : "https"
            do {
                try await serve(server, cas: cas, scheme: scheme, logger: logger)
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }

        func serve(_ server: CharterServer, cas: ServerCAs, scheme: String, logger: Logger) async throws {
            let home = cas.primary
            try await server.run { port in
                logger.info("Charter CA listening on \(scheme)://\(home.configuration.address):\(port)")
                // Each CA has its own registry; the named ones are named.
                for ca in cas.all {
                    guard let durability = try? await ca.registry.durability() else { continue }
                    let of = ca.path == home.path ? "" : " of CA '\(ca.configuration.ca.name)'"
                    let commits = "Commits\(of): \(durability)"
                    if durability.survivesPowerCut {
                        logger.info("\(commits)")
                    } else {
                        logger.warning("\(commits): not durable, a power cut can lose certificates already returned")
                    }
                }
            }
        }
    }

    struct RenewCA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "renew-ca",
            abstract:
                "Re-issue a CA certificate with the same key and subject (a root re-signs itself, an intermediate reenrolls with its parent); restart the server to serve it."
        )
        @OptionGroup var options: Options

        @Option(name: .customLong("caname"), help: "Which CA of the server (default: the home's own).")
        var caName = ""

        @Option(help: "Lifetime of the renewed CA certificate, e.g. 131400h (15 years, the default).")
        var expiry: String?

        func run() async throws {
            do {
                let (home, configuration) = try ServerCAs.location(
                    ofCA: caName,
                    configuration: try options.effectiveConfiguration(),
                    home: options.home
                )
                let outcome = try await CARenewal.renew(
                    home: home,
                    configuration: configuration,
                    expiry: try DurationText.parse(expiry ?? configuration.csr.ca.expiry)
                )
                print(
                    "Renewed the CA certificate: valid \(GoTime.format(outcome.certificate.notValidBefore)) to \(GoTime.format(outcome.certificate.notValidAfter)); the old one is kept at \(outcome.archivedPath)"
                )
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }
}
