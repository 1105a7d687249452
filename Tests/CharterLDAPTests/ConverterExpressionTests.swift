import CharterCore
import CharterLDAP
import Testing

@Suite struct ConverterExpressionTests {
    let context = ConverterContext(
        dn: "uid=nonrevoker,ou=eng,ou=people,dc=example,dc=com",
        affiliation: ["people", "eng"],
        attributes: ["uid": ["nonrevoker"], "member": ["cn=peer-admins,ou=groups", "cn=client-admins,ou=groups"]],
        maps: [
            "groups": [
                (name: "cn=peer-admins,ou=groups", value: "peer"),
                (name: "cn=client-admins,ou=groups", value: "client"),
            ]
        ]
    )

    func value(_ text: String) throws -> String {
        try ConverterExpression(parsing: text, attribute: "a").evaluate(context).text
    }

    @Test func fabricCAsDocumentedConvertersWork() throws {
        // `=~` is an unanchored match, as govaluate's: nonrevoker matches "revoker*"
        #expect(try value(#"attr("uid") =~ "revoker*""#) == "true")
        #expect(try value(#"attr("uid") =~ "^revoker""#) == "false")
        #expect(try value(#"map(attr("member"),"groups")"#) == "peer,client")
        #expect(try value(#"attr("member", ";")"#) == "cn=peer-admins,ou=groups;cn=client-admins,ou=groups")
        #expect(try value(#"if(attr("uid") == "nonrevoker", "yes", "no")"#) == "yes")
    }

    @Test func operatorsFollowGovaluate() throws {
        #expect(try value(#"!(attr("uid") == "x") && (1 + 2 * 3 == 7 || false)"#) == "true")
        #expect(try value(#"DN != "" && "eng" in ("eng", "ops")"#) == "true")
        #expect(try value("affiliation") == "[people eng]")
        #expect(try value(#"'a' + "b" + 1"#) == "ab1")
        #expect(try value("7 / 2") == "3.5")
        #expect(try value(#"attr("missing")"#).isEmpty)
    }

    @Test(arguments: [
        "attr(", #"attr("a""#, "nosuch(1)", "attr()", #"map("a")"#, "1 +", "(1", "1 1", "@",
        String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100),
    ])
    func malformedExpressionsAreConfigurationErrors(text: String) {
        let error = #expect(throws: CharterError.self) {
            try ConverterExpression(parsing: text, attribute: "hf.Revoker")
        }
        #expect(error?.code == .configuration)
    }

    @Test(arguments: [#"attr("uid") && true"#, #"map("x", "nomap")"#, #"attr("uid") =~ "(""#, "unknownVariable", "!1"])
    func typeErrorsFailTheEvaluation(text: String) throws {
        let expression = try ConverterExpression(parsing: text, attribute: "a")
        #expect(throws: CharterError.self) { try expression.evaluate(context) }
    }
}

@Suite struct LDAPFilterTests {
    @Test func namesAreEscapedSoTheyOnlyMatchThemselves() {
        #expect(LDAPFilter.filter("(uid=%s)", name: "alice)(uid=*") == #"(uid=alice\29\28uid=\2a)"#)
        #expect(LDAPFilter.filter("(uid=%s)", name: "carol(qa)*") == #"(uid=carol\28qa\29\2a)"#)
        #expect(
            LDAPFilter.filter("(&(uid=%s)(mail=%s@x))", name: #"dan\ops"#) == #"(&(uid=dan\5cops)(mail=dan\5cops@x))"#
        )
        #expect(LDAPFilter.escape("nul\u{0}ü") == "nul\\00ü")
    }
}

@Suite struct LDAPURLTests {
    @Test func fabricCAsURLFormIsRead() throws {
        let url = try LDAPURL(parsing: "ldap://cn=admin,dc=example,dc=com:s%40cret@localhost:10389/dc=example,dc=com")
        #expect(url.bindDN == "cn=admin,dc=example,dc=com" && url.bindPassword == "s@cret")
        #expect(url.host == "localhost" && url.port == 10389 && url.base == "dc=example,dc=com" && !url.usesTLS)
        #expect(!url.description.contains("cret"))
        let secure = try LDAPURL(parsing: "ldaps://ldap.example.com/ou=people")
        #expect(secure.port == 636 && secure.usesTLS && secure.bindDN.isEmpty)
    }

    @Test(arguments: ["http://x/", "ldap://", "ldap://a:b@host:99999/x", "ldap://a:b@:389/x", "nothing"])
    func otherURLsAreRefusedWithoutThePassword(text: String) {
        let error = #expect(throws: CharterError.self) { try LDAPURL(parsing: text) }
        #expect(error?.message.contains("b@") == false)
    }
}
