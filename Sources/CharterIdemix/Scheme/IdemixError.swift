// Why an Idemix value was refused.

/// An Idemix message or key that cannot be used.
public enum IdemixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a well-formed message.
    case malformed(String)
    /// A point is not on the curve or not in its group, or a scalar is out of range.
    case invalidValue(String)
    /// A zero-knowledge proof or a signature does not verify.
    case invalidProof(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed Idemix message: \(reason)"
        case .invalidValue(let reason): "invalid Idemix value: \(reason)"
        case .invalidProof(let reason): reason
        }
    }
}
