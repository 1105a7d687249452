// Assembles and runs the server: the API listener (TLS by default) and the operations listener,
// side by side in one service group that stops both on SIGTERM or SIGINT.

import CharterCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOSSL
import ServiceLifecycle

/// A runnable Charter server built from a loaded home.
public struct CharterServer: Sendable {
    /// The loaded home: the default CA, the listeners' settings, the TLS pair.
    public let home: ServerHome
    /// Every CA the server answers for, the home's first.
    public let authorities: [ServerHome]
    /// The server's counters.
    public let metrics = ServerMetrics()
    let logger: Logger

    /// Creates a server from a home and its other CAs (``ServerCAs``).
    public init(cas: ServerCAs, logger: Logger) {
        self.home = cas.primary
        self.authorities = cas.all
        self.logger = logger
    }

    /// Creates a server with the home's CA only.
    public init(home: ServerHome, logger: Logger) {
        self.home = home
        self.authorities = [home]
        self.logger = logger
    }

    /// Serves until a termination signal arrives.
    ///
    /// - Parameter onReady: called once both listeners are bound, with the API port (useful when
    ///   the configured port is 0).
    public func run(onReady: (@Sendable (Int) async -> Void)? = nil) async throws {
        let configuration = home.configuration
        let metrics = self.metrics
        let services = try makeServices()
        let limits = try ConnectionLimits(configuration.connections)
        let tls = try home.tls.map { ServerTLS(try makeTLSContext(chainPEM: $0.chainPEM, key: $0.key)) }
        let api = Application(
            router: try APIRouter.build(services: services),
            server: apiServerBuilder(limits: limits, tls: tls),
            configuration: .init(
                address: .hostname(configuration.address, port: configuration.port),
                serverName: nil,
                backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)
            ),
            onServerRunning: { channel in
                await onReady?(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
        let (opsHost, opsPort) = try Self.split(configuration.operations.listenAddress)
        let operations = Application(
            router: OperationsRouter.build(
                registries: authorities.map(\.registry),
                directories: authorities.compactMap(\.directory),
                metrics: metrics
            ),
            configuration: .init(address: .hostname(opsHost, port: opsPort), serverName: nil),
            logger: logger
        )
        var expiryWatches: [any Service] = []
        for (service, authority) in zip(services, authorities) {
            expiryWatches.append(
                CheckpointWatch(
                    log: service.log,
                    interval: try DurationText.parse(authority.configuration.log.checkpointinterval),
                    logger: logger
                )
            )
            let name = authority.configuration.ca.name
            metrics.setCAExpiry(ca: name, notAfter: authority.authority.certificate.notValidAfter)
            expiryWatches.append(
                CAExpiryWatch(
                    caName: name,
                    notAfter: authority.authority.certificate.notValidAfter,
                    window: try DurationText.parse(authority.configuration.ca.expirywarning),
                    logger: logger
                )
            )
            expiryWatches.append(
                ExpiringCertificatesWatch(caName: name, registry: authority.registry, metrics: metrics, logger: logger)
            )
            if let database = try ServerHome.sqlitePath(configuration: authority.configuration, home: authority.path) {
                expiryWatches.append(
                    FreeSpaceWatch(caName: name, databasePath: database, metrics: metrics, logger: logger)
                )
            }
        }
        var renewal: [any Service] = []
        if let tls, configuration.tls.certfile.isEmpty {
            // The CA issued the server's certificate: it re-issues it before it expires.
            renewal.append(
                TLSRenewal(
                    tls: tls,
                    home: home,
                    renewBefore: try ServerHome.renewBefore(configuration),
                    makeContext: { try makeTLSContext(chainPEM: $0, key: $1) },
                    logger: logger
                )
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                NamedListener(
                    name: "API",
                    address: "\(configuration.address):\(configuration.port)",
                    base: api
                ),
                NamedListener(
                    name: "operations",
                    address: configuration.operations.listenAddress,
                    base: operations
                ),
            ] + expiryWatches + renewal,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // SIGTERM: stop accepting, let requests in flight finish (up to the timeout), then cancel.
        // No limit on the cancellation itself: past one, the service group stops the process
        // with a trap.
        groupConfiguration.maximumGracefulShutdownDuration = limits.shutdownTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            await shutDownRegistries()
            throw error
        }
        await shutDownRegistries()
    }

    /// After the last request: every CA's registry ends its work (a checkpointed SQLite log).
    func shutDownRegistries() async {
        for authority in authorities { await authority.registry.shutDown() }
    }

    func makeServices() throws -> [CAService] {
        try authorities.map { try CAService(home: $0, metrics: metrics) }
    }

    /// The API router the listener serves, for driving requests through it in process (the
    /// route fuzz target): routing, envelope, authentication and handlers, without sockets.
    public func makeAPIRouter() throws -> Router<CharterRequestContext> {
        try APIRouter.build(services: makeServices())
    }

    func apiServerBuilder(limits: ConnectionLimits, tls: ServerTLS?) -> HTTPServerBuilder {
        let metrics = self.metrics
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestBoundary()])
        return HTTPServerBuilder { responder in
            GuardedChannel(
                base: HTTP1Channel(responder: responder, configuration: http),
                tls: tls,
                limits: limits,
                metrics: metrics
            )
        }
    }

    /// The API's TLS context for a certificate chain and key, with `tls.clientauth` applied.
    func makeTLSContext(chainPEM: String, key: TLSPrivateKey) throws -> NIOSSLContext {
        let configuration = home.configuration
        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try key.nioKey())
        )
        tlsConfiguration.minimumTLSVersion = .tlsv12
        switch configuration.tls.clientauth.type.lowercased() {
        case "noclientcert", "":
            break
        case "requireandverifyclientcert":
            let files = configuration.tls.clientauth.certfiles
            let roots =
                files.isEmpty
                ? try NIOSSLCertificate.fromPEMBytes(Array(home.authority.chainPEM.utf8))
                : try files.flatMap { try NIOSSLCertificate.fromPEMFile(HomeFiles(root: home.path).resolve($0)) }
            tlsConfiguration.trustRoots = .certificates(roots)
            tlsConfiguration.certificateVerification = .noHostnameVerification
        case let other:
            throw CharterError(
                .configuration,
                "tls.clientauth.type '\(other)' is not supported (NoClientCert or RequireAndVerifyClientCert)"
            )
        }
        return try NIOSSLContext(configuration: tlsConfiguration)
    }

    /// Splits `host:port` (IPv6 in brackets).
    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"),
            let port = DecimalInteger.parse(address[address.index(after: colon)...], in: 0...65535)
        else {
            throw CharterError(.configuration, "operations.listenAddress '\(address)' is not host:port")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
