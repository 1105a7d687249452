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
