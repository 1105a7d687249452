import CharterFuzzTargets
import Foundation
import Testing

/// Replays the seed corpus and every input that once crashed a target: a regression traps here.
@Suite struct FuzzTargetTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    @Test(arguments: FuzzTarget.allCases)
    func corpusReplaysWithoutTrapping(target: FuzzTarget) throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!names.isEmpty, "every target has seeds")
        for name in names {
            target.run(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func edgeInputsDoNotTrap(target: FuzzTarget) {
        for input in [[], [0], Array(repeating: 0xff, count: 4096), Array("-99999999999999d".utf8)] as [[UInt8]] {
            target.run(input)
        }
    }
}
