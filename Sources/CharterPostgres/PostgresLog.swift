// The transparency log on PostgreSQL: appended in the transaction that writes the certificate or
// revocation row, under the lock of the single `log_state` row, so the log has one total order
// across replicas and a row is committed exactly when its leaves are. Leaves keep their hash and
// the key of their row (indexed: pointing the row at its leaves would write a new row version);
// entries are derived from the rows when served.

import CharterCore
import CharterStore
import Foundation
import PostgresNIO

enum PostgresLog {
    /// The entries of one row, with the key of the row they belong to.
    struct Appended: Sendable {
        var entries: [LogEntry]
        var serial: String
        var authorityKeyIdentifier: String
    }

    /// Appends entries in order inside the caller's transaction, in a fixed number of round
    /// trips however many there are: the size is locked, the tree's frontier (the perfect
    /// subtrees covering it) read in one statement, every new leaf and completed node computed
    /// here, and both written in one statement each.
    static func append(_ connection: PostgresConnection, _ rows: [Appended], logger: Logger) async throws {
        let all = rows.flatMap { row in row.entries.map { (entry: $0, row: row) } }
        guard !all.isEmpty else { return }
        var size = 0
        for try await value in try await connection.query(
            "SELECT size FROM log_state WHERE id = 1 FOR UPDATE",
            logger: logger
        ).decode(Int.self) {
            size = value
        }
        var range = try await frontier(connection, size: size, logger: logger)
        var leaves = (index: [Int](), kind: [Int](), serial: [String](), aki: [String](), hash: [ByteBuffer]())
        var nodes = (level: [Int](), index: [Int](), hash: [ByteBuffer]())
        for (entry, row) in all {
            let leaf = MerkleTree.leafHash(entry.encoded)
            let paired = MerkleTree.leftSiblings(ofLeafAt: range.size).count
            let siblings = Array(range.hashes.suffix(paired).reversed())
            for node in MerkleTree.completedNodes(appending: leaf, at: range.size, siblings: siblings) {
                nodes.level.append(node.level)
                nodes.index.append(node.index)
                nodes.hash.append(ByteBuffer(bytes: node.hash))
            }
            leaves.index.append(range.size)
            leaves.kind.append(Int(entry.kind))
            leaves.serial.append(row.serial)
            leaves.aki.append(row.authorityKeyIdentifier)
            leaves.hash.append(ByteBuffer(bytes: leaf))
            range.append(leaf)
        }
        try await connection.query(
            """
            INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, hash)
            SELECT * FROM unnest(\(leaves.index)::bigint[], \(leaves.kind)::integer[], \(leaves.serial)::text[],
                \(leaves.aki)::text[], \(leaves.hash)::bytea[])
            """,
            logger: logger
        )
        if !nodes.hash.isEmpty {
            try await connection.query(
                """
                INSERT INTO log_nodes (level, idx, hash)
                SELECT * FROM unnest(\(nodes.level)::integer[], \(nodes.index)::bigint[], \(nodes.hash)::bytea[])
                """,
                logger: logger
            )
        }
        try await connection.query("UPDATE log_state SET size = \(range.size) WHERE id = 1", logger: logger)
    }

    static func append(
        _ connection: PostgresConnection,
        _ record: CertificateRecord,
        revocationOnly: Bool = false,
        logger: Logger
    )
        async throws
    {
        try await append(
            connection,
            [
                Appended(
                    entries: record.logEntries(revocationOnly: revocationOnly),
                    serial: record.serial,
                    authorityKeyIdentifier: record.authorityKeyIdentifier
                )
            ],
            logger: logger
        )
    }

    /// The perfect subtrees covering the first `size` leaves, read in one statement.
    static func frontier(_ connection: PostgresConnection, size: Int, logger: Logger) async throws -> CompactRange {
        var positions: [(level: Int, index: Int)] = []
        var start = 0
        for level in (0..<Int.bitWidth - 1).reversed() where size & (1 << level) != 0 {
            positions.append((level, start >> level))
            start += 1 << level
        }
        var found: [Int: MerkleTree.Hash] = [:]
        if !positions.isEmpty {
            let levels = positions.map(\.level)
            let indexes = positions.map(\.index)
            let rows = try await connection.query(
                """
                SELECT level, hash FROM log_nodes
                WHERE (level, idx) IN (SELECT * FROM unnest(\(levels)::integer[], \(indexes)::bigint[]))
                UNION ALL
                SELECT 0, hash FROM log_leaves
                WHERE \(levels.last == 0) AND idx = \(indexes.last ?? 0)
                """,
                logger: logger
            )
            for try await (level, hash) in rows.decode((Int, ByteBuffer).self) {
                found[level] = Array(hash.readableBytesView)
            }
        }
        guard let range = CompactRange(size: size, hashes: positions.compactMap { found[$0.level] }) else {
            throw CharterError(.storage, "The transparency log is missing a node of its frontier at size \(size)")
        }
        return range
    }
}

extension PostgresRegistry {
    public func logSize() async throws -> Int {
        try await read { connection in
            for try await size in try await connection.query("SELECT size FROM log_state WHERE id = 1", logger: logger)
                .decode(Int.self)
            {
                return size
            }
            return 0
        }
    }

    public func logNodes(level: Int, start: Int, count: Int) async throws -> [MerkleTree.Hash] {
        try await read { connection in
            let end = start + count
            let rows =
                level == 0
                ? try await connection.query(
                    "SELECT hash FROM log_leaves WHERE idx >= \(start) AND idx < \(end) ORDER BY idx",
                    logger: logger
                )
                : try await connection.query(
                    "SELECT hash FROM log_nodes WHERE level = \(level) AND idx >= \(start) AND idx < \(end) ORDER BY idx",
                    logger: logger
                )
            var hashes: [MerkleTree.Hash] = []
            for try await buffer in rows.decode(ByteBuffer.self) { hashes.append(Array(buffer.readableBytesView)) }
            return hashes
        }
    }

    public func logLeaves(start: Int, count: Int) async throws -> [LogLeaf] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT l.idx AS leaf_idx, l.kind AS leaf_kind, l.serial_number AS leaf_serial,
                    l.authority_key_identifier AS leaf_aki, l.hash AS leaf_hash, c.*
                FROM log_leaves l LEFT JOIN certificates c
                    ON c.serial_number = l.serial_number AND c.authority_key_identifier = l.authority_key_identifier
                WHERE l.idx >= \(start) AND l.idx < \(start + count) ORDER BY l.idx
                """,
                logger: logger
            )
            var leaves: [LogLeaf] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let hash = try cells["leaf_hash"].decode(ByteBuffer.self)
                leaves.append(
                    LogLeaf(
                        index: try cells["leaf_idx"].decode(Int.self),
                        isRevocation: try cells["leaf_kind"].decode(Int.self) == Int(LogEntry.revocationKind),
                        serial: try cells["leaf_serial"].decode(String.self),
                        authorityKeyIdentifier: try cells["leaf_aki"].decode(String.self),
                        hash: Array(hash.readableBytesView),
                        certificate: try cells["pem"].decode(String?.self) == nil
                            ? nil : try PostgresRows.certificate(row)
                    )
                )
            }
            return leaves
        }
    }

    public func logIndices(serial: String, authorityKeyIdentifier: String) async throws -> [Int] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT idx FROM log_leaves
                WHERE serial_number = \(serial) AND authority_key_identifier = \(authorityKeyIdentifier) ORDER BY idx
                """,
                logger: logger
            )
            var indices: [Int] = []
            for try await index in rows.decode(Int.self) { indices.append(index) }
            return indices
        }
    }

    public func saveCheckpoint(size: Int, note: String) async throws {
        try await read { connection in
            _ = try await connection.query(
                "INSERT INTO log_checkpoints (size, note) VALUES (\(size), \(note)) ON CONFLICT (size) DO NOTHING",
                logger: logger
            )
        }
    }

    public func latestCheckpoint() async throws -> (size: Int, note: String)? {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
                logger: logger
            )
            for try await (size, note) in rows.decode((Int, String).self) { return (size, note) }
            return nil
        }
    }

    public func checkpoints() async throws -> [(size: Int, note: String)] {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT size, note FROM log_checkpoints ORDER BY size",
                logger: logger
            )
            var checkpoints: [(size: Int, note: String)] = []
            for try await (size, note) in rows.decode((Int, String).self) { checkpoints.append((size, note)) }
            return checkpoints
        }
    }
}
