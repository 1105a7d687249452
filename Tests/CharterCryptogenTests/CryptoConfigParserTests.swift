import CharterCore
import CharterCryptogen
import Testing

@Suite struct CryptoConfigParserTests {
    @Test func readsEveryField() throws {
        let config = try CryptoConfigParser.parse(
            """
            OrdererOrgs:
              - Name: Orderer
                Domain: example.com
                Specs:
                  - Hostname: orderer
            PeerOrgs:
              - Name: OrgX
                Domain: orgx.example.net
                EnableNodeOUs: true
                CA:
                  Hostname: myca
                  Country: DE
                  PostalCode: "10115"
                Specs:
                  - Hostname: foo
                    CommonName: foo27.org5.example.com
                    SANS: ["{{.CommonName}}.alias", 172.16.10.31]
                Template:
                  Count: 2
                  Start: 5
                  Hostname: "node{{.Index}}-{{.Prefix}}"
                Users:
                  Count: 3
                Gateway:
                  Services: [orgx-gw]
                  Namespace: fabric
            """
        )
        #expect(config.ordererOrgs.map(\.domain) == ["example.com"])
        let org = try #require(config.peerOrgs.first)
        #expect(org.enableNodeOUs)
        #expect(org.ca.hostname == "myca" && org.ca.country == "DE" && org.ca.postalCode == "10115")
        #expect(org.specs.first?.commonName == "foo27.org5.example.com")
        #expect(
            org.template
                == NodeTemplate(
                    count: 2,
                    start: 5,
                    hostname: "node{{.Index}}-{{.Prefix}}",
                    sans: [],
                    line: org.template?.line ?? 0
                )
        )
        #expect(org.userCount == 3)
        #expect(org.gateway == GatewaySpec(services: ["orgx-gw"], namespace: "fabric"))
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try CryptoConfigParser.parse(yaml, source: "c.yaml")
            return ""
        } catch let error as CharterError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func missingDomainNamesTheLine() {
        #expect(
            error("PeerOrgs:\n  - Name: Org1\n    EnableNodeOUs: true\n").contains(
                "c.yaml line 2: organisation 'Org1' has no Domain"
            )
        )
    }

    @Test func unknownKeysNameTheLine() {
        let message = error("PeerOrgs:\n  - Name: Org1\n    Domain: a.com\n    Tempalte:\n      Count: 1\n")
        #expect(message.contains("line 4") && message.contains("unknown key 'Tempalte'"))
    }

    @Test func duplicateHostsNameBothLines() {
        let message = error(
            "PeerOrgs:\n  - Domain: a.com\n    Specs:\n      - Hostname: peer0\n    Template:\n      Count: 1\n"
        )
        #expect(message.contains("duplicate host 'peer0.a.com'"))
    }

    @Test func duplicateDomainsAreRefused() {
        #expect(
            error("PeerOrgs:\n  - Domain: a.com\n  - Domain: a.com\n").contains(
                "line 3: domain 'a.com' is already used at line 2"
            )
        )
    }

    @Test func badTemplatesNameTheLine() {
        let message = error(
            "PeerOrgs:\n  - Domain: a.com\n    Template:\n      Count: 1\n      Hostname: \"{{.Nope}}\"\n"
        )
        #expect(message.contains("c.yaml line") && message.contains("{{.Nope}}"))
    }

    @Test func wrongTypesAreErrors() {
        #expect(
            error("PeerOrgs:\n  - Domain: a.com\n    Users:\n      Count: many\n").contains(
                "'Count' must be a whole number"
            )
        )
        #expect(error("PeerOrgs: 5\n").contains("'PeerOrgs' must be a list"))
    }

    @Test func showTemplateParses() throws {
        let config = try CryptoConfigParser.parse(ShowTemplate.text)
        #expect(config.peerOrgs.count == 2 && config.ordererOrgs.count == 1)
    }
}
