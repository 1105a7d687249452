// Online backup and restore of the embedded registry. A backup is SQLite's `VACUUM INTO` from a
// read-only connection: a consistent copy of the database as of one read transaction, taken while
// the server goes on committing (WAL readers never block the writer). A restore checks the copy
// (SQLite's integrity check, Charter's schema) and installs it in a home in one rename, never
// over a registry that holds data unless asked to.

import CharterCore
import Foundation
import GRDB

/// Backup and restore of a SQLite registry file.
public enum SQLiteBackup {
    /// Writes a consistent copy of the database at `database` to `destination` (which must not
    /// exist), readable by its owner only; returns the number of certificates it holds.
    @discardableResult
    public static func backup(database: String, to destination: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: database) else {
            throw CharterError(.configuration, "There is no registry at \(database)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CharterError(.configuration, "\(destination) exists: back up into a new file")
        }
        // SQLite writes into an empty file it finds; created here with its final mode.
        try FileWriter.create([UInt8](), at: destination, mode: 0o600)
        do {
            let source = try readOnly(database)
            try source.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [destination]) }
            try source.close()
            return try check(destination)
        } catch {
            unlink(destination)
            throw error as? CharterError ?? CharterError(.storage, "The backup of \(database) failed: \(error)")
        }
    }

    /// Installs the backup `source` as the registry at `database`: refused when the backup is
    /// damaged or not a Charter registry, and when `database` holds data unless `force`. Returns
    /// the number of certificates installed. The server must not be running on `database`.
    @discardableResult
    public static func restore(from source: String, to database: String, force: Bool) throws -> Int {
        let certificates = try check(source)
        if FileManager.default.fileExists(atPath: database), !force {
            let existing = try readOnly(database)
            let rows = try existing.read { db in
                try db.tableExists("certificates")
                    ? (try Int.fetchOne(
                        db,
                        sql: "SELECT (SELECT COUNT(*) FROM certificates) + (SELECT COUNT(*) FROM identities)"
                    ) ?? 0) : 0
            }
            try existing.close()
            guard rows == 0 else {
                throw CharterError(
                    .configuration,
                    "\(database) already holds a registry with data: restore into a new home, or give --force to replace it"
                )
            }
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        // A write-ahead log left beside the old file would be replayed into the new one.
        for stale in [database + "-wal", database + "-shm"] { unlink(stale) }
        try FileWriter.write(bytes, to: database, mode: 0o600)
        return certificates
    }

    /// A read-only connection that waits for a writer's lock up to 10 s.
    static func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The certificates a backup holds, after SQLite's integrity check and a look at its schema.
    static func check(_ path: String) throws -> Int {
        do {
            let queue = try readOnly(path)
            defer { try? queue.close() }
            return try queue.read { db in
                let result = try String.fetchOne(db, sql: "PRAGMA integrity_check")
                guard result == "ok" else {
                    throw CharterError(.storage, "\(path) is damaged: \(result ?? "no answer")")
                }
                for table in ["identities", "certificates", "affiliations", "log_leaves"]
                where try !db.tableExists(table) {
                    throw CharterError(.configuration, "\(path) is not a Charter registry (no \(table) table)")
                }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificates") ?? 0
            }
        } catch let error as CharterError {
            throw error
        } catch {
            throw CharterError(.storage, "\(path) is not a readable SQLite registry: \(error)")
        }
    }
}
