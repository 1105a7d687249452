import CharterCore
import Foundation
import Testing

@Suite struct AuthorizationTokenTests {
    let key = SigningKey.generate()
    let certificatePEM: String
    let body = Array(#"{"id":"peer1","type":"peer"}"#.utf8)

    init() throws {
        let authority = try Fixture.authority()
        let issued = try authority.issue(
            IssuanceRequest(publicKey: key.publicKey, subject: try Fixture.subject(cn: "admin"), profile: .enrollment)
        )
        certificatePEM = issued.pem
    }

    func currentHeader(method: String = "POST", uri: String = "/register") throws -> String {
        try AuthorizationToken.header(
            key: key,
            certificatePEM: certificatePEM,
            method: method,
            requestURI: uri,
            body: body
        )
    }

    func legacyHeader(body: [UInt8]) throws -> String {
        let encodedCertificate = Data(certificatePEM.utf8).base64EncodedString()
        let payload = "\(Data(body).base64EncodedString()).\(encodedCertificate)"
        let signature = try key.signatureDER(over: Data(payload.utf8))
        return "\(encodedCertificate).\(Data(signature).base64EncodedString())"
    }

    @Test func currentFormatVerifies() throws {
        let token = try AuthorizationToken(header: try currentHeader())
        try token.verify(method: "POST", requestURI: "/register", body: body, acceptingLegacy: true)
        #expect(token.certificatePEM == certificatePEM)
    }

    @Test func legacyFormatVerifiesOnlyWhenAccepted() throws {
        let token = try AuthorizationToken(header: try legacyHeader(body: body))
        try token.verify(method: "POST", requestURI: "/register", body: body, acceptingLegacy: true)
        let error = #expect(throws: CharterError.self) {
            try token.verify(method: "POST", requestURI: "/register", body: body, acceptingLegacy: false)
        }
        #expect(error?.code == .authenticationFailure)
        #expect(error?.logDetail?.contains("FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3") == true)
    }

    @Test func legacyTokenOfAnEmptyGetDoesNotAuthorizeADelete() throws {
        // The legacy payload binds no method and no URI: the same header fits every empty-body request.
        let token = try AuthorizationToken(header: try legacyHeader(body: []))
        #expect(throws: CharterError.self) {
            try token.verify(method: "DELETE", requestURI: "/identities/admin", body: [], acceptingLegacy: false)
        }
    }

    @Test func queryStringIsPartOfTheSignedURI() throws {
        let token = try AuthorizationToken(header: try currentHeader(method: "GET", uri: "/certificates?id=peer0"))
        try token.verify(method: "GET", requestURI: "/certificates?id=peer0", body: body, acceptingLegacy: true)
        #expect(throws: CharterError.self) {
            try token.verify(method: "GET", requestURI: "/certificates?id=peer1", body: body, acceptingLegacy: true)
        }
    }

    @Test func tamperedMethodFails() throws {
        let token = try AuthorizationToken(header: try currentHeader())
        #expect(throws: CharterError.self) {
            try token.verify(method: "PUT", requestURI: "/register", body: body, acceptingLegacy: true)
        }
    }

    @Test func tamperedURIFails() throws {
        let token = try AuthorizationToken(header: try currentHeader())
        #expect(throws: CharterError.self) {
            try token.verify(method: "POST", requestURI: "/revoke", body: body, acceptingLegacy: true)
        }
    }

    @Test func tamperedBodyFailsInBothFormats() throws {
        let other = Array(#"{"id":"peer2","type":"peer"}"#.utf8)
        #expect(throws: CharterError.self) {
            try AuthorizationToken(header: try currentHeader()).verify(
                method: "POST",
                requestURI: "/register",
                body: other,
                acceptingLegacy: true
            )
        }
        #expect(throws: CharterError.self) {
            try AuthorizationToken(header: try legacyHeader(body: body)).verify(
                method: "POST",
                requestURI: "/register",
                body: other,
                acceptingLegacy: true
            )
        }
    }

    /// This certificate's token for POST /register, signed with another key.
    func forgedHeader() throws -> String {
        try AuthorizationToken.header(
            key: .generate(),
            certificatePEM: certificatePEM,
            method: "POST",
            requestURI: "/register",
            body: body
        )
    }

    @Test func aCachedCertificateStillNeedsItsSignature() throws {
        let cache = BoundedCache<String, AuthorizationToken.ParsedCertificate>(capacity: 4)
        let first = try AuthorizationToken(header: try currentHeader(), certificates: cache)
        let again = try AuthorizationToken(header: try currentHeader(), certificates: cache)
        #expect(again.certificate == first.certificate && again.certificatePEM == certificatePEM)
        // the same certificate with another key's signature: parsed from the cache, still refused
        let forged = try forgedHeader()
        #expect(throws: CharterError.self) {
            try AuthorizationToken(header: forged, certificates: cache).verify(
                method: "POST",
                requestURI: "/register",
                body: body,
                acceptingLegacy: true
            )
        }
    }

    @Test func signatureOfAnotherKeyFails() throws {
        let forged = try forgedHeader()
        #expect(throws: CharterError.self) {
            try AuthorizationToken(header: forged).verify(
                method: "POST",
                requestURI: "/register",
                body: body,
                acceptingLegacy: true
            )
        }
    }

    @Test(arguments: ["", "garbage", "a.b.c", "Basic YWRtaW46YWRtaW5wdw==", "!!!.???"])
    func malformedHeadersAreAuthenticationFailures(header: String) {
        let error = #expect(throws: CharterError.self) { try AuthorizationToken(header: header) }
        #expect(error?.code == .authenticationFailure)
    }
}
