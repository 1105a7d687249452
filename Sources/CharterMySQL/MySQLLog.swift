// The transparency log on MySQL: appended in the transaction that writes the certificate or
// revocation row, under the lock of the single `log_state` row, so the log has one total order
// across replicas and a row is committed exactly when its leaves are. Entries are derived from
// the rows when served, as on PostgreSQL.

import CharterCore
import CharterStore
import Foundation

enum MySQLLog {
    /// Appends the record's entries in order inside the caller's transaction.
    static func append(_ connection: MySQLConnection, _ record: CertificateRecord, revocationOnly: Bool = false)
        throws
    {
        let entries = record.logEntries(revocationOnly: revocationOnly)
        guard !entries.isEmpty else { return }
        guard var size = try connection.execute("SELECT size FROM log_state WHERE id = 1 FOR UPDATE").integer() else {
            throw CharterError(.storage, "The transparency log's state row is missing")
        }
        for entry in entries {
            let leaf = MerkleTree.leafHash(entry.encoded)
            try connection.execute(
                """
                INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, hash)
                VALUES (\(size), \(Int(entry.kind)), \(record.serial), \(record.authorityKeyIdentifier), \(bytes: leaf))
                """
            )
            let siblings = try MerkleTree.leftSiblings(ofLeafAt: size).map {
                try node(connection, level: $0.level, index: $0.index)
            }
            for node in MerkleTree.completedNodes(appending: leaf, at: size, siblings: siblings) {
                try connection.execute(
                    "INSERT INTO log_nodes (level, idx, hash) VALUES (\(node.level), \(node.index), \(bytes: node.hash))"
                )
            }
            size += 1
        }
        try connection.execute("UPDATE log_state SET size = \(size) WHERE id = 1")
    }

    static func node(_ connection: MySQLConnection, level: Int, index: Int) throws -> MerkleTree.Hash {
        let query: MySQLQuery =
            level == 0
            ? "SELECT hash FROM log_leaves WHERE idx = \(index)"
            : "SELECT hash FROM log_nodes WHERE level = \(level) AND idx = \(index)"
        guard let hash = try connection.execute(query).rows.first?.first ?? nil else {
            throw CharterError(.storage, "The transparency log has no node at level \(level), index \(index)")
        }
        return hash
    }
}

extension MySQLRegistry {
    public func logSize() async throws -> Int {
        try await run { connection in try connection.execute("SELECT size FROM log_state WHERE id = 1").integer() ?? 0 }
    }

    public func logNodes(level: Int, start: Int, count: Int) async throws -> [MerkleTree.Hash] {
        let end = start + count
        let query: MySQLQuery =
            level == 0
            ? "SELECT hash FROM log_leaves WHERE idx >= \(start) AND idx < \(end) ORDER BY idx"
            : "SELECT hash FROM log_nodes WHERE level = \(level) AND idx >= \(start) AND idx < \(end) ORDER BY idx"
        return try await run { connection in try connection.execute(query).rows.compactMap { $0.first ?? nil } }
    }

    public func logLeaves(start: Int, count: Int) async throws -> [LogLeaf] {
        try await run { connection in
            try connection.execute(
                """
                SELECT l.idx AS leaf_idx, l.kind AS leaf_kind, l.serial_number AS leaf_serial,
                    l.authority_key_identifier AS leaf_aki, l.hash AS leaf_hash,
                    \(unescaped: MySQLRows.columns(MySQLRows.certificateColumns, of: "c"))
                FROM log_leaves l LEFT JOIN certificates c
                    ON c.serial_number = l.serial_number AND c.authority_key_identifier = l.authority_key_identifier
                WHERE l.idx >= \(start) AND l.idx < \(start + count) ORDER BY l.idx
                """
            ).named.map { row in
                LogLeaf(
                    index: try row.int("leaf_idx"),
                    isRevocation: try row.int("leaf_kind") == Int(LogEntry.revocationKind),
                    serial: try row.text("leaf_serial"),
                    authorityKeyIdentifier: try row.text("leaf_aki"),
                    hash: try row.bytes("leaf_hash"),
                    certificate: try row.raw("pem") == nil ? nil : try MySQLRows.certificate(row)
                )
            }
        }
    }

    public func logIndices(serial: String, authorityKeyIdentifier: String) async throws -> [Int] {
        try await run { connection in
            try connection.execute(
                """
                SELECT idx FROM log_leaves
                WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier) ORDER BY idx
                """
            ).named.map { try $0.int("idx") }
        }
    }

    public func saveCheckpoint(size: Int, note: String) async throws {
        try await run { connection in
            try connection.execute(
                "INSERT INTO log_checkpoints (size, note) VALUES (\(size), \(note)) ON DUPLICATE KEY UPDATE size = size"
            )
        }
    }

    public func latestCheckpoint() async throws -> (size: Int, note: String)? {
        try await run { connection in
            try connection.execute("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1").named.first.map
            {
                (try $0.int("size"), try $0.text("note"))
            }
        }
    }

    public func checkpoints() async throws -> [(size: Int, note: String)] {
        try await run { connection in
            try connection.execute("SELECT size, note FROM log_checkpoints ORDER BY size").named.map {
                (try $0.int("size"), try $0.text("note"))
            }
        }
    }
}
