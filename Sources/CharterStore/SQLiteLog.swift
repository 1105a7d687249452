// The transparency log in SQLite: leaves (the hash, and the serial and AKI of the row they log)
// and the perfect subtrees above them, appended inside the transaction that writes the row, so a
// certificate is on record exactly when it is in the log. The row keeps its own log indices: a
// certificate's proof is found through its primary key, with no index on the leaves to update.

import CharterCore
import Foundation
import GRDB

enum SQLiteLog {
    /// Inserts a certificate row and appends its issuance (and, for a row recorded revoked, its
    /// revocation); SQLite's single writer gives the log one total order.
    static func record(_ db: Database, _ certificate: CertificateRecord) throws {
        let index = try size(db)
        let entries = certificate.logEntries()
        try certificate.insertCached(db, logIndex: index, revocationLogIndex: entries.count > 1 ? index + 1 : nil)
        try append(db, entries, at: index, of: certificate)
    }

    /// Appends the entries of a row already in the table and points the row at them: only its
    /// revocation when it was just revoked, all of them when the row predates the log.
    static func log(_ db: Database, _ certificate: CertificateRecord, revocationOnly: Bool) throws {
        let index = try size(db)
        let entries = certificate.logEntries(revocationOnly: revocationOnly)
        try append(db, entries, at: index, of: certificate)
        let (issuance, revocation): (Int?, Int?) =
            revocationOnly ? (nil, index) : (index, entries.count > 1 ? index + 1 : nil)
        try db.cachedStatement(
            sql: """
                UPDATE certificates SET log_index = COALESCE(?, log_index), revocation_log_index = ?
                WHERE serial_number = ? AND authority_key_identifier = ?
                """
        ).execute(arguments: [issuance, revocation, certificate.serial, certificate.authorityKeyIdentifier])
    }

    static func size(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")) ?? 0
    }

    private static func append(_ db: Database, _ entries: [LogEntry], at start: Int, of certificate: CertificateRecord)
        throws
    {
        for (offset, entry) in entries.enumerated() {
            let index = start + offset
            let leaf = MerkleTree.leafHash(entry.encoded)
            try db.cachedStatement(
                sql:
                    "INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, hash) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [
                index, Int(entry.kind), certificate.serial, certificate.authorityKeyIdentifier, Data(leaf),
            ])
            let siblings = try MerkleTree.leftSiblings(ofLeafAt: index).map {
                try node(db, level: $0.level, index: $0.index)
            }
            for node in MerkleTree.completedNodes(appending: leaf, at: index, siblings: siblings) {
                try db.cachedStatement(sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
                    .execute(arguments: [node.level, node.index, Data(node.hash)])
            }
        }
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

    public func logLeaves(start: Int, count: Int) async throws -> [LogLeaf] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.idx AS leaf_idx, l.kind AS leaf_kind, l.serial_number AS leaf_serial,
                        l.authority_key_identifier AS leaf_aki, l.hash AS leaf_hash, c.*
                    FROM log_leaves l LEFT JOIN certificates c
                        ON c.serial_number = l.serial_number AND c.authority_key_identifier = l.authority_key_identifier
                    WHERE l.idx >= ? AND l.idx < ? ORDER BY l.idx
                    """,
                arguments: [start, start + count]
            ).map { row in
                let hash: Data = row["leaf_hash"]
                let pem: String? = row["pem"]
                return LogLeaf(
                    index: row["leaf_idx"],
                    isRevocation: (row["leaf_kind"] as Int) == Int(LogEntry.revocationKind),
                    serial: row["leaf_serial"],
                    authorityKeyIdentifier: row["leaf_aki"],
                    hash: Array(hash),
                    certificate: pem == nil ? nil : CertificateRecord(row: row)
                )
            }
        }
    }

    public func logIndices(serial: String, authorityKeyIdentifier: String) async throws -> [Int] {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT log_index, revocation_log_index FROM certificates WHERE serial_number = ? AND authority_key_identifier = ?",
                arguments: [serial, authorityKeyIdentifier]
            )
            let indices: [Int?] = [row?["log_index"], row?["revocation_log_index"]]
            return indices.compactMap { $0 }
        }
    }

    public func saveCheckpoint(size: Int, note: String) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO log_checkpoints (size, note, created_at) VALUES (?, ?, ?)",
                arguments: [size, note, StoredDate(Date())]
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
