// A CA's transparency log as the server serves it: signed checkpoints (at an interval and on
// demand), C2SP tlog-tiles hash tiles and entry bundles, and convenience proofs for a certificate
// and between two sizes. Everything is read from the registry, so every replica serves the same
// log.

import CharterCore
import CharterStore
import Foundation

/// One CA's log.
struct TransparencyLog: Sendable {
    let registry: any Registry
    let signer: NoteSigner
    let verifier: NoteVerifier

    init(registry: any Registry, signer: NoteSigner) throws {
        self.registry = registry
        self.signer = signer
        self.verifier = try NoteVerifier(verifierKey: signer.verifierKey)
    }

    /// The newest stored checkpoint that this log's key signed, and its note. The newest one is
    /// read alone; the others only when it does not verify.
    func latest() async throws -> (checkpoint: Checkpoint, note: String)? {
        guard let newest = try await registry.latestCheckpoint() else { return nil }
        if let verified = verified(newest.note) { return verified }
        for stored in try await registry.checkpoints().reversed() {
            if let verified = verified(stored.note) { return verified }
        }
        return nil
    }

    func verified(_ note: String) -> (checkpoint: Checkpoint, note: String)? {
        verifier.verify(note).flatMap(Checkpoint.init(body:)).map { ($0, note) }
    }

    /// Signs and stores a checkpoint of the whole log when it grew since the newest one (or there
    /// is none); returns the newest.
    @discardableResult
    func checkpoint() async throws -> (checkpoint: Checkpoint, note: String) {
        let size = try await registry.logSize()
        if let latest = try await latest(), latest.checkpoint.size >= size { return latest }
        let checkpoint = Checkpoint(
            origin: signer.name,
            size: size,
            root: try await MerkleTree.root(size: size, node: registry.nodeReader)
        )
        let note = try signer.sign(checkpoint.body)
        try await registry.saveCheckpoint(size: size, note: note)
        return (checkpoint, note)
    }

    /// What proves a certificate is logged: its issuance entry, index and audit path against
    /// the newest checkpoint (signed on demand when older than the entry).
    func inclusion(serial: String, authorityKeyIdentifier: String) async throws -> LogInclusion {
        guard
            let index = try await registry.logIndices(serial: serial, authorityKeyIdentifier: authorityKeyIdentifier)
                .first
        else {
            throw CharterError(
                .unknownCertificate,
                "Certificate \(serial) (AKI \(authorityKeyIdentifier)) is not in the log"
            )
        }
        // The checkpoint covers the whole log as it is now, this entry included.
        let latest = try await checkpoint()
        let proof = try await MerkleTree.inclusionProof(
            index: index,
            size: latest.checkpoint.size,
            node: registry.nodeReader
        )
        guard let entry = try await registry.logEntries(start: index, count: 1).first else {
            throw CharterError(.storage, "The log has no entry \(index)")
        }
        return LogInclusion(
            index: index,
            entry: Data(entry).base64EncodedString(),
            proof: proof.map { Data($0).base64EncodedString() },
            checkpoint: latest.note
        )
    }

    func consistency(old: Int, new: Int) async throws -> LogConsistency {
        let size = try await registry.logSize()
        guard new <= size else { throw CharterError(.invalidRequest, "The log has \(size) entries, not \(new)") }
        return LogConsistency(
            proof: try await MerkleTree.consistencyProof(old: old, new: new, node: registry.nodeReader).map {
                Data($0).base64EncodedString()
            }
        )
    }

    /// A hash tile: the nodes of tree level 8·`level` the address covers.
    func tile(_ address: TileAddress) async throws -> [UInt8] {
        let hashes = try await registry.logNodes(
            level: (address.level ?? 0) * 8,
            start: address.start,
            count: address.width
        )
        guard hashes.count == address.width else { throw CharterError(.unknownCertificate, "No such tile") }
        return hashes.flatMap { $0 }
    }

    /// An entry bundle: the entries the address covers, each with a big-endian 16-bit length.
    func entryBundle(_ address: TileAddress) async throws -> [UInt8] {
        let entries = try await registry.logEntries(start: address.start, count: address.width)
        guard entries.count == address.width else {
            throw CharterError(.unknownCertificate, "No such entry bundle")
        }
        var bundle: [UInt8] = []
        for entry in entries {
            guard let length = UInt16(exactly: entry.count) else {
                throw CharterError(.storage, "A log entry is longer than an entry bundle can hold")
            }
            bundle += [UInt8(length >> 8), UInt8(length & 0xFF)] + entry
        }
        return bundle
    }
}
