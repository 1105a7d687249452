import CharterCore
import Foundation
import Testing

@Suite struct MerkleTreeTests {
    /// The inputs of the RFC 6962 reference tests (certificate-transparency's merkle tree tests).
    static let inputs: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map { Hex.decode($0) ?? [] }
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    /// An in-memory log that stores perfect subtrees as it grows, as the registries do.
    final class MemoryLog: @unchecked Sendable {
        var nodes: [Int: [Int: MerkleTree.Hash]] = [:]
        var size = 0

        func append(_ leaf: MerkleTree.Hash) {
            nodes[0, default: [:]][size] = leaf
            let siblings = MerkleTree.leftSiblings(ofLeafAt: size).map { self.nodes[$0.level]![$0.index]! }
            for completed in MerkleTree.completedNodes(appending: leaf, at: size, siblings: siblings) {
                nodes[completed.level, default: [:]][completed.index] = completed.hash
            }
            size += 1
        }

        var reader: MerkleTree.NodeReader {
            { level, index in
                guard let hash = self.nodes[level]?[index] else { throw CharterError(.storage, "no node") }
                return hash
            }
        }
    }

    func log(_ leaves: [MerkleTree.Hash]) -> MemoryLog {
        let log = MemoryLog()
        leaves.forEach(log.append)
        return log
    }

    var leaves: [MerkleTree.Hash] { Self.inputs.map(MerkleTree.leafHash) }

    @Test func rootsMatchRFC6962() async throws {
        for size in 0...8 {
            #expect(Hex.encode(MerkleTree.root(of: leaves[..<size])) == Self.roots[size])
            #expect(Hex.encode(try await MerkleTree.root(size: size, node: log(leaves).reader)) == Self.roots[size])
        }
    }

    @Test func inclusionProofsMatchRFC6962() async throws {
        let vectors: [(Int, Int, [String])] = [
            (
                0, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                5, 8,
                [
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
        ]
        let memory = log(leaves)
        for (index, size, expected) in vectors {
            let proof = try await MerkleTree.inclusionProof(index: index, size: size, node: memory.reader)
            #expect(proof.map(Hex.encode) == expected)
            let root = Hex.decode(Self.roots[size]) ?? []
            #expect(MerkleTree.verifyInclusion(leaf: leaves[index], index: index, size: size, proof: proof, root: root))
        }
    }

    @Test func consistencyProofsMatchRFC6962() async throws {
        let vectors: [(Int, Int, [String])] = [
            (1, 1, []),
            (
                1, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                6, 8,
                [
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
            (
                2, 5,
                [
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]
            ),
        ]
        let memory = log(leaves)
        for (old, new, expected) in vectors {
            let proof = try await MerkleTree.consistencyProof(old: old, new: new, node: memory.reader)
            #expect(proof.map(Hex.encode) == expected)
            #expect(
                MerkleTree.verifyConsistency(
                    old: old,
                    new: new,
                    oldRoot: Hex.decode(Self.roots[old]) ?? [],
                    newRoot: Hex.decode(Self.roots[new]) ?? [],
                    proof: proof
                )
            )
        }
    }

    @Test func everyProofVerifiesAndNoTamperedOneDoesForEverySizeUpTo200() async throws {
        let all = (0..<200).map { MerkleTree.leafHash(withUnsafeBytes(of: UInt32($0).bigEndian, Array.init)) }
        let memory = log(all)
        var roots: [MerkleTree.Hash] = [MerkleTree.emptyRoot]
        for size in 1...all.count { roots.append(MerkleTree.root(of: all[..<size])) }
        for size in [1, 2, 3, 7, 8, 9, 31, 64, 65, 127, 200] {
            #expect(try await MerkleTree.root(size: size, node: memory.reader) == roots[size])
            for index in 0..<size {
                let proof = try await MerkleTree.inclusionProof(index: index, size: size, node: memory.reader)
                #expect(
                    MerkleTree.verifyInclusion(
                        leaf: all[index],
                        index: index,
                        size: size,
                        proof: proof,
                        root: roots[size]
                    )
                )
                #expect(
                    !MerkleTree.verifyInclusion(
                        leaf: all[(index + 1) % 200],
                        index: index,
                        size: size,
                        proof: proof,
                        root: roots[size]
                    )
                )
            }
        }
        for new in stride(from: 1, through: 200, by: 13) {
            for old in 1...new {
                let proof = try await MerkleTree.consistencyProof(old: old, new: new, node: memory.reader)
                #expect(
                    MerkleTree.verifyConsistency(
                        old: old,
                        new: new,
                        oldRoot: roots[old],
                        newRoot: roots[new],
                        proof: proof
                    )
                )
                if old < new {
                    #expect(
                        !MerkleTree.verifyConsistency(
                            old: old,
                            new: new,
                            oldRoot: MerkleTree.leafHash([1]),
                            newRoot: roots[new],
                            proof: proof
                        )
                    )
                }
            }
        }
    }

    @Test func entriesRoundTripCanonically() {
        let issuance = LogEntry.issuance(
            .init(
                caName: "org1",
                certificateDER: [1, 2, 3],
                enrollmentID: "peer0",
                profile: "tls",
                issuedAt: 1_700_000_000
            )
        )
        let revocation = LogEntry.revocation(
            .init(caName: "", serial: "ab", authorityKeyIdentifier: "cd", reason: 1, revokedAt: 1_700_000_001)
        )
        for entry in [issuance, revocation] {
            #expect(LogEntry(decoding: entry.encoded) == entry)
        }
        #expect(LogEntry(decoding: issuance.encoded + [0]) == nil)
        #expect(LogEntry(decoding: Array(issuance.encoded.dropLast())) == nil)
        #expect(LogEntry(decoding: [2] + issuance.encoded.dropFirst()) == nil)
    }

    @Test func checkpointsAreSignedNotesThatOnlyTheirKeyVerifies() throws {
        let signer = try NoteSigner(name: "charter.example/org1", seed: NoteSigner.generateSeed())
        let checkpoint = Checkpoint(origin: signer.name, size: 8, root: Hex.decode(Self.roots[8]) ?? [])
        let note = try signer.sign(checkpoint.body)
        #expect(
            note.hasPrefix(
                "charter.example/org1\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n— charter.example/org1 "
            )
        )
        let verifier = try NoteVerifier(verifierKey: signer.verifierKey)
        let body = try #require(verifier.verify(note))
        #expect(Checkpoint(body: body) == checkpoint)
        #expect(verifier.verify(note.replacingOccurrences(of: "\n8\n", with: "\n9\n")) == nil)
        let other = try NoteSigner(name: signer.name, seed: NoteSigner.generateSeed())
        #expect(try NoteVerifier(verifierKey: other.verifierKey).verify(note) == nil)
        #expect(throws: CharterError.self) { try NoteVerifier(verifierKey: "name+00000000+AAAA") }
    }
}
