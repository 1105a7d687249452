import CharterClient
import CharterConfiguration
import CharterCore
import Foundation
import Testing

@Suite struct ClientSettingsTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).yaml")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func fabricCAClientsOwnConfigurationIsRead() throws {
        let path = Self.repository.appendingPathComponent(
            "Tests/Fixtures/fabric-ca/home-1.5.5/clients/admin/fabric-ca-client-config.yaml"
        ).path
        let settings = try ClientSettings.load(path)
        #expect(settings.url == "https://localhost:27300" && settings.csr?.hosts == ["vm"])
        #expect(settings.csr?.keyrequest?.reusekey == false)
    }

    @Test func whatCharterWritesReadsBack() throws {
        var settings = ClientSettings()
        settings.url = "https://ca:7054"
        settings.csr = ClientSettings.CSR(cn: "admin", size: 384)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).yaml")
            .path
        try settings.write(to: path)
        let read = try ClientSettings.load(path)
        #expect(read.url == "https://ca:7054" && read.csr?.keyrequest?.size == 384)
    }

    @Test(arguments: [
        "bccsp:\n  pkcs11:\n    altid: key7\n", "id:\n  name: peer1\n",
        "id:\n  maxenrollments: 3\n", "idemixCurveID: gurvy.Bn254\n", "csr:\n  serialnumber: '42'\n",
        "enrollment:\n  attrs:\n    - name: x\n", "urll: https://ca\n",
    ])
    func unimplementedSettingsAreRefusedNamingTheKey(yaml: String) throws {
        let path = try file(yaml)
        let error = #expect(throws: CharterError.self) { try ClientSettings.load(path) }
        #expect(error?.message.contains("Configuration key '") == true)
    }

    @Test func theEnvironmentSetsKeys() throws {
        let settings = try ClientSettings.load(
            "/nonexistent/fabric-ca-client-config.yaml",
            environment: ["FABRIC_CA_CLIENT_URL": "https://x:1", "FABRIC_CA_CLIENT_TLS_CERTFILES": "a.pem,b.pem"]
        )
        #expect(settings.url == "https://x:1" && settings.tls?.certfiles == ["a.pem", "b.pem"])
        let hsm = try ClientSettings.load(
            "/nonexistent/x.yaml",
            environment: [
                "FABRIC_CA_CLIENT_BCCSP_DEFAULT": "PKCS11", "FABRIC_CA_CLIENT_BCCSP_PKCS11_LABEL": "ForFabric",
            ]
        )
        #expect(hsm.bccsp?.default == "PKCS11" && hsm.bccsp?.pkcs11?.label == "ForFabric")
        #expect(throws: CharterError.self) {
            try ClientSettings.load("/nonexistent/x.yaml", environment: ["FABRIC_CA_CLIENT_BCCSP_PKCS11_ALTID": "k"])
        }
    }

    @Test func theClientPageExplainsEveryKeyThatIsRefusedOrHasNoEffect() throws {
        let page = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/users/client.md"),
            encoding: .utf8
        )
        for key in ConfigurationKeys.client.keys {
            if case .honoured = key.treatment { continue }
            #expect(page.contains("`\(key.path)`"), "docs/users/client.md names \(key.path)")
        }
    }
}
