// TLS for the API listener that tells load-balancer TCP probes apart from real clients: a
// connection that ends before its handshake completes is counted and logged at debug level only,
// so a probe every second does not write a log line every second.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// A server child channel that puts TLS in front of `Base` and watches handshakes.
struct ProbeAwareTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let context: NIOSSLContext
    let metrics: ServerMetrics

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            try channel.pipeline.syncOperations.addHandler(
                HandshakeWatcher(metrics: metrics, logger: logger, peer: channel.remoteAddress)
            )
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Sits behind the TLS handler; counts handshakes and the connections that never made one.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let metrics: ServerMetrics
    let logger: Logger
    let peer: SocketAddress?
    var handshakeCompleted = false

    init(metrics: ServerMetrics, logger: Logger, peer: SocketAddress?) {
        self.metrics = metrics
        self.logger = logger
        self.peer = peer
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            handshakeCompleted = true
            metrics.tlsHandshakes.add(1, ordering: .relaxed)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !handshakeCompleted {
            // A probe's reset or unclean close; the channel closes either way, and nothing above
            // needs to hear about a connection that never spoke TLS.
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !handshakeCompleted {
            metrics.tlsProbes.add(1, ordering: .relaxed)
            logger.debug(
                "connection closed before TLS handshake (health probe?)",
                metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")"]
            )
        }
        context.fireChannelInactive()
    }
}
