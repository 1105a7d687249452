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
    /// The loaded home.
    public let home: ServerHome
    /// The server's counters.
    public let metrics = ServerMetrics()
    let logger: Logger

    /// Creates a server from a home.
    public init(home: ServerHome, logger: Logger) {
        self.home = home
        self.logger = logger
    }

    /// Serves until a termination signal arrives.
    ///
    /// - Parameter onReady: called once both listeners are bound, with the API port (useful when
    ///   the configured port is 0).
    public func run(onReady: (@Sendable (Int) async -> Void)? = nil) async throws {
        let configuration = home.configuration
        let service = try CAService(home: home, metrics: metrics)
        let limits = try ConnectionLimits(configuration.connections)
        let api = Application(
            router: APIRouter.build(service: service),
            server: try apiServerBuilder(limits: limits),
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
                registry: home.registry,
                metrics: metrics,
                caExpiry: (configuration.ca.name, home.authority.certificate.notValidAfter)
            ),
            configuration: .init(address: .hostname(opsHost, port: opsPort), serverName: nil),
            logger: logger
        )
        let expiryWatch = CAExpiryWatch(
            caName: configuration.ca.name,
            notAfter: home.authority.certificate.notValidAfter,
            window: try DurationText.parse(configuration.ca.expirywarning),
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [api, operations, expiryWatch],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    func apiServerBuilder(limits: ConnectionLimits) throws -> HTTPServerBuilder {
        let configuration = home.configuration
        let metrics = self.metrics
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestBoundary()])
        guard let tls = home.tls else {
            return HTTPServerBuilder { responder in
                GuardedChannel(
                    base: HTTP1Channel(responder: responder, configuration: http),
                    tls: nil,
                    limits: limits,
                    metrics: metrics
                )
            }
        }
        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.chainPEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem))
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
        let context = try NIOSSLContext(configuration: tlsConfiguration)
        return HTTPServerBuilder { responder in
            GuardedChannel(
                base: HTTP1Channel(responder: responder, configuration: http),
                tls: context,
                limits: limits,
                metrics: metrics
            )
        }
    }

    /// Splits `host:port` (IPv6 in brackets).
    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw CharterError(.configuration, "operations.listenAddress '\(address)' is not host:port")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
