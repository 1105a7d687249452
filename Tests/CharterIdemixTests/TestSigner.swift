// The holder's side of an Idemix signature (`NewSignature`, standard kind, no revocation), written
// from the Go code's steps to make signatures for the verifier's tests.

@testable import CharterIdemix

enum TestSigner {
    static func sign(
        credential: Credential,
        secret: Scalar,
        issuer: IssuerPublicKey,
        disclosed: Set<Int>,
        message: [UInt8]
    ) -> Signature {
        let randomNym = Scalar.random()
        let nym = secret * issuer.hSk + randomNym * issuer.hRand
        let hidden = (0..<issuer.attributeNames.count).filter { !disclosed.contains($0) }
        let r1 = Scalar.random()
        let r2 = Scalar.random()
        let r3 = r1.inverse
        let nonce = Scalar.random()
        let aPrime = r1 * credential.a
        let aBar = r1 * credential.b - credential.e * aPrime
        let bPrime = r1 * credential.b - r2 * issuer.hRand
        let sPrime = credential.s - r2 * r3
        let (rSk, rE, rR2, rR3, rSPrime, rRNym) = (
            Scalar.random(), Scalar.random(), Scalar.random(), Scalar.random(), Scalar.random(), Scalar.random()
        )
        let rAttributes = hidden.map { _ in Scalar.random() }
        let t1 = rE * aPrime + rR2 * issuer.hRand
        var t2 = rSPrime * issuer.hRand + rR3 * bPrime + rSk * issuer.hSk
        for (index, r) in zip(hidden, rAttributes) { t2 = t2 + r * issuer.hAttrs[index] }
        let t3 = rSk * issuer.hSk + rRNym * issuer.hRand
        let disclosure = (0..<issuer.attributeNames.count).map { disclosed.contains($0) ? UInt8(1) : 0 }
        let c = Scalar(
            hashing: Signature.label + t1.bytes + t2.bytes + t3.bytes + aPrime.bytes + aBar.bytes + bPrime.bytes
                + nym.bytes + Signature.padded(issuer.hash, to: 32) + disclosure + message
        )
        let proofC = Scalar(hashing: c.bytes + nonce.bytes)
        return Signature(
            aPrime: aPrime,
            aBar: aBar,
            bPrime: bPrime,
            nym: nym,
            proofC: proofC,
            proofSSk: rSk + proofC * secret,
            proofSE: rE - proofC * credential.e,
            proofSR2: rR2 + proofC * r2,
            proofSR3: rR3 - proofC * r3,
            proofSSPrime: rSPrime + proofC * sPrime,
            proofSRNym: rRNym + proofC * randomNym,
            proofSAttributes: zip(hidden, rAttributes).map { index, r in r + proofC * credential.attributes[index] },
            nonce: nonce
        )
    }
}
