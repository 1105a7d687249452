// The pairing e: G1 × G2 → 𝔽p¹², as the reduced Tate pairing: a Miller loop over the bits of r on the
// G1 point, its lines evaluated at the G2 point mapped from the twist into E(𝔽p¹²), then the final
// exponentiation to the power (p¹² − 1)/r. Only equalities of pairings are ever asked for, and
// any non-degenerate bilinear pairing answers those the same way as AMCL's optimal ate pairing.
// It runs on public values (a credential being verified) only.

/// Pairing equations.
public enum Pairing {
    /// True when e(p1, q1) = e(p2, q2): a product of two Miller loops and one final exponentiation.
    public static func equal(_ p1: G1, _ q1: G2, _ p2: G1, _ q2: G2) -> Bool {
        let product = miller(p1, q1) * miller(G1(-p2.point), q2)
        return finalExponentiation(product) == .one
    }

    /// e(p, q), for tests of bilinearity.
    static func pair(_ p: G1, _ q: G2) -> Fp12 { finalExponentiation(miller(p, q)) }

    /// f_{r,P}(ψ(Q)), lines only: the vertical lines lie in 𝔽p⁶ and vanish in the final exponentiation.
    static func miller(_ p: G1, _ q: G2) -> Fp12 {
        guard let (px, py) = p.point.affine, let (qx, qy) = q.point.affine else { return .one }
        // ψ(x, y) = (x·w⁻², y·w⁻³) = (x·ξ⁻¹·w⁴, y·ξ⁻¹·w³) maps the M-type twist into E(𝔽p¹²).
        let xiInverse = Fp2.xi.inverse
        let mappedX = qx * xiInverse
        let mappedY = Fp12(qy * xiInverse, at: 3)
        var f = Fp12.one
        var tx = px
        var ty = py
        let order = Scalar.order
        // The line through T with slope λ, at ψ(Q): yQ − yT − λ(xQ − xT).
        func line(_ slope: Fp, _ x: Fp, _ y: Fp) -> Fp12 {
            var value = mappedY
            value.coefficients[0] = Fp2(slope * x - y, .zero)
            value.coefficients[4] = Fp2(-slope, .zero) * mappedX
            return value
        }
        for index in stride(from: 254, through: 0, by: -1) {
            let slope = (Fp(small: 3) * tx * tx) * (ty + ty).inverse
            f = f * f * line(slope, tx, ty)
            let doubledX = slope * slope - tx - tx
            ty = slope * (tx - doubledX) - ty
            tx = doubledX
            if order.bit(index) == 1 {
                // At the last step T = −P: the sum is the identity and its line is vertical.
                guard tx != px else { break }
                let slope = (py - ty) * (px - tx).inverse
                f = f * line(slope, tx, ty)
                let sumX = slope * slope - tx - px
                ty = slope * (tx - sumX) - ty
                tx = sumX
            }
        }
        return f
    }

    /// f^((p¹² − 1)/r).
    static func finalExponentiation(_ f: Fp12) -> Fp12 { f.power(bigEndian: exponent) }

    /// (p¹² − 1)/r, big-endian.
    private static let exponent: [UInt8] = {
        let hex = [
            "ffffffffffde58d20be16c1707e4c4378557cfba479782a5080d35220ed32bd4c2325a6556e93db0a6ede08b18c953e3",
            "b89551744d08bab44dd32087c3b64323392c8297ccfa7c9859ea7c848cfeb9994edccc0802340ff8e08b0a8adb267244",
            "8438481f9aa0b0bb425f2f5bf40142de274a016f98c0370ccd91d475706ca5a0aa45a6f1404503dc0e89953fad5c706a",
            "6f3ae4d52ade91bd726e25f0ae0004455d3ba4f4c2b4bb096f3a4416159662f67f8758a97cce6bb11f8decc94bd91b02",
            "4e435162966df0dc4d6dc150f4b70dd7f30295561d9ab0030fca12109545d4eabe85916278ea1f6b9e0095de32ae1bb9",
            "0b480006f94908342c2cc35ecc30c52a6effb67460ae60080c7e2c43a9c8b23ab07f6e669c7b07ec0b47951c7a732ea0",
            "e0bbe7671a70c4696d1d5fe6897dca567307f46e21b60e7c5b0980a359c52e116a6d87d83fa63d3fadc5020c034a1fe8",
            "64cd39a7757ab6c7b22c67d3457596f0",
        ].joined()
        var bytes: [UInt8] = []
        var digits = Array(hex.utf8)
        if digits.count % 2 == 1 { digits.insert(UInt8(ascii: "0"), at: 0) }
        for index in stride(from: 0, to: digits.count, by: 2) {
            bytes.append(UInt8(hexDigit(digits[index]) << 4 | hexDigit(digits[index + 1])))
        }
        return bytes
    }()

    private static func hexDigit(_ digit: UInt8) -> UInt8 {
        digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10
    }
}
