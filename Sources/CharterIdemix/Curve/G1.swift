// The group G1 of FP256BN (y² = x³ + 3 over 𝔽p, cofactor 1): nyms, the credential's A and B,
// the issuer key's bases.

/// A point of G1.
public struct G1: Sendable, Equatable {
    var point: CurvePoint<Fp>

    init(_ point: CurvePoint<Fp>) { self.point = point }

    /// AMCL's generator (1, 2).
    public static let generator = G1(CurvePoint(x: Fp(small: 1), y: Fp(small: 2), z: .one))

    /// The point with these affine coordinates (32 big-endian bytes each, as in an `amcl.ECP`);
    /// nil when a coordinate is not a field element or the point is not on the curve. Every point
    /// of the curve is in G1 (cofactor 1).
    public init?(x: some Collection<UInt8>, y: some Collection<UInt8>) {
        guard let x = Fp(bytes: x), let y = Fp(bytes: y), let point = CurvePoint(affineX: x, affineY: y) else {
            return nil
        }
        self.point = point
    }

    public var isIdentity: Bool { point.isIdentity }

    /// The affine coordinates' bytes (the fields of an `amcl.ECP`); the identity has none.
    public var coordinates: (x: [UInt8], y: [UInt8])? {
        point.affine.map { ($0.x.bytes, $0.y.bytes) }
    }

    /// AMCL's uncompressed encoding, 0x04 ‖ x ‖ y: what the proofs hash.
    public var bytes: [UInt8] {
        guard let coordinates else { return [UInt8](repeating: 0, count: 65) }
        return [0x04] + coordinates.x + coordinates.y
    }

    public static func + (a: G1, b: G1) -> G1 { G1(a.point + b.point) }
    public static func - (a: G1, b: G1) -> G1 { G1(a.point - b.point) }
    public static func * (k: Scalar, a: G1) -> G1 { G1(k * a.point) }
}
