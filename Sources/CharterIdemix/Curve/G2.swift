// The group G2 of FP256BN: points of the M-type sextic twist y² = x³ + 3(1 + i) over 𝔽p² in the
// subgroup of order r. The issuer's W and the revocation epoch key live here.

/// A point of G2.
public struct G2: Sendable, Equatable {
    var point: CurvePoint<Fp2>

    init(_ point: CurvePoint<Fp2>) { self.point = point }

    /// AMCL's generator of G2 (`CURVE_Pxa`, `CURVE_Pxb`, `CURVE_Pya`, `CURVE_Pyb`).
    public static let generator: G2 = {
        func fp(_ hex: StaticString) -> Fp { Fp(montgomery: Fp.arithmetic.toMontgomery(UInt256(hex: hex))) }
        let x = Fp2(
            fp("FE0C3350B4C96C2028560F577C28913ACE1C539A12BF843CD22616B689C09EFB"),
            fp("4EA66057738AC054DB5AE1C637D813B924DD78E287D03589D269ED34A37E6A2B")
        )
        let y = Fp2(
            fp("702046E7C542A3B376770D75124E3E51EFCB24758D615848E909B481BEDC27FF"),
            fp("0554E3BCD388C29042EEA649297EB29F8B4CBE80821A98B3E01281114AAD049B")
        )
        return G2(CurvePoint(x: x, y: y, z: .one))
    }()

    /// The point with these coordinates (the four fields of an `amcl.ECP2`, 32 big-endian bytes
    /// each); nil unless it is on the twist and in the subgroup of order r.
    public init?(
        xa: some Collection<UInt8>,
        xb: some Collection<UInt8>,
        ya: some Collection<UInt8>,
        yb: some Collection<UInt8>
    ) {
        guard let xa = Fp(bytes: xa), let xb = Fp(bytes: xb), let ya = Fp(bytes: ya), let yb = Fp(bytes: yb),
            let point = CurvePoint(affineX: Fp2(xa, xb), affineY: Fp2(ya, yb))
        else { return nil }
        // The twist has points outside G2: r·Q must be the identity. (r − 1)·Q + Q avoids a scalar ≥ r.
        let orderMinusOne = Scalar.zero - Scalar(1)
        guard (orderMinusOne * point + point).isIdentity else { return nil }
        self.point = point
    }

    public var isIdentity: Bool { point.isIdentity }

    /// AMCL's `ECP2.ToBytes`: x.a ‖ x.b ‖ y.a ‖ y.b, 128 bytes (the identity as zeros).
    public var bytes: [UInt8] {
        guard let affine = point.affine else { return [UInt8](repeating: 0, count: 128) }
        return affine.x.c0.bytes + affine.x.c1.bytes + affine.y.c0.bytes + affine.y.c1.bytes
    }

    public static func + (a: G2, b: G2) -> G2 { G2(a.point + b.point) }
    public static func - (a: G2, b: G2) -> G2 { G2(a.point - b.point) }
    public static func * (k: Scalar, a: G2) -> G2 { G2(k * a.point) }
}
