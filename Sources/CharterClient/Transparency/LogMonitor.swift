// Following another CA's transparency log: each new checkpoint's signature is checked, the new
// entries are fetched from the entry bundles, their hashes are appended to the tree kept in the
// state folder (its right edge only: O(log n) hashes, see ``CompactRange``), and that tree must
// have the checkpoint's root. A log that shrank or whose history changed (two checkpoints no
// single append-only history explains) is equivocation: both notes are kept as evidence.

import CharterCore
import Foundation
import X509

/// One CA's log followed from a state folder.
public struct LogMonitor: Sendable {
    /// What one look at the log found.
    public struct Report: Sendable {
        /// The verified checkpoint size.
        public var size: Int
        /// New issuances, as one line each.
        public var issuances: [String] = []
        /// New issuances matching a watch pattern.
        public var matches: [String] = []
        /// New revocations, as one line each.
        public var revocations: [String] = []
    }

    let client: CAClient
    let state: String
    let caName: String
    let watches: [String]

    /// A monitor keeping its state (pinned key, last checkpoint, the tree seen, evidence) in `state`.
    public init(client: CAClient, state: String, caName: String = "", watches: [String] = []) {
        self.client = client
        self.state = state
        self.caName = caName
        self.watches = watches
    }

    var files: (verifier: String, checkpoint: String, tree: String, leaves: String, evidence: String) {
        ("\(state)/verifier", "\(state)/checkpoint", "\(state)/tree", "\(state)/leaves", "\(state)/evidence")
    }

    /// Checks the log's newest checkpoint and reads what was appended since the last look.
    /// Throws on equivocation, after keeping both checkpoints under `evidence/`.
    public func poll(verifierKey: String? = nil) async throws -> Report {
        try FileWriter.makeFolder(state, mode: 0o700, enforce: true)
        let key = try await pinnedKey(verifierKey)
        let verifier = try NoteVerifier(verifierKey: key)
        let query = caName.isEmpty ? "" : "?ca=\(caName)"
        guard let noteBytes = try await client.fetch("/log/checkpoint\(query)") else {
            throw CharterError(.invalidResponse, "The server has no /log/checkpoint")
        }
        let note = String(decoding: noteBytes, as: UTF8.self)
        guard let body = verifier.verify(note), let checkpoint = Checkpoint(body: body) else {
            throw CharterError(.invalidResponse, "The checkpoint is not signed by the pinned log key \(key)")
        }
        let seen = try storedTree()
        var tree = seen
        let previous = (try? String(contentsOfFile: files.checkpoint, encoding: .utf8)) ?? ""
        if checkpoint.size < seen.size {
            try keepEvidence(previous, note, "the log shrank from \(seen.size) to \(checkpoint.size) entries")
        }
        var report = Report(size: checkpoint.size)
        var index = seen.size
        while index < checkpoint.size {
            let bundle = index / 256
            let width = min(256, checkpoint.size - bundle * 256)
            guard let address = TileAddress(level: nil, index: bundle, width: width) else {
                throw CharterError(
                    .invalidResponse,
                    "The checkpoint's size \(checkpoint.size) is beyond a log's bounds"
                )
            }
            let path = "/log/tile/\(address.path)\(query)"
            guard let bytes = try await client.fetch(path) else {
                throw CharterError(.invalidResponse, "The server does not serve \(path)")
            }
            let entries = try Self.parseBundle(bytes)
            guard entries.count == width else {
                throw CharterError(.invalidResponse, "\(path) is not \(width) entries")
            }
            for entry in entries[(index - bundle * 256)...] {
                tree.append(MerkleTree.leafHash(entry))
                describe(entry, into: &report)
                index += 1
            }
        }
        if tree.root != checkpoint.root {
            try keepEvidence(
                previous,
                note,
                "the checkpoint of \(checkpoint.size) entries does not extend the \(seen.size) already seen"
            )
        }
        try FileWriter.write(Self.encode(tree), to: files.tree, mode: 0o600)
        try FileWriter.write(note, to: files.checkpoint, mode: 0o600)
        try? FileManager.default.removeItem(atPath: files.leaves)
        return report
    }

    func pinnedKey(_ given: String?) async throws -> String {
        if let pinned = try? String(contentsOfFile: files.verifier, encoding: .utf8) {
            let key = pinned.trimmingCharacters(in: .whitespacesAndNewlines)
            if let given, given != key {
                throw CharterError(.configuration, "\(files.verifier) pins another log key than --verifier")
            }
            return key
        }
        var key = given ?? ""
        if key.isEmpty { key = try await client.logInfo(caName: caName).verifierKey }
        try FileWriter.write(key + "\n", to: files.verifier, mode: 0o600)
        return key
    }

    /// The tree seen so far: `tree` (its size, then one hex hash a line), or a state folder of an
    /// earlier release, which kept every leaf hash in `leaves`.
    func storedTree() throws -> CompactRange {
        if let text = try? String(contentsOfFile: files.tree, encoding: .utf8) {
            guard let tree = Self.decode(text) else {
                throw CharterError(.configuration, "\(files.tree) is damaged")
            }
            return tree
        }
        var tree = CompactRange()
        guard let data = FileManager.default.contents(atPath: files.leaves) else { return tree }
        let bytes = Array(data)
        guard bytes.count % 32 == 0 else { throw CharterError(.configuration, "\(files.leaves) is damaged") }
        for start in stride(from: 0, to: bytes.count, by: 32) {
            tree.append(Array(bytes[start..<start + 32]))
        }
        return tree
    }

    static func encode(_ tree: CompactRange) -> String {
        ([String(tree.size)] + tree.hashes.map { Hex.encode($0) }).joined(separator: "\n") + "\n"
    }

    static func decode(_ text: String) -> CompactRange? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard let first = lines.first, let size = DecimalInteger.parse(first, in: 0...MerkleTree.maximumSize) else {
            return nil
        }
        var hashes: [MerkleTree.Hash] = []
        for line in lines.dropFirst() {
            guard let hash = Hex.decode(String(line)) else { return nil }
            hashes.append(hash)
        }
        return CompactRange(size: size, hashes: hashes)
    }

    func keepEvidence(_ previous: String, _ current: String, _ reason: String) throws -> Never {
        try FileWriter.makeFolder(files.evidence, mode: 0o700, enforce: true)
        let stamp = GoTime.format(Date()).filter { $0.isNumber || $0 == "T" || $0 == "Z" }
        let path = "\(files.evidence)/\(stamp).txt"
        try FileWriter.write(
            "\(reason)\n\n--- last checkpoint seen ---\n\(previous)\n--- checkpoint now served ---\n\(current)",
            to: path,
            mode: 0o600
        )
        throw CharterError(.invalidResponse, "EQUIVOCATION: \(reason); evidence kept in \(path)")
    }

    func describe(_ bytes: [UInt8], into report: inout Report) {
        switch LogEntry(decoding: bytes) {
        case .issuance(let issuance):
            var line =
                "issued to \(issuance.enrollmentID) (profile \(issuance.profile.isEmpty ? "default" : issuance.profile))"
            if let certificate = try? Certificate(derEncoded: issuance.certificateDER) {
                let names =
                    ((try? certificate.extensions.subjectAlternativeNames).flatMap { $0 }.map { Array($0) } ?? [])
                    .map { "\($0)" }
                line += ": \(certificate.subject)" + (names.isEmpty ? "" : " SANs \(names.joined(separator: ","))")
            }
            report.issuances.append(line)
            if watches.contains(where: { line.contains($0) }) { report.matches.append(line) }
        case .revocation(let revocation):
            report.revocations.append("revoked serial \(revocation.serial) (reason \(revocation.reason))")
        case nil:
            report.issuances.append("an entry that is not a Charter log entry")
        }
    }

    static func parseBundle(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 2 else { throw CharterError(.invalidResponse, "A truncated entry bundle") }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard bytes.count - offset - 2 >= length else {
                throw CharterError(.invalidResponse, "A truncated entry bundle")
            }
            entries.append(Array(bytes[offset + 2..<offset + 2 + length]))
            offset += 2 + length
        }
        return entries
    }
}
