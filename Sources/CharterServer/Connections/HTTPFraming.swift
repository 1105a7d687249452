// What HTTP/1 decides about a connection that Hummingbird's version-less request types no longer
// see. An HTTP/1.0 request is answered as HTTP/1.0 and its connection closed unless it asked for
// keep-alive. Bytes the decoder cannot frame (a bad request line, a chunk size `zz`) get a 400
// envelope and the connection is closed: nothing after a framing error can be trusted to start a
// request.

import CharterCore
import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 codec and the conversion to HTTP types, one per connection.
final class HTTPFraming: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request read and not yet answered in full.
    struct Pending {
        var version: HTTPVersion
        var keepAlive: Bool
    }

    /// Unanswered requests, oldest first (HTTP/1.1 may pipeline).
    var pending: [Pending] = []
    /// The newest request's head was read and its end not yet.
    var requestOpen = false
    /// The oldest pending request's response head has been written.
    var responseStarted = false
    /// A framing error was seen: the connection closes once the pending responses are written.
    var framingFailed = false
    /// The close has been started; nothing more is written.
    var closing = false

    /// The error every framing failure is answered with.
    static func refusal(_ error: HTTPParserError) -> CharterError {
        CharterError(.invalidRequest, "The request is not well-formed HTTP/1.1 (\(error)); the connection is closed")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a framing error the decoder's view of the stream is wrong: nothing more is read.
        guard !framingFailed else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending.append(Pending(version: head.version, keepAlive: head.isKeepAlive))
            requestOpen = true
        case .body:
            break
        case .end:
            requestOpen = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let framing = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !framingFailed else { return }
        framingFailed = true
        if pending.isEmpty {
            // No request is being answered: the refusal is the answer.
            refuse(context: context, framing)
        } else if requestOpen && pending.count == 1 && !responseStarted {
            // The handler may be reading this body: its read fails with the error, which the
            // envelope middleware answers with the same refusal.
            context.fireErrorCaught(error)
        }
        // Otherwise the response under way is finished first, then the connection closes.
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            responseStarted = true
            if let request = pending.first {
                if request.version == .http1_0 {
                    head.version = .http1_0
                    if request.keepAlive { head.headers.replaceOrAdd(name: "connection", value: "keep-alive") }
                }
                if closesAfter(request, remaining: pending.count - 1) {
                    head.headers.replaceOrAdd(name: "connection", value: "close")
                }
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responseStarted = false
            let request = pending.isEmpty ? nil : pending.removeFirst()
            guard let request, closesAfter(request, remaining: pending.count) else {
                context.write(data, promise: promise)
                return
            }
            closing = true
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Whether the connection closes once `request` is answered, `remaining` requests after it.
    func closesAfter(_ request: Pending, remaining: Int) -> Bool {
        !request.keepAlive || (framingFailed && remaining == 0)
    }

    /// Writes the 400 envelope for a framing error and closes the connection.
    func refuse(context: ChannelHandlerContext, _ error: HTTPParserError) {
        let body = Envelope.failureBody(Self.refusal(error))
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        closing = true
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
