// The first of several outcomes wins: a database operation's result, its time limit, or its
// caller's cancellation. The continuation is resumed exactly once; the work that lost is told.

import Synchronization

/// One operation's first outcome.
final class Deadline<T: Sendable>: Sendable {
    struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var finished = false
        var cancelWork: (@Sendable () -> Void)?
    }

    let state = Mutex(State())

    /// Hands over the continuation; an outcome that came first resumes it now.
    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Runs `cancel` when an outcome other than the work's own wins.
    func onLateFinish(_ cancel: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            state.cancelWork = cancel
            return state.finished
        }
        if finished { cancel() }
    }

    /// Records an outcome; only the first resumes the caller.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, cancel) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.finished else { return (nil, nil) }
            state.finished = true
            guard let continuation = state.continuation else {
                state.early = result
                return (nil, state.cancelWork)
            }
            state.continuation = nil
            return (continuation, state.cancelWork)
        }
        continuation?.resume(with: result)
        cancel?()
    }
}
