import CharterCore
import CharterStore
import Foundation
import Testing

@Suite struct RegistryTests {
    func identity(_ id: String, max: Int = -1) -> Identity {
        Identity(
            id: id,
            type: "peer",
            affiliation: "org1",
            attributes: [IdentityAttribute(name: "foo", value: "bar", ecert: true)],
            maxEnrollments: max,
            secretHash: "h"
        )
    }

    func record(for id: String) -> CertificateRecord {
        try! TestCertificates.record(for: id)
    }

    @Test(arguments: RegistryBackend.all) func identitiesRoundTripWithAttributes(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let loaded = try #require(try await registry.identity("peer0"))
        #expect(loaded == identity("peer0"))
        #expect(try await registry.identity("nobody") == nil)
    }

    @Test(arguments: RegistryBackend.all) func duplicateIdentityIsRefusedAndTheFirstKept(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        var other = identity("peer0")
        other.secretHash = "other"
        let error = await #expect(throws: CharterError.self) { try await registry.insert(other) }
        #expect(error?.code == .duplicateIdentity)
        #expect(try await registry.identity("peer0")?.secretHash == "h")
    }

    @Test(arguments: RegistryBackend.all) func enrollmentIsRecordedAndCounted(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0", max: 1))
        _ = try await registry.countLoginAttempt("peer0", limit: 10)
        let certificate = record(for: "peer0")
        try await registry.recordEnrollment(EnrollmentRecord(certificate: certificate, countsAsEnrollment: true))
        let stored = try await registry.certificate(
            serial: certificate.serial,
            authorityKeyIdentifier: certificate.authorityKeyIdentifier
        )
        #expect(stored == certificate)
        let after = try #require(try await registry.identity("peer0"))
        #expect(after.enrollments == 1)
        #expect(after.incorrectPasswordAttempts == 0)
    }

    @Test(arguments: RegistryBackend.all) func maxEnrollmentsIsEnforcedInTheTransaction(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0", max: 1))
        try await registry.recordEnrollment(
            EnrollmentRecord(certificate: record(for: "peer0"), countsAsEnrollment: true)
        )
        let refused = record(for: "peer0")
        await #expect(throws: CharterError.self) {
            try await registry.recordEnrollment(EnrollmentRecord(certificate: refused, countsAsEnrollment: true))
        }
        #expect(
            try await registry.certificate(
                serial: refused.serial,
                authorityKeyIdentifier: refused.authorityKeyIdentifier
            ) == nil
        )
        // a reenrollment does not count
        try await registry.recordEnrollment(
            EnrollmentRecord(certificate: record(for: "peer0"), countsAsEnrollment: false)
        )
        #expect(try await registry.counts().certificates == 2)
    }

    @Test(arguments: RegistryBackend.all) func concurrentEnrollmentsShareCommitsButLimitsStayExact(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0", max: 5))
        let records = (0..<40).map { _ in record(for: "peer0") }
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for certificate in records {
                group.addTask {
                    (try? await registry.recordEnrollment(
                        EnrollmentRecord(certificate: certificate, countsAsEnrollment: true)
                    )) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 5)
        #expect(try await registry.counts().certificates == 5)
        #expect(try await registry.identity("peer0")?.enrollments == 5)
    }

    @Test(arguments: RegistryBackend.all) func aRefusedEnrollmentDoesNotFailItsBatch(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let good = record(for: "peer0")
        let orphan = record(for: "nobody")
        let first = Task {
            try await registry.recordEnrollment(EnrollmentRecord(certificate: good, countsAsEnrollment: true))
        }
        let second = Task {
            try await registry.recordEnrollment(EnrollmentRecord(certificate: orphan, countsAsEnrollment: true))
        }
        try await first.value
        await #expect(throws: CharterError.self) { try await second.value }
        #expect(
            try await registry.certificate(serial: good.serial, authorityKeyIdentifier: good.authorityKeyIdentifier)
                != nil
        )
        #expect(
            try await registry.certificate(serial: orphan.serial, authorityKeyIdentifier: orphan.authorityKeyIdentifier)
                == nil
        )
    }

    @Test(arguments: RegistryBackend.all) func loginAttemptsAccumulateUpToTheLimit(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        #expect(try await registry.countLoginAttempt("peer0", limit: 2) == 1)
        #expect(try await registry.countLoginAttempt("peer0", limit: 2) == 2)
        #expect(try await registry.countLoginAttempt("peer0", limit: 2) == nil)
        #expect(try await registry.identity("peer0")?.incorrectPasswordAttempts == 2)
        try await registry.resetLoginAttempts("peer0")
        #expect(try await registry.countLoginAttempt("peer0", limit: 2) == 1)
        #expect(try await registry.countLoginAttempt("peer0", limit: 0) == 2)
    }

    @Test(arguments: RegistryBackend.all) func concurrentLoginAttemptsNeverPassTheLimit(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 { group.addTask { try await registry.countLoginAttempt("peer0", limit: 10) != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 10)
    }

    @Test(arguments: RegistryBackend.all) func identityUpdatesWriteOnlyWhatChanged(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        // A revocation lands between the caller's read and its update: the update must not undo it.
        _ = try await registry.revokeIdentity("peer0", reason: .keyCompromise, at: Date())
        let updated = try await registry.updateIdentity("peer0") { $0.secretHash = "new" }
        #expect(updated.revoked)
        let stored = try #require(try await registry.identity("peer0"))
        #expect(stored.revoked)
        #expect(stored.secretHash == "new")
    }

    @Test(arguments: RegistryBackend.all) func identityUpdatesCheckTheAffiliationAndRollBack(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let error = await #expect(throws: CharterError.self) {
            try await registry.updateIdentity("peer0") {
                $0.secretHash = "new"
                $0.affiliation = "nowhere"
            }
        }
        #expect(error?.code == .unknownAffiliation)
        #expect(try await registry.identity("peer0")?.secretHash == "h")
    }

    @Test(arguments: RegistryBackend.all) func affiliationsAddTheirParents(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.addAffiliations(["org1.department1.team1"])
        #expect(try await registry.affiliationExists("org1"))
        #expect(try await registry.affiliationExists("org1.department1"))
        #expect(try await registry.affiliationExists("org1.department1.team1"))
        #expect(try await !registry.affiliationExists("org2"))
    }

    @Test(arguments: RegistryBackend.all) func concurrentEnrollmentsNeverLock(_ backend: RegistryBackend) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        for i in 0..<32 { try await registry.insert(identity("p\(i)")) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<32 {
                let certificate = record(for: "p\(i)")
                group.addTask {
                    try await registry.recordEnrollment(
                        EnrollmentRecord(certificate: certificate, countsAsEnrollment: true)
                    )
                }
            }
            try await group.waitForAll()
        }
        #expect(try await registry.counts().certificates == 32)
    }

    @Test(arguments: RegistryBackend.all) func expiringCertificatesAreCountedByWindowWithoutRevokedOnes(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let soon = record(for: "peer0")
        let revoked = record(for: "peer0")
        try await registry.recordEnrollment(EnrollmentRecord(certificate: soon, countsAsEnrollment: true))
        try await registry.recordEnrollment(EnrollmentRecord(certificate: revoked, countsAsEnrollment: true))
        _ = try await registry.revokeCertificate(
            serial: revoked.serial,
            authorityKeyIdentifier: revoked.authorityKeyIdentifier,
            reason: .superseded,
            at: Date()
        )
        let now = Date()
        #expect(try await registry.countUnrevoked(notAfterFrom: now, to: soon.notAfter) == 1)
        #expect(try await registry.countUnrevoked(notAfterFrom: now, to: soon.notAfter.addingTimeInterval(-1)) == 0)
    }

    @Test(arguments: RegistryBackend.all) func everyIssuanceAndRevocationIsAppendedToTheLog(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(identity("peer0"))
        let records = (0..<5).map { _ in record(for: "peer0") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask {
                    try await registry.recordEnrollment(
                        EnrollmentRecord(certificate: record, countsAsEnrollment: false)
                    )
                }
            }
            try await group.waitForAll()
        }
        _ = try await registry.revokeCertificate(
            serial: records[0].serial,
            authorityKeyIdentifier: records[0].authorityKeyIdentifier,
            reason: .keyCompromise,
            at: Date()
        )
        #expect(try await registry.logSize() == 6)
        let entries = try await registry.logEntries(start: 0, count: 100)
        #expect(entries.count == 6)
        let decoded = entries.compactMap(LogEntry.init(decoding:))
        #expect(decoded.count == 6)
        #expect(Set(decoded.prefix(5)) == Set(records.map(\.issuanceEntry)))
        if case .revocation(let revocation) = decoded[5] {
            #expect(revocation.serial == records[0].serial && revocation.reason == 1)
        } else {
            Issue.record("the last entry is not the revocation")
        }
        // The stored subtrees give the root of the leaves, and a proof for each certificate.
        let leaves = entries.map(MerkleTree.leafHash)
        let root = try await MerkleTree.root(size: 6, node: registry.nodeReader)
        #expect(root == MerkleTree.root(of: leaves[...]))
        let indices = try await registry.logIndices(
            serial: records[0].serial,
            authorityKeyIdentifier: records[0].authorityKeyIdentifier
        )
        #expect(indices.count == 2 && indices.last == 5)
        let proof = try await MerkleTree.inclusionProof(index: indices[0], size: 6, node: registry.nodeReader)
        #expect(
            MerkleTree.verifyInclusion(leaf: leaves[indices[0]], index: indices[0], size: 6, proof: proof, root: root)
        )
        try await registry.saveCheckpoint(size: 6, note: "n")
        try await registry.saveCheckpoint(size: 6, note: "again")
        #expect(try await registry.checkpoints().map(\.size) == [6])
    }

    /// Batches append many leaves at once from the tree's frontier: every stored subtree must be
    /// the one single appends would have made, whatever sizes the batches start and end at.
    @Test(arguments: RegistryBackend.all) func batchedAppendsStoreTheTreeSingleAppendsWould(
        _ backend: RegistryBackend
    ) async throws {
        let registry = try await backend.open(affiliations: ["org1"])
        var total = 0
        for size in [3, 5, 1, 9, 16, 2] {
            try await registry.record((0..<size).map { _ in record(for: "peer0") })
            total += size
            let leaves = try await registry.logEntries(start: 0, count: 100).map(MerkleTree.leafHash)
            #expect(leaves.count == total)
            let root = try await MerkleTree.root(size: total, node: registry.nodeReader)
            #expect(root == MerkleTree.root(of: leaves[...]))
            for index in [0, total / 2, total - 1] {
                let proof = try await MerkleTree.inclusionProof(index: index, size: total, node: registry.nodeReader)
                #expect(
                    MerkleTree.verifyInclusion(leaf: leaves[index], index: index, size: total, proof: proof, root: root)
                )
            }
        }
    }

    @Test func aReadOnlySQLiteRegistryReadsWhatTheWriterCommitted() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("charter-\(UUID().uuidString).db").path
        let registry = try SQLiteRegistry(path: path)
        try await registry.addAffiliations(["org1"])
        try await registry.insert(identity("peer0"))
        let reader = try SQLiteRegistry(path: path, readOnly: true)
        #expect(try await reader.identity("peer0") != nil)
        await #expect(throws: CharterError.self) { try await reader.insert(identity("peer1")) }
    }

    @Test func theSQLiteWriterSyncsEveryCommitAlsoAfterReopening() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("charter-\(UUID().uuidString).db").path
        // A new database, then the same file reopened (already in WAL mode).
        for _ in 0..<2 {
            let durability = try await SQLiteRegistry(path: path).durability()
            #expect(durability == CommitDurability("sqlite synchronous=FULL", survivesPowerCut: true))
        }
    }

    @Test(arguments: RegistryBackend.all) func durabilityIsReportedAsTheDatabaseHasIt(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open()
        let expected = [
            "sqlite": "sqlite synchronous=FULL", "postgres": "postgresql synchronous_commit=on, waits for no standby",
            "mysql": "mysql innodb_flush_log_at_trx_commit=1, sync_binlog=0",
        ]
        let durability = try await registry.durability()
        #expect(durability.description == expected[backend.rawValue])
        #expect(durability.survivesPowerCut)
    }
}
