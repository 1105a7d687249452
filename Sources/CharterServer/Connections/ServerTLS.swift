// The API's TLS context, swappable while the server runs: a renewed server certificate is used
// by every connection accepted after the swap, while connections already open keep theirs.

import NIOSSL
import Synchronization

/// The TLS context new connections are served with.
final class ServerTLS: Sendable {
    private let context: Mutex<NIOSSLContext>

    init(_ context: NIOSSLContext) {
        self.context = Mutex(context)
    }

    /// The context for a connection being accepted now.
    var current: NIOSSLContext { context.withLock { $0 } }

    /// Serves `next` from the next accepted connection on.
    func replace(with next: NIOSSLContext) {
        context.withLock { $0 = next }
    }
}
