import CharterCore
import CharterStore
import Foundation
import Testing

@Suite struct LifecycleTests {
    let authority: CertificateAuthority

    init() async throws {
        authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "ca", type: "", affiliation: "")
        )
    }

    func identity(_ id: String, affiliation: String = "org1") -> Identity {
        Identity(id: id, type: "peer", affiliation: affiliation, attributes: [], maxEnrollments: -1, secretHash: "h")
    }

    func enroll(_ id: String, in registry: any Registry) async throws -> CertificateRecord {
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.subject(from: .init(), enrollmentID: id, type: "peer", affiliation: ""),
                profile: .enrollment
            )
        )
        let record = CertificateRecord(issued, enrollmentID: id, caName: "")
        try await registry.recordEnrollment(EnrollmentRecord(certificate: record, countsAsEnrollment: true))
        return record
    }

    @Test(arguments: RegistryBackend.all) func revokingAnIdentityRevokesItsCertificatesAndBlocksEnrollment(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.insert(identity("p1"))
        _ = try await enroll("p1", in: registry)
        _ = try await enroll("p1", in: registry)
        let revoked = try await registry.revokeIdentity("p1", reason: .keyCompromise, at: Date())
        #expect(revoked.count == 2)
        #expect(revoked.allSatisfy { $0.isRevoked && $0.reason == RevocationReason.keyCompromise.rawValue })
        #expect(try await registry.identity("p1")?.revoked == true)
        await #expect(throws: CharterError.self) { _ = try await enroll("p1", in: registry) }
    }

    @Test(arguments: RegistryBackend.all) func revokingAnIDsCertificatesLeavesItsRecordAlone(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.insert(identity("p1"))
        _ = try await enroll("p1", in: registry)
        _ = try await enroll("p1", in: registry)
        let revoked = try await registry.revokeCertificates(of: "p1", reason: .superseded, at: Date())
        #expect(revoked.count == 2)
        #expect(revoked.allSatisfy { $0.isRevoked && $0.reason == RevocationReason.superseded.rawValue })
        #expect(try await registry.identity("p1")?.revoked == false)
        #expect(try await registry.revokeCertificates(of: "p1", reason: .superseded, at: Date()).isEmpty)
        #expect(try await registry.revokeCertificates(of: "nobody", reason: .superseded, at: Date()).isEmpty)
    }

    @Test(arguments: RegistryBackend.all) func aCertificateIsRevokedOnce(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.insert(identity("p1"))
        let record = try await enroll("p1", in: registry)
        _ = try await registry.revokeCertificate(
            serial: record.serial,
            authorityKeyIdentifier: record.authorityKeyIdentifier,
            reason: .superseded,
            at: Date()
        )
        let error = await #expect(throws: CharterError.self) {
            _ = try await registry.revokeCertificate(
                serial: record.serial,
                authorityKeyIdentifier: record.authorityKeyIdentifier,
                reason: .superseded,
                at: Date()
            )
        }
        #expect(error?.code == .alreadyRevoked)
        let unknown = await #expect(throws: CharterError.self) {
            _ = try await registry.revokeCertificate(
                serial: "abc",
                authorityKeyIdentifier: "def",
                reason: .superseded,
                at: Date()
            )
        }
        #expect(unknown?.code == .unknownCertificate)
    }

    @Test(arguments: RegistryBackend.all) func filtersSelectByOwnerStatusAndScope(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.insert(identity("a", affiliation: "org1.department1"))
        try await registry.insert(identity("b", affiliation: "org10"))
        _ = try await enroll("a", in: registry)
        let b = try await enroll("b", in: registry)
        _ = try await registry.revokeCertificate(
            serial: b.serial,
            authorityKeyIdentifier: b.authorityKeyIdentifier,
            reason: .unspecified,
            at: Date()
        )
        var filter = CertificateFilter()
        filter.affiliationScope = "org1"
        #expect(try await registry.certificates(matching: filter).map(\.enrollmentID) == ["a"])
        filter = CertificateFilter()
        filter.revokedOnly = true
        #expect(try await registry.certificates(matching: filter).map(\.enrollmentID) == ["b"])
        filter = CertificateFilter()
        filter.notRevoked = true
        filter.expiredEnd = Date()
        #expect(try await registry.certificates(matching: filter).isEmpty)
    }

    @Test(arguments: RegistryBackend.all) func pagesResumeAfterTheLastKeyAndCoverEveryRowOnce(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        for id in ["d", "a", "e", "c", "b"] { try await registry.insert(identity(id)) }
        var records: [CertificateRecord] = []
        for _ in 0..<7 { records.append(try await enroll("a", in: registry)) }
        _ = try await enroll("b", in: registry)
        var filter = CertificateFilter()
        filter.enrollmentID = "a"
        filter.limit = 3
        var pages: [[CertificateRecord]] = []
        repeat {
            filter.after = pages.last?.last.map {
                CertificateKey(serial: $0.serial, authorityKeyIdentifier: $0.authorityKeyIdentifier)
            }
            pages.append(try await registry.certificates(matching: filter))
        } while pages.last?.count == 3
        #expect(pages.map(\.count) == [3, 3, 1])
        #expect(pages.joined().map(\.serial) == records.map(\.serial).sorted())
        #expect(try await registry.identities(after: nil, limit: 2).map(\.id) == ["a", "b"])
        #expect(try await registry.identities(after: "b", limit: 2).map(\.id) == ["c", "d"])
        #expect(try await registry.identities(after: "d", limit: 2).map(\.id) == ["e"])
        #expect(try await registry.identities().map(\.id) == ["a", "b", "c", "d", "e"])
    }

    @Test(arguments: RegistryBackend.all) func crlNumbersIncrease(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        let first = try await registry.nextCRLNumber()
        let second = try await registry.nextCRLNumber()
        #expect(second == first + 1)
    }

    @Test(arguments: RegistryBackend.all) func renamingAnAffiliationMovesItsTreeAndIdentities(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.addAffiliation("org5.dept", createParents: true)
        try await registry.insert(identity("m", affiliation: "org5.dept"))
        let change = try await registry.renameAffiliation("org5", to: "org6")
        #expect(change.affiliations == ["org5", "org5.dept"])
        #expect(try await registry.affiliations().contains("org6.dept"))
        #expect(try await !registry.affiliationExists("org5"))
        #expect(try await registry.identity("m")?.affiliation == "org6.dept")
    }

    @Test(arguments: RegistryBackend.all) func removingAnAffiliationRemovesItsIdentitiesAndRevokes(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        try await registry.addAffiliation("org5.dept", createParents: true)
        try await registry.insert(identity("m", affiliation: "org5.dept"))
        _ = try await enroll("m", in: registry)
        let change = try await registry.removeAffiliation("org5", at: Date())
        #expect(change.identities.map(\.id) == ["m"])
        #expect(change.revoked.count == 1)
        #expect(try await registry.identity("m") == nil)
        let missing = await #expect(throws: CharterError.self) {
            _ = try await registry.removeAffiliation("org5", at: Date())
        }
        #expect(missing?.code == .affiliationNotFound)
    }

    @Test(arguments: RegistryBackend.all) func parentsMustExistUnlessForced(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1.department1", "org10"])
        let error = await #expect(throws: CharterError.self) {
            try await registry.addAffiliation("orgX.a", createParents: false)
        }
        #expect(error?.code == .unknownAffiliation)
        try await registry.addAffiliation("orgX.a", createParents: true)
        let duplicate = await #expect(throws: CharterError.self) {
            try await registry.addAffiliation("orgX", createParents: false)
        }
        #expect(duplicate?.code == .duplicateAffiliation)
    }
}
