// Checks challenges over the network: names resolve through `acme.resolver` only, and validation
// connects only to the addresses it returns, on the configured ports — never to a URL or address
// a client chose (no request forgery through a challenge).

import CharterACME
import CharterCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// Validates http-01, dns-01 and tls-alpn-01 challenges.
struct ChallengeValidator: Sendable {
    let resolver: SocketAddress
    let http01Port: Int
    let tlsALPN01Port: Int
    /// Each network step (a DNS answer, a connection, a response) must finish within this.
    static let timeout: TimeAmount = .seconds(10)
    /// The most bytes read from a challenge responder.
    static let maxResponse = 16 * 1024

    init(resolver: String, http01Port: Int, tlsALPN01Port: Int) throws {
        let text = resolver.isEmpty ? Self.systemResolver() : resolver
        guard let address = Self.address(text) else {
            throw CharterError(.configuration, "acme.resolver: '\(text)' is not host:port with an IP address")
        }
        self.resolver = address
        self.http01Port = http01Port
        self.tlsALPN01Port = tlsALPN01Port
    }

    /// `127.0.0.1:53`, `[::1]:53` or an address alone (port 53).
    static func address(_ text: String) -> SocketAddress? {
        var host = text
        var port = 53
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = DecimalInteger.parse(rest.dropFirst(), in: 1...65535) else {
                    return nil
                }
                port = parsed
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let parsed = DecimalInteger.parse(text[text.index(after: colon)...], in: 1...65535) else {
                return nil
            }
            port = parsed
        }
        guard HostPolicy.ipAddressBytes(host) != nil else { return nil }
        return try? SocketAddress(ipAddress: host, port: port)
    }

    /// The first `nameserver` of /etc/resolv.conf, else 127.0.0.1.
    static func systemResolver() -> String {
        let text = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0] == "nameserver" { return String(words[1]) }
        }
        return "127.0.0.1"
    }

    /// Why the challenge failed, or nil when it passed.
    func problem(type: String, name: String, keyAuthorization: KeyAuthorization) async -> ACMEProblem? {
        do {
            switch type {
            case "dns-01":
                let records = try await lookup("_acme-challenge.\(name)", .txt)
                guard records.contains(.text(keyAuthorization.dnsRecord)) else {
                    throw ACMEProblem(
                        .incorrectResponse,
                        "No TXT record at _acme-challenge.\(name) holds this challenge's digest"
                    )
                }
            case "http-01":
                try await checkHTTP(name: name, keyAuthorization: keyAuthorization)
            case "tls-alpn-01":
                try await checkTLSALPN(name: name, keyAuthorization: keyAuthorization)
            default:
                throw ACMEProblem.malformed("Unknown challenge type \(type)")
            }
        } catch let problem as ACMEProblem {
            return problem
        } catch {
            return ACMEProblem(.connection, "Validating \(type) for \(name) failed: \(error)")
        }
        return nil
    }

    // MARK: DNS

    func lookup(_ name: String, _ type: DNSMessage.RecordType) async throws -> [DNSMessage.Answer] {
        let id = UInt16.random(in: 0...UInt16.max)
        let query = try DNSMessage.query(id: id, name: name, type: type)
        let reply = try await exchange(
            bootstrap: { group, promise in
                DatagramBootstrap(group: group)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(DatagramCollector(promise: promise))
                        }
                    }
                    .connect(to: resolver)
            },
            send: ByteBuffer(bytes: query),
            datagram: true
        )
        return try DNSMessage.answers(in: reply, id: id, type: type)
    }

    /// The address a name resolves to through the resolver: IPv4 first, then IPv6.
    func resolve(_ name: String, port: Int) async throws -> SocketAddress {
        for type in [DNSMessage.RecordType.a, .aaaa] {
            for case .address(let bytes) in try await lookup(name, type) {
                let text = HostPolicy.text(ofAddress: bytes)
                if let address = try? SocketAddress(ipAddress: text, port: port) { return address }
            }
        }
        throw ACMEProblem(.dns, "\(name) has no A or AAAA record")
    }

    // MARK: http-01

    func checkHTTP(name: String, keyAuthorization: KeyAuthorization) async throws {
        let address = try await resolve(name, port: http01Port)
        let request =
            "GET /.well-known/acme-challenge/\(keyAuthorization.token) HTTP/1.1\r\nHost: \(name)\r\nUser-Agent: charter-acme\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        let response = try await exchange(
            bootstrap: { group, promise in
                ClientBootstrap(group: group)
                    .connectTimeout(Self.timeout)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(StreamCollector(promise: promise))
                        }
                    }
                    .connect(to: address)
            },
            send: ByteBuffer(string: request),
            datagram: false
        )
        guard let split = response.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw ACMEProblem(.connection, "The http-01 responder at \(address) sent no complete HTTP response")
        }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self)
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first
        guard status == "200" else {
            throw ACMEProblem(
                .incorrectResponse,
                "The http-01 responder answered status \(status ?? "?") (redirects are not followed)"
            )
        }
        guard keyAuthorization.matchesHTTPBody(Array(response[split.upperBound...])) else {
            throw ACMEProblem(.incorrectResponse, "The http-01 response is not this challenge's key authorization")
        }
    }

    // MARK: tls-alpn-01

    func checkTLSALPN(name: String, keyAuthorization: KeyAuthorization) async throws {
        let address = try await resolve(name, port: tlsALPN01Port)
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The responder's self-signed certificate is what is checked, not its chain.
        configuration.certificateVerification = .none
        configuration.applicationProtocols = [KeyAuthorization.tlsALPNProtocol]
        let certificate: [UInt8]
        do {
            certificate = try await presentedCertificate(address: address, name: name, configuration: configuration)
        } catch let problem as ACMEProblem where problem.detail.contains("KEY_USAGE_BIT_INCORRECT") {
            // An RSA challenge certificate marked for key encipherment only (lego's): BoringSSL
            // then refuses every handshake but RSA key exchange, which is asked for instead.
            configuration.maximumTLSVersion = .tlsv12
            configuration.cipherSuiteValues = [.TLS_RSA_WITH_AES_128_GCM_SHA256, .TLS_RSA_WITH_AES_256_GCM_SHA384]
            certificate = try await presentedCertificate(address: address, name: name, configuration: configuration)
        }
        try keyAuthorization.checkTLSALPN(certificateDER: certificate, name: name)
    }

    /// The certificate a tls-alpn-01 responder presents for `name`, once it agreed to acme-tls/1.
    func presentedCertificate(address: SocketAddress, name: String, configuration: TLSConfiguration) async throws
        -> [UInt8]
    {
        let context = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: [UInt8].self)
        // Completed on every path (a later completion is ignored): NIO refuses a dropped promise.
        defer { promise.fail(CancellationError()) }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(Self.timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: name)
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHandler(ALPNCertificateCatcher(promise: promise))
                }
            }
            .connect(to: address).get()
        let timeout = channel.eventLoop.scheduleTask(in: Self.timeout) {
            promise.fail(ACMEProblem(.tls, "The tls-alpn-01 handshake with \(address) did not finish in time"))
        }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }

    // MARK: one exchange

    /// Connects, sends `message`, and reads the answer: the first datagram, or a stream up to
    /// its end (bounded in size and time).
    func exchange(
        bootstrap: (MultiThreadedEventLoopGroup, EventLoopPromise<[UInt8]>) -> EventLoopFuture<any Channel>,
        send message: ByteBuffer,
        datagram: Bool
    ) async throws -> [UInt8] {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: [UInt8].self)
        defer { promise.fail(CancellationError()) }
        let channel = try await bootstrap(group, promise).get()
        let timeout = channel.eventLoop.scheduleTask(in: Self.timeout) {
            promise.fail(
                ACMEProblem(
                    datagram ? .dns : .connection,
                    "No answer within \(Self.timeout.nanoseconds / 1_000_000_000) s"
                )
            )
        }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        try await channel.writeAndFlush(message)
        return try await promise.futureResult.get()
    }
}

/// Takes the first datagram as the answer.
final class DatagramCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let promise: EventLoopPromise<[UInt8]>

    init(promise: EventLoopPromise<[UInt8]>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        promise.succeed(Array(unwrapInboundIn(data).data.readableBytesView))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}

/// Collects stream bytes until the peer closes, or the limit is reached.
final class StreamCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<[UInt8]>
    private let received = Mutex<[UInt8]>([])

    init(promise: EventLoopPromise<[UInt8]>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytesView
        let total = received.withLock { buffer in
            buffer += Array(bytes.prefix(max(0, ChallengeValidator.maxResponse - buffer.count)))
            return buffer.count
        }
        if total >= ChallengeValidator.maxResponse { finish(context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func finish(_ context: ChannelHandlerContext) {
        promise.succeed(received.withLock { $0 })
        context.close(promise: nil)
    }
}

/// Waits for the TLS handshake and hands over the responder's certificate, when it agreed to
/// `acme-tls/1`.
final class ALPNCertificateCatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<[UInt8]>

    init(promise: EventLoopPromise<[UInt8]>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard negotiated == KeyAuthorization.tlsALPNProtocol else {
            promise.fail(ACMEProblem(.tls, "The tls-alpn-01 responder did not negotiate acme-tls/1"))
            return
        }
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self),
            let certificate = tls.peerCertificate, let der = try? certificate.toDERBytes()
        else {
            promise.fail(ACMEProblem(.tls, "The tls-alpn-01 responder presented no certificate"))
            return
        }
        promise.succeed(der)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(ACMEProblem(.tls, "The tls-alpn-01 handshake failed: \(error)"))
        context.close(promise: nil)
    }
}
