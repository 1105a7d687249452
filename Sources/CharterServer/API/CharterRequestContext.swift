// The per-request context: Hummingbird's core storage plus the enrollment ID a handler learned,
// so the one logging middleware can name who made each request.

import Hummingbird
import Synchronization

/// Request context of the API router.
public struct CharterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Shared with the middleware, which reads it after the handler ran.
    let audit = RequestAudit()

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}

/// What a handler tells the logging middleware about the request.
final class RequestAudit: Sendable {
    let enrollmentID = Mutex<String?>(nil)

    func record(_ id: String) {
        enrollmentID.withLock { $0 = id }
    }
}
