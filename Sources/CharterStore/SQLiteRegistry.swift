// The embedded registry: one SQLite file in WAL mode through a GRDB DatabasePool, so readers
// never wait for the single writer and concurrent enrollments never see "database is locked".

import CharterCore
import Foundation
import GRDB

/// A ``Registry`` in a SQLite database file.
public struct SQLiteRegistry: Registry, CertificateArchive {
    let pool: DatabasePool
    /// Enrollments share write transactions when they arrive together.
    let commits: GroupCommit
    /// Attribute columns already decoded, by their text.
    let attributes = BoundedCache<String, [IdentityAttribute]>(capacity: 1024)

    /// Opens (creating and migrating as needed) the database at `path`.
    ///
    /// - Parameter readOnly: for auditors that must not write while a server runs.
    public init(path: String, readOnly: Bool = false) throws {
        var configuration = Configuration()
        configuration.readonly = readOnly
        // Another process (an audit, a second CLI) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            // The write-ahead log stays small: a checkpoint every 1,000 pages (4 MiB), after
            // which the file is cut back to 4 MiB. With 8,000 pages it grew to 32 MiB, which
            // alone filled a small volume and left nothing to free.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.walCheckpointPages)")
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimit)")
        }
        do {
            if !readOnly { try Self.makePrivate(path) }
            pool = try DatabasePool(path: path, configuration: configuration)
            commits = GroupCommit(pool: pool)
            if !readOnly {
                try Self.syncEveryCommit(pool)
                try Schema.migrator.migrate(pool)
            }
        } catch {
            throw CharterError(.storage, "Cannot open the database at \(path): \(error)")
        }
    }

    /// Pages the write-ahead log may hold before a checkpoint moves them into the database.
    static let walCheckpointPages = 1000
    /// The size the write-ahead log file is cut back to after a checkpoint, in bytes.
    static let walSizeLimit = 4 << 20

    /// Moves the whole write-ahead log into the database, leaves an empty log file, and closes the
    /// pool: a clean exit leaves the database in one file.
    public func shutDown() async {
        _ = try? await pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try? pool.close()
    }

    /// WAL with FULL sync: every commit fsyncs the log, so a certificate returned after its commit
    /// is on record after a power cut or an OS crash, not only after a process crash. Set on the
    /// writer once the pool is open: the pool turns WAL on after `prepareDatabase` runs, and with it
    /// sets `synchronous = NORMAL`, which syncs only at checkpoints.
    static func syncEveryCommit(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
    }

    /// The database holds secret hashes: it and its `-wal` and `-shm` files (which SQLite creates
    /// with the database's mode) are the owner's only, from their creation on.
    static func makePrivate(_ path: String) throws {
        if access(path, F_OK) != 0 {
            try FileWriter.create([UInt8](), at: path, mode: 0o600, sync: true)
        }
        for file in [path, path + "-wal", path + "-shm"] {
            try FileWriter.restrict(file, mode: 0o600)
        }
    }

    public func identity(_ id: String) async throws -> Identity? {
        try lookup { db in try Self.identity(db, id, decoded: attributes) }
    }

    static func identity(
        _ db: Database,
        _ id: String,
        decoded: BoundedCache<String, [IdentityAttribute]>? = nil
    ) throws -> Identity? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM identities WHERE id = ?")
        return try IdentityRow.fetchOne(statement, arguments: [id])?.identity(decoded: decoded)
    }

    static func certificate(_ db: Database, serial: String, authorityKeyIdentifier: String) throws -> CertificateRecord?
    {
        let statement = try db.cachedStatement(
            sql: "SELECT * FROM certificates WHERE serial_number = ? AND authority_key_identifier = ?"
        )
        return try CertificateRecord.fetchOne(statement, arguments: [serial, authorityKeyIdentifier])
    }

    public func certificateAndOwner(serial: String, authorityKeyIdentifier: String) async throws
        -> (certificate: CertificateRecord, owner: Identity?)?
    {
        try lookup { db in
            guard let record = try Self.certificate(db, serial: serial, authorityKeyIdentifier: authorityKeyIdentifier)
            else {
                return nil
            }
            return (record, try Self.identity(db, record.enrollmentID, decoded: attributes))
        }
    }

    public func insert(_ identity: Identity) async throws {
        try await insert([identity])
    }

    public func insert(_ identities: [Identity]) async throws {
        try await write { db in
            for identity in identities {
                if try IdentityRow.exists(db, key: identity.id) {
                    throw CharterError(.duplicateIdentity, "Identity '\(identity.id)' is already registered")
                }
                try Self.requireAffiliation(db, identity.affiliation)
                try IdentityRow(identity).insert(db)
            }
        }
    }

    static func requireAffiliation(_ db: Database, _ name: String) throws {
        guard try name.isEmpty || Self.affiliationExists(db, name) else {
            throw CharterError(.unknownAffiliation, "Affiliation '\(name)' does not exist")
        }
    }

    static func affiliationExists(_ db: Database, _ name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM affiliations WHERE name = ?)", arguments: [name])
            ?? false
    }

    public func countLoginAttempt(_ id: String, limit: Int) async throws -> Int? {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE identities SET incorrect_password_attempts = incorrect_password_attempts + 1
                    WHERE id = ? AND (? <= 0 OR incorrect_password_attempts < ?)
                    """,
                arguments: [id, limit, limit]
            )
            guard db.changesCount == 1 else { return nil }
            return try Int.fetchOne(
                db,
                sql: "SELECT incorrect_password_attempts FROM identities WHERE id = ?",
                arguments: [id]
            )
        }
    }

    public func resetLoginAttempts(_ id: String) async throws {
        try await write { db in
            try db.execute(
                sql:
                    "UPDATE identities SET incorrect_password_attempts = 0 WHERE id = ? AND incorrect_password_attempts != 0",
                arguments: [id]
            )
        }
    }

    public func recordEnrollment(_ enrollment: EnrollmentRecord) async throws {
        let certificate = enrollment.certificate
        try await commits.submit { db in
            // Re-check under the write lock: a concurrent enrollment or revocation may have won.
            let state = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT revoked, enrollments, max_enrollments, incorrect_password_attempts FROM identities WHERE id = ?"
                ),
                arguments: [certificate.enrollmentID]
            )
            guard let state else {
                throw CharterError.authentication("Identity '\(certificate.enrollmentID)' no longer exists")
            }
            let (revoked, enrollments, max, attempts): (Bool, Int, Int, Int) = (state[0], state[1], state[2], state[3])
            if revoked {
                throw CharterError.authentication("Identity '\(certificate.enrollmentID)' is revoked")
            }
            if enrollment.countsAsEnrollment && max >= 0 && enrollments >= max {
                throw CharterError.authentication(
                    "Identity '\(certificate.enrollmentID)' has reached its maximum of \(max) enrollments"
                )
            }
            try SQLiteLog.record(db, certificate)
            if enrollment.countsAsEnrollment || attempts != 0 {
                try db.cachedStatement(
                    sql:
                        "UPDATE identities SET enrollments = enrollments + ?, incorrect_password_attempts = 0 WHERE id = ?"
                ).execute(arguments: [enrollment.countsAsEnrollment ? 1 : 0, certificate.enrollmentID])
            }
        }
    }

    public func record(_ certificate: CertificateRecord) async throws {
        try await write { db in
            try SQLiteLog.record(db, certificate)
        }
    }

    public func record(_ certificates: [CertificateRecord]) async throws {
        try await write { db in
            for certificate in certificates {
                try SQLiteLog.record(db, certificate)
            }
        }
    }

    public func certificate(serial: String, authorityKeyIdentifier: String) async throws -> CertificateRecord? {
        try lookup { db in try Self.certificate(db, serial: serial, authorityKeyIdentifier: authorityKeyIdentifier) }
    }

    public func affiliationExists(_ name: String) async throws -> Bool {
        try await read { db in try Self.affiliationExists(db, name) }
    }

    public func addAffiliations(_ names: [String]) async throws {
        try await write { db in
            for name in names {
                try Self.insertWithParents(db, name)
            }
        }
    }

    public func countUnrevoked(notAfterFrom start: Date, to end: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM certificates WHERE not_after BETWEEN ? AND ? AND status = 'good'",
                arguments: [StoredDate(start), StoredDate(end)]
            ) ?? 0
        }
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func durability() async throws -> CommitDurability {
        // The writer's setting: readers never commit. FULL and EXTRA sync the log at every commit.
        let level = try await pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } ?? 0
        let names = ["OFF", "NORMAL", "FULL", "EXTRA"]
        let name = names.indices.contains(level) ? names[level] : String(level)
        return CommitDurability("sqlite synchronous=\(name)", survivesPowerCut: level >= 2)
    }

    public func counts() async throws -> RegistryCounts {
        try await read { db in
            RegistryCounts(
                identities: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identities") ?? 0,
                certificates: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificates") ?? 0,
                affiliations: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM affiliations") ?? 0
            )
        }
    }

    public func certificateBatch(after rowID: Int64, limit: Int) async throws -> [AuditRow] {
        try await read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql:
                        "SELECT rowid, serial_number, profile, pem FROM certificates WHERE rowid > ? ORDER BY rowid LIMIT ?"
                ),
                arguments: [rowID, limit]
            )
            var batch: [AuditRow] = []
            batch.reserveCapacity(limit)
            while let row = try rows.next() {
                batch.append(AuditRow(rowID: row[0], serial: row[1], profile: row[2], pem: row[3]))
            }
            return batch
        }
    }

    public func duplicateSerials() async throws -> [(serial: String, authorityKeyIdentifier: String)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT serial_number, authority_key_identifier FROM certificates
                    GROUP BY serial_number, authority_key_identifier HAVING COUNT(*) > 1
                    """
            ).map { (serial: $0[0], authorityKeyIdentifier: $0[1]) }
        }
    }

    public func certificateCount(authorityKeyIdentifier: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM certificates WHERE authority_key_identifier = ?",
                arguments: [authorityKeyIdentifier]
            ) ?? 0
        }
    }

    // Typed errors pass through; anything GRDB throws becomes a storage error.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storageError(error, "read")
        }
    }

    /// A lookup by key, run on the calling thread: in WAL mode a reader never waits for the
    /// writer, and the few microseconds of a primary-key read cost less than the hop to a reader
    /// queue and back that ``read(_:)`` makes. Scans, whose length depends on the data, use
    /// ``read(_:)``.
    func lookup<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storageError(error, "read")
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.storageError(error, "write")
        }
    }

    /// Typed errors pass through; a full disk (or its I/O errors) is `unavailable`, a 503 the
    /// client may retry once space is freed; anything else GRDB threw becomes a storage error.
    static func storageError(_ error: any Error, _ operation: String) -> CharterError {
        if let error = error as? CharterError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
            return CharterError(
                .unavailable,
                "The registry cannot write now (\(error.resultCode)): nothing was recorded; retry once its disk has room"
            )
        }
        return CharterError(.storage, "Database \(operation) failed: \(error)")
    }
}
