import CharterClient
import CharterCore
import Testing

@Suite struct ClientFlagsTests {
    @Test func identityAttributesFollowFabricCAClientQuoting() throws {
        let attributes = try ClientFlags.identityAttributes(
            #""hf.Registrar.Roles=peer,client",hf.Revoker=true,role=admin:ecert"#
        )
        #expect(
            attributes == [
                IdentityAttribute(name: "hf.Registrar.Roles", value: "peer,client"),
                IdentityAttribute(name: "hf.Revoker", value: "true"),
                IdentityAttribute(name: "role", value: "admin", ecert: true),
            ]
        )
    }

    @Test(arguments: [#""open=1"#, "novalue", "=x"])
    func malformedAttributesAreErrors(text: String) {
        #expect(throws: CharterError.self) { try ClientFlags.identityAttributes(text) }
    }

    @Test func attributeRequestsMarkOptionalOnes() throws {
        #expect(
            try ClientFlags.attributeRequests("hf.Type,foo:opt")
                == [AttributeRequest(name: "hf.Type", optional: false), AttributeRequest(name: "foo", optional: true)]
        )
        #expect(throws: CharterError.self) { try ClientFlags.attributeRequests("foo:maybe") }
    }

    @Test func namesAcceptFabricKeysOnly() throws {
        let names = try ClientFlags.names("C=US,ST=North Carolina,O=Hyperledger,OU=Fabric")
        #expect(names.map(\.0) == ["C", "ST", "O", "OU"])
        #expect(names[1].1 == "North Carolina")
        #expect(throws: CharterError.self) { try ClientFlags.names("X=1") }
    }
}

@Suite struct CertificateRequestBuilderTests {
    @Test func csrCarriesSubjectAndHosts() throws {
        let pem = try CertificateRequestBuilder.pem(
            key: .generate(),
            commonName: "peer0",
            names: [("O", "Hyperledger"), ("C", "US")],
            hosts: ["peer0.example.com", "10.0.0.1"]
        )
        let request = EnrollmentRequest(certificateRequest: pem)
        let csr = try request.parsedCSR()
        #expect(SubjectPolicy.commonName(of: csr.subject) == "peer0")
        #expect(csr.subject.description.hasPrefix("CN=peer0,O=Hyperledger,C=US"))
        let sans = try #require(try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames)
        #expect(sans.count == 2)
    }
}
