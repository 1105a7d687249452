// Checkpoints in the C2SP tlog-checkpoint format, as signed notes (C2SP signed-note) with an
// Ed25519 log key: the origin line, the tree size, the base64 root hash, then a blank line and
// one signature line per signer ("— <key name> <base64 of key hash ‖ signature>").

import Crypto
import Foundation

/// A log's signed statement of its size and root.
public struct Checkpoint: Sendable, Hashable {
    /// The log's name, which is also its key's name.
    public var origin: String
    /// Leaves in the tree.
    public var size: Int
    /// The tree's root hash.
    public var root: MerkleTree.Hash

    /// Creates a checkpoint.
    public init(origin: String, size: Int, root: MerkleTree.Hash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text that is signed.
    public var body: String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    /// Parses a note body; nil unless it is exactly a checkpoint (extension lines are refused).
    public init?(body: String) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[3].isEmpty, !lines[0].isEmpty,
            let size = DecimalInteger.parse(lines[1], in: 0...MerkleTree.maximumSize), String(size) == lines[1],
            let root = Data(base64Encoded: String(lines[2])), root.count == 32
        else { return nil }
        self.init(origin: String(lines[0]), size: size, root: Array(root))
    }
}

/// Signs notes with an Ed25519 key (C2SP signed-note, signature type 0x01).
public struct NoteSigner: Sendable {
    /// The key name (the log's origin).
    public let name: String
    /// An Ed25519 key: from a seed, or held by a token.
    let key: SigningKey

    /// A signer for `name` with a 32-byte Ed25519 seed.
    public init(name: String, seed: [UInt8]) throws {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw CharterError(.configuration, "The log key is not a 32-byte Ed25519 seed")
        }
        try self.init(name: name, key: SigningKey(backing: .ed25519(key)))
    }

    /// A signer for `name` with an Ed25519 key (one held by an HSM's token, say).
    public init(name: String, key: SigningKey) throws {
        guard NoteVerifier.isValidName(name) else {
            throw CharterError(.configuration, "'\(name)' cannot name a note key (no spaces, '+' or newlines)")
        }
        guard key.algorithm == .ed25519 else {
            throw CharterError(.configuration, "A log key is Ed25519, not \(key.algorithm.rawValue)")
        }
        self.name = name
        self.key = key
    }

    /// A new random seed.
    public static func generateSeed() -> [UInt8] {
        Array(Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// The verifier key string others configure to check this log: `<name>+<key hash>+<key>`.
    public var verifierKey: String {
        let publicKey = [0x01] + key.publicPoint
        return
            "\(name)+\(Hex.encode(NoteVerifier.keyHash(name: name, key: publicKey)))+\(Data(publicKey).base64EncodedString())"
    }

    /// The signed note: `body`, a blank line, and this key's signature line.
    public func sign(_ body: String) throws -> String {
        let signature = try key.signatureDER(over: Array(body.utf8))
        let keyHash = NoteVerifier.keyHash(name: name, key: [0x01] + key.publicPoint)
        return body + "\n— \(name) \(Data(keyHash + Array(signature)).base64EncodedString())\n"
    }
}

/// Checks signed notes against one verifier key string.
public struct NoteVerifier: Sendable {
    /// The key name.
    public let name: String
    let keyHash: [UInt8]
    let key: Curve25519.Signing.PublicKey

    /// Parses `<name>+<hex key hash>+<base64(0x01 ‖ Ed25519 key)>`.
    public init(verifierKey: String) throws {
        let parts = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, Self.isValidName(String(parts[0])),
            let hash = Hex.decode(String(parts[1])), hash.count == 4,
            let encoded = Data(base64Encoded: String(parts[2])), encoded.count == 33, encoded.first == 0x01,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: encoded.dropFirst()),
            Self.keyHash(name: String(parts[0]), key: Array(encoded)) == hash
        else {
            throw CharterError(.invalidRequest, "'\(verifierKey.prefix(120))' is not an Ed25519 note verifier key")
        }
        self.name = String(parts[0])
        self.keyHash = hash
        self.key = key
    }

    /// The note's body when this key signed it; nil otherwise (other signers' lines are ignored).
    public func verify(_ note: String) -> String? {
        guard let separator = note.range(of: "\n\n", options: .backwards) else { return nil }
        let body = String(note[..<separator.lowerBound]) + "\n"
        let signatures = note[separator.upperBound...].split(separator: "\n")
        for line in signatures {
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "—", fields[1] == name,
                let raw = Data(base64Encoded: String(fields[2])), raw.count == 68, Array(raw.prefix(4)) == keyHash
            else { continue }
            if key.isValidSignature(raw.dropFirst(4), for: Array(body.utf8)) { return body }
        }
        return nil
    }

    /// The first four bytes of SHA-256(name ‖ "\n" ‖ key), the key's id in signature lines.
    static func keyHash(name: String, key: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A] + key).prefix(4))
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: { $0 == "+" || $0.isWhitespace })
    }
}
