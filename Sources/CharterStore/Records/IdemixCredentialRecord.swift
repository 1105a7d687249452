// An issued Idemix credential, kept as fabric-ca keeps it in its `credentials` table: the
// revocation handle it certifies, its holder and its status.

import Foundation

/// One Idemix credential the CA issued.
public struct IdemixCredentialRecord: Sendable, Hashable {
    /// The revocation handle certified in the credential (unique per CA).
    public var revocationHandle: Int
    /// The enrollment ID of the identity it was issued to.
    public var enrollmentID: String
    /// The serialised credential.
    public var credential: [UInt8]
    /// When it was issued.
    public var issuedAt: Date

    /// Creates a record.
    public init(revocationHandle: Int, enrollmentID: String, credential: [UInt8], issuedAt: Date) {
        self.revocationHandle = revocationHandle
        self.enrollmentID = enrollmentID
        self.credential = credential
        self.issuedAt = issuedAt
    }
}

/// A counter the registry keeps, incremented atomically across replicas.
public enum RegistrySequence: String, Sendable {
    /// CRL numbers (1, 2, …).
    case crlNumber = "crl_number"
    /// Idemix revocation handles (1, 2, …): fabric-ca's `next_handle`.
    case idemixRevocationHandle = "idemix_revocation_handle"
}
