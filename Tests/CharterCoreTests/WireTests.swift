import CharterCore
import Foundation
import Testing

@Suite struct WireTests {
    @Test func enrollmentRequestKeysMatchWithoutCaseLikeGo() throws {
        let body =
            #"{"certificate_request":"x","caname":"ca1","Hosts":["a"],"PROFILE":"tls","attr_reqs":null,"NotBefore":"0001-01-01T00:00:00Z"}"#
        let request = try JSONDecoder().decode(EnrollmentRequest.self, from: Data(body.utf8))
        #expect(request.caName == "ca1")
        #expect(request.hosts == ["a"])
        #expect(request.profile == "tls")
        #expect(request.attributeRequests == nil)
    }

    @Test func exactKeyWinsOverAnotherCase() throws {
        let body = #"{"CAName":"exact","caname":"other"}"#
        #expect(try JSONDecoder().decode(EnrollmentRequest.self, from: Data(body.utf8)).caName == "exact")
    }

    @Test func registrationRequestAcceptsNulls() throws {
        let body =
            #"{"id":"u1","type":null,"secret":null,"max_enrollments":null,"affiliation":null,"attrs":[{"name":"a","value":null}]}"#
        let request = try JSONDecoder().decode(RegistrationRequest.self, from: Data(body.utf8))
        #expect(request.id == "u1")
        #expect(request.type == nil)
        #expect(request.attributes == [IdentityAttribute(name: "a", value: "")])
    }

    @Test func wrongTypesAreDecodingErrors() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RegistrationRequest.self, from: Data(#"{"id":5}"#.utf8))
        }
    }
}

@Suite struct WireJSONTests {
    @Test func enrollmentResultHasFabricCAsKeysInItsOrder() throws {
        let info = ServerInfo(caName: "ca-\"org1\"", caChainPEM: "chain", version: "")
        let json = EnrollmentResponse(certificatePEM: "cert", serverInfo: info).wireJSON
        // the order fabric-ca-server v1.5.5 writes (wire/001-POST-enroll.json)
        let keys = [
            "\"Cert\"", "\"ServerInfo\"", "\"CAName\"", "\"CAChain\"", "\"IssuerPublicKey\"",
            "\"IssuerRevocationPublicKey\"", "\"Version\"",
        ]
        let positions = keys.compactMap { json.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["Cert"] as? String == Data("cert".utf8).base64EncodedString())
        #expect((parsed["ServerInfo"] as? [String: Any])?["CAName"] as? String == "ca-\"org1\"")
    }

    @Test func envelopesDecodeResultsOnlyOnSuccess() throws {
        let success = #"{"result":{"secret":"pw"},"errors":[],"messages":[],"success":true}"#
        let decoded = try JSONDecoder().decode(ResponseEnvelope<RegistrationResponse>.self, from: Data(success.utf8))
        #expect(decoded.success && decoded.result?.secret == "pw")
        let failure =
            #"{"result":"","errors":[{"code":20,"message":"Authentication failure"}],"messages":[],"success":false}"#
        let refused = try JSONDecoder().decode(ResponseEnvelope<RegistrationResponse>.self, from: Data(failure.utf8))
        #expect(!refused.success && refused.result == nil)
        #expect(refused.errors == [ResponseMessage(code: 20, message: "Authentication failure")])
        #expect(refused.errors[0].wireJSON == #"{"code":20,"message":"Authentication failure"}"#)
    }

    @Test func certificateListingsRoundTripFabricCAsBytes() throws {
        let listing = CertificateListing(
            pems: ["-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"],
            caName: "ca1"
        )
        #expect(listing.wireJSON.hasSuffix(#"], "caname":"ca1"}"#))
        let decoded = try JSONDecoder().decode(CertificateListing.self, from: Data(listing.wireJSON.utf8))
        #expect(decoded == listing)
    }
}
