// What the point arithmetic needs from a coordinate field, so one implementation serves G1 (over
// 𝔽p) and G2 (over 𝔽p²).

/// A field that carries one curve y² = x³ + b of FP256BN.
protocol CurveField: Sendable, Hashable {
    static var zero: Self { get }
    static var one: Self { get }
    /// b of the curve over this field.
    static var curveB: Self { get }
    /// 3·b (the complete formulas use it).
    static var curveB3: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    var isZero: Bool { get }
    var inverse: Self { get }
    /// `mask` all ones picks `a`, all zeros `b`, without a branch.
    static func select(_ mask: UInt64, _ a: Self, _ b: Self) -> Self
}

extension Fp: CurveField {
    /// G1: y² = x³ + 3.
    static let curveB = Fp(small: 3)
    static let curveB3 = Fp(small: 9)
}

extension Fp2: CurveField {
    /// G2 lies on the M-type twist y² = x³ + 3ξ.
    static let curveB = Fp2(Fp(small: 3), Fp(small: 3))
    static let curveB3 = Fp2(Fp(small: 9), Fp(small: 9))
}
