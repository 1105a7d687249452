import CharterConfiguration
import CharterCore
import Testing
import Yams

@Suite struct ConfigurationKeysTests {
    let table = ConfigurationKeys(
        keys: [
            ConfigurationKey("port"), ConfigurationKey("tls.enabled", isBoolean: true),
            ConfigurationKey("operations.listenaddress"), ConfigurationKey("hosts", isList: true),
            ConfigurationKey("people", isWhole: true), ConfigurationKey("profiles.*.expiry"),
            ConfigurationKey("ldap.*", .noEffect("off")),
            ConfigurationKey("ldap.enabled", .refused("not here"), inert: ["false"], isBoolean: true),
            ConfigurationKey("special", environment: "APP_SPECIAL_MODE"),
        ],
        environmentPrefix: "APP_",
        spellings: ["listenAddress"]
    )

    func decoded(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    @Test func keysMatchInAnyCaseAndAreWrittenAsTheDecoderReadsThem() throws {
        let yaml = try table.prepare(
            yaml: "PORT: 1\nOperations:\n  ListenAddress: x:1\nprofiles:\n  MyTLS:\n    EXPIRY: 1h\n"
        )
        let result = try decoded(yaml)
        #expect(result["port"] as? Int == 1)
        #expect((result["operations"] as? [String: Any])?["listenAddress"] as? String == "x:1")
        // a pattern's element keeps the file's spelling: it is a name, not a key
        #expect((result["profiles"] as? [String: Any])?["MyTLS"] != nil)
    }

    @Test func unknownKeysAreRefusedEachByName() {
        let error = #expect(throws: CharterError.self) {
            try table.prepare(yaml: "port: 1\ntls:\n  enable: true\nmystery: 2\n")
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("'tls.enable'") == true)
        #expect(error?.message.contains("'mystery'") == true)
    }

    @Test func refusedKeysPassOnlyWithValuesThatAskForNothing() throws {
        _ = try table.prepare(yaml: "ldap:\n  enabled: false\n  url: ldap://x\n")
        _ = try table.prepare(yaml: "ldap:\n  enabled: ~\n")
        let error = #expect(throws: CharterError.self) { try table.prepare(yaml: "ldap:\n  enabled: TRUE\n") }
        #expect(error?.message.contains("'ldap.enabled' is set to 'TRUE'") == true)
        #expect(error?.message.contains("not here") == true)
    }

    @Test func wholeValuesAreNotDescendedInto() throws {
        _ = try table.prepare(yaml: "people:\n  - name: a\n    anything: 1\n")
    }

    @Test func theEnvironmentSetsKeysAndFlagsWinOverIt() throws {
        let yaml = try table.prepare(
            yaml: "port: 1\n",
            environment: [
                "APP_PORT": "2", "APP_HOSTS": "a, b", "APP_SPECIAL_MODE": "mode-1", "APP_SERVICE_HOST": "10.0.0.1",
            ],
            flags: ["--port", "3", "--tls.enabled", "--operations.listenaddress=h:9"]
        )
        let result = try decoded(yaml)
        #expect(result["port"] as? Int == 3)
        #expect(result["hosts"] as? [String] == ["a", "b"])
        #expect(result["special"] as? String == "mode-1")
        #expect((result["tls"] as? [String: Any])?["enabled"] as? Bool == true)
        #expect((result["operations"] as? [String: Any])?["listenAddress"] as? String == "h:9")
        #expect(result["service"] == nil)
    }

    @Test func refusedValuesFromTheEnvironmentOrFlagsAreRefusedToo() {
        #expect(throws: CharterError.self) { try table.prepare(yaml: "", environment: ["APP_LDAP_ENABLED": "true"]) }
        #expect(throws: CharterError.self) { try table.prepare(yaml: "", flags: ["--ldap.enabled"]) }
    }

    @Test(arguments: [["--nosuch", "1"], ["--port"], ["port", "1"], ["--"]])
    func badFlagsAreRefused(flags: [String]) {
        #expect(throws: CharterError.self) { try table.prepare(yaml: "", flags: flags) }
    }

    @Test(arguments: ["[1, 2]", "just text", "a: [", "\u{0}"])
    func filesThatAreNotMappingsAreRefused(yaml: String) {
        #expect(throws: CharterError.self) { try table.prepare(yaml: yaml) }
    }

    @Test func anEmptyFileIsAnEmptyConfiguration() throws {
        #expect(try decoded(try table.prepare(yaml: "")).isEmpty)
    }
}
