// When a long-running service of the server must stop: at a graceful shutdown (SIGTERM, SIGINT)
// and also when the service group is cancelled because a sibling failed (a listener that could
// not bind). Loops that only watched for the graceful case spun forever after a cancellation,
// each turn logging its cancelled work.

import CharterCore
import ServiceLifecycle

extension Task where Success == Never, Failure == Never {
    /// True once the service group is shutting down gracefully or the task is cancelled.
    static var isStopping: Bool { isShuttingDownGracefully || isCancelled }
}

/// A listener of the server, named in the error that ends it: a port that cannot be bound stops
/// the start with one line saying which listener and why, not a cancellation of its siblings.
struct NamedListener: Service {
    let name: String
    let address: String
    let base: any Service

    func run() async throws {
        do {
            try await base.run()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw CharterError(.configuration, "The \(name) listener on \(address) failed: \(error)")
        }
    }
}
