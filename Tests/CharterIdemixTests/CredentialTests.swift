import Crypto
import Foundation
import Testing

@testable import CharterIdemix

@Suite struct CredentialTests {
    @Test func fabricCAClientRequestVerifies() throws {
        let issuer = try IssuerPublicKey(serialized: try FabricCAVectors.issuerPublicKey())
        let request = try JSONDecoder().decode(
            CredentialRequest.self,
            from: try FabricCAVectors.credentialRequestJSON()
        )
        try request.verify(issuer)
        // The same proof for another nonce is refused.
        var nonce = request.issuerNonce
        nonce[0] ^= 1
        let replayed = CredentialRequest(
            nym: request.nym,
            issuerNonce: nonce,
            proofC: request.proofC,
            proofS: request.proofS
        )
        #expect(throws: IdemixError.self) { try replayed.verify(issuer) }
    }

    @Test func fabricCACredentialSatisfiesThePairingEquation() throws {
        let issuer = try IssuerPublicKey(serialized: try FabricCAVectors.issuerPublicKey())
        let credential = try Credential(
            serialized: FabricCAVectors.base64(try FabricCAVectors.credentialResult()["Credential"])
        )
        #expect(credential.serialized == FabricCAVectors.base64(try FabricCAVectors.credentialResult()["Credential"]))
        #expect(Pairing.equal(credential.a, issuer.w + credential.e * G2.generator, credential.b, G2.generator))
        // Attributes as fabric-ca encodes them: HashToZr of OU and enrollment ID, the role as an integer.
        #expect(credential.attributes[0] == Scalar(hashing: Array("org1.department1".utf8)))
        #expect(credential.attributes[1] == Scalar(1))
        #expect(credential.attributes[2] == Scalar(hashing: Array("peer0".utf8)))
        // …which is what FabricAttributes encodes (1.5.5 put the raw handle; 1.5.21 hashes its text).
        let fabric = FabricAttributes(
            organizationalUnit: "org1.department1",
            role: 1,
            enrollmentID: "peer0",
            revocationHandle: "1"
        )
        #expect(
            ["OU", "Role", "EnrollmentID"].map { fabric.value(named: $0) } == Array(credential.attributes.prefix(3))
        )
        #expect(
            fabric.value(named: "RevocationHandle") == Scalar(hashing: Array("1".utf8))
                && fabric.value(named: "x") == nil
        )
    }

    @Test func fabricCACRIVerifiesWithTheRevocationKey() throws {
        let key = try P384.Signing.PublicKey(pemRepresentation: try FabricCAVectors.revocationPublicKeyPEM())
        let bytes = FabricCAVectors.base64(try FabricCAVectors.credentialResult()["CRI"])
        let information = try CredentialRevocationInformation(serialized: bytes, key: key)
        #expect(information.epoch == 1)
        #expect(information.serialized == bytes)
        #expect(throws: IdemixError.self) {
            try CredentialRevocationInformation(serialized: bytes, key: P384.Signing.PrivateKey().publicKey)
        }
    }

    @Test func issuedCredentialVerifiesForItsHolderOnly() throws {
        let key = IssuerKey.generate()
        let secret = Scalar.random()
        let nonce = Scalar.random().bytes
        let request = CredentialRequest(secret: secret, nonce: nonce, issuer: key.publicKey)
        let attributes = [
            Scalar(hashing: Array("org1".utf8)), Scalar(1), Scalar(hashing: Array("alice".utf8)), Scalar(7),
        ]
        let credential = try key.issue(try request.verify(key.publicKey), attributes: attributes)
        let read = try Credential(serialized: credential.serialized)
        try read.verify(secret: secret, issuer: key.publicKey)
        #expect(throws: IdemixError.self) { try read.verify(secret: Scalar.random(), issuer: key.publicKey) }
        // A credential whose A was changed fails the pairing equation.
        let forged = Credential(a: read.a + G1.generator, b: read.b, e: read.e, s: read.s, attributes: read.attributes)
        #expect(throws: IdemixError.self) { try forged.verify(secret: secret, issuer: key.publicKey) }
        // A request with a wrong proof is not signed.
        let wrong = CredentialRequest(
            nym: request.nym,
            issuerNonce: nonce,
            proofC: request.proofC,
            proofS: request.proofS + Scalar(1)
        )
        #expect(throws: IdemixError.self) { try key.issue(try wrong.verify(key.publicKey), attributes: attributes) }
        // A request checked against another issuer key is not signed by this one.
        let other = IssuerKey.generate()
        let elsewhere = CredentialRequest(secret: secret, nonce: nonce, issuer: other.publicKey)
        #expect(throws: IdemixError.self) {
            try key.issue(try elsewhere.verify(other.publicKey), attributes: attributes)
        }
    }

    @Test func criRoundTrips() throws {
        let key = P384.Signing.PrivateKey()
        let information = try CredentialRevocationInformation(epoch: 3, key: key)
        let read = try CredentialRevocationInformation(serialized: information.serialized, key: key.publicKey)
        #expect(read.epoch == 3)
    }

    @Test func signerConfigEncodings() throws {
        let config = SignerConfig(
            credential: [1, 2],
            secret: [3],
            organizationalUnit: "org1",
            role: 1,
            enrollmentID: "alice",
            revocationInformation: [4],
            revocationHandle: "5"
        )
        #expect(try SignerConfig(json: config.json) == config)
        // Fabric's protobuf: cred (1), sk (2), ou (3), role (4), enrollment_id (5), cri (6), rh (7).
        #expect(
            config.protobuf == [
                10, 2, 1, 2, 18, 1, 3, 26, 4, 111, 114, 103, 49, 32, 1, 42, 5, 97, 108, 105, 99, 101, 50, 1, 4, 58, 1,
                53,
            ]
        )
    }
}
