import CharterCore
import Testing

@Suite struct BoundedCacheTests {
    struct Refused: Error {}

    @Test func aResultIsComputedOnceAndKept() {
        let cache = BoundedCache<String, Int>(capacity: 4)
        var calls = 0
        for _ in 0..<3 {
            #expect(
                cache.value(for: "abc") {
                    calls += 1; return $0.count
                } == 3
            )
        }
        #expect(calls == 1)
    }

    @Test func failuresAreNotKept() {
        let cache = BoundedCache<String, Int>(capacity: 4)
        #expect(throws: Refused.self) { try cache.value(for: "x") { _ in throw Refused() } }
        #expect(cache.value(for: "x") { _ in 7 } == 7)
    }

    @Test func itNeverHoldsMoreThanItsCapacity() {
        let cache = BoundedCache<Int, Int>(capacity: 3)
        var calls = 0
        for key in 0..<10 {
            _ = cache.value(for: key) {
                calls += 1; return $0
            }
        }
        #expect(calls == 10)
        // the cache started over at the fourth key, the seventh and the tenth: only 9 is still there
        _ = cache.value(for: 9) {
            calls += 1; return $0
        }
        #expect(calls == 10)
        _ = cache.value(for: 0) {
            calls += 1; return $0
        }
        #expect(calls == 11)
    }
}
