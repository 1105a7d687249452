// How long an API client may take and how many may be connected at once, from `connections:`.

import CharterCore
import NIOCore

/// The API listener's timeouts and connection cap.
struct ConnectionLimits: Sendable {
    /// From accept to a finished TLS handshake.
    var handshakeTimeout: TimeAmount
    /// From a request's first byte to its last.
    var requestTimeout: TimeAmount
    /// Between the end of a response and the next request's first byte.
    var idleTimeout: TimeAmount
    /// Connections served at once.
    var maxConnections: Int
    /// After SIGTERM: how long requests in flight may take to finish before they are cancelled.
    var shutdownTimeout: Duration

    /// Reads the configuration; every value must be positive.
    init(_ configuration: ServerConfiguration.Connections) throws {
        func timeout(_ text: String, _ key: String) throws -> TimeAmount {
            let duration = try DurationText.parse(text)
            let (seconds, attoseconds) = duration.components
            guard duration > .zero, seconds < 86_400 else {
                throw CharterError(.configuration, "connections.\(key) must lie between 0 and 24h, not '\(text)'")
            }
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        handshakeTimeout = try timeout(configuration.handshaketimeout, "handshaketimeout")
        requestTimeout = try timeout(configuration.requesttimeout, "requesttimeout")
        idleTimeout = try timeout(configuration.idletimeout, "idletimeout")
        let shutdown = try timeout(configuration.shutdowntimeout, "shutdowntimeout")
        shutdownTimeout = .nanoseconds(shutdown.nanoseconds)
        guard configuration.maxconnections > 0 else {
            throw CharterError(.configuration, "connections.maxconnections must be positive")
        }
        maxConnections = configuration.maxconnections
    }
}
