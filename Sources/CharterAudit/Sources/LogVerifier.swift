// `charter audit --verify-log`: derives each leaf again from the row it logs and checks the
// stored tree and every checkpoint it signed against the leaves. Reports each
// certificate without its leaf, each leaf without its row, each row that differs from its leaf,
// and a log that no longer extends a signed checkpoint.

import CharterCore
import CharterStore
import Foundation

/// Checks a registry's rows, log and checkpoints against each other.
public struct LogVerifier: Sendable {
    /// The registry, read only.
    public let registry: any Registry
    /// The log's verifier key; nil: checkpoints are compared by their roots without their
    /// signatures being checked.
    public let verifier: NoteVerifier?

    /// Creates a verifier.
    public init(registry: any Registry, verifier: NoteVerifier?) {
        self.registry = registry
        self.verifier = verifier
    }

    struct Key: Hashable {
        var serial: String
        var authorityKeyIdentifier: String
    }

    /// Every finding, in a stable order.
    public func findings() async throws -> [Finding] {
        var findings: [Finding] = []
        func report(_ kind: FindingKind, _ location: String, serial: String = "", _ detail: String) {
            var finding = Finding(kind, certificate: nil, detail: detail)
            finding.location = location
            finding.serial = serial
            findings.append(finding)
        }

        // Each leaf against the row it logs.
        let size = try await registry.logSize()
        var leaves: [LogLeaf] = []
        while leaves.count < size {
            let batch = try await registry.logLeaves(start: leaves.count, count: 4096)
            if batch.isEmpty { break }
            leaves += batch
        }
        var issued: Set<Key> = []
        var revoked: Set<Key> = []
        for leaf in leaves {
            let key = Key(serial: leaf.serial, authorityKeyIdentifier: leaf.authorityKeyIdentifier)
            let event = leaf.isRevocation ? "revoked" : "issued"
            if leaf.isRevocation { revoked.insert(key) } else { issued.insert(key) }
            guard leaf.certificate != nil else {
                report(
                    .logRowMissing,
                    "log:\(leaf.index)",
                    serial: leaf.serial,
                    "\(event) at log index \(leaf.index), no row"
                )
                continue
            }
            let location = "db:\(leaf.serial)"
            guard let entry = leaf.entry else {
                report(
                    .logRowMissing,
                    location,
                    serial: leaf.serial,
                    "the log revoked it at index \(leaf.index); the row is good"
                )
                continue
            }
            if MerkleTree.leafHash(entry.encoded) != leaf.hash {
                report(
                    .logRowEdited,
                    location,
                    serial: leaf.serial,
                    "differs from what log index \(leaf.index) \(event)"
                )
            }
        }

        // Each row has its leaves.
        for row in try await registry.certificates(matching: CertificateFilter()) {
            let key = Key(serial: row.serial, authorityKeyIdentifier: row.authorityKeyIdentifier)
            let location = "db:\(row.serial)"
            if !issued.contains(key) {
                report(.logLeafMissing, location, serial: row.serial, "no issuance entry in the log")
            }
            if row.isRevoked && !revoked.contains(key) {
                report(.logLeafMissing, location, serial: row.serial, "revoked, but no revocation entry in the log")
            }
        }

        // The stored tree against the leaves, and every signed checkpoint against both: the
        // roots of the leaves at the signed sizes come from one pass over them.
        var signed: [(size: Int, body: String?, checkpoint: Checkpoint?)] = []
        for checkpoint in try await registry.checkpoints() {
            let body =
                verifier.map { $0.verify(checkpoint.note) }
                ?? checkpoint.note.components(separatedBy: "\n\n").first.map { $0 + "\n" }
            signed.append((checkpoint.size, body, body.flatMap(Checkpoint.init(body:))))
        }
        let sizes = Set(signed.compactMap { $0.checkpoint?.size })
        var tree = CompactRange()
        var roots = [0: tree.root]
        for leaf in leaves {
            tree.append(leaf.hash)
            if sizes.contains(tree.size) { roots[tree.size] = tree.root }
        }
        if (try? await MerkleTree.root(size: size, node: registry.nodeReader)) != tree.root {
            report(.logRewritten, "log", "the stored tree's root differs from the root of its leaves")
        }
        for (stored, body, checkpoint) in signed {
            guard let checkpoint else {
                report(
                    .logRewritten,
                    "checkpoint:\(stored)",
                    body == nil ? "not signed by the log key" : "not a checkpoint"
                )
                continue
            }
            if checkpoint.size > leaves.count {
                report(
                    .logRewritten,
                    "checkpoint:\(checkpoint.size)",
                    "signed \(checkpoint.size) entries; the log now has \(leaves.count): it was truncated"
                )
            } else if roots[checkpoint.size] != checkpoint.root {
                report(
                    .logRewritten,
                    "checkpoint:\(checkpoint.size)",
                    "the first \(checkpoint.size) entries no longer have the root this checkpoint signed"
                )
            }
        }
        return findings
    }
}
