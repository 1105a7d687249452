import CharterCore
import CharterStore
import Foundation
import Testing

/// The Idemix state every backend keeps: one-time nonces, issued credentials revoked with their
/// holder, and revocation handles that two replicas never share.
@Suite struct IdemixStateTests {
    @Test(arguments: RegistryBackend.all) func aNonceServesOnceAndOnlyBeforeItExpires(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open()
        let now = Date()
        let nonce = [UInt8](repeating: 7, count: 32)
        try await registry.storeIdemixNonce(nonce, expiresAt: now + 60)
        #expect(try await registry.takeIdemixNonce(nonce, at: now))
        #expect(try await !registry.takeIdemixNonce(nonce, at: now))
        let expiring = [UInt8](repeating: 8, count: 32)
        try await registry.storeIdemixNonce(expiring, expiresAt: now + 1)
        #expect(try await !registry.takeIdemixNonce(expiring, at: now + 2))
        #expect(try await !registry.takeIdemixNonce([1, 2, 3], at: now))
    }

    @Test(arguments: RegistryBackend.all) func credentialsAreRevokedWithTheirHolder(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open(affiliations: ["org1"])
        try await registry.insert(
            Identity(
                id: "anon",
                type: "client",
                affiliation: "org1",
                attributes: [],
                maxEnrollments: -1,
                secretHash: "h"
            )
        )
        #expect(try await registry.current(.idemixRevocationHandle) == 0)
        let handle = try await registry.next(.idemixRevocationHandle)
        #expect(try await registry.current(.idemixRevocationHandle) == handle)
        try await registry.record(
            IdemixCredentialRecord(
                revocationHandle: handle,
                enrollmentID: "anon",
                credential: [1, 2, 3],
                issuedAt: Date()
            )
        )
        #expect(try await registry.goodIdemixCredentials(of: "anon") == 1)
        // A handle is recorded once.
        await #expect(throws: (any Error).self) {
            try await registry.record(
                IdemixCredentialRecord(revocationHandle: handle, enrollmentID: "x", credential: [4], issuedAt: Date())
            )
        }
        _ = try await registry.revokeIdentity("anon", reason: .keyCompromise, at: Date())
        #expect(try await registry.goodIdemixCredentials(of: "anon") == 0)
    }

    @Test(arguments: RegistryBackend.shared) func replicasNeverShareARevocationHandle(_ backend: RegistryBackend)
        async throws
    {
        let (a, b) = try await backend.replicas()
        let handles = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                let replica: any Registry = index.isMultiple(of: 2) ? a : b
                group.addTask { try await replica.next(.idemixRevocationHandle) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(handles.sorted() == Array(1...20))
        // Each sequence counts on its own.
        #expect(try await a.nextCRLNumber() == 1)
    }
}
