// The base field of FP256BN: coordinates of G1 points, and the ground of Fp2 and Fp12.

/// An element of the base field 𝔽p, kept in Montgomery form.
public struct Fp: Sendable, Hashable {
    var value: UInt256

    static let arithmetic = Montgomery(
        modulus: UInt256(hex: "FFFFFFFFFFFCF0CD46E5F25EEE71A49F0CDC65FB12980A82D3292DDBAED33013"),
        inverse: 0xAD6C_964E_0537_E5E5,
        rSquared: UInt256(hex: "4DE578EA0E56A0054F325FC732BF3141DB90D49CD7F91154FAC8C6101092B98F"),
        one: UInt256(hex: "0000000000030F32B91A0DA1118E5B60F3239A04ED67F57D2CD6D224512CCFED")
    )

    init(montgomery: UInt256) { value = montgomery }

    /// The element with this canonical value; nil when the value is not below p.
    public init?(_ canonical: UInt256) {
        guard canonical.isLess(than: Self.arithmetic.modulus) else { return nil }
        value = Self.arithmetic.toMontgomery(canonical)
    }

    /// A small constant.
    init(small: UInt64) { value = Self.arithmetic.toMontgomery(UInt256(small)) }

    /// 32 big-endian bytes of a canonical value below p; nil otherwise.
    public init?(bytes: some Collection<UInt8>) {
        guard let integer = UInt256(bigEndian: bytes) else { return nil }
        self.init(integer)
    }

    public static let zero = Fp(montgomery: .zero)
    public static let one = Fp(montgomery: arithmetic.one)

    /// The canonical value.
    public var canonical: UInt256 { Self.arithmetic.fromMontgomery(value) }

    /// The 32 big-endian bytes AMCL writes.
    public var bytes: [UInt8] { canonical.bigEndianBytes }

    public var isZero: Bool { value.isZero }

    public static func + (a: Fp, b: Fp) -> Fp { Fp(montgomery: arithmetic.add(a.value, b.value)) }
    public static func - (a: Fp, b: Fp) -> Fp { Fp(montgomery: arithmetic.subtract(a.value, b.value)) }
    public static func * (a: Fp, b: Fp) -> Fp { Fp(montgomery: arithmetic.multiply(a.value, b.value)) }
    public static prefix func - (a: Fp) -> Fp { Fp(montgomery: arithmetic.subtract(.zero, a.value)) }

    /// The inverse (zero for zero).
    public var inverse: Fp { Fp(montgomery: Self.arithmetic.invert(value)) }

    static func select(_ mask: UInt64, _ a: Fp, _ b: Fp) -> Fp {
        Fp(montgomery: UInt256.select(mask, a.value, b.value))
    }
}
