import CharterCore
import CharterStore
import Foundation
import Testing

/// Two registries on one database behave like two replicas, on every server replicas can share:
/// what must be exact across replicas is decided by the database.
@Suite struct SharedRegistryTests {
    func record(for id: String) throws -> CertificateRecord {
        try TestCertificates.record(for: id)
    }

    @Test(arguments: RegistryBackend.shared) func maxEnrollmentsHoldAcrossReplicas(_ backend: RegistryBackend)
        async throws
    {
        let (a, b) = try await backend.replicas()
        try await a.insert(
            Identity(id: "peer0", type: "peer", affiliation: "", attributes: [], maxEnrollments: 5, secretHash: "h")
        )
        let records = try (0..<20).map { _ in try record(for: "peer0") }
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for (index, certificate) in records.enumerated() {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    (try? await replica.recordEnrollment(
                        EnrollmentRecord(certificate: certificate, countsAsEnrollment: true)
                    )) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 5)
        #expect(try await b.counts().certificates == 5)
        #expect(try await a.identity("peer0")?.enrollments == 5)
        // both replicas appended to one log, in one order: exactly the accepted certificates
        #expect(try await a.logSize() == 5)
        let leaves = try await b.logEntries(start: 0, count: 10).map(MerkleTree.leafHash)
        #expect(try await MerkleTree.root(size: 5, node: a.nodeReader) == MerkleTree.root(of: leaves[...]))
    }

    @Test(arguments: RegistryBackend.shared) func crlNumbersStrictlyIncreaseAcrossReplicas(_ backend: RegistryBackend)
        async throws
    {
        let (a, b) = try await backend.replicas()
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask { try await replica.nextCRLNumber() }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...40))
    }

    @Test(arguments: RegistryBackend.shared) func lockoutHoldsAcrossReplicas(_ backend: RegistryBackend) async throws {
        let (a, b) = try await backend.replicas()
        try await a.insert(
            Identity(id: "user1", type: "client", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask { try await replica.countLoginAttempt("user1", limit: 7) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 7)
    }

    @Test(arguments: RegistryBackend.shared) func identityUpdatesOnBothReplicasAreAllKept(_ backend: RegistryBackend)
        async throws
    {
        let (a, b) = try await backend.replicas()
        try await a.insert(
            Identity(id: "peer1", type: "peer", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    _ = try await replica.updateIdentity("peer1") {
                        $0.attributes.append(IdentityAttribute(name: "a\(index)", value: "\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try #require(try await b.identity("peer1"))
        #expect(Set(stored.attributes.map(\.name)) == Set((0..<20).map { "a\($0)" }))
    }

    @Test(arguments: RegistryBackend.shared) func aCertificateIsRevokedOnceAcrossReplicas(_ backend: RegistryBackend)
        async throws
    {
        let (a, b) = try await backend.replicas()
        try await a.insert(
            Identity(id: "peer2", type: "peer", affiliation: "", attributes: [], maxEnrollments: -1, secretHash: "h")
        )
        let certificate = try record(for: "peer2")
        try await a.recordEnrollment(EnrollmentRecord(certificate: certificate, countsAsEnrollment: true))
        let outcomes = await withTaskGroup(of: CharterError.Code?.self) { group in
            for index in 0..<10 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    do {
                        _ = try await replica.revokeCertificate(
                            serial: certificate.serial,
                            authorityKeyIdentifier: certificate.authorityKeyIdentifier,
                            reason: .keyCompromise,
                            at: Date()
                        )
                        return nil
                    } catch let error as CharterError {
                        return error.code
                    } catch {
                        return .storage
                    }
                }
            }
            return await group.reduce(into: [CharterError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .alreadyRevoked })
    }
}
