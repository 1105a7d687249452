import CharterCore
import Foundation
import Testing

@testable import CharterClient

@Suite struct LogMonitorTests {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("charter-monitor-\(UUID().uuidString)")
        .path

    /// A monitor of a server never contacted: only its state folder is read.
    func withMonitor(_ body: (LogMonitor) throws -> Void) async throws {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let client = try CAClient(url: URL(string: "https://localhost:7054")!, trustedCertificates: [])
        defer { try? FileManager.default.removeItem(atPath: state) }
        let result = Result { try body(LogMonitor(client: client, state: state)) }
        await client.shutdown()
        try result.get()
    }

    @Test func theTreeSeenIsKeptAsItsRightEdge() async throws {
        try await withMonitor { monitor in
            #expect(try monitor.storedTree() == CompactRange())
            var tree = CompactRange()
            for index in 0..<13 { tree.append(MerkleTree.leafHash([UInt8(index)])) }
            let text = LogMonitor.encode(tree)
            #expect(text.split(separator: "\n").count == 1 + 3)  // 13 = 8 + 4 + 1
            try text.write(toFile: monitor.files.tree, atomically: true, encoding: .utf8)
            #expect(try monitor.storedTree() == tree)
            try "13\n00\n".write(toFile: monitor.files.tree, atomically: true, encoding: .utf8)
            #expect(throws: CharterError.self) { try monitor.storedTree() }
        }
    }

    @Test func aStateOfEveryLeafHashIsReadIntoTheTree() async throws {
        try await withMonitor { monitor in
            let leaves = (0..<6).map { MerkleTree.leafHash([UInt8($0)]) }
            try Data(leaves.flatMap { $0 }).write(to: URL(fileURLWithPath: monitor.files.leaves))
            let tree = try monitor.storedTree()
            #expect(tree.size == 6)
            #expect(tree.root == MerkleTree.root(of: leaves[...]))
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: monitor.files.leaves))
            #expect(throws: CharterError.self) { try monitor.storedTree() }
        }
    }
}
