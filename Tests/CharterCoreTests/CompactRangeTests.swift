import CharterCore
import Testing

@Suite struct CompactRangeTests {
    static func leaf(_ index: Int) -> MerkleTree.Hash {
        MerkleTree.leafHash(Array("entry \(index)".utf8))
    }

    @Test func rootMatchesTheReferenceDefinitionAtEverySize() {
        var tree = CompactRange()
        var leaves: [MerkleTree.Hash] = []
        #expect(tree.root == MerkleTree.emptyRoot)
        for index in 0..<70 {
            let leaf = Self.leaf(index)
            tree.append(leaf)
            leaves.append(leaf)
            #expect(tree.size == leaves.count)
            #expect(tree.hashes.count == leaves.count.nonzeroBitCount)
            #expect(tree.root == MerkleTree.root(of: leaves[...]), "size \(leaves.count)")
        }
    }

    @Test func partsRoundTripAndMismatchedPartsAreRefused() throws {
        var tree = CompactRange()
        for index in 0..<11 { tree.append(Self.leaf(index)) }
        let restored = try #require(CompactRange(size: tree.size, hashes: tree.hashes))
        #expect(restored == tree)
        #expect(CompactRange(size: 12, hashes: tree.hashes) == nil)
        #expect(CompactRange(size: -1, hashes: []) == nil)
        #expect(CompactRange(size: 1, hashes: [[1, 2, 3]]) == nil)
        var grown = restored
        grown.append(Self.leaf(11))
        tree.append(Self.leaf(11))
        #expect(grown.root == tree.root)
    }
}
