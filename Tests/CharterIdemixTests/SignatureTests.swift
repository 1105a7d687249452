import Crypto
import Testing

@testable import CharterIdemix

@Suite struct SignatureTests {
    /// An issuer, a holder's credential with fabric-ca's attributes, and a message digest.
    static func fixture() throws -> (IssuerKey, Credential, Scalar, [Scalar]) {
        let key = IssuerKey.generate()
        let secret = Scalar.random()
        let request = CredentialRequest(secret: secret, nonce: Scalar.random().bytes, issuer: key.publicKey)
        let attributes = [
            Scalar(hashing: Array("org1".utf8)), Scalar(1), Scalar(hashing: Array("anon".utf8)),
            Scalar(hashing: Array("3".utf8)),
        ]
        return (key, try key.issue(try request.verify(key.publicKey), attributes: attributes), secret, attributes)
    }

    @Test func aSignatureDisclosingTheEnrollmentIDVerifies() throws {
        let (key, credential, secret, attributes) = try Self.fixture()
        let message = Array(SHA256.hash(data: Array("POST.L2lkZW50aXRpZXM=.".utf8)))
        let signature = TestSigner.sign(
            credential: credential,
            secret: secret,
            issuer: key.publicKey,
            disclosed: [2],
            message: message
        )
        try signature.verify(issuer: key.publicKey, message: message, disclosed: [2: attributes[2]])
        // Another message, another disclosed value, another issuer: refused.
        #expect(throws: IdemixError.self) {
            try signature.verify(
                issuer: key.publicKey,
                message: Array(message.reversed()),
                disclosed: [2: attributes[2]]
            )
        }
        #expect(throws: IdemixError.self) {
            try signature.verify(
                issuer: key.publicKey,
                message: message,
                disclosed: [2: Scalar(hashing: Array("admin".utf8))]
            )
        }
        #expect(throws: IdemixError.self) {
            try signature.verify(
                issuer: IssuerKey.generate().publicKey,
                message: message,
                disclosed: [2: attributes[2]]
            )
        }
        // A response changed by one: refused.
        let tampered = Signature(
            aPrime: signature.aPrime,
            aBar: signature.aBar,
            bPrime: signature.bPrime,
            nym: signature.nym,
            proofC: signature.proofC,
            proofSSk: signature.proofSSk + Scalar(1),
            proofSE: signature.proofSE,
            proofSR2: signature.proofSR2,
            proofSR3: signature.proofSR3,
            proofSSPrime: signature.proofSSPrime,
            proofSRNym: signature.proofSRNym,
            proofSAttributes: signature.proofSAttributes,
            nonce: signature.nonce
        )
        #expect(throws: IdemixError.self) {
            try tampered.verify(issuer: key.publicKey, message: message, disclosed: [2: attributes[2]])
        }
    }

    @Test func aForgedCredentialFailsThePairingCheck() throws {
        let (key, credential, secret, attributes) = try Self.fixture()
        let forged = Credential(
            a: credential.a + G1.generator,
            b: credential.b,
            e: credential.e,
            s: credential.s,
            attributes: attributes
        )
        let signature = TestSigner.sign(
            credential: forged,
            secret: secret,
            issuer: key.publicKey,
            disclosed: [2],
            message: [1]
        )
        #expect(throws: IdemixError.invalidProof("the signature's A' and Ā do not have the expected structure")) {
            try signature.verify(issuer: key.publicKey, message: [1], disclosed: [2: attributes[2]])
        }
    }
}
