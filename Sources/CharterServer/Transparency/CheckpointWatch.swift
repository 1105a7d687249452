// Signs a new checkpoint of a CA's log every `log.checkpointinterval` when the log grew, so
// followers see new entries within that interval even when nobody asks for a proof.

import Foundation
import Logging
import ServiceLifecycle

/// Keeps one CA's newest checkpoint at most one interval old.
struct CheckpointWatch: Service {
    let log: TransparencyLog
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isStopping {
            do {
                try await log.checkpoint()
            } catch  where !Task.isStopping {
                logger.warning("could not sign a log checkpoint: \(error)")
            } catch {
                return
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
