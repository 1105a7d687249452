// One leaf of a registry's transparency log as stored: which certificate and which event it logs,
// and its hash. The entry itself is not stored a second time; it is derived from the row, so an
// edited row no longer hashes to its leaf, which the audit and every follower check.

import CharterCore

/// A stored leaf, with the certificate row it logs.
public struct LogLeaf: Sendable, Hashable {
    /// Position in the log.
    public var index: Int
    /// Whether it logs the certificate's revocation rather than its issuance.
    public var isRevocation: Bool
    /// Serial of the certificate it logs, lower-case hex.
    public var serial: String
    /// AKI of the certificate it logs, lower-case hex.
    public var authorityKeyIdentifier: String
    /// The hash appended to the tree when the event was recorded.
    public var hash: MerkleTree.Hash
    /// The row as it is now; nil when it is gone.
    public var certificate: CertificateRecord?

    /// Creates a leaf.
    public init(
        index: Int,
        isRevocation: Bool,
        serial: String,
        authorityKeyIdentifier: String,
        hash: MerkleTree.Hash,
        certificate: CertificateRecord?
    ) {
        self.index = index
        self.isRevocation = isRevocation
        self.serial = serial
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.hash = hash
        self.certificate = certificate
    }

    /// The entry the row stands for now: nil when the row is gone or, for a revocation, is no
    /// longer revoked.
    public var entry: LogEntry? {
        guard let certificate else { return nil }
        return isRevocation ? certificate.revocationEntry : certificate.issuanceEntry
    }
}
