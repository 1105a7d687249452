// Group commit: every enrollment waiting when the writer becomes free is recorded in one
// transaction, so N concurrent enrollments cost one fsync instead of N, and each caller is
// answered only once its own row is durable.

import CharterCore
import GRDB

/// Batches enrollment records into shared write transactions.
///
/// Guarantees, unchanged from one transaction per enrollment:
/// - a caller returns only after the transaction holding its row has committed (and, with
///   `synchronous=FULL`, reached the disk), so a certificate that was returned is on record;
/// - each record runs its own checks (revoked, max enrollments) inside a savepoint, on the rows as
///   the earlier records of the batch left them: limits stay exact, and one refused record
///   rolls back alone without failing its neighbours;
/// - when the commit itself fails, every caller of the batch gets the error and none is answered.
actor GroupCommit {
    typealias Work = @Sendable (Database) throws -> Void

    struct Pending: Sendable {
        let work: Work
        let continuation: CheckedContinuation<Void, any Error>
    }

    let pool: DatabasePool
    var pending: [Pending] = []
    var draining = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in the next shared transaction; returns once that transaction committed.
    func submit(_ work: @escaping Work) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append(Pending(work: work, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// Commits batches until nothing is waiting; new work queues up while a batch commits.
    func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            await commit(batch)
        }
        draining = false
    }

    nonisolated func commit(_ batch: [Pending]) async {
        do {
            let outcomes = try await pool.write { db in
                batch.map { pending in
                    Result<Void, any Error> {
                        try db.inSavepoint {
                            try pending.work(db)
                            return .commit
                        }
                    }
                }
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.continuation.resume(with: outcome.mapError { SQLiteRegistry.storageError($0, "write") })
            }
        } catch {
            let failure = SQLiteRegistry.storageError(error, "write")
            for pending in batch { pending.continuation.resume(throwing: failure) }
        }
    }
}
