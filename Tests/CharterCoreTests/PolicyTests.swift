import CharterCore
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct SubjectPolicyTests {
    @Test func ouIsTypePlusAffiliationInOneMultiValuedRDN() throws {
        let subject = try SubjectPolicy.subject(
            from: try Fixture.subject(cn: "peer0", ou: "dropped"),
            enrollmentID: "peer0",
            type: "peer",
            affiliation: "org1.department1"
        )
        let rdns = Array(subject)
        #expect(rdns.count == 5)  // C, ST, O, OU+OU+OU, CN
        let ou = rdns[3]
        #expect(ou.count == 3)
        #expect(Set(ou.compactMap { String($0.value) }) == ["peer", "org1", "department1"])
        #expect(!subject.description.contains("dropped"))
        #expect(SubjectPolicy.commonName(of: subject) == "peer0")
    }

    @Test func namesUsePrintableStringLikeGo() throws {
        let subject = try SubjectPolicy.subject(
            from: try Fixture.subject(cn: "x"),
            enrollmentID: "admin",
            type: "client",
            affiliation: ""
        )
        var serializer = DER.Serializer()
        try serializer.serialize(subject)
        let der = serializer.serializedBytes
        // PrintableString (tag 0x13), not UTF8String (0x0c), as Go writes "client".
        let printable: [UInt8] = [0x13, 0x06] + Array("client".utf8)
        let utf8: [UInt8] = [0x0c, 0x06] + Array("client".utf8)
        #expect(der.firstRange(of: printable) != nil)
        #expect(der.firstRange(of: utf8) == nil)
    }

    @Test func rootAffiliationGivesOnlyTheTypeOU() throws {
        let subject = try SubjectPolicy.subject(
            from: try Fixture.subject(cn: "admin"),
            enrollmentID: "admin",
            type: "client",
            affiliation: ""
        )
        let ous = Array(subject).flatMap { Array($0) }.filter { $0.type == .RDNAttributeType.organizationalUnitName }
        #expect(ous.compactMap { String($0.value) } == ["client"])
    }
}

@Suite struct HostPolicyTests {
    @Test func tellsDNSAndIPApart() throws {
        let names = try HostPolicy.subjectAlternativeNames(for: [
            "peer0.org1.example.com", "127.0.0.1", "::1", "*.example.com", "admin@example.com",
        ])
        #expect(names[0] == .dnsName("peer0.org1.example.com"))
        #expect(names[1] == .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        #expect(
            names[2] == .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1])))
        )
        #expect(names[3] == .dnsName("*.example.com"))
        #expect(names[4] == .rfc822Name("admin@example.com"))
    }

    @Test func dropsDuplicatesAndBlanks() throws {
        #expect(try HostPolicy.subjectAlternativeNames(for: ["a.example", "A.example", " ", "a.example"]).count == 1)
    }

    @Test(arguments: [
        "bad host", "http://x", "-lead.example", "a..b", "ex*ample.com", String(repeating: "a", count: 64),
    ])
    func rejectsInvalidNames(host: String) {
        #expect(throws: CharterError.self) { try HostPolicy.subjectAlternativeNames(for: [host]) }
    }
}

@Suite struct GatewayPolicyTests {
    let policy = GatewayPolicy(rules: [
        GatewayRule(type: "peer", affiliation: "org1", services: ["org1-peer-gateway-svc"], namespace: "fabric")
    ])

    @Test func addsServiceAndNamespaceFormsToMatchingTLSEnrollments() {
        let hosts = policy.hosts(
            adding: ["peer0.org1.example.com"],
            profile: "tls",
            type: "peer",
            affiliation: "org1.department1"
        )
        #expect(
            hosts == [
                "peer0.org1.example.com", "org1-peer-gateway-svc", "org1-peer-gateway-svc.fabric",
                "org1-peer-gateway-svc.fabric.svc", "org1-peer-gateway-svc.fabric.svc.cluster.local",
            ]
        )
    }

    @Test func leavesOtherEnrollmentsAlone() {
        #expect(policy.hosts(adding: ["x"], profile: "", type: "peer", affiliation: "org1") == ["x"])
        #expect(policy.hosts(adding: ["x"], profile: "tls", type: "orderer", affiliation: "org1") == ["x"])
        #expect(policy.hosts(adding: ["x"], profile: "tls", type: "peer", affiliation: "org10") == ["x"])
    }
}

@Suite struct AttributeExtensionTests {
    @Test func bytesAreFabricCAsSortedJSON() {
        let ext = AttributeExtension([
            "hf.Type": "peer", "foo": "bar", "hf.Affiliation": "org1.department1", "hf.EnrollmentID": "peer0",
        ])
        #expect(
            ext.json
                == #"{"attrs":{"foo":"bar","hf.Affiliation":"org1.department1","hf.EnrollmentID":"peer0","hf.Type":"peer"}}"#
        )
        #expect(ext.certificateExtension.oid == [1, 2, 3, 4, 5, 6, 7, 8, 1])
        #expect(ext.certificateExtension.critical == false)
        #expect(Array(ext.certificateExtension.value) == Array(ext.json.utf8))
    }

    @Test func escapesLikeGo() {
        #expect(AttributeExtension(["a": "<b>&\"q\""]).json == #"{"attrs":{"a":"\u003cb\u003e\u0026\"q\""}}"#)
    }

    @Test func defaultSelectionIsTheEcertAttributes() throws {
        let attributes = [
            IdentityAttribute(name: "hf.Revoker", value: "true"),
            IdentityAttribute(name: "foo", value: "bar", ecert: true),
        ]
        #expect(try AttributeExtension.select(from: attributes, requests: nil) == AttributeExtension(["foo": "bar"]))
        #expect(try AttributeExtension.select(from: [], requests: nil) == nil)
    }

    @Test func requestedSelectionIsExactAndRefusesMissingRequired() throws {
        let attributes = [
            IdentityAttribute(name: "hf.Type", value: "client", ecert: true),
            IdentityAttribute(name: "hf.Revoker", value: "true"),
        ]
        let chosen = try AttributeExtension.select(
            from: attributes,
            requests: [AttributeRequest(name: "hf.Revoker"), AttributeRequest(name: "nope", optional: true)]
        )
        #expect(chosen == AttributeExtension(["hf.Revoker": "true"]))
        #expect(throws: CharterError.self) {
            try AttributeExtension.select(from: attributes, requests: [AttributeRequest(name: "nope")])
        }
    }
}

@Suite struct EnrollmentPolicyTests {
    let policy = EnrollmentPolicy(gateway: GatewayPolicy(rules: [GatewayRule(type: "peer", services: ["gw-svc"])]))

    @Test func commonNameMustEqualEnrollmentID() throws {
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "someone-else"))
        #expect(
            throws: CharterError(
                .commonNameMismatch,
                "The CSR subject common name must equal the enrollment ID 'peer0'"
            )
        ) {
            try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        }
    }

    @Test func theCAProfileNeedsHFIntermediateCA() throws {
        let policy = EnrollmentPolicy(profiles: [.intermediateCA])
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "int1"), profile: "ca")
        let error = #expect(throws: CharterError.self) {
            try policy.issuanceRequest(for: Fixture.identity("int1"), request: request)
        }
        #expect(error?.code == .authorizationFailure)
        let allowed = Fixture.identity(
            "int1",
            attributes: [IdentityAttribute(name: "hf.IntermediateCA", value: "true")]
        )
        #expect(try policy.issuanceRequest(for: allowed, request: request).profile.certificateAuthority != nil)
    }

    @Test func unknownProfileIsAClearError() throws {
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "peer0"), profile: "nosuch")
        let error = #expect(throws: CharterError.self) {
            try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        }
        #expect(error?.code == .invalidProfile)
        #expect(error?.message.contains("'nosuch'") == true)
    }

    @Test func garbageCSRIsBadCSR() {
        let error = #expect(throws: CharterError.self) {
            try policy.issuanceRequest(
                for: Fixture.identity("peer0"),
                request: EnrollmentRequest(certificateRequest: "not a csr")
            )
        }
        #expect(error?.code == .badCSR)
    }

    @Test func csrSANsAreUsedWhenHostsAreAbsent() throws {
        let request = EnrollmentRequest(
            certificateRequest: try Fixture.csrPEM(cn: "peer0", sans: [.dnsName("from-csr.example")])
        )
        let issuance = try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        #expect(issuance.subjectAlternativeNames == [.dnsName("from-csr.example")])
    }

    @Test func hostsReplaceCSRSANsAndGatewayNamesAreAdded() throws {
        let request = EnrollmentRequest(
            certificateRequest: try Fixture.csrPEM(cn: "peer0", sans: [.dnsName("from-csr.example")]),
            hosts: ["peer0.org1.example.com"],
            profile: "tls"
        )
        let issuance = try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        #expect(issuance.subjectAlternativeNames == [.dnsName("peer0.org1.example.com"), .dnsName("gw-svc")])
    }

    @Test func invalidHostIsRefused() throws {
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "peer0"), hosts: ["not a host"])
        let error = #expect(throws: CharterError.self) {
            try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        }
        #expect(error?.code == .invalidHosts)
    }

    @Test func p384CSRsAreAccepted() throws {
        let request = EnrollmentRequest(certificateRequest: try Fixture.csrPEM(cn: "peer0", key: .generate(.p384)))
        let issuance = try policy.issuanceRequest(for: Fixture.identity("peer0"), request: request)
        let issued = try Fixture.authority().issue(issuance)
        #expect(P384.Signing.PublicKey(issued.certificate.publicKey) != nil)
    }
}
