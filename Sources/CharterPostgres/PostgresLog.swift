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

    /// Appends entries in order inside the caller's transaction: one call of the registry's
    /// `charter_log_append` (schema v7) however many there are. An enrollment makes the same
    /// call as a step of its own statement.
    static func append(_ connection: PostgresConnection, _ rows: [Appended], logger: Logger) async throws {
        let leaves = Leaves(rows)
        guard !leaves.hashes.isEmpty else { return }
        try await connection.query(
            """
            SELECT charter_log_append(\(leaves.kinds)::integer[], \(leaves.serials)::text[], \(leaves.akis)::text[],
                \(leaves.hashes)::bytea[])
            """,
            logger: logger
        )
    }

    /// The columns of the leaves the rows' entries become, in order.
    struct Leaves {
        var kinds: [Int] = []
        var serials: [String] = []
        var akis: [String] = []
        var hashes: [ByteBuffer] = []

        init(_ rows: [Appended]) {
            for row in rows {
                for entry in row.entries {
                    kinds.append(Int(entry.kind))
                    serials.append(row.serial)
                    akis.append(row.authorityKeyIdentifier)
                    hashes.append(ByteBuffer(bytes: MerkleTree.leafHash(entry.encoded)))
                }
            }
        }
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
