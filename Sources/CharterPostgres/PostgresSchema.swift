// The registry's tables on PostgreSQL: the same columns as SQLite's, plus a row number for
// streaming audits. Migrations run once, under an advisory lock, so replicas starting together
// never race to create the schema.

import PostgresNIO

enum PostgresSchema {
    /// Serialises schema changes across replicas.
    static let migrationLock: Int64 = 0x4348_4152_5445_5201
    /// Serialises changes to the affiliation tree against identity inserts that name an affiliation.
    static let affiliationLock: Int64 = 0x4348_4152_5445_5202

    /// Ordered, append-only: a released migration is never edited.
    static let migrations: [(name: String, statements: [PostgresQuery])] = [
        (
            "v1: identities, affiliations, certificates, properties",
            [
                """
                CREATE TABLE identities (
                    id text PRIMARY KEY,
                    secret_hash text NOT NULL,
                    type text NOT NULL,
                    affiliation text NOT NULL,
                    attributes text NOT NULL,
                    enrollments bigint NOT NULL DEFAULT 0,
                    max_enrollments bigint NOT NULL,
                    incorrect_password_attempts bigint NOT NULL DEFAULT 0,
                    revoked boolean NOT NULL DEFAULT false)
                """,
                "CREATE TABLE affiliations (name text PRIMARY KEY, parent text)",
                """
                CREATE TABLE certificates (
                    row_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                    serial_number text NOT NULL,
                    authority_key_identifier text NOT NULL,
                    enrollment_id text NOT NULL,
                    ca_name text NOT NULL,
                    profile text NOT NULL,
                    issued_at timestamptz NOT NULL,
                    not_before timestamptz NOT NULL,
                    not_after timestamptz NOT NULL,
                    status text NOT NULL,
                    reason bigint NOT NULL DEFAULT 0,
                    revoked_at timestamptz,
                    pem text NOT NULL,
                    PRIMARY KEY (serial_number, authority_key_identifier))
                """,
                "CREATE INDEX certificates_enrollment_id ON certificates (enrollment_id)",
                "CREATE INDEX certificates_not_after ON certificates (not_after)",
                "CREATE TABLE properties (name text PRIMARY KEY, value bigint NOT NULL)",
            ]
        ),
        (
            "v2: transparency log",
            [
                // One row whose lock orders every append, whichever replica makes it.
                "CREATE TABLE log_state (id integer PRIMARY KEY CHECK (id = 1), size bigint NOT NULL)",
                "INSERT INTO log_state (id, size) VALUES (1, 0)",
                """
                CREATE TABLE log_leaves (
                    idx bigint PRIMARY KEY,
                    kind integer NOT NULL,
                    serial_number text NOT NULL,
                    authority_key_identifier text NOT NULL,
                    entry bytea NOT NULL,
                    hash bytea NOT NULL)
                """,
                "CREATE INDEX log_leaves_certificate ON log_leaves (serial_number, authority_key_identifier)",
                "CREATE TABLE log_nodes (level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx))",
                "CREATE TABLE log_checkpoints (size bigint PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
            ]
        ),
        (
            // Entries are derived from the rows when served; the leaf keeps its hash.
            "v3: log entries derived from their rows",
            ["ALTER TABLE log_leaves DROP COLUMN entry"]
        ),
        (
            "v4: Idemix nonces and credentials",
            [
                "CREATE TABLE idemix_nonces (nonce bytea PRIMARY KEY, expires_at timestamptz NOT NULL)",
                "CREATE INDEX idemix_nonces_expiry ON idemix_nonces (expires_at)",
                """
                CREATE TABLE idemix_credentials (
                    revocation_handle bigint PRIMARY KEY,
                    enrollment_id text NOT NULL,
                    credential bytea NOT NULL,
                    status text NOT NULL,
                    issued_at timestamptz NOT NULL,
                    revoked_at timestamptz)
                """,
                "CREATE INDEX idemix_credentials_id ON idemix_credentials (enrollment_id)",
            ]
        ),
        (
            "v5: ACME",
            [
                """
                CREATE TABLE acme_objects (
                    kind text NOT NULL,
                    id text NOT NULL,
                    account text,
                    lookup text,
                    created_at timestamptz NOT NULL,
                    expires_at timestamptz,
                    version bigint NOT NULL,
                    body bytea NOT NULL,
                    PRIMARY KEY (kind, id))
                """,
                "CREATE UNIQUE INDEX acme_objects_lookup ON acme_objects (kind, lookup)",
                "CREATE INDEX acme_objects_account ON acme_objects (kind, account, created_at)",
                "CREATE INDEX acme_objects_expiry ON acme_objects (kind, expires_at)",
            ]
        ),
        (
            "v6: revoked certificates indexed",
            [
                "CREATE INDEX certificates_revoked ON certificates (authority_key_identifier) WHERE status = 'revoked'"
            ]
        ),
        (
            "v7: the transparency log appended by one function call",
            [
                // Appends leaves (hashed by the caller) under the lock of the log's size, from the
                // frontier of perfect subtrees covering it, storing each subtree a leaf completes
                // (RFC 6962 node hash: SHA-256 of 0x01, left, right): a statement that inserts a
                // certificate logs it in the same round trip. Returns the new size.
                """
                CREATE FUNCTION charter_log_append(kinds integer[], serials text[], akis text[], leaves bytea[])
                RETURNS bigint LANGUAGE plpgsql AS $$
                DECLARE
                    n bigint;
                    covered bigint := 0;
                    frontier bytea[] := '{}';
                    node bytea;
                    position bigint;
                    height integer;
                BEGIN
                    SELECT size INTO n FROM log_state WHERE id = 1 FOR UPDATE;
                    FOR height IN REVERSE 62..0 LOOP
                        IF (n >> height) & 1 = 1 THEN
                            IF height = 0 THEN
                                SELECT hash INTO node FROM log_leaves WHERE idx = covered;
                            ELSE
                                SELECT hash INTO node FROM log_nodes WHERE level = height AND idx = covered >> height;
                            END IF;
                            IF node IS NULL THEN
                                RAISE EXCEPTION 'the transparency log has no node at level %, index %',
                                    height, covered >> height;
                            END IF;
                            frontier := frontier || node;
                            covered := covered + (1::bigint << height);
                        END IF;
                    END LOOP;
                    FOR i IN 1..cardinality(leaves) LOOP
                        INSERT INTO log_leaves (idx, kind, serial_number, authority_key_identifier, hash)
                        VALUES (n, kinds[i], serials[i], akis[i], leaves[i]);
                        node := leaves[i];
                        position := n;
                        height := 0;
                        WHILE position & 1 = 1 LOOP
                            node := sha256('\\x01'::bytea || frontier[cardinality(frontier)] || node);
                            frontier := frontier[1:cardinality(frontier) - 1];
                            position := position >> 1;
                            height := height + 1;
                            INSERT INTO log_nodes (level, idx, hash) VALUES (height, position, node);
                        END LOOP;
                        frontier := frontier || node;
                        n := n + 1;
                    END LOOP;
                    UPDATE log_state SET size = n WHERE id = 1;
                    RETURN n;
                END $$
                """
            ]
        ),
        (
            "v8: revocations and expiry counts read from their indexes alone",
            [
                "DROP INDEX certificates_revoked",
                """
                CREATE INDEX certificates_revocations ON certificates
                    (authority_key_identifier, serial_number, revoked_at, reason) WHERE status = 'revoked'
                """,
                "CREATE INDEX certificates_expiring ON certificates (not_after) WHERE status = 'good'",
            ]
        ),
    ]
}
