// The registry's tables, created and evolved through GRDB migrations.

import CharterCore
import GRDB

enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: identities, affiliations, certificates") { db in
            try db.create(table: "identities") { t in
                t.primaryKey("id", .text)
                t.column("secret_hash", .text).notNull()
                t.column("type", .text).notNull()
                t.column("affiliation", .text).notNull()
                t.column("attributes", .text).notNull()
                t.column("enrollments", .integer).notNull().defaults(to: 0)
                t.column("max_enrollments", .integer).notNull()
                t.column("incorrect_password_attempts", .integer).notNull().defaults(to: 0)
                t.column("revoked", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "affiliations") { t in
                t.primaryKey("name", .text)
                t.column("parent", .text)
            }
            try db.create(table: "certificates") { t in
                t.column("serial_number", .text).notNull()
                t.column("authority_key_identifier", .text).notNull()
                t.column("enrollment_id", .text).notNull().indexed()
                t.column("ca_name", .text).notNull()
                t.column("profile", .text).notNull()
                t.column("issued_at", .datetime).notNull()
                t.column("not_before", .datetime).notNull()
                t.column("not_after", .datetime).notNull().indexed()
                t.column("status", .text).notNull()
                t.column("reason", .integer).notNull().defaults(to: 0)
                t.column("revoked_at", .datetime)
                t.column("pem", .text).notNull()
                t.primaryKey(["serial_number", "authority_key_identifier"])
            }
        }
        migrator.registerMigration("v2: properties") { db in
            try db.create(table: "properties") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v3: transparency log") { db in
            try db.create(table: "log_leaves") { t in
                t.primaryKey("idx", .integer)
                t.column("kind", .integer).notNull()
                t.column("serial_number", .text).notNull()
                t.column("authority_key_identifier", .text).notNull()
                t.column("entry", .blob).notNull()
                t.column("hash", .blob).notNull()
            }
            try db.create(
                index: "log_leaves_certificate",
                on: "log_leaves",
                columns: ["serial_number", "authority_key_identifier"]
            )
            try db.create(table: "log_nodes") { t in
                t.column("level", .integer).notNull()
                t.column("idx", .integer).notNull()
                t.column("hash", .blob).notNull()
                t.primaryKey(["level", "idx"])
            }
            try db.create(table: "log_checkpoints") { t in
                t.primaryKey("size", .integer)
                t.column("note", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4: log entries derived from their rows") { db in
            // The row keeps its log indices; the leaves keep only their hashes (the entry is the
            // row's, derived again when served) and need no index of their own.
            try db.alter(table: "certificates") { t in
                t.add(column: "log_index", .integer)
                t.add(column: "revocation_log_index", .integer)
            }
            for (column, kind) in [
                ("log_index", LogEntry.issuanceKind), ("revocation_log_index", LogEntry.revocationKind),
            ] {
                try db.execute(
                    sql: """
                        UPDATE certificates SET \(column) = (SELECT idx FROM log_leaves l WHERE l.kind = \(kind)
                            AND l.serial_number = certificates.serial_number
                            AND l.authority_key_identifier = certificates.authority_key_identifier)
                        """
                )
            }
            try db.drop(index: "log_leaves_certificate")
            try db.alter(table: "log_leaves") { t in t.drop(column: "entry") }
            try db.create(table: "log_nodes_v4", options: .withoutRowID) { t in
                t.column("level", .integer).notNull()
                t.column("idx", .integer).notNull()
                t.column("hash", .blob).notNull()
                t.primaryKey(["level", "idx"])
            }
            try db.execute(sql: "INSERT INTO log_nodes_v4 SELECT level, idx, hash FROM log_nodes")
            try db.drop(table: "log_nodes")
            try db.rename(table: "log_nodes_v4", to: "log_nodes")
            // Certificates recorded before the log existed enter it, in row order.
            let rows = try CertificateRecord.fetchAll(
                db,
                sql: "SELECT * FROM certificates WHERE log_index IS NULL ORDER BY rowid"
            )
            for record in rows { try SQLiteLog.log(db, record, revocationOnly: false) }
        }
        migrator.registerMigration("v5: Idemix nonces and credentials") { db in
            try db.create(table: "idemix_nonces", options: .withoutRowID) { t in
                t.primaryKey("nonce", .blob)
                t.column("expires_at", .datetime).notNull().indexed()
            }
            try db.create(table: "idemix_credentials") { t in
                t.primaryKey("revocation_handle", .integer)
                t.column("enrollment_id", .text).notNull().indexed()
                t.column("credential", .blob).notNull()
                t.column("status", .text).notNull()
                t.column("issued_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
            }
        }
        migrator.registerMigration("v6: ACME") { db in
            try db.create(table: "acme_objects", options: .withoutRowID) { t in
                t.column("kind", .text).notNull()
                t.column("id", .text).notNull()
                t.column("account", .text)
                t.column("lookup", .text)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("version", .integer).notNull()
                t.column("body", .blob).notNull()
                t.primaryKey(["kind", "id"])
            }
            try db.create(index: "acme_objects_lookup", on: "acme_objects", columns: ["kind", "lookup"], unique: true)
            try db.create(
                index: "acme_objects_account",
                on: "acme_objects",
                columns: ["kind", "account", "created_at"]
            )
            try db.create(index: "acme_objects_expiry", on: "acme_objects", columns: ["kind", "expires_at"])
        }
        migrator.registerMigration("v7: revoked certificates indexed") { db in
            // CRLs read the revoked rows only: a partial index holds just those.
            try db.execute(
                sql: "CREATE INDEX certificates_revoked ON certificates (authority_key_identifier) "
                    + "WHERE status = 'revoked'"
            )
        }
        migrator.registerMigration("v8: revocations and expiry counts read from their indexes alone") { db in
            // Everything a CRL reads, in the order it reads it (status too, or SQLite would visit
            // the row to check it): at ten million rows, fetching a million revoked rows
            // scattered over the table cost more than building the CRL.
            try db.execute(sql: "DROP INDEX certificates_revoked")
            try db.execute(
                sql: "CREATE INDEX certificates_revocations ON certificates "
                    + "(authority_key_identifier, serial_number, revoked_at, reason, status) WHERE status = 'revoked'"
            )
            // The expiry gauges count good certificates by NotAfter: from an index of those alone,
            // without visiting a row (10,000,000 rows: 28 s a refresh through the NotAfter index).
            try db.execute(
                sql: "CREATE INDEX certificates_expiring ON certificates (not_after, status) WHERE status = 'good'"
            )
        }
        return migrator
    }
}
