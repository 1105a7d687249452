// The transparency log's JSON answers (`/loginfo`, `/log/proof`, `/log/consistency`), shared by
// the server that writes them and the clients that read them.

/// `/loginfo`: the log's name, the key its checkpoints are signed with, and its size.
public struct LogInfo: Codable, Sendable, Hashable {
    /// The log's name (its checkpoints' first line).
    public var origin: String
    /// The C2SP verifier key its checkpoints are signed with.
    public var verifierKey: String
    /// Entries in the log now.
    public var size: Int

    /// Creates the info.
    public init(origin: String, verifierKey: String, size: Int) {
        self.origin = origin
        self.verifierKey = verifierKey
        self.size = size
    }
}

/// `/log/proof`: a certificate's issuance entry, its index, its audit path (base64 hashes) and
/// the signed checkpoint the path leads to.
public struct LogInclusion: Codable, Sendable, Hashable {
    /// The entry's position in the log.
    public var index: Int
    /// The entry, base64.
    public var entry: String
    /// The audit path, base64 hashes from the leaf up.
    public var proof: [String]
    /// The signed checkpoint the path leads to.
    public var checkpoint: String

    /// Creates a proof.
    public init(index: Int, entry: String, proof: [String], checkpoint: String) {
        self.index = index
        self.entry = entry
        self.proof = proof
        self.checkpoint = checkpoint
    }
}

/// `/log/consistency`: the proof that one tree size is a prefix of another (base64 hashes).
public struct LogConsistency: Codable, Sendable, Hashable {
    /// The proof's hashes, base64.
    public var proof: [String]

    /// Creates a proof.
    public init(proof: [String]) {
        self.proof = proof
    }
}
