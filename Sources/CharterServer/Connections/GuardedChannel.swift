// The API listener's connections: TLS (when on) with a handshake deadline and quiet probe
// counting, then request and keep-alive deadlines, then Hummingbird's HTTP/1.1 channel with
// HTTPFraming right after NIO's decoder. No client can hold a connection without making progress.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A server child channel that guards `Base` with TLS and the connection deadlines.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    /// nil serves plain HTTP.
    let tls: ServerTLS?
    let limits: ConnectionLimits
    let metrics: ServerMetrics

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if let tls {
                try pipeline.addHandler(NIOSSLServerHandler(context: tls.current))
                try pipeline.addHandler(
                    HandshakeWatcher(
                        metrics: metrics,
                        logger: logger,
                        peer: channel.remoteAddress,
                        timeout: limits.handshakeTimeout
                    )
                )
            }
            try pipeline.addHandler(RequestDeadlines(limits: limits, logger: logger))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(HTTPFraming(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
