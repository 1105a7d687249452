import CharterCore
import Foundation
import Testing

@Suite struct WireTests {
    @Test func enrollmentRequestKeysMatchWithoutCaseLikeGo() throws {
        let body = #"{"certificate_request":"x","caname":"ca1","Hosts":["a"],"PROFILE":"tls","attr_reqs":null,"NotBefore":"0001-01-01T00:00:00Z"}"#
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
        let body = #"{"id":"u1","type":null,"secret":null,"max_enrollments":null,"affiliation":null,"attrs":[{"name":"a","value":null}]}"#
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
