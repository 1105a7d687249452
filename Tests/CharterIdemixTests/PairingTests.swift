import Testing

@testable import CharterIdemix

@Suite struct PairingTests {
    @Test func pairingIsBilinear() {
        let a = Scalar(5)
        let b = Scalar.random()
        let p = G1.generator
        let q = G2.generator
        let base = Pairing.pair(p, q)
        #expect(base != .one)
        #expect(Pairing.pair(a * p, q) == Pairing.pair(p, a * q))
        #expect(Pairing.pair(a * p, q) == base * base * base * base * base)
        #expect(Pairing.equal(b * p, q, p, b * q))
        #expect(!Pairing.equal(b * p, q, p, (b + Scalar(1)) * q))
    }

    @Test func fieldInversesAndGroupOrder() {
        let x = Fp(small: 12345)
        #expect(x * x.inverse == .one)
        let y = Fp2(Fp(small: 7), Fp(small: 11))
        #expect(y * y.inverse == .one)
        let s = Scalar.random()
        #expect(s * s.inverse == Scalar(1))
        // r·G = O in both groups.
        let minusOne = Scalar.zero - Scalar(1)
        #expect((minusOne * G1.generator + G1.generator).isIdentity)
        #expect((minusOne * G2.generator + G2.generator).isIdentity)
        #expect(G1.generator + G1.generator == Scalar(2) * G1.generator)
        #expect((Scalar(3) * G2.generator - G2.generator) == G2.generator + G2.generator)
    }

    @Test func pointsOffTheCurveAreRefused() {
        let bytes = Fp(small: 1).bytes
        #expect(G1(x: bytes, y: Fp(small: 3).bytes) == nil)
        #expect(G1(x: bytes, y: Fp(small: 2).bytes) != nil)
        let modulus = Fp.arithmetic.modulus.bigEndianBytes
        #expect(G1(x: modulus, y: bytes) == nil)
        #expect(G1(x: Array(bytes.dropFirst()), y: bytes) == nil)
    }
}

@Suite struct TargetFieldTests {
    /// A pairing value, so the element is not a special one.
    static let element = Pairing.miller(Scalar(7) * G1.generator, G2.generator)

    @Test func inverseFrobeniusAndConjugateBehave() {
        let f = Self.element
        let g = Pairing.miller(G1.generator, Scalar(3) * G2.generator)
        #expect(f * f.inverse == .one)
        #expect(f.conjugate.conjugate == f && f.conjugate != f)
        // p² Frobenius is a ring map of order 6 on 𝔽p¹²
        #expect((f * g).frobeniusSquared == f.frobeniusSquared * g.frobeniusSquared)
        var image = f
        for _ in 0..<6 { image = image.frobeniusSquared }
        #expect(image == f && f.frobeniusSquared != f)
        // the result of the final exponentiation has order r
        let value = Pairing.finalExponentiation(f)
        #expect(value != .one && value.power(bigEndian: Scalar.order.bigEndianBytes) == .one)
    }
}
