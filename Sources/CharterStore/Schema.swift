// The registry's tables, created and evolved through GRDB migrations.

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
        return migrator
    }
}
