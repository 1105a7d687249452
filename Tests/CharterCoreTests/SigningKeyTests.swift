import CharterCore
import Crypto
import Foundation
import Testing
import X509

@Suite struct SigningKeyTests {
    func leaf(for key: SigningKey, by authority: CertificateAuthority) throws -> IssuedCertificate {
        try authority.issue(
            IssuanceRequest(
                publicKey: key.publicKey,
                subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "leaf")),
                profile: .enrollment
            )
        )
    }

    @Test(arguments: SigningKey.Algorithm.allCases)
    func keysRoundTripThroughPKCS8(algorithm: SigningKey.Algorithm) throws {
        let key = SigningKey.generate(algorithm)
        #expect(key.pkcs8PEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let read = try SigningKey(pemEncoded: key.pkcs8PEM)
        #expect(read == key && read.algorithm == algorithm)
    }

    @Test func ecdsaPKCS8IsWhatSwiftCryptoWrites() throws {
        for _ in 0..<20 {
            let p256 = SigningKey.generate(.p256)
            let crypto256 = try P256.Signing.PrivateKey(pemRepresentation: p256.pkcs8PEM)
            #expect(Array(crypto256.derRepresentation) == p256.pkcs8DER)
            #expect(crypto256.pemRepresentation + "\n" == p256.pkcs8PEM)
            let p384 = SigningKey.generate(.p384)
            let crypto384 = try P384.Signing.PrivateKey(pemRepresentation: p384.pkcs8PEM)
            #expect(Array(crypto384.derRepresentation) == p384.pkcs8DER)
        }
    }

    @Test(arguments: [SigningKey.Algorithm.p256, .p384])
    func generatedKeysAreDistinctAndSign(algorithm: SigningKey.Algorithm) throws {
        let keys = (0..<50).map { _ in SigningKey.generate(algorithm) }
        #expect(Set(keys.map(\.pkcs8PEM)).count == 50)
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "ca")),
            key: keys[0]
        )
        let issued = try leaf(for: keys[1], by: authority)
        #expect(authority.certificate.publicKey.isValidSignature(issued.certificate.signature, for: issued.certificate))
    }

    @Test(arguments: SigningKey.Algorithm.allCases)
    func aRequestForAHeldKeyGetsTheSameIdentifierAsOneForItsPublicKey(algorithm: SigningKey.Algorithm) throws {
        let key = SigningKey.generate(algorithm)
        #expect(key.publicPoint == key.publicKey.ecPoint)
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "ca")),
            key: .generate()
        )
        let held = try authority.issue(
            IssuanceRequest(
                subjectKey: key,
                subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "leaf")),
                profile: .enrollment
            )
        )
        let expected = CertificateAuthority.subjectKeyIdentifier(for: key.publicKey)
        #expect(try held.certificate.extensions.subjectKeyIdentifier == expected)
        #expect(try leaf(for: key, by: authority).certificate.extensions.subjectKeyIdentifier == expected)
        if algorithm != .ed25519 {
            #expect(expected == SubjectKeyIdentifier(hash: key.publicKey))
        }
    }

    @Test func algorithmsParseFabricCAsKeyRequest() throws {
        #expect(try SigningKey.Algorithm(algorithm: "ecdsa", size: nil) == .p256)
        #expect(try SigningKey.Algorithm(algorithm: "ecdsa", size: 384) == .p384)
        #expect(try SigningKey.Algorithm(algorithm: "ED25519", size: nil) == .ed25519)
        #expect(throws: CharterError.self) { try SigningKey.Algorithm(algorithm: "ecdsa", size: 521) }
        #expect(throws: CharterError.self) { try SigningKey.Algorithm(algorithm: "rsa", size: 2048) }
    }

    @Test func anEd25519CASignsWithEd25519AndHashesItsRawKeyForTheSKI() throws {
        let key = SigningKey.generate(.ed25519)
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "ca")),
            key: key
        )
        #expect(authority.certificate.signatureAlgorithm == .ed25519)
        #expect(authority.subjectKeyIdentifier == Array(SHA256.hash(data: key.publicKey.ecPoint)))
        #expect(key.publicKey.ecPoint.count == 32)
        for leafAlgorithm in SigningKey.Algorithm.allCases {
            let issued = try leaf(for: .generate(leafAlgorithm), by: authority)
            #expect(issued.certificate.signatureAlgorithm == .ed25519)
            #expect(authority.didIssue(issued.certificate))
        }
    }

    @Test func anECDSACAIssuesForEd25519KeysWithItsOwnAlgorithm() throws {
        let leafKey = SigningKey.generate(.ed25519)
        let issued = try leaf(for: leafKey, by: try Fixture.authority())
        #expect(issued.certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(issued.certificate.publicKey.algorithm == .ed25519)
        let ski = try #require(try issued.certificate.extensions.subjectKeyIdentifier)
        #expect(Array(ski.keyIdentifier) == Array(SHA256.hash(data: leafKey.publicKey.ecPoint)))
    }

    @Test func ed25519TokensVerifyAndTamperingFails() throws {
        let key = SigningKey.generate(.ed25519)
        let issued = try leaf(for: key, by: try Fixture.authority())
        let body = Array(#"{"id":"x"}"#.utf8)
        let header = try AuthorizationToken.header(
            key: key,
            certificatePEM: issued.pem,
            method: "POST",
            requestURI: "/register",
            body: body
        )
        let token = try AuthorizationToken(header: header)
        try token.verify(method: "POST", requestURI: "/register", body: body, acceptingLegacy: false)
        #expect(throws: CharterError.self) {
            try token.verify(method: "DELETE", requestURI: "/register", body: body, acceptingLegacy: false)
        }
        #expect(throws: CharterError.self) {
            try token.verify(method: "POST", requestURI: "/register", body: Array("{}".utf8), acceptingLegacy: false)
        }
    }

    @Test func ed25519CSRsAreAcceptedUnlessThePolicyRefusesThem() throws {
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "peer0", key: .generate(.ed25519)))
        let issuance = try EnrollmentPolicy().issuanceRequest(for: Fixture.identity("peer0"), request: request)
        #expect(issuance.publicKey.algorithm == .ed25519)
        let nistOnly = EnrollmentPolicy(keyAlgorithms: [.p256, .p384])
        let error = #expect(throws: CharterError.self) {
            try nistOnly.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        }
        #expect(error?.code.wire.httpStatus == 400)
    }
}
