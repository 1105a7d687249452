// Deadlines on what a client sends: a request's head and body must arrive within the request
// timeout of its first byte, and a keep-alive connection may sit idle only so long. A client that
// sends half a request and waits (slowloris) is closed, however slowly it trickles bytes.

import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Watches the decrypted bytes of one connection: the first byte of a request starts its
/// deadline. ``RequestBoundary``, further up the pipeline where requests are parsed, tells it when
/// a request has been read whole and when its response has been written.
final class RequestDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum State {
        /// Between requests: the idle deadline runs.
        case idle
        /// A request has started arriving: the request deadline runs.
        case receiving
        /// The request is read; the server is answering it. No deadline: the client waits for us.
        case answering
    }

    let limits: ConnectionLimits
    let logger: Logger
    var state = State.idle
    /// The answer went out before the request's end arrived (a refusal that did not need the body).
    var answeredEarly = false
    var deadline: Scheduled<Void>?
    var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        schedule(limits.idleTimeout, "idle")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .idle = state {
            state = .receiving
            schedule(limits.requestTimeout, "request")
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    /// The request's end was parsed.
    func requestReceived() {
        if answeredEarly {
            answeredEarly = false
            state = .idle
            schedule(limits.idleTimeout, "idle")
        } else {
            deadline?.cancel()
            state = .answering
        }
    }

    /// The response's end was written.
    func responseSent() {
        switch state {
        case .answering:
            state = .idle
            schedule(limits.idleTimeout, "idle")
        case .receiving:
            answeredEarly = true
        case .idle:
            break
        }
    }

    func schedule(_ timeout: TimeAmount, _ what: String) {
        deadline?.cancel()
        guard let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.expire(what)
        }
    }

    func expire(_ what: String) {
        guard let context else { return }
        logger.debug(
            "closing connection: \(what) deadline passed",
            metadata: ["peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"]
        )
        context.close(promise: nil)
    }
}

/// Marks request and response boundaries for ``RequestDeadlines``; sits after HTTP parsing.
final class RequestBoundary: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    var deadlines: RequestDeadlines?

    func handlerAdded(context: ChannelHandlerContext) {
        deadlines = try? context.pipeline.syncOperations.handler(type: RequestDeadlines.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { deadlines?.requestReceived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadlines?.responseSent() }
        context.write(data, promise: promise)
    }
}
