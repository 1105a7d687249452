// The attributes fabric-ca certifies in a credential and how each becomes a scalar: one place for
// the server that issues them and the client that checks them.

/// What a fabric-ca credential certifies (as fabric-ca 1.5.21 encodes it: OU, enrollment ID and the
/// revocation handle's decimal text hashed into Zr, the role as an integer).
public struct FabricAttributes: Sendable, Equatable {
    public var organizationalUnit: String
    /// The role bit mask (1 member, 2 admin); a negative one is certified as 0.
    public var role: Int
    public var enrollmentID: String
    public var revocationHandle: String

    /// Collects the values.
    public init(organizationalUnit: String, role: Int, enrollmentID: String, revocationHandle: String) {
        self.organizationalUnit = organizationalUnit
        self.role = role
        self.enrollmentID = enrollmentID
        self.revocationHandle = revocationHandle
    }

    /// The value certified under an attribute name of the issuer key; nil for a name fabric-ca does
    /// not fill in.
    public func value(named name: String) -> Scalar? {
        switch name {
        case "OU": Scalar(hashing: Array(organizationalUnit.utf8))
        case "Role": Scalar(UInt64(clamping: max(role, 0)))
        case "EnrollmentID": Scalar(hashing: Array(enrollmentID.utf8))
        case "RevocationHandle": Scalar(hashing: Array(revocationHandle.utf8))
        default: nil
        }
    }
}
