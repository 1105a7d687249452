import CharterCore
import Foundation
import GRDB
import Testing

@testable import CharterStore

@Suite struct SchemaTests {
    func insertV1(_ db: Database, _ record: CertificateRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile,
                    issued_at, not_before, not_after, status, reason, revoked_at, pem)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.serial, record.authorityKeyIdentifier, record.enrollmentID, record.caName, record.profile,
                record.issuedAt, record.notBefore, record.notAfter, record.status, record.reason, record.revokedAt,
                record.pem,
            ]
        )
    }

    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).db").path
    }

    /// The log as served: the leaves hash to what the rows say, the tree to their root, and each
    /// certificate finds its leaf.
    func expectConsistent(_ registry: SQLiteRegistry, _ records: [CertificateRecord]) async throws {
        let size = try await registry.logSize()
        let leaves = try await registry.logLeaves(start: 0, count: size)
        let entries = try await registry.logEntries(start: 0, count: size)
        #expect(leaves.map(\.hash) == entries.map(MerkleTree.leafHash))
        let root = try await MerkleTree.root(size: size, node: registry.nodeReader)
        #expect(root == MerkleTree.root(of: leaves.map(\.hash)[...]))
        for record in records {
            let index = try await registry.logIndices(
                serial: record.serial,
                authorityKeyIdentifier: record.authorityKeyIdentifier
            )
            #expect(index.count == 1 && leaves[index[0]].certificate == record)
        }
    }

    @Test func rowsFromBeforeTheLogAreLoggedInRowOrder() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records = try ["a", "b", "c"].map(TestCertificates.record)
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v2: properties")
        try await queue.write { db in for record in records { try insertV1(db, record) } }
        try queue.close()

        let registry = try SQLiteRegistry(path: path)
        #expect(try await registry.logSize() == 3)
        #expect(try await registry.logLeaves(start: 0, count: 3).map(\.certificate) == records)
        try await expectConsistent(registry, records)
    }

    @Test func aLogThatStoredItsEntriesKeepsItsLeavesAndTree() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records = try ["a", "b", "c"].map(TestCertificates.record)
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v3: transparency log")
        // The shape the log had before entries were derived: the entry stored beside its hash.
        let hashes = records.map { MerkleTree.leafHash($0.issuanceEntry.encoded) }
        try await queue.write { db in
            for (index, record) in records.enumerated() {
                try insertV1(db, record)
                try db.execute(
                    sql: """
                        INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, entry, hash)
                        VALUES (?, 1, ?, ?, ?, ?)
                        """,
                    arguments: [
                        index, record.serial, record.authorityKeyIdentifier, Data(record.issuanceEntry.encoded),
                        Data(hashes[index]),
                    ]
                )
            }
            try db.execute(
                sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (1, 0, ?)",
                arguments: [Data(MerkleTree.root(of: hashes[..<2]))]
            )
        }
        try queue.close()

        let registry = try SQLiteRegistry(path: path)
        #expect(try await registry.logLeaves(start: 0, count: 3).map(\.hash) == hashes)
        try await expectConsistent(registry, records)
        // Appends continue the migrated tree.
        let next = try TestCertificates.record(for: "d")
        try await registry.record(next)
        #expect(try await registry.logSize() == 4)
        try await expectConsistent(registry, records + [next])
    }
}
