// 𝔽p¹² = 𝔽p²[w]/(w⁶ − ξ), the target group of the pairing. Only the verification of a credential
// and the tests compute in it, on public values, so it is written for clarity, not speed.

/// Σ cₖ·wᵏ for k in 0..<6.
struct Fp12: Sendable, Equatable {
    var coefficients: [Fp2]

    static let one = Fp12(coefficients: [.one, .zero, .zero, .zero, .zero, .zero])

    /// The element with one non-zero coefficient.
    init(_ value: Fp2, at power: Int) {
        var coefficients = [Fp2](repeating: .zero, count: 6)
        coefficients[power] = value
        self.coefficients = coefficients
    }

    init(coefficients: [Fp2]) { self.coefficients = coefficients }

    static func * (a: Fp12, b: Fp12) -> Fp12 {
        var product = [Fp2](repeating: .zero, count: 11)
        for (i, x) in a.coefficients.enumerated() where !x.isZero {
            for (j, y) in b.coefficients.enumerated() where !y.isZero {
                product[i + j] = product[i + j] + x * y
            }
        }
        // w⁶ = ξ folds the high half back.
        for k in 6..<11 { product[k - 6] = product[k - 6] + product[k].timesXi }
        return Fp12(coefficients: Array(product[0..<6]))
    }

    /// self^exponent for a public exponent given as big-endian bytes.
    func power(bigEndian exponent: [UInt8]) -> Fp12 {
        var result = Fp12.one
        for byte in exponent {
            for shift in stride(from: 7, through: 0, by: -1) {
                result = result * result
                if (byte >> UInt8(shift)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }
}

extension Fp12 {
    /// f^(p⁶): w^(p⁶) = −w (ξ^((p⁶−1)/6) = −1), and 𝔽p² is fixed.
    var conjugate: Fp12 {
        Fp12(coefficients: coefficients.enumerated().map { $0.offset % 2 == 1 ? -$0.element : $0.element })
    }

    /// f^(p²): w^(p²) = γ·w with γ = ξ^((p²−1)/6), which lies in 𝔽p; 𝔽p² is fixed.
    var frobeniusSquared: Fp12 {
        var power = Fp.one
        var result = coefficients
        for index in result.indices {
            result[index] = power * result[index]
            power = power * Self.gamma
        }
        return Fp12(coefficients: result)
    }

    static let gamma = Fp(
        montgomery: Fp.arithmetic.toMontgomery(
            UInt256(hex: "FFFFFFFFFFFCF0CC0D5D111E5C618C39710E8E5D2104DD63F80D23B70B31780C")
        )
    )

    /// The inverse, through 𝔽p⁶ = 𝔽p²[v]/(v³ − ξ), v = w²: f = A + B·w, f⁻¹ = (A − B·w)/(A² − v·B²).
    var inverse: Fp12 {
        let c = coefficients
        let a = Sextic(c[0], c[2], c[4])
        let b = Sextic(c[1], c[3], c[5])
        let norm = (a * a - (b * b).timesV).inverse
        let x = a * norm
        let y = b * norm
        return Fp12(coefficients: [x.c0, -y.c0, x.c1, -y.c1, x.c2, -y.c2])
    }
}

/// An element of 𝔽p⁶ = 𝔽p²[v]/(v³ − ξ), for the inverse in 𝔽p¹².
private struct Sextic {
    var c0: Fp2
    var c1: Fp2
    var c2: Fp2

    init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    static func * (a: Sextic, b: Sextic) -> Sextic {
        Sextic(
            a.c0 * b.c0 + (a.c1 * b.c2 + a.c2 * b.c1).timesXi,
            a.c0 * b.c1 + a.c1 * b.c0 + (a.c2 * b.c2).timesXi,
            a.c0 * b.c2 + a.c1 * b.c1 + a.c2 * b.c0
        )
    }

    static func - (a: Sextic, b: Sextic) -> Sextic { Sextic(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }

    /// v·(c0 + c1·v + c2·v²) = ξ·c2 + c0·v + c1·v².
    var timesV: Sextic { Sextic(c2.timesXi, c0, c1) }

    var inverse: Sextic {
        let t0 = c0 * c0 - (c1 * c2).timesXi
        let t1 = (c2 * c2).timesXi - c0 * c1
        let t2 = c1 * c1 - c0 * c2
        let scale = (c0 * t0 + (c2 * t1 + c1 * t2).timesXi).inverse
        return Sextic(t0 * scale, t1 * scale, t2 * scale)
    }
}
