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

    /// f^((p¹² − 1)/r) = ((f^(p⁶) / f)^(p² + 1))^((p⁴ − p² + 1)/r): the first two factors by
    /// Frobenius maps, the last by exponentiation.
    static func finalExponentiation(_ f: Fp12) -> Fp12 {
        let easy = f.conjugate * f.inverse
        return (easy.frobeniusSquared * easy).power(bigEndian: hardExponent)
    }

    /// (p⁴ − p² + 1)/r, big-endian.
    private static let hardExponent: [UInt8] = {
        let hex = [
            "fffffffffff6d267d4b1d738df9ae4ecc0a26366e007463ae170f6890377a68097c0b4f730f50b57df8760f048e171c7",
            "4578b6c95eceec5f93291fb9ab5232dc9d796d1bfa6c2d59135a5781b32231a89f4876e45c1e5904622df2891d2c770d",
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
