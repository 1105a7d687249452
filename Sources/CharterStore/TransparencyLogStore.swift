// What a registry keeps of its transparency log, read side: leaves, perfect-subtree hashes and
// signed checkpoints. Appends happen inside the registry's own write transactions; entries are
// derived from the certificate rows the leaves point at.

import CharterCore

/// A registry's transparency log.
public protocol TransparencyLogStore: Sendable {
    /// Leaves in the log.
    func logSize() async throws -> Int
    /// The hashes of the perfect subtrees of 2^level leaves at indices `start ..< start + count`
    /// (level 0: leaf hashes); fewer when the log ends first.
    func logNodes(level: Int, start: Int, count: Int) async throws -> [MerkleTree.Hash]
    /// The leaves at `start ..< start + count` with their rows; fewer when the log ends first.
    func logLeaves(start: Int, count: Int) async throws -> [LogLeaf]
    /// Log indices of the entries about this certificate (its issuance first).
    func logIndices(serial: String, authorityKeyIdentifier: String) async throws -> [Int]
    /// Keeps a signed checkpoint (idempotent per size).
    func saveCheckpoint(size: Int, note: String) async throws
    /// Every stored checkpoint, smallest first.
    func checkpoints() async throws -> [(size: Int, note: String)]
    /// The largest stored checkpoint, read without the others (every proof asks for it).
    func latestCheckpoint() async throws -> (size: Int, note: String)?
}

extension TransparencyLogStore {
    /// One perfect subtree's hash; throws when the log does not have it.
    public func logNode(level: Int, index: Int) async throws -> MerkleTree.Hash {
        guard let hash = try await logNodes(level: level, start: index, count: 1).first else {
            throw CharterError(.storage, "The transparency log has no node at level \(level), index \(index)")
        }
        return hash
    }

    /// The entries at `start ..< start + count`, encoded; fewer when the log ends first. Throws
    /// when a leaf's row is gone: the log cannot be served whole without it.
    public func logEntries(start: Int, count: Int) async throws -> [[UInt8]] {
        try await logLeaves(start: start, count: count).map { leaf in
            guard let entry = leaf.entry else {
                throw CharterError(
                    .storage,
                    "Log entry \(leaf.index) is about certificate \(leaf.serial), whose row is gone or no longer revoked"
                )
            }
            return entry.encoded
        }
    }

    /// A reader of this log's nodes for ``MerkleTree``'s proofs.
    public var nodeReader: MerkleTree.NodeReader {
        { level, index in try await self.logNode(level: level, index: index) }
    }
}
