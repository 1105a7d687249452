import CharterCore
import SwiftASN1
import Testing
import X509

@Suite struct InputRulesTests {
    @Test(arguments: ["a/b", "a\\b", "..", ".", "", " lead", "trail ", "tab\there", "nul\u{0}", "c1\u{85}", "co:lon"])
    func unsafeEnrollmentIDsAreRefused(id: String) {
        let error = #expect(throws: CharterError.self) { try EnrollmentID.validate(id) }
        #expect(error?.code == .invalidRequest)
    }

    @Test(arguments: ["peer0", "Admin@org1.example.com", "user.name-1", "ünïcödé"])
    func ordinaryEnrollmentIDsPass(id: String) throws {
        try EnrollmentID.validate(id)
    }

    @Test func enrollmentIDsHaveAMaximumLength() throws {
        try EnrollmentID.validate(String(repeating: "a", count: EnrollmentID.maximumLength))
        #expect(throws: CharterError.self) {
            try EnrollmentID.validate(String(repeating: "a", count: EnrollmentID.maximumLength + 1))
        }
    }

    @Test(arguments: ["admin", "org1.admin", "org1.Peer", "CLIENT", "x.orderer.y", "org1..x", "org1.a b", ""])
    func affiliationsNamedLikeNodeOUsOrMalformedAreRefused(name: String) {
        #expect(throws: CharterError.self) { try Affiliation.validate(name) }
    }

    @Test(arguments: ["org1", "org1.department1", "org1.administration", "peers"])
    func ordinaryAffiliationsPass(name: String) throws {
        try Affiliation.validate(name)
    }

    @Test(arguments: ["", "nul\u{0}byte", String(repeating: "x", count: 73)])
    func badSecretsAreRefused(secret: String) {
        #expect(throws: CharterError.self) { try SecretHasher.validate(secret) }
    }

    @Test func csrSANsOfOtherKindsOrBadNamesAreRefused() throws {
        let good: [GeneralName] = [
            .dnsName("peer0.example.com"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
        ]
        #expect(try HostPolicy.subjectAlternativeNames(requested: good) == good)
        let refused: [GeneralName] = [
            .uniformResourceIdentifier("https://evil.example.com"), .dnsName("*.*.com"), .dnsName("bad name"),
            .ipAddress(ASN1OctetString(contentBytes: [1, 2, 3])),
        ]
        for name in refused {
            let error = #expect(throws: CharterError.self) { try HostPolicy.subjectAlternativeNames(requested: [name]) }
            #expect(error?.code == .invalidHosts)
        }
    }

    @Test(arguments: ["", "a/b", "..", ".", "x\u{7}"])
    func pathElementsStayInTheirFolder(name: String) {
        #expect(PathElement.problem(with: name) != nil)
    }
}
