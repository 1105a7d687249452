import CharterCore
import Testing

@Suite struct IdentityRulesTests {
    static let bcrypt = "$2a$10$nzyW8fpULPynzXnnUskSb.JXqB6rYox8kv1xNLgTTOGe1OQv1OGqi"

    func identity(
        id: String = "peer0",
        affiliation: String = "org1",
        attributes: [IdentityAttribute] = [],
        secretHash: String = bcrypt
    ) -> Identity {
        Identity(
            id: id,
            type: "peer",
            affiliation: affiliation,
            attributes: attributes,
            maxEnrollments: -1,
            secretHash: secretHash
        )
    }

    @Test func anOrdinaryRecordPasses() throws {
        try IdentityRules.validate(identity(attributes: [IdentityAttribute(name: "hf.Revoker", value: "true")]))
        try IdentityRules.validate(identity(affiliation: ""))
    }

    @Test(arguments: ["", "\u{0}", "nul\u{0}../../x", "a/b"])
    func badIDsAreRefused(id: String) {
        #expect(throws: CharterError.self) { try IdentityRules.validate(identity(id: id)) }
    }

    @Test(arguments: [
        "org1.admin", "peer", String(repeating: "a.", count: 32) + "a", String(repeating: "x", count: 20_000),
    ])
    func nodeOUNamesAndDeepOrLongAffiliationsAreRefused(affiliation: String) {
        #expect(throws: CharterError.self) { try IdentityRules.validate(identity(affiliation: affiliation)) }
    }

    @Test(arguments: [
        [IdentityAttribute(name: "", value: "1")],
        [IdentityAttribute(name: "a b", value: "1")],
        [IdentityAttribute(name: String(repeating: "n", count: 129), value: "1")],
        [IdentityAttribute(name: "app.x", value: String(repeating: "v", count: 4097))],
        [IdentityAttribute(name: "app.x", value: "bell\u{7}")],
        [IdentityAttribute(name: "hf.GenCRL", value: "yes")],
        (0...64).map { IdentityAttribute(name: "app.a\($0)", value: "1") },
    ])
    func attributesBeyondTheRulesAreRefused(attributes: [IdentityAttribute]) {
        #expect(throws: CharterError.self) { try IdentityRules.validate(identity(attributes: attributes)) }
    }

    @Test(arguments: [
        "", "plain", "$2a$31$" + String(repeating: "a", count: 53), "$2a$03$" + String(repeating: "a", count: 53),
        "$2x$10$" + String(repeating: "a", count: 53), "$2a$10$" + String(repeating: "a", count: 52),
        "$2a$10$" + String(repeating: "!", count: 53), "hmac-sha256$zz",
        "hmac-sha256$" + String(repeating: "0", count: 63),
    ])
    func storedSecretsMustBeCheckableInBoundedTime(stored: String) {
        #expect(throws: CharterError.self) { try SecretHasher.validateStored(stored) }
    }

    @Test func storedSecretsOfEitherKindPass() throws {
        try SecretHasher.validateStored(Self.bcrypt)
        let hasher = try SecretHasher(hmacKey: Array(repeating: 7, count: 32), bcryptCost: 4)
        try SecretHasher.validateStored(hasher.hash("generated", generated: true))
        try SecretHasher.validateStored(hasher.hash("chosen", generated: false))
    }
}
