import CharterACME
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

/// What challenges compare, DNS answers as a hostile resolver could send them, and `acme.allow`.
@Suite struct ACMEValidationTests {
    @Test func allowPatternsMatchLabelByLabel() {
        let allow = ACMEAllowList(["*.org1.example.com", "Org1-Peer-Gateway-Svc"])
        #expect(allow.allows("peer0.org1.example.com"))
        #expect(allow.allows("PEER0.ORG1.EXAMPLE.COM"))
        #expect(allow.allows("*.org1.example.com"))
        #expect(allow.allows("org1-peer-gateway-svc"))
        for refused in [
            "org1.example.com", "a.peer0.org1.example.com", "peer0.org2.example.com", ".org1.example.com",
            "peer0.org1.example.com.",
        ] {
            #expect(!allow.allows(refused), "\(refused)")
        }
        #expect(!ACMEAllowList(["peer0.org1.example.com"]).allows("*.org1.example.com"))
    }

    @Test func keyAuthorizationForms() {
        let authorization = KeyAuthorization(token: "tok", thumbprint: [1, 2, 3])
        #expect(authorization.text == "tok.AQID")
        #expect(authorization.dnsRecord == Base64URL.encode(SHA256.hash(data: Array("tok.AQID".utf8))))
        #expect(authorization.matchesHTTPBody(Array("tok.AQID\r\n".utf8)))
        #expect(!authorization.matchesHTTPBody(Array("tok.AQIE".utf8)))
        #expect(!authorization.matchesHTTPBody(Array(" tok.AQID".utf8)))
    }

    @Test func theTLSALPNCertificateMustNameOneNameAndCarryTheDigest() throws {
        let authorization = KeyAuthorization(token: "tok", thumbprint: [9])
        func certificate(names: [String], digest: [UInt8], critical: Bool = true) throws -> [UInt8] {
            let key = P256.Signing.PrivateKey()
            var serializer = DER.Serializer()
            try serializer.serialize(ASN1OctetString(contentBytes: ArraySlice(digest)))
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(key.publicKey),
                notValidBefore: Date() - 60,
                notValidAfter: Date() + 3600,
                issuer: try DistinguishedName { CommonName("acme") },
                subject: try DistinguishedName { CommonName("acme") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    SubjectAlternativeNames(names.map { GeneralName.dnsName($0) })
                    Certificate.Extension(
                        oid: KeyAuthorization.acmeIdentifier,
                        critical: critical,
                        value: ArraySlice(serializer.serializedBytes)
                    )
                },
                issuerPrivateKey: .init(key)
            )
            var out = DER.Serializer()
            try out.serialize(certificate)
            return out.serializedBytes
        }
        try authorization.checkTLSALPN(
            certificateDER: try certificate(names: ["a.example.com"], digest: authorization.digest),
            name: "a.example.com"
        )
        let wrong: [[UInt8]] = [
            try certificate(names: ["a.example.com", "b.example.com"], digest: authorization.digest),
            try certificate(names: ["b.example.com"], digest: authorization.digest),
            try certificate(names: ["a.example.com"], digest: Array(repeating: 0, count: 32)),
            try certificate(names: ["a.example.com"], digest: authorization.digest, critical: false),
            [0x30, 0x03, 0x02, 0x01, 0x00],
        ]
        for der in wrong {
            #expect(throws: ACMEProblem.self) {
                try authorization.checkTLSALPN(certificateDER: der, name: "a.example.com")
            }
        }
    }

    @Test func dnsAnswersAreParsedAndBoundedAgainstAHostileResolver() throws {
        let query = try DNSMessage.query(id: 0x1234, name: "_acme-challenge.a.example", type: .txt)
        #expect(query.prefix(2) == [0x12, 0x34])
        // The answer: the question echoed, then one TXT record in two strings, named by a pointer.
        var answer = Array(query)
        answer[2] = 0x81
        answer[3] = 0x80
        answer[7] = 1
        answer +=
            [0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 60, 0x00, 0x08, 3] + Array("abc".utf8) + [3]
            + Array("def".utf8)
        #expect(try DNSMessage.answers(in: answer, id: 0x1234, type: .txt) == [.text("abcdef")])
        #expect(throws: ACMEProblem.self) { try DNSMessage.answers(in: answer, id: 0x4321, type: .txt) }
        // Cut anywhere, the answer is refused, never read past its end.
        for length in 0..<answer.count {
            #expect(throws: ACMEProblem.self) {
                try DNSMessage.answers(in: Array(answer.prefix(length)), id: 0x1234, type: .txt)
            }
        }
        var nxdomain = Array(query)
        nxdomain[2] = 0x81
        nxdomain[3] = 0x83
        #expect(try DNSMessage.answers(in: nxdomain, id: 0x1234, type: .txt).isEmpty)
        #expect(throws: ACMEProblem.self) {
            try DNSMessage.query(id: 1, name: String(repeating: "a", count: 64) + ".example", type: .a)
        }
    }

    @Test func externalAccountBindingVerifiesItsMACAndBindsTheAccountKey() throws {
        let account = P256.Signing.PrivateKey().publicKey.rawRepresentation
        let jwkObject: [String: Any] = [
            "kty": "EC", "crv": "P-256", "x": Base64URL.encode(account.prefix(32)),
            "y": Base64URL.encode(account.suffix(32)),
        ]
        let accountKey = try JSONWebKey(jwkObject)
        let macKey = [UInt8](repeating: 5, count: 32)
        func binding(url: String = "https://ca/acme/new-account", alg: String = "HS256", key: [String: Any]? = nil)
            throws -> [String: Any]
        {
            let protected = Base64URL.encode(
                try JSONSerialization.data(withJSONObject: ["alg": alg, "kid": "k1", "url": url])
            )
            let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: key ?? jwkObject))
            let mac = HMAC<SHA256>.authenticationCode(
                for: Array("\(protected).\(payload)".utf8),
                using: SymmetricKey(data: macKey)
            )
            return ["protected": protected, "payload": payload, "signature": Base64URL.encode(mac)]
        }
        let parsed = try ExternalAccountBinding(
            try binding(),
            accountKey: accountKey,
            url: "https://ca/acme/new-account"
        )
        #expect(parsed.keyID == "k1")
        try parsed.verify(hmacKey: macKey)
        #expect(throws: ACMEProblem.self) { try parsed.verify(hmacKey: Array(repeating: 6, count: 32)) }
        #expect(throws: ACMEProblem.self) {
            try ExternalAccountBinding(
                try binding(url: "https://other/"),
                accountKey: accountKey,
                url: "https://ca/acme/new-account"
            )
        }
        #expect(throws: ACMEProblem.self) {
            try ExternalAccountBinding(
                try binding(alg: "none"),
                accountKey: accountKey,
                url: "https://ca/acme/new-account"
            )
        }
        let otherKey = P256.Signing.PrivateKey().publicKey.rawRepresentation
        let other: [String: Any] = [
            "kty": "EC", "crv": "P-256", "x": Base64URL.encode(otherKey.prefix(32)),
            "y": Base64URL.encode(otherKey.suffix(32)),
        ]
        #expect(throws: ACMEProblem.self) {
            try ExternalAccountBinding(
                try binding(key: other),
                accountKey: accountKey,
                url: "https://ca/acme/new-account"
            )
        }
    }
}
