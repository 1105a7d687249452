// A Merkle tree kept as its right edge only: the roots of the perfect subtrees that make up the
// leaves seen so far (one per set bit of the size). Appending and the root cost O(log n) time and
// memory, so a monitor or an audit follows a log of millions of entries without holding them.

/// The leaves `[0, size)` of a log as the hashes of their perfect subtrees, largest first.
public struct CompactRange: Sendable, Equatable {
    /// How many leaves were appended.
    public private(set) var size = 0
    /// The roots of the perfect subtrees covering the leaves, left to right (largest first).
    public private(set) var hashes: [MerkleTree.Hash] = []

    /// An empty tree.
    public init() {}

    /// A range read back from its parts; `nil` unless there is one hash per set bit of `size`.
    public init?(size: Int, hashes: [MerkleTree.Hash]) {
        guard size >= 0, size.nonzeroBitCount == hashes.count, hashes.allSatisfy({ $0.count == 32 }) else {
            return nil
        }
        self.size = size
        self.hashes = hashes
    }

    /// Adds the next leaf: it merges with the subtrees it completes, as a binary counter carries.
    /// Its left siblings are this range's smallest subtrees, the last one first.
    public mutating func append(_ leaf: MerkleTree.Hash) {
        let merged = MerkleTree.leftSiblings(ofLeafAt: size).count
        let completed = MerkleTree.completedNodes(appending: leaf, at: size, siblings: hashes.suffix(merged).reversed())
        hashes.removeLast(merged)
        hashes.append(completed.last?.hash ?? leaf)
        size += 1
    }

    /// The root of the leaves appended so far (RFC 9162's MTH): the subtrees folded right to left.
    public var root: MerkleTree.Hash {
        guard var root = hashes.last else { return MerkleTree.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            root = MerkleTree.nodeHash(hash, root)
        }
        return root
    }
}
