// Tells load-balancer TCP probes apart from real clients: a connection that ends before its TLS
// handshake completes is counted and logged at debug level only, so a probe every second does not
// write a log line every second. A handshake that does not finish in time closes the connection.

import Logging
import NIOCore
import NIOTLS

/// Sits behind the TLS handler; counts handshakes and the connections that never made one.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let metrics: ServerMetrics
    let logger: Logger
    let peer: SocketAddress?
    let timeout: TimeAmount
    var handshakeCompleted = false
    var deadline: Scheduled<Void>?

    init(metrics: ServerMetrics, logger: Logger, peer: SocketAddress?, timeout: TimeAmount) {
        self.metrics = metrics
        self.logger = logger
        self.peer = peer
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            handshakeCompleted = true
            deadline?.cancel()
            metrics.countHandshake()
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
        deadline?.cancel()
        if !handshakeCompleted {
            metrics.countProbe()
            logger.debug(
                "connection closed before TLS handshake (health probe?)",
                metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")"]
            )
        }
        context.fireChannelInactive()
    }
}
