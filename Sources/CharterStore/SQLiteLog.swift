// The transparency log in SQLite: leaves (entry and hash, with the serial and AKI they concern)
// and the perfect subtrees above them, appended inside the transaction that writes the row, so a
// certificate is on record exactly when it is in the log.

import CharterCore
import Foundation
import GRDB

enum SQLiteLog {
    /// Appends entries in order; SQLite's single writer gives the log one total order.
    static func append(_ db: Database, _ entries: [LogEntry], serial: String, authorityKeyIdentifier: String) throws {
        var size =
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")) ?? 0
        for entry in entries {
            defer { size += 1 }
            let bytes = entry.encoded
            let leaf = MerkleTree.leafHash(bytes)
            let kind: Int
            if case .issuance = entry { kind = 1 } else { kind = 2 }
            try db.cachedStatement(
                sql:
                    "INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, entry, hash) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [size, kind, serial, authorityKeyIdentifier, Data(bytes), Data(leaf)])
            let siblings = try MerkleTree.leftSiblings(ofLeafAt: size).map {
                try node(db, level: $0.level, index: $0.index)
            }
            let completed = MerkleTree.completedNodes(appending: leaf, at: size, siblings: siblings)
            for node in completed {
                try db.cachedStatement(sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
                    .execute(arguments: [node.level, node.index, Data(node.hash)])
            }
        }
    }

    static func append(_ db: Database, _ record: CertificateRecord, revocationOnly: Bool = false) throws {
        try append(
            db,
            record.logEntries(revocationOnly: revocationOnly),
            serial: record.serial,
            authorityKeyIdentifier: record.authorityKeyIdentifier
        )
    }

    /// The hash of a perfect subtree: a leaf at level 0, a stored node above.
    static func node(_ db: Database, level: Int, index: Int) throws -> MerkleTree.Hash {
        let data: Data? =
            level == 0
            ? try Data.fetchOne(
                db.cachedStatement(sql: "SELECT hash FROM log_leaves WHERE idx = ?"),
                arguments: [index]
            )
            : try Data.fetchOne(
                db.cachedStatement(sql: "SELECT hash FROM log_nodes WHERE level = ? AND idx = ?"),
                arguments: [level, index]
            )
        guard let data else {
            throw CharterError(.storage, "The transparency log has no node at level \(level), index \(index)")
        }
        return Array(data)
    }
}

extension SQLiteRegistry {
    public func logSize() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves") ?? 0 }
    }

    public func logNodes(level: Int, start: Int, count: Int) async throws -> [MerkleTree.Hash] {
        try await read { db in
            let sql =
                level == 0
                ? "SELECT hash FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx"
                : "SELECT hash FROM log_nodes WHERE level = \(level) AND idx >= ? AND idx < ? ORDER BY idx"
            return try Data.fetchAll(db, sql: sql, arguments: [start, start + count]).map(Array.init)
        }
    }

    public func logEntries(start: Int, count: Int) async throws -> [[UInt8]] {
        try await read { db in
            try Data.fetchAll(
                db,
                sql: "SELECT entry FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
                arguments: [start, start + count]
            ).map(Array.init)
        }
    }

    public func logIndices(serial: String, authorityKeyIdentifier: String) async throws -> [Int] {
        try await read { db in
            try Int.fetchAll(
                db,
                sql: "SELECT idx FROM log_leaves WHERE serial_number = ? AND authority_key_identifier = ? ORDER BY idx",
                arguments: [serial, authorityKeyIdentifier]
            )
        }
    }

    public func saveCheckpoint(size: Int, note: String) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO log_checkpoints (size, note, created_at) VALUES (?, ?, ?)",
                arguments: [size, note, Date()]
            )
        }
    }

    public func latestCheckpoint() async throws -> (size: Int, note: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1").map {
                ($0[0], $0[1])
            }
        }
    }

    public func checkpoints() async throws -> [(size: Int, note: String)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT size, note FROM log_checkpoints ORDER BY size").map { ($0[0], $0[1]) }
        }
    }
}
