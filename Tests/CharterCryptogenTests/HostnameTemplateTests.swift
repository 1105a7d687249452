import CharterCore
import CharterCryptogen
import Testing

@Suite struct HostnameTemplateTests {
    @Test func substitutesFields() throws {
        #expect(
            try HostnameTemplate.render(
                "{{.Hostname}}.alt.{{ .Domain }}",
                ["Hostname": "peer0", "Domain": "org1.example.com"]
            ) == "peer0.alt.org1.example.com"
        )
        #expect(
            try HostnameTemplate.render("node{{.Index}}-{{.Prefix}}", ["Index": "5", "Prefix": "peer"]) == "node5-peer"
        )
        #expect(try HostnameTemplate.render("plain", [:]) == "plain")
        #expect(try HostnameTemplate.render("", [:]) == "")
        #expect(try HostnameTemplate.render("é{{.A}}ü{", ["A": "{}"]) == "é{}ü{")
    }

    @Test(arguments: ["{{.Nope}}", "{{.Hostname", "x}}", "{{Hostname}}", "{{.Hostname}}}}", "{{{.Hostname}}}"])
    func rejectsBadTemplates(text: String) {
        #expect(throws: CharterError.self) { try HostnameTemplate.render(text, ["Hostname": "h"]) }
    }
}
