import CharterCore
import Testing

@Suite struct AccessControlTests {
    let admin = Fixture.identity("admin", type: "client", affiliation: "", attributes: ReservedAttribute.bootstrapAdmin)
    let org1Registrar = Fixture.identity(
        "reg1",
        type: "client",
        affiliation: "org1",
        attributes: [
            IdentityAttribute(name: "hf.Registrar.Roles", value: "peer,client"),
            IdentityAttribute(name: "hf.Registrar.DelegateRoles", value: "client"),
            IdentityAttribute(
                name: "hf.Registrar.Attributes",
                value: "app.*,hf.Registrar.Roles,hf.Registrar.DelegateRoles,hf.Revoker"
            ),
        ]
    )

    @Test func bootstrapAdminMayRegisterAnything() throws {
        try AccessControl.checkRegistration(
            registrar: admin,
            type: "orderer",
            affiliation: "org2.department1",
            attributes: [
                IdentityAttribute(name: "hf.Revoker", value: "true"), IdentityAttribute(name: "anything", value: "x"),
            ]
        )
    }

    @Test func rolesLimitTypes() throws {
        try AccessControl.checkRegistration(registrar: org1Registrar, type: "peer", affiliation: "org1", attributes: [])
        let error = #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "orderer",
                affiliation: "org1",
                attributes: []
            )
        }
        #expect(error?.code == .authorizationFailure)
    }

    @Test func affiliationScopeIsOwnAndBelow() throws {
        try AccessControl.checkRegistration(
            registrar: org1Registrar,
            type: "peer",
            affiliation: "org1.department1",
            attributes: []
        )
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "peer",
                affiliation: "org2",
                attributes: []
            )
        }
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "peer",
                affiliation: "org10",
                attributes: []
            )
        }
    }

    @Test func registrarAttributesPatternsLimitAttributes() throws {
        try AccessControl.checkRegistration(
            registrar: org1Registrar,
            type: "peer",
            affiliation: "org1",
            attributes: [IdentityAttribute(name: "app.color", value: "red")]
        )
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "peer",
                affiliation: "org1",
                attributes: [IdentityAttribute(name: "other", value: "x")]
            )
        }
    }

    @Test func powersCannotBeGrantedWithoutHavingThem() {
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "peer",
                affiliation: "org1",
                attributes: [IdentityAttribute(name: "hf.Revoker", value: "true")]
            )
        }
    }

    @Test func rolesGrantedMustBeOwnRoles() throws {
        try AccessControl.checkRegistration(
            registrar: org1Registrar,
            type: "client",
            affiliation: "org1",
            attributes: [IdentityAttribute(name: "hf.Registrar.Roles", value: "client")]
        )
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: org1Registrar,
                type: "client",
                affiliation: "org1",
                attributes: [IdentityAttribute(name: "hf.Registrar.Roles", value: "orderer")]
            )
        }
    }

    @Test func fixedAttributesCannotBeRegistered() {
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: admin,
                type: "client",
                affiliation: "",
                attributes: [IdentityAttribute(name: "hf.Type", value: "admin")]
            )
        }
    }

    @Test func withoutRolesNothingMayBeRegistered() {
        let peer = Fixture.identity("peer0")
        #expect(throws: CharterError.self) {
            try AccessControl.checkRegistration(
                registrar: peer,
                type: "client",
                affiliation: "org1.department1",
                attributes: []
            )
        }
    }
}

@Suite struct CertificateListingTests {
    @Test func othersCertificatesNeedRegistrarOrRevoker() throws {
        let plain = Fixture.identity("plain")
        try AccessControl.checkCertificateListing(caller: plain, of: "plain")
        #expect(throws: CharterError.self) { try AccessControl.checkCertificateListing(caller: plain, of: nil) }
        #expect(throws: CharterError.self) { try AccessControl.checkCertificateListing(caller: plain, of: "other") }
        let revoker = Fixture.identity("rev", attributes: [IdentityAttribute(name: "hf.Revoker", value: "true")])
        try AccessControl.checkCertificateListing(caller: revoker, of: nil)
    }

}

/// Acting on an identity (modify, remove, revoke) needs every power it holds.
@Suite struct ActingOnIdentityTests {

    static let admin = AccessControlTests().admin
    static let weak = Fixture.identity(
        "weak",
        type: "client",
        affiliation: "",
        attributes: [
            IdentityAttribute(name: "hf.Registrar.Roles", value: "client"),
            IdentityAttribute(name: "hf.Registrar.Attributes", value: "app.*"),
        ]
    )

    static let powerTargets: [(String, [IdentityAttribute])] = [
        ("roles", [IdentityAttribute(name: "hf.Registrar.Roles", value: "client,peer")]),
        ("all roles", [IdentityAttribute(name: "hf.Registrar.Roles", value: "*")]),
        ("delegate roles", [IdentityAttribute(name: "hf.Registrar.DelegateRoles", value: "client")]),
        ("attribute patterns", [IdentityAttribute(name: "hf.Registrar.Attributes", value: "*")]),
        ("revoker", [IdentityAttribute(name: "hf.Revoker", value: "true")]),
        ("gencrl", [IdentityAttribute(name: "hf.GenCRL", value: "1")]),
        ("affiliation manager", [IdentityAttribute(name: "hf.AffiliationMgr", value: "T")]),
        ("intermediate CA", [IdentityAttribute(name: "hf.IntermediateCA", value: "true")]),
    ]

    @Test(arguments: powerTargets.map(\.0))
    func actingOnAStrongerIdentityIsRefusedToTheWeakAllowedToTheAdmin(power: String) throws {
        let attributes = try #require(Self.powerTargets.first { $0.0 == power }?.1)
        let target = Fixture.identity("target", type: "client", affiliation: "", attributes: attributes)
        let error = #expect(throws: CharterError.self) {
            try AccessControl.checkActOn(caller: Self.weak, target: target)
        }
        #expect(error?.code == .authorizationFailure)
        #expect(AccessControl.canSee(caller: Self.weak, target: target))
        try AccessControl.checkActOn(caller: Self.admin, target: target)
    }

    @Test func aPowerSetToFalseIsNoPower() throws {
        let target = Fixture.identity(
            "target",
            type: "client",
            affiliation: "",
            attributes: [IdentityAttribute(name: "hf.Revoker", value: "false")]
        )
        try AccessControl.checkActOn(caller: Self.weak, target: target)
    }

    @Test func removingAnAttributeNeedsTheRightToSetIt() throws {
        let removal = IdentityAttribute(name: "other.flag", value: "")
        let error = #expect(throws: CharterError.self) {
            try AccessControl.checkGrant(registrar: Self.weak, attribute: removal, requested: [removal])
        }
        #expect(error?.code == .authorizationFailure)
        let allowed = IdentityAttribute(name: "app.flag", value: "")
        try AccessControl.checkGrant(registrar: Self.weak, attribute: allowed, requested: [allowed])
    }

    @Test func unknownReservedNamesAreRefusedEvenToTheAdmin() {
        let unknown = IdentityAttribute(name: "hf.SuperUser", value: "true")
        let error = #expect(throws: CharterError.self) {
            try AccessControl.checkGrant(registrar: Self.admin, attribute: unknown, requested: [unknown])
        }
        #expect(error?.code == .authorizationFailure)
    }
}
