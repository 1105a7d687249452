// The registry's tables on MySQL and MariaDB (InnoDB): the same as PostgreSQL's. Text that
// identifies something is stored as bytes (VARBINARY, BLOB), so comparisons and ORDER BY are
// byte-wise, as PostgreSQL's `COLLATE "C"` and SQLite's are, whatever the server's collation.
// DDL commits by itself in MySQL: migrations are serialised by a named lock instead of a
// transaction, and each statement is written so that running it again after a crash is safe.

enum MySQLSchema {
    /// The named lock (`GET_LOCK`) that serialises migrations across replicas.
    static let migrationLock = "charter_migrations"
    /// The row of `charter_locks` whose lock orders affiliation tree changes against identity
    /// inserts that name an affiliation.
    static let affiliationLock = "affiliations"

    /// Ordered, append-only: a released migration is never edited.
    static let migrations: [(name: String, statements: [String])] = [
        (
            "v1: identities, affiliations, certificates, properties, transparency log",
            [
                """
                CREATE TABLE IF NOT EXISTS identities (
                    id VARBINARY(255) NOT NULL PRIMARY KEY,
                    secret_hash BLOB NOT NULL,
                    type BLOB NOT NULL,
                    affiliation VARBINARY(1024) NOT NULL,
                    attributes LONGBLOB NOT NULL,
                    enrollments BIGINT NOT NULL DEFAULT 0,
                    max_enrollments BIGINT NOT NULL,
                    incorrect_password_attempts BIGINT NOT NULL DEFAULT 0,
                    revoked BOOLEAN NOT NULL DEFAULT FALSE,
                    INDEX identities_affiliation (affiliation)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS affiliations (
                    name VARBINARY(1024) NOT NULL PRIMARY KEY, parent VARBINARY(1024)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS certificates (
                    row_id BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
                    serial_number VARBINARY(128) NOT NULL,
                    authority_key_identifier VARBINARY(128) NOT NULL,
                    enrollment_id VARBINARY(255) NOT NULL,
                    ca_name BLOB NOT NULL,
                    profile BLOB NOT NULL,
                    issued_at DATETIME(6) NOT NULL,
                    not_before DATETIME(6) NOT NULL,
                    not_after DATETIME(6) NOT NULL,
                    status VARBINARY(16) NOT NULL,
                    reason BIGINT NOT NULL DEFAULT 0,
                    revoked_at DATETIME(6) NULL,
                    pem MEDIUMBLOB NOT NULL,
                    PRIMARY KEY (serial_number, authority_key_identifier),
                    INDEX certificates_enrollment_id (enrollment_id),
                    INDEX certificates_not_after (not_after)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS properties (
                    name VARBINARY(255) NOT NULL PRIMARY KEY, value BIGINT NOT NULL) ENGINE=InnoDB
                """,
                "CREATE TABLE IF NOT EXISTS charter_locks (name VARBINARY(64) NOT NULL PRIMARY KEY) ENGINE=InnoDB",
                "INSERT IGNORE INTO charter_locks (name) VALUES ('\(affiliationLock)')",
                // One row whose lock orders every append, whichever replica makes it.
                "CREATE TABLE IF NOT EXISTS log_state (id INT NOT NULL PRIMARY KEY, size BIGINT NOT NULL) ENGINE=InnoDB",
                "INSERT IGNORE INTO log_state (id, size) VALUES (1, 0)",
                """
                CREATE TABLE IF NOT EXISTS log_leaves (
                    idx BIGINT NOT NULL PRIMARY KEY,
                    kind INT NOT NULL,
                    serial_number VARBINARY(128) NOT NULL,
                    authority_key_identifier VARBINARY(128) NOT NULL,
                    hash BINARY(32) NOT NULL,
                    INDEX log_leaves_certificate (serial_number, authority_key_identifier)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS log_nodes (
                    level INT NOT NULL, idx BIGINT NOT NULL, hash BINARY(32) NOT NULL,
                    PRIMARY KEY (level, idx)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS log_checkpoints (
                    size BIGINT NOT NULL PRIMARY KEY, note BLOB NOT NULL,
                    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB
                """,
            ]
        ),
        (
            "v2: Idemix nonces and credentials",
            [
                """
                CREATE TABLE IF NOT EXISTS idemix_nonces (
                    nonce VARBINARY(64) NOT NULL PRIMARY KEY, expires_at DATETIME(6) NOT NULL,
                    INDEX idemix_nonces_expiry (expires_at)) ENGINE=InnoDB
                """,
                """
                CREATE TABLE IF NOT EXISTS idemix_credentials (
                    revocation_handle BIGINT NOT NULL PRIMARY KEY,
                    enrollment_id VARBINARY(255) NOT NULL,
                    credential BLOB NOT NULL,
                    status VARBINARY(16) NOT NULL,
                    issued_at DATETIME(6) NOT NULL,
                    revoked_at DATETIME(6) NULL,
                    INDEX idemix_credentials_id (enrollment_id)) ENGINE=InnoDB
                """,
            ]
        ),
        (
            "v3: ACME",
            [
                """
                CREATE TABLE IF NOT EXISTS acme_objects (
                    kind VARBINARY(32) NOT NULL,
                    id VARBINARY(255) NOT NULL,
                    account VARBINARY(255) NULL,
                    lookup VARBINARY(255) NULL,
                    created_at DATETIME(6) NOT NULL,
                    expires_at DATETIME(6) NULL,
                    version BIGINT NOT NULL,
                    body MEDIUMBLOB NOT NULL,
                    PRIMARY KEY (kind, id),
                    UNIQUE INDEX acme_objects_lookup (kind, lookup),
                    INDEX acme_objects_account (kind, account, created_at),
                    INDEX acme_objects_expiry (kind, expires_at)) ENGINE=InnoDB
                """
            ]
        ),
        (
            "v4: revoked certificates indexed",
            ["CREATE INDEX certificates_revoked ON certificates (status, authority_key_identifier)"]
        ),
        (
            "v5: revocations and expiry counts read from their indexes alone",
            [
                "DROP INDEX certificates_revoked ON certificates",
                """
                CREATE INDEX certificates_revocations ON certificates
                    (status, authority_key_identifier, serial_number, revoked_at, reason)
                """,
                "CREATE INDEX certificates_expiring ON certificates (status, not_after)",
            ]
        ),
    ]
}
