// `charter audit --verify-log`: recomputes a registry's transparency log from its rows and
// checks it against the log as stored and against every checkpoint it signed. Reports each
// certificate without its leaf, each leaf without its row, each row that differs from its leaf,
// and a log that no longer extends a signed checkpoint.

import CharterCore
import CharterStore
import Foundation
import X509

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

        // The log as stored, and what each leaf says.
        let size = try await registry.logSize()
        var entries: [[UInt8]] = []
        while entries.count < size {
            let batch = try await registry.logEntries(start: entries.count, count: 4096)
            if batch.isEmpty { break }
            entries += batch
        }
        var issued: [Key: (index: Int, entry: LogEntry)] = [:]
        var revoked: [Key: (index: Int, entry: LogEntry)] = [:]
        for (index, bytes) in entries.enumerated() {
            switch LogEntry(decoding: bytes) {
            case .issuance(let issuance):
                guard let certificate = try? Certificate(derEncoded: issuance.certificateDER),
                    let aki = try? certificate.extensions.authorityKeyIdentifier?.keyIdentifier,
                    let serial = Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes))
                else {
                    report(.logRowEdited, "log:\(index)", "the issuance entry's certificate does not parse")
                    continue
                }
                issued[Key(serial: serial, authorityKeyIdentifier: Hex.encode(Array(aki)))] = (
                    index, .issuance(issuance)
                )
            case .revocation(let revocation):
                revoked[Key(serial: revocation.serial, authorityKeyIdentifier: revocation.authorityKeyIdentifier)] = (
                    index, .revocation(revocation)
                )
            case nil:
                report(.logRewritten, "log:\(index)", "entry \(index) is not a canonical log entry")
            }
        }

        // Each row against its leaves.
        var seen: Set<Key> = []
        for row in try await registry.certificates(matching: CertificateFilter()) {
            let key = Key(serial: row.serial, authorityKeyIdentifier: row.authorityKeyIdentifier)
            seen.insert(key)
            let location = "db:\(row.serial)"
            if let leaf = issued[key] {
                if leaf.entry != row.issuanceEntry {
                    report(
                        .logRowEdited,
                        location,
                        serial: row.serial,
                        "differs from its issuance at log index \(leaf.index)"
                    )
                }
            } else {
                report(.logLeafMissing, location, serial: row.serial, "no issuance entry in the log")
            }
            switch (row.revocationEntry, revoked[key]) {
            case (nil, nil): break
            case (let expected?, let leaf?) where expected != leaf.entry:
                report(
                    .logRowEdited,
                    location,
                    serial: row.serial,
                    "differs from its revocation at log index \(leaf.index)"
                )
            case (.some, nil):
                report(.logLeafMissing, location, serial: row.serial, "revoked, but no revocation entry in the log")
            case (nil, let leaf?):
                report(
                    .logRowMissing,
                    location,
                    serial: row.serial,
                    "the log revoked it at index \(leaf.index); the row is good"
                )
            default: break
            }
        }
        for (key, leaf) in issued where !seen.contains(key) {
            report(.logRowMissing, "log:\(leaf.index)", serial: key.serial, "issued at log index \(leaf.index), no row")
        }

        // The stored tree against the entries, and every signed checkpoint against both.
        let leaves = entries.map(MerkleTree.leafHash)
        let storedLeaves = try await registry.logNodes(level: 0, start: 0, count: size)
        if storedLeaves != leaves {
            report(.logRewritten, "log", "stored leaf hashes differ from the entries' hashes")
        } else if (try? await MerkleTree.root(size: size, node: registry.nodeReader))
            != MerkleTree.root(of: leaves[...])
        {
            report(.logRewritten, "log", "the stored tree's root differs from the root of its entries")
        }
        for checkpoint in try await registry.checkpoints() {
            let body: String?
            if let verifier {
                body = verifier.verify(checkpoint.note)
                if body == nil {
                    report(.logRewritten, "checkpoint:\(checkpoint.size)", "not signed by the log key")
                    continue
                }
            } else {
                body = checkpoint.note.components(separatedBy: "\n\n").first.map { $0 + "\n" }
            }
            guard let signed = body.flatMap(Checkpoint.init(body:)) else {
                report(.logRewritten, "checkpoint:\(checkpoint.size)", "not a checkpoint")
                continue
            }
            if signed.size > leaves.count {
                report(
                    .logRewritten,
                    "checkpoint:\(signed.size)",
                    "signed \(signed.size) entries; the log now has \(leaves.count): it was truncated"
                )
            } else if MerkleTree.root(of: leaves[..<signed.size]) != signed.root {
                report(
                    .logRewritten,
                    "checkpoint:\(signed.size)",
                    "the first \(signed.size) entries no longer have the root this checkpoint signed"
                )
            }
        }
        return findings
    }
}
