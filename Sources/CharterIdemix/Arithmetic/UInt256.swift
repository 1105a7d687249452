// A 256-bit unsigned integer in four little-endian 64-bit words: the representation every field
// element and scalar of FP256BN is computed in.

/// A 256-bit unsigned integer; word 0 is the least significant.
public struct UInt256: Sendable, Hashable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64

    /// Zero.
    public static let zero = UInt256(w0: 0, w1: 0, w2: 0, w3: 0)

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// A small value.
    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    /// Reads 32 big-endian bytes, as Go's `big.Int.SetBytes` and AMCL's `FromBytes` do; nil
    /// for any other length.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            let word = 3 - index / 8
            words[word] = words[word] << 8 | UInt64(byte)
        }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// Parses a big-endian hexadecimal constant of up to 64 digits (compile-time tables).
    init(hex: StaticString) {
        var words: [UInt64] = [0, 0, 0, 0]
        let digits = hex.withUTF8Buffer { Array($0) }
        for (position, digit) in digits.reversed().enumerated() {
            let value: UInt64
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(digit - UInt8(ascii: "a") + 10)
            default: value = UInt64(digit - UInt8(ascii: "A") + 10)
            }
            words[position / 16] |= value << (UInt64(position % 16) * 4)
        }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// The 32 big-endian bytes (Go's `BigToBytes`, AMCL's `ToBytes`).
    public var bigEndianBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [w3, w2, w1, w0] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return bytes
    }

    /// Bit `index` (0 = least significant).
    func bit(_ index: Int) -> UInt64 {
        let word: UInt64
        switch index / 64 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return (word >> UInt64(index % 64)) & 1
    }

    /// `self - other` and the borrow out (1 when other > self).
    func subtracting(_ other: UInt256) -> (UInt256, UInt64) {
        let (d0, b0) = subtractWords(w0, other.w0, 0)
        let (d1, b1) = subtractWords(w1, other.w1, b0)
        let (d2, b2) = subtractWords(w2, other.w2, b1)
        let (d3, b3) = subtractWords(w3, other.w3, b2)
        return (UInt256(w0: d0, w1: d1, w2: d2, w3: d3), b3)
    }

    /// `self + other` and the carry out.
    func adding(_ other: UInt256) -> (UInt256, UInt64) {
        let (s0, c0) = addWords(w0, other.w0, 0)
        let (s1, c1) = addWords(w1, other.w1, c0)
        let (s2, c2) = addWords(w2, other.w2, c1)
        let (s3, c3) = addWords(w3, other.w3, c2)
        return (UInt256(w0: s0, w1: s1, w2: s2, w3: s3), c3)
    }

    /// True when self < other, computed without a data-dependent branch.
    func isLess(than other: UInt256) -> Bool {
        subtracting(other).1 == 1
    }

    /// `mask` all ones picks `a`, all zeros picks `b`.
    static func select(_ mask: UInt64, _ a: UInt256, _ b: UInt256) -> UInt256 {
        UInt256(
            w0: (a.w0 & mask) | (b.w0 & ~mask),
            w1: (a.w1 & mask) | (b.w1 & ~mask),
            w2: (a.w2 & mask) | (b.w2 & ~mask),
            w3: (a.w3 & mask) | (b.w3 & ~mask)
        )
    }

    var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }
}

@inline(__always)
func addWords(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let (s1, o1) = a.addingReportingOverflow(b)
    let (s2, o2) = s1.addingReportingOverflow(carry)
    return (s2, (o1 ? 1 : 0) | (o2 ? 1 : 0))
}

@inline(__always)
func subtractWords(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
    let (d1, o1) = a.subtractingReportingOverflow(b)
    let (d2, o2) = d1.subtractingReportingOverflow(borrow)
    return (d2, (o1 ? 1 : 0) | (o2 ? 1 : 0))
}

/// `a + b * c + carry`, low word returned, high word left in `carry`.
@inline(__always)
func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ carry: inout UInt64) -> UInt64 {
    let (high, low) = b.multipliedFullWidth(by: c)
    let (sum, c1) = addWords(low, a, 0)
    let (result, c2) = addWords(sum, carry, 0)
    carry = high &+ c1 &+ c2
    return result
}
