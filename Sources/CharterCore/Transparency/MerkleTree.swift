// RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification. Proofs are built from
// the hashes of perfect subtrees (2^level leaves starting at a multiple of 2^level), which a log
// stores as it grows: any proof needs O(log n) of them, so proofs stay cheap at millions of
// entries and the tree is never rebuilt.

import Crypto
import Foundation

/// The Merkle tree of a transparency log.
public enum MerkleTree {
    /// A SHA-256 hash.
    public typealias Hash = [UInt8]

    /// The largest tree a log may hold: 2^56 leaves. Sizes and indices below it leave room in 64
    /// bits for every sum and product the proofs and tiles compute; a size a client names above
    /// it is refused, never computed with.
    public static let maximumSize = 1 << 56

    /// SHA-256 of the empty string: the root of the empty tree.
    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// SHA-256(0x00 ‖ entry).
    public static func leafHash(_ entry: some Sequence<UInt8>) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0])
        hasher.update(data: Array(entry))
        return Array(hasher.finalize())
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [1])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The root of the tree over these leaf hashes (the reference definition, linear time).
    public static func root(of leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let split = largestPowerOfTwo(below: leaves.count)
            let middle = leaves.startIndex + split
            return nodeHash(root(of: leaves[..<middle]), root(of: leaves[middle...]))
        }
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// Reads the hash of the perfect subtree of 2^level leaves starting at leaf index << level.
    public typealias NodeReader = @Sendable (_ level: Int, _ index: Int) async throws -> Hash

    /// The root of the leaves `[start, start + count)`, from perfect subtrees.
    static func subtreeRoot(start: Int, count: Int, node: NodeReader) async throws -> Hash {
        if count == 0 { return emptyRoot }
        if count & (count - 1) == 0 && start % count == 0 {
            return try await node(count.trailingZeroBitCount, start / count)
        }
        let split = largestPowerOfTwo(below: count)
        let left = try await subtreeRoot(start: start, count: split, node: node)
        let right = try await subtreeRoot(start: start + split, count: count - split, node: node)
        return nodeHash(left, right)
    }

    /// The root of the first `size` leaves.
    public static func root(size: Int, node: NodeReader) async throws -> Hash {
        guard (0...maximumSize).contains(size) else {
            throw CharterError(.invalidRequest, "A tree of \(size) leaves is beyond the log's bounds")
        }
        return try await subtreeRoot(start: 0, count: size, node: node)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 6962 PATH).
    public static func inclusionProof(index: Int, size: Int, node: NodeReader) async throws -> [Hash] {
        guard index >= 0, index < size, size <= maximumSize else {
            throw CharterError(.invalidRequest, "Leaf \(index) is not in a tree of \(size) leaves")
        }
        return try await path(index, start: 0, count: size, node: node)
    }

    static func path(_ index: Int, start: Int, count: Int, node: NodeReader) async throws -> [Hash] {
        guard count > 1 else { return [] }
        let split = largestPowerOfTwo(below: count)
        if index < split {
            return try await path(index, start: start, count: split, node: node)
                + [subtreeRoot(start: start + split, count: count - split, node: node)]
        }
        return try await path(index - split, start: start + split, count: count - split, node: node)
            + [subtreeRoot(start: start, count: split, node: node)]
    }

    /// The proof that the tree of `old` leaves is a prefix of the tree of `new` (RFC 6962 PROOF).
    public static func consistencyProof(old: Int, new: Int, node: NodeReader) async throws -> [Hash] {
        guard 0 < old, old <= new, new <= maximumSize else {
            throw CharterError(.invalidRequest, "No consistency proof from \(old) to \(new) leaves")
        }
        return try await subproof(old, start: 0, count: new, complete: true, node: node)
    }

    static func subproof(_ m: Int, start: Int, count: Int, complete: Bool, node: NodeReader) async throws -> [Hash] {
        if m == count {
            return complete ? [] : [try await subtreeRoot(start: start, count: count, node: node)]
        }
        let split = largestPowerOfTwo(below: count)
        if m <= split {
            return try await subproof(m, start: start, count: split, complete: complete, node: node)
                + [subtreeRoot(start: start + split, count: count - split, node: node)]
        }
        return try await subproof(m - split, start: start + split, count: count - split, complete: false, node: node)
            + [subtreeRoot(start: start, count: split, node: node)]
    }

    /// True when `proof` shows `leaf` at `index` in the tree of `size` leaves whose root is `root`
    /// (RFC 9162, 2.1.3.2).
    public static func verifyInclusion(leaf: Hash, index: Int, size: Int, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < size else { return false }
        var (fn, sn) = (index, size - 1)
        var result = leaf
        for sibling in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                result = nodeHash(sibling, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = nodeHash(result, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && result == root
    }

    /// True when `proof` shows the tree of `old` leaves (root `oldRoot`) is a prefix of the tree of
    /// `new` leaves (root `newRoot`) (RFC 9162, 2.1.4.2).
    public static func verifyConsistency(old: Int, new: Int, oldRoot: Hash, newRoot: Hash, proof: [Hash]) -> Bool {
        guard 0 < old, old <= new else { return false }
        if old == new { return proof.isEmpty && oldRoot == newRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if old & (old - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var (fn, sn) = (old - 1, new - 1)
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var (fr, sr) = (first, first)
        for sibling in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(sibling, fr)
                sr = nodeHash(sibling, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }

    /// The stored perfect subtrees a new leaf at `index` is paired with, bottom up: the left
    /// sibling at each level where the leaf completes a subtree.
    public static func leftSiblings(ofLeafAt index: Int) -> [(level: Int, index: Int)] {
        var siblings: [(level: Int, index: Int)] = []
        var (level, position) = (0, index)
        while position & 1 == 1 {
            siblings.append((level, position - 1))
            level += 1
            position >>= 1
        }
        return siblings
    }

    /// The perfect subtrees a new leaf at `index` completes, bottom up: `(level, index, hash)` for
    /// every level above 0, given the hashes of its ``leftSiblings(ofLeafAt:)``. A log stores these
    /// as it appends, about one per leaf on average.
    public static func completedNodes(appending leaf: Hash, at index: Int, siblings: [Hash])
        -> [(level: Int, index: Int, hash: Hash)]
    {
        var completed: [(level: Int, index: Int, hash: Hash)] = []
        var (position, hash) = (index, leaf)
        for (level, sibling) in siblings.enumerated() {
            hash = nodeHash(sibling, hash)
            position >>= 1
            completed.append((level + 1, position, hash))
        }
        return completed
    }
}
