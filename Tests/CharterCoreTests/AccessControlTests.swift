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
