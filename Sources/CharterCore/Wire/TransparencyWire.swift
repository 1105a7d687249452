// The transparency log's JSON answers (`/loginfo`, `/log/proof`, `/log/consistency`), shared by
// the server that writes them and the clients that read them.

/// `/loginfo`: the log's name, the key its checkpoints are signed with, and its size.
public struct LogInfo: Codable, Sendable, Hashable {
    public var origin: String
    public var verifierKey: String
    public var size: Int

    public init(origin: String, verifierKey: String, size: Int) {
        self.origin = origin
        self.verifierKey = verifierKey
        self.size = size
    }
}

/// `/log/proof`: a certificate's issuance entry, its index, its audit path (base64 hashes) and
/// the signed checkpoint the path leads to.
public struct LogInclusion: Codable, Sendable, Hashable {
    public var index: Int
    public var entry: String
    public var proof: [String]
    public var checkpoint: String

    public init(index: Int, entry: String, proof: [String], checkpoint: String) {
        self.index = index
        self.entry = entry
        self.proof = proof
        self.checkpoint = checkpoint
    }
}

/// `/log/consistency`: the proof that one tree size is a prefix of another (base64 hashes).
public struct LogConsistency: Codable, Sendable, Hashable {
    public var proof: [String]

    public init(proof: [String]) {
        self.proof = proof
    }
}
