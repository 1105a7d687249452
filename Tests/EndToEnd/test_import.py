"""`charter server import` of a real fabric-ca-server v1.5.5 home (Tests/Fixtures/fabric-ca/home-1.5.5).

The fixture's README lists its identities, secrets and states. After the import, Charter serves
them: old secrets enroll, fabric-ca's certificates authenticate tokens, revoked stays revoked.
"""
import glob
import json
import os
import shutil
import sqlite3
import stat
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import BINARY, REFERENCE, Identity, Server
from services import MariaDB, PostgresCluster
from test_lifecycle import aki_hex, crl_from_result, serial_hex

FIXTURE = os.path.join(REFERENCE, "fabric-ca", "home-1.5.5")


def client_identity(name, folder="msp"):
    msp = os.path.join(FIXTURE, "clients", name, folder)
    cert = open(os.path.join(msp, "signcerts", "cert.pem"), "rb").read()
    key_file = glob.glob(os.path.join(msp, "keystore", "*_sk"))[0]
    key = serialization.load_pem_private_key(open(key_file, "rb").read(), password=None)
    return Identity(cert, key)


def run_import(*args):
    return subprocess.run([BINARY, "server", "import", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("import")
    source = base / "fabric-ca-home"
    shutil.copytree(os.path.join(FIXTURE, "home"), source)
    target = base / "charter-home"
    result = run_import("--from", str(source), "-H", str(target))
    assert result.returncode == 0, result.stderr
    assert "5 identities" in result.stdout and "7 certificates (2 revoked)" in result.stdout
    server = Server(home=str(target)).start()
    yield server, source, target
    server.stop()


def test_old_secrets_enroll_and_states_carry_over(imported):
    server, _, _ = imported
    for user, secret in [("peer0", "peer0pw"), ("orderer0", "orderer0pw"), ("user2", "pfsZmQTwjSqV")]:
        result = server.enroll(user, secret)
        assert result.status == 201, (user, result.raw)
    assert server.enroll("peer0", "wrong").status == 401
    # user1 was revoked in fabric-ca: it may not enroll again
    assert server.enroll("user1", "user1pw").status == 401
    rows = dict(server.db_rows("SELECT id, enrollments FROM identities"))
    assert rows["orderer0"] == 2  # one in fabric-ca, one now
    assert server.db_rows("SELECT revoked, max_enrollments FROM identities WHERE id = 'user1'") == [(1, 3)]
    attributes = json.loads(server.db_rows("SELECT attributes FROM identities WHERE id = 'peer0'")[0][0])
    assert {"name": "foo", "value": "bar", "ecert": True} in attributes


def test_certificates_fabric_ca_issued_authenticate_tokens(imported):
    server, _, _ = imported
    admin = client_identity("admin")
    registered = server.register(admin, id="after-import", type="client", secret="afterpw", affiliation="org3")
    assert registered.status == 201, registered.raw
    reenrolled = server.reenroll(client_identity("orderer0"))
    assert reenrolled.status == 201, reenrolled.raw
    # the new certificate is signed by the same CA key fabric-ca used
    ca = x509.load_pem_x509_certificate(open(os.path.join(FIXTURE, "clients", "admin", "msp", "cacerts",
                                                          "localhost-27300.pem"), "rb").read())
    reenrolled.cert.verify_directly_issued_by(ca)
    # peer0's TLS certificate from fabric-ca is on record with the tls profile
    tls = client_identity("peer0", "tls")
    assert server.db_rows("SELECT profile FROM certificates WHERE serial_number = ?", (serial_hex(tls.cert),)) == [("tls",)]


def test_revoked_stays_revoked_and_is_in_the_next_crl(imported):
    server, _, _ = imported
    for folder in ("user1", "user1b"):
        assert server.reenroll(client_identity(folder)).status == 401
    crl = server.token_call("POST", "/gencrl", client_identity("admin"), {})
    assert crl.status == 200, crl.raw
    listed = {r.serial_number for r in x509.load_pem_x509_crl(crl_from_result(crl.json["result"]["CRL"]))}
    revoked = {client_identity(f).cert.serial_number for f in ("user1", "user1b")}
    assert revoked <= listed
    assert server.db_rows("SELECT reason FROM certificates WHERE status = 'revoked'") == [(1,), (1,)]


def test_the_imported_home_is_private_and_the_audit_reads_its_rows(imported):
    server, _, target = imported
    assert stat.S_IMODE(os.stat(target / "charter.db").st_mode) == 0o600
    for key in glob.glob(str(target / "msp" / "keystore" / "*_sk")) + [str(target / "tls-key.pem")]:
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    # fabric-ca's TLS certificate is kept: clients that trusted it keep working
    assert open(target / "tls-cert.pem").read() == open(os.path.join(FIXTURE, "home", "tls-cert.pem")).read()
    rows = server.certificate_count()
    audit = subprocess.run([BINARY, "audit", "--db", str(target / "charter.db"), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    assert audit.returncode in (0, 1), audit.stderr
    assert json.loads(audit.stdout)["summary"]["certificates"] == rows


def test_import_into_a_home_with_data_is_refused_and_writes_nothing(imported, tmp_path):
    _, source, target = imported
    before = sorted(os.listdir(target))
    result = run_import("--from", str(source), "-H", str(target))
    assert result.returncode != 0 and "not empty" in result.stderr
    assert sorted(os.listdir(target)) == before
    # a source that is not a fabric-ca home: nothing is created
    empty = tmp_path / "nothing"
    empty.mkdir()
    fresh = tmp_path / "fresh"
    result = run_import("--from", str(empty), "-H", str(fresh))
    assert result.returncode != 0 and "ca-cert.pem" in result.stderr
    assert not fresh.exists()


def fixture_rows():
    """The fixture registry's users, affiliations and certificates, as fabric-ca wrote them."""
    db = sqlite3.connect(os.path.join(FIXTURE, "home", "fabric-ca-server.db"))
    users = db.execute("SELECT id, token, type, affiliation, attributes, state, max_enrollments,"
                       " incorrect_password_attempts FROM users").fetchall()
    affiliations = [name for (name,) in db.execute("SELECT name FROM affiliations")]
    certificates = db.execute("SELECT id, serial_number, authority_key_identifier, ca_label, status, reason,"
                              " revoked_at, pem FROM certificates").fetchall()
    db.close()
    return users, affiliations, certificates


def import_from_db_and_serve(tmp_path, datasource):
    """Imports the fixture home with its registry moved to `datasource`, then serves it."""
    source = tmp_path / "fabric-ca-home"
    shutil.copytree(os.path.join(FIXTURE, "home"), source)
    os.remove(source / "fabric-ca-server.db")  # the registry now lives in the database server only
    target = tmp_path / "charter-home"
    result = run_import("--from", str(source), "--from-db", datasource, "-H", str(target))
    assert result.returncode == 0, result.stderr
    assert "5 identities" in result.stdout and "7 certificates (2 revoked)" in result.stdout
    server = Server(home=str(target)).start()
    try:
        assert server.enroll("peer0", "peer0pw").status == 201
        assert server.enroll("user1", "user1pw").status == 401
        assert server.reenroll(client_identity("user1")).status == 401
        assert server.reenroll(client_identity("orderer0")).status == 201
    finally:
        server.stop()


def test_a_fabric_ca_postgres_registry_imports_through_from_db(tmp_path):
    """fabric-ca's PostgreSQL tables hold bytea and timestamp columns; the rows must read the same."""
    cluster = PostgresCluster().start()
    try:
        cluster.create_database("fabric_ca")
        statements = [
            "CREATE TABLE users (id VARCHAR(255) PRIMARY KEY, token bytea, type VARCHAR(256), affiliation VARCHAR(1024),"
            " attributes TEXT, state INTEGER, max_enrollments INTEGER, level INTEGER DEFAULT 0,"
            " incorrect_password_attempts INTEGER DEFAULT 0)",
            "CREATE TABLE affiliations (name VARCHAR(1024) NOT NULL UNIQUE, prekey VARCHAR(1024), level INTEGER DEFAULT 0)",
            "CREATE TABLE certificates (id VARCHAR(255), serial_number bytea NOT NULL, authority_key_identifier bytea NOT NULL,"
            " ca_label bytea, status bytea NOT NULL, reason int, expiry timestamp, revoked_at timestamp, pem bytea NOT NULL,"
            " level INTEGER DEFAULT 0, PRIMARY KEY(serial_number, authority_key_identifier))",
        ]

        def text(value):
            if value is None:
                return "NULL"
            if isinstance(value, bytes):
                value = value.decode()
            return "'" + str(value).replace("'", "''") + "'"

        def blob(value):
            return "NULL" if value is None else f"convert_to({text(value)}, 'UTF8')"

        users, affiliations, certificates = fixture_rows()
        for row in users:
            statements.append(f"INSERT INTO users VALUES ({text(row[0])}, {blob(row[1])}, {text(row[2])}, {text(row[3])},"
                              f" {text(row[4])}, {row[5]}, {row[6]}, 2, {row[7]})")
        for name in affiliations:
            statements.append(f"INSERT INTO affiliations (name) VALUES ({text(name)})")
        for row in certificates:
            revoked_at = text(str(row[6])[:19]) if row[6] else "NULL"
            statements.append(f"INSERT INTO certificates (id, serial_number, authority_key_identifier, ca_label, status,"
                              f" reason, revoked_at, pem) VALUES ({text(row[0])}, {blob(row[1])}, {blob(row[2])},"
                              f" {blob(row[3] or '')}, {blob(row[4])}, {row[5]}, {revoked_at}::timestamp, {blob(row[7])})")
        for statement in statements:
            cluster.query("fabric_ca", statement)
        import_from_db_and_serve(tmp_path, cluster.datasource("fabric_ca"))
    finally:
        cluster.stop()


def test_a_fabric_ca_mysql_registry_imports_through_from_db(tmp_path):
    """fabric-ca 1.5's MySQL tables (utf8_bin text, varbinary, timestamps that default to zero)."""
    mariadb = MariaDB().start()
    try:
        mariadb.create_database("fabric_ca")
        bin_ = "DEFAULT CHARSET=utf8 COLLATE utf8_bin"
        statements = [
            "CREATE TABLE users (id VARCHAR(255) NOT NULL, token blob, type VARCHAR(256), affiliation VARCHAR(1024),"
            " attributes TEXT, state INTEGER, max_enrollments INTEGER, level INTEGER DEFAULT 0,"
            f" incorrect_password_attempts INTEGER DEFAULT 0, PRIMARY KEY (id)) {bin_}",
            "CREATE TABLE affiliations (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(1024) NOT NULL,"
            f" prekey VARCHAR(1024), level INTEGER DEFAULT 0, PRIMARY KEY (id)) {bin_}",
            "CREATE TABLE certificates (id VARCHAR(255), serial_number varbinary(128) NOT NULL,"
            " authority_key_identifier varbinary(128) NOT NULL, ca_label varbinary(128), status varbinary(128) NOT NULL,"
            " reason int, expiry timestamp DEFAULT 0, revoked_at timestamp DEFAULT 0, pem varbinary(8192) NOT NULL,"
            f" level INTEGER DEFAULT 0, PRIMARY KEY(serial_number, authority_key_identifier)) {bin_}",
        ]

        def value(v):
            if v is None:
                return "NULL"
            if isinstance(v, int):
                return str(v)
            return "X'" + (v if isinstance(v, bytes) else str(v).encode()).hex() + "'"

        users, affiliations, certificates = fixture_rows()
        for row in users:
            statements.append("INSERT INTO users (id, token, type, affiliation, attributes, state, max_enrollments,"
                              " level, incorrect_password_attempts) VALUES (" + ", ".join(map(value, [*row[:7], 2, row[7]]))
                              + ")")
        for name in affiliations:
            statements.append(f"INSERT INTO affiliations (name) VALUES ({value(name)})")
        for row in certificates:
            # fabric-ca leaves a never-revoked certificate's revoked_at at the zero timestamp
            revoked_at = f"'{str(row[6])[:19]}'" if row[6] and not str(row[6]).startswith("0001") else "DEFAULT"
            statements.append("INSERT INTO certificates (id, serial_number, authority_key_identifier, ca_label, status,"
                              f" reason, revoked_at, pem) VALUES ({value(row[0])}, {value(row[1])}, {value(row[2])},"
                              f" {value(row[3] or '')}, {value(row[4])}, {value(row[5])}, {revoked_at}, {value(row[7])})")
        for statement in statements:
            mariadb.query("fabric_ca", statement)
        assert mariadb.query("fabric_ca", "SELECT count(*) FROM certificates WHERE revoked_at = 0") == [["5"]]
        import_from_db_and_serve(tmp_path, mariadb.datasource("fabric_ca"))
        # and into a Charter registry on MySQL (a database the import creates)
        source = tmp_path / "fabric-ca-home"
        result = run_import("--from", str(source), "--from-db", mariadb.datasource("fabric_ca"), "-H",
                            str(tmp_path / "charter-mysql"), "--db.type", "mysql", "--db.datasource",
                            mariadb.datasource("charter"))
        assert result.returncode == 0, result.stderr
        assert mariadb.query("charter", "SELECT count(*) FROM identities") == [["5"]]
        assert mariadb.query("charter", "SELECT count(*) FROM certificates WHERE status = 'revoked'") == [["2"]]
    finally:
        mariadb.stop()


# Hostile fabric-ca registries: the import applies the API's input rules to every row -------------

def hostile_home(tmp_path, rows):
    """The fixture home with extra rows in its registry, written as bytes (NUL included)."""
    source = tmp_path / "fabric-ca-home"
    shutil.copytree(os.path.join(FIXTURE, "home"), source)
    db = sqlite3.connect(source / "fabric-ca-server.db")
    token = db.execute("SELECT token FROM users WHERE id = 'peer0'").fetchone()[0]
    for table, values in rows(token):
        marks = ", ".join("CAST(? AS TEXT)" if isinstance(v, bytes) else "?" for v in values)
        columns = {"users": "id, token, type, affiliation, attributes, state, max_enrollments, incorrect_password_attempts",
                   "affiliations": "name"}[table]
        db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    db.commit()
    db.close()
    return source


def user(id_, token, affiliation=b"org1", attributes=b"[]", type_=b"client"):
    return "users", (id_, token, type_, affiliation, attributes, 0, -1, 0)


HOSTILE_ROWS = [
    ("nul-id", lambda t: [user(b"\x00", t)], "users '\\u{0}'"),
    ("nul-path-id", lambda t: [user(b"nul\x00../../x", t)], "users 'nul\\u{0}../../x'"),
    ("node-ou-affiliation", lambda t: [("affiliations", (b"org1.admin",)), user(b"boss", t, b"org1.admin")],
     "affiliations 'org1.admin'"),
    ("huge-affiliation", lambda t: [("affiliations", (b".".join([b"a"] * 10000),))], "affiliations 'a.a.a."),
    ("slow-bcrypt", lambda t: [user(b"slow", b"$2a$31$" + b"a" * 53)], "users 'slow'"),
    ("long-attribute", lambda t: [user(b"attrs", t, attributes=json.dumps(
        [{"name": "x", "value": "v" * 5000}]).encode())], "users 'attrs'"),
    ("not-utf8", lambda t: [user(b"bad\xff", t)], "not UTF-8"),
    ("unknown-affiliation", lambda t: [user(b"lost", t, b"nowhere")], "users 'lost'"),
]


@pytest.mark.parametrize("name,rows,named", HOSTILE_ROWS, ids=[r[0] for r in HOSTILE_ROWS])
def test_rows_breaking_the_input_rules_refuse_the_whole_import(tmp_path, name, rows, named):
    source = hostile_home(tmp_path, rows)
    target = tmp_path / "charter-home"
    result = run_import("--from", str(source), "-H", str(target))
    assert result.returncode != 0
    assert "nothing was written" in result.stderr and "--skip-invalid" in result.stderr
    assert named in result.stderr, result.stderr
    assert not target.exists()


def test_skip_invalid_imports_the_rest_and_lists_every_refused_row(tmp_path):
    def rows(token):
        return [row for _, make, _ in HOSTILE_ROWS for row in make(token)] + [user(b"fine", token)]
    source = hostile_home(tmp_path, rows)
    target = tmp_path / "charter-home"
    result = run_import("--from", str(source), "-H", str(target), "--skip-invalid")
    assert result.returncode == 0, result.stderr
    refused = [line for line in result.stderr.splitlines() if line.startswith("Not imported: ")]
    assert len(refused) == 9, result.stderr  # every hostile row, boss refused with its affiliation
    for _, _, named in HOSTILE_ROWS:
        assert named in result.stderr
    assert "6 identities" in result.stdout and "9 rows refused" in result.stdout
    server = Server(home=str(target)).start()
    try:
        ids = {row[0] for row in server.db_rows("SELECT id FROM identities")}
        assert "fine" in ids and "peer0" in ids
        assert not any("\x00" in i or i in ("", "nul", "boss", "slow", "attrs", "lost") for i in ids)
        names = [row[0] for row in server.db_rows("SELECT name FROM affiliations")]
        assert "org1.admin" not in names and max(map(len, names)) < 1024
        assert len(names) < 50
        # the refused rows left nothing behind; the server answers as before
        assert server.enroll("fine", "peer0pw").status == 201
        admin = client_identity("admin")
        listed = server.token_call("GET", "/affiliations", admin)
        assert listed.status == 200, listed.raw
    finally:
        server.stop()
