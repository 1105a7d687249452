// Montgomery arithmetic modulo a 256-bit odd modulus: the one implementation behind both the base
// field (p) and the scalars (r). No branch or memory access depends on the operands' values.

/// The constants of one modulus: the value, −m⁻¹ mod 2⁶⁴, R² mod m and R mod m (R = 2²⁵⁶).
struct Montgomery: Sendable {
    let modulus: UInt256
    let inverse: UInt64
    let rSquared: UInt256
    let one: UInt256
    /// m − 2, the exponent of Fermat inversion.
    let inversionExponent: UInt256

    init(modulus: UInt256, inverse: UInt64, rSquared: UInt256, one: UInt256) {
        self.modulus = modulus
        self.inverse = inverse
        self.rSquared = rSquared
        self.one = one
        self.inversionExponent = modulus.subtracting(UInt256(2)).0
    }

    /// a · b · R⁻¹ mod m (CIOS), one word of b per round.
    func multiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var t = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        round(a, b.w0, &t)
        round(a, b.w1, &t)
        round(a, b.w2, &t)
        round(a, b.w3, &t)
        return reduceOnce(UInt256(w0: t.0, w1: t.1, w2: t.2, w3: t.3), carry: t.4)
    }

    /// t = (t + a·word + q·m) / 2⁶⁴, q chosen so the division is exact.
    @inline(__always)
    private func round(_ a: UInt256, _ word: UInt64, _ t: inout (UInt64, UInt64, UInt64, UInt64, UInt64)) {
        var carry: UInt64 = 0
        let t0 = multiplyAdd(t.0, a.w0, word, &carry)
        let t1 = multiplyAdd(t.1, a.w1, word, &carry)
        let t2 = multiplyAdd(t.2, a.w2, word, &carry)
        let t3 = multiplyAdd(t.3, a.w3, word, &carry)
        let (s4, c4) = addWords(t.4, carry, 0)
        let q = t0 &* inverse
        carry = 0
        _ = multiplyAdd(t0, q, modulus.w0, &carry)
        t.0 = multiplyAdd(t1, q, modulus.w1, &carry)
        t.1 = multiplyAdd(t2, q, modulus.w2, &carry)
        t.2 = multiplyAdd(t3, q, modulus.w3, &carry)
        let (s3, c3) = addWords(s4, carry, 0)
        t.3 = s3
        t.4 = c4 &+ c3
    }

    /// Subtracts the modulus once when value (with its carry word) is at least the modulus.
    func reduceOnce(_ value: UInt256, carry: UInt64) -> UInt256 {
        let (difference, borrow) = value.subtracting(modulus)
        // Keep the difference unless it borrowed without a carry to absorb it.
        let keep = (borrow & ~carry & 1) &- 1
        return UInt256.select(keep, difference, value)
    }

    func add(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (sum, carry) = a.adding(b)
        return reduceOnce(sum, carry: carry)
    }

    func subtract(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (difference, borrow) = a.subtracting(b)
        let corrected = difference.adding(modulus).0
        return UInt256.select(0 &- borrow, corrected, difference)
    }

    func toMontgomery(_ value: UInt256) -> UInt256 { multiply(value, rSquared) }

    func fromMontgomery(_ value: UInt256) -> UInt256 { multiply(value, UInt256(1)) }

    /// base^exponent for a public exponent, in Montgomery form.
    func power(_ base: UInt256, _ exponent: UInt256) -> UInt256 {
        var result = one
        for index in stride(from: 255, through: 0, by: -1) {
            result = multiply(result, result)
            let product = multiply(result, base)
            result = UInt256.select(0 &- exponent.bit(index), product, result)
        }
        return result
    }

    /// The inverse by Fermat's little theorem (zero stays zero): a fixed sequence of operations.
    func invert(_ value: UInt256) -> UInt256 { power(value, inversionExponent) }
}
