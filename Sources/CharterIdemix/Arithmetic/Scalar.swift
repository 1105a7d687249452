// Scalars modulo the group order r: secret keys, exponents, attribute values and proof responses.

import Crypto

/// An integer modulo the order r of G1 and G2 (mathlib's `Zr`), in Montgomery form.
public struct Scalar: Sendable, Hashable {
    var value: UInt256

    static let arithmetic = Montgomery(
        modulus: UInt256(hex: "FFFFFFFFFFFCF0CD46E5F25EEE71A49E0CDC65FB1299921AF62D536CD10B500D"),
        inverse: 0x0982_6627_C9C6_813B,
        rSquared: UInt256(hex: "2BFC4998FB8F407A117FD17CEB526BE7BD789EFD26123232AF948AA38F4C4808"),
        one: UInt256(hex: "0000000000030F32B91A0DA1118E5B61F3239A04ED666DE509D2AC932EF4AFF3")
    )

    /// r itself.
    public static var order: UInt256 { arithmetic.modulus }

    init(montgomery: UInt256) { value = montgomery }

    /// The scalar with this canonical value; nil when it is not below r.
    public init?(_ canonical: UInt256) {
        guard canonical.isLess(than: Self.arithmetic.modulus) else { return nil }
        value = Self.arithmetic.toMontgomery(canonical)
    }

    /// 32 big-endian bytes of a value below r, as Go writes a reduced `Zr`; nil otherwise.
    public init?(bytes: some Collection<UInt8>) {
        guard let integer = UInt256(bigEndian: bytes) else { return nil }
        self.init(integer)
    }

    /// A small integer (attribute values such as the role).
    public init(_ small: UInt64) { value = Self.arithmetic.toMontgomery(UInt256(small)) }

    /// SHA-256 of the data reduced modulo r: mathlib's `HashToZr`, the Fiat–Shamir challenge and
    /// the encoding of string attributes.
    public init(hashing data: some Sequence<UInt8>) {
        let digest = SHA256.hash(data: Array(data))
        // The digest is below 2²⁵⁶ < 2r: one conditional subtraction reduces it.
        let integer = UInt256(bigEndian: Array(digest)) ?? .zero
        value = Self.arithmetic.toMontgomery(Self.arithmetic.reduceOnce(integer, carry: 0))
    }

    /// A uniformly random scalar in [0, r) (Go's `rand.Int(rng, r)`), by rejection.
    public static func random() -> Scalar {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = UInt256(
                w0: generator.next(),
                w1: generator.next(),
                w2: generator.next(),
                w3: generator.next()
            )
            if let scalar = Scalar(candidate) { return scalar }
        }
    }

    public static let zero = Scalar(montgomery: .zero)

    /// The canonical value.
    public var canonical: UInt256 { Self.arithmetic.fromMontgomery(value) }

    /// The 32 big-endian bytes Go's `Zr.Bytes()` writes.
    public var bytes: [UInt8] { canonical.bigEndianBytes }

    public var isZero: Bool { value.isZero }

    public static func + (a: Scalar, b: Scalar) -> Scalar { Scalar(montgomery: arithmetic.add(a.value, b.value)) }
    public static func - (a: Scalar, b: Scalar) -> Scalar { Scalar(montgomery: arithmetic.subtract(a.value, b.value)) }
    public static func * (a: Scalar, b: Scalar) -> Scalar {
        Scalar(montgomery: arithmetic.multiply(a.value, b.value))
    }
    public static prefix func - (a: Scalar) -> Scalar { Scalar(montgomery: arithmetic.subtract(.zero, a.value)) }

    /// The inverse modulo r (zero for zero), in constant time: it inverts secrets (1/(e + isk)).
    public var inverse: Scalar { Scalar(montgomery: Self.arithmetic.invert(value)) }
}
