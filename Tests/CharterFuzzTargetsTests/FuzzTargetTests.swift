import Foundation
import Testing

@testable import CharterFuzzTargets

/// Replays the seed corpus and every input that once crashed a target: a regression traps here.
@Suite struct FuzzTargetTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    @Test(arguments: FuzzTarget.allCases)
    func corpusReplaysWithoutTrapping(target: FuzzTarget) async throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!names.isEmpty, "every target has seeds")
        for name in names {
            await target.run(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func edgeInputsDoNotTrap(target: FuzzTarget) async {
        for input in [[], [0], Array(repeating: 0xff, count: 4096), Array("-99999999999999d".utf8)] as [[UInt8]] {
            await target.run(input)
        }
    }

    /// The route seeds reach the handlers, authenticated ones included: the harness's admin is
    /// enrolled and its tokens verify, and the overflowing tile paths are refused.
    @Test(arguments: [
        ("cainfo-get", 200), ("identity-get", 200), ("identities-list", 200), ("affiliations-list", 200),
        ("log-tile-overflow", 400), ("log-tile-entries-overflow", 400), ("log-consistency-huge", 400),
        ("enroll-no-auth", 401), ("unknown", 404),
    ])
    func routeSeedsReachTheirHandlers(seed: String, status: Int) async throws {
        let harness = try await FuzzTarget.routeHarness.value
        let input = Array(try Data(contentsOf: Self.corpus.appendingPathComponent("route/\(seed)")))
        #expect(await harness.run(input) == status)
    }
}
