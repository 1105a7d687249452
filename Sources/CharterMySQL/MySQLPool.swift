// A bounded pool of blocking MySQL connections and the threads that use them. An operation
// borrows one connection (waiting while all are lent), runs on a pool thread, and gives it back;
// a connection that failed in a way that leaves it unusable is closed instead, so the next
// operation connects anew (a restarted or failed-over server is found again without a restart).

import CharterCore
import NIOPosix

actor MySQLPool {
    private let source: MySQLDataSource
    private let tls: MySQLRegistry.TLSFiles
    private let maximum: Int
    private let threads: NIOThreadPool
    private var idle: [MySQLConnection] = []
    private var lent = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    init(source: MySQLDataSource, tls: MySQLRegistry.TLSFiles, maximumConnections: Int) {
        self.source = source
        self.tls = tls
        self.maximum = max(1, maximumConnections)
        self.threads = NIOThreadPool(numberOfThreads: self.maximum)
        threads.start()
    }

    /// Runs `body` on a borrowed connection on one of the pool's threads.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        let connection = try await borrow()
        let source = source
        let tls = tls
        do {
            let (value, used) = try await threads.runIfActive { () throws -> (T, MySQLConnection) in
                var ready = connection
                if let reused = ready, ContinuousClock.now - reused.lastUsed > .seconds(5), !reused.isAlive() {
                    ready = nil
                }
                let open = try ready ?? MySQLConnection(source, tls: tls, database: source.database)
                defer { open.lastUsed = .now }
                return (try body(open), open)
            }
            giveBack(used)
            return value
        } catch let failure as MySQLFailure where failure.losesConnection {
            giveBack(nil)
            throw failure
        } catch {
            // The connection is fine (a typed error, a constraint): keep it for the next one.
            giveBack(connection)
            throw error
        }
    }

    /// An idle connection, or nil when a new one may be opened; waits while all are lent.
    private func borrow() async throws -> MySQLConnection? {
        while lent >= maximum {
            guard !closed else { break }
            await withCheckedContinuation { waiting.append($0) }
        }
        guard !closed else { throw CharterError(.unavailable, "The MySQL registry is shutting down") }
        lent += 1
        return idle.popLast()
    }

    private func giveBack(_ connection: MySQLConnection?) {
        lent -= 1
        if let connection, !closed { idle.append(connection) }
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    /// Closes the idle connections and stops the threads once the lent ones are back.
    func close() async {
        closed = true
        idle.removeAll()
        for waiter in waiting { waiter.resume() }
        waiting.removeAll()
        try? await threads.shutdownGracefully()
    }
}
