// 𝔽p² = 𝔽p[i]/(i² + 1): coordinates of G2 points (FP256BN's p ≡ 3 mod 4, so −1 is a non-residue).

/// c0 + c1·i.
public struct Fp2: Sendable, Hashable {
    public var c0: Fp
    public var c1: Fp

    public init(_ c0: Fp, _ c1: Fp) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = Fp2(.zero, .zero)
    public static let one = Fp2(.one, .zero)
    /// ξ = 1 + i, the sextic non-residue of AMCL's M-type twist.
    static let xi = Fp2(.one, .one)

    public var isZero: Bool { c0.isZero && c1.isZero }

    public static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
    public static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
    public static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }

    public static func * (a: Fp2, b: Fp2) -> Fp2 {
        // Karatsuba: three base-field products.
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        let mixed = (a.c0 + a.c1) * (b.c0 + b.c1)
        return Fp2(v0 - v1, mixed - v0 - v1)
    }

    static func * (a: Fp, b: Fp2) -> Fp2 { Fp2(a * b.c0, a * b.c1) }

    /// Multiplication by ξ = 1 + i.
    var timesXi: Fp2 { Fp2(c0 - c1, c0 + c1) }

    /// The inverse (zero for zero): conjugate over the norm.
    public var inverse: Fp2 {
        let norm = (c0 * c0 + c1 * c1).inverse
        return Fp2(c0 * norm, -(c1 * norm))
    }

    static func select(_ mask: UInt64, _ a: Fp2, _ b: Fp2) -> Fp2 {
        Fp2(Fp.select(mask, a.c0, b.c0), Fp.select(mask, a.c1, b.c1))
    }
}
