import CharterCore
import CharterStore
import Foundation
import Testing

/// ACME's documents on every backend: versioned saves that never overwrite a concurrent change,
/// unique look-up keys, listings and counts per account, nonces taken once.
@Suite struct ACMEStateTests {
    @Test(arguments: RegistryBackend.all) func savesAreVersionedAndLookupKeysUnique(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open()
        let now = Date()
        var account = ACMEObject(kind: .account, id: "a1", lookup: "thumb1", created: now, body: Array("{}".utf8))
        #expect(try await registry.saveACMEObject(account) == 1)
        // The same ID or look-up key again is a conflict, and the first stays.
        for duplicate in [
            ACMEObject(kind: .account, id: "a1", lookup: "thumb2", created: now, body: []),
            ACMEObject(kind: .account, id: "a2", lookup: "thumb1", created: now, body: []),
        ] {
            await #expect(throws: CharterError.self) { try await registry.saveACMEObject(duplicate) }
        }
        #expect(try await registry.acmeObject(.account, lookup: "thumb1")?.id == "a1")
        // Another kind may use the same ID.
        try await registry.saveACMEObject(ACMEObject(kind: .order, id: "a1", account: "a1", created: now, body: []))

        account.version = 1
        account.body = Array(#"{"status":"deactivated"}"#.utf8)
        #expect(try await registry.saveACMEObject(account) == 2)
        // A writer that read version 1 loses to the one that saved version 2.
        await #expect(throws: CharterError.self) { try await registry.saveACMEObject(account) }
        let stored = try #require(try await registry.acmeObject(.account, id: "a1"))
        #expect(stored.version == 2 && stored.body == account.body)

        // A new key for the account may not be another account's.
        try await registry.saveACMEObject(
            ACMEObject(kind: .account, id: "a2", lookup: "thumb2", created: now, body: [])
        )
        account.version = 2
        account.lookup = "thumb2"
        await #expect(throws: CharterError.self) { try await registry.saveACMEObject(account) }
    }

    @Test(arguments: RegistryBackend.all) func ordersAreListedAndCountedPerAccount(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open()
        let now = Date()
        for (index, account) in ["x", "x", "y", "x"].enumerated() {
            try await registry.saveACMEObject(
                ACMEObject(
                    kind: .order,
                    id: "o\(index)",
                    account: account,
                    created: now - Double(4 - index) * 600,
                    body: []
                )
            )
        }
        #expect(try await registry.acmeObjects(.order, account: "x").map(\.id) == ["o0", "o1", "o3"])
        #expect(try await registry.acmeObjects(.order, account: nil).count == 4)
        #expect(try await registry.countACMEObjects(.order, account: "x", since: now - 2000) == 2)
        #expect(try await registry.removeACMEObject(.order, id: "o3", at: now))
        #expect(try await registry.acmeObjects(.order, account: "x").count == 2)
    }

    @Test(arguments: RegistryBackend.all) func aNonceIsTakenOnceAndOnlyBeforeItExpires(_ backend: RegistryBackend)
        async throws
    {
        let registry = try await backend.open()
        let now = Date()
        try await registry.saveACMEObject(ACMEObject(kind: .nonce, id: "n1", created: now, expires: now + 60, body: []))
        try await registry.saveACMEObject(ACMEObject(kind: .nonce, id: "n2", created: now, expires: now + 1, body: []))
        #expect(try await registry.removeACMEObject(.nonce, id: "n1", at: now))
        #expect(try await !registry.removeACMEObject(.nonce, id: "n1", at: now))
        #expect(try await !registry.removeACMEObject(.nonce, id: "n2", at: now + 2))
        #expect(try await !registry.removeACMEObject(.nonce, id: "unknown", at: now))
    }
}
