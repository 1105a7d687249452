// A memo of a pure function's results (the parsed form of bytes that arrive again and again:
// a caller's certificate in every token, an identity's stored attributes), bounded so hostile
// input cannot grow it: when full, it starts over.

import Synchronization

/// Results of a pure function by input, at most `capacity` of them.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: Value]>([:])
    /// Entries kept before the cache is emptied.
    public let capacity: Int

    /// An empty cache holding up to `capacity` results.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The cached result for `key`, or `make(key)`, kept when it succeeds. `make` runs outside
    /// the lock: two callers may compute the same result once each.
    public func value(for key: Key, _ make: (Key) throws -> Value) rethrows -> Value {
        if let value = entries.withLock({ $0[key] }) { return value }
        let value = try make(key)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
        return value
    }
}
