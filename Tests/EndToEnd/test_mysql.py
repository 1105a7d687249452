"""The MySQL registry end to end: a private MariaDB reached over verified TLS with fabric-ca's
`db.tls` keys, refused when TLS cannot be had, and an outage that ends without a restart.

The replica tests (test_replicas.py) and the import (test_import.py) also run on MariaDB.
"""
import json
import os
import subprocess
import time

import pytest

from harness import BINARY, Server
from services import MariaDB, make_tls
from test_lifecycle import serial_hex


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory):
    tls = make_tls(str(tmp_path_factory.mktemp("mysql-tls")))
    server = MariaDB(tls=(tls["ca.pem"], tls["server.pem"], tls["server.key"])).start()
    server.ca_file = tls["ca.pem"]
    # an account the server only lets in over TLS: a login proves the connection was encrypted
    server.query("", "CREATE USER 'tlsonly'@'%' IDENTIFIED BY 'tlspw' REQUIRE SSL")
    server.query("", "GRANT ALL ON *.* TO 'tlsonly'@'%'")
    yield server
    server.stop()


def config(mariadb, database, tls="", user="root"):
    credentials = "tlsonly:tlspw" if user == "tlsonly" else "root"
    return f"""
db:
  type: mysql
  datasource: {credentials}@tcp(127.0.0.1:{mariadb.port})/{database}?parseTime=true{tls}
"""


def start_fails(config_yaml, tmp_path):
    home = tmp_path / "home"
    home.mkdir(parents=True)
    (home / "charter-server-config.yaml").write_text(config_yaml)
    result = subprocess.run([BINARY, "server", "start", "-b", "admin:adminpw", "-H", str(home)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    return result.stderr


def test_db_tls_reaches_mariadb_over_verified_tls(mariadb):
    yaml = config(mariadb, "tlsca", "&tls=custom", user="tlsonly") + f"""  tls:
    enabled: true
    certfiles:
      - {mariadb.ca_file}
"""
    server = Server(yaml).start()
    try:
        admin = server.enroll("admin", "adminpw")
        assert admin.status == 201, admin.raw
        assert mariadb.query("tlsca", "SELECT count(*) FROM certificates WHERE enrollment_id = 'admin'") == [["1"]]
        assert "tlspw" not in open(server.log_path).read()
    finally:
        server.stop()


def test_db_tls_enabled_alone_turns_tls_on(mariadb):
    # fabric-ca users write db.tls.enabled; the datasource's tls parameter may be missing
    yaml = config(mariadb, "tlsenabled", user="tlsonly") + f"""  tls:
    enabled: true
    certfiles: [{mariadb.ca_file}]
"""
    server = Server(yaml).start()
    try:
        assert server.enroll("admin", "adminpw").status == 201
    finally:
        server.stop()


def test_without_tls_or_with_an_untrusted_certificate_the_start_is_refused(mariadb, tmp_path):
    plain = start_fails(config(mariadb, "notls", user="tlsonly"), tmp_path / "plain")
    assert "tlsonly" in plain and "tlspw" not in plain
    other = make_tls(str(tmp_path))  # a CA that did not sign MariaDB's certificate
    untrusted = start_fails(
        config(mariadb, "untrusted", "&tls=custom") + f"  tls:\n    certfiles: [{other['ca.pem']}]\n",
        tmp_path / "untrusted",
    )
    assert "database" in untrusted.lower(), untrusted


def test_an_outage_answers_503_and_heals_without_a_restart(tmp_path):
    mariadb = MariaDB().start()
    server = Server(config(mariadb, "outage")).start()
    try:
        admin = server.enroll("admin", "adminpw")
        assert admin.status == 201
        received = [admin.cert]
        mariadb.kill()
        started = time.monotonic()
        down = server.reenroll(admin.identity)
        assert down.status == 503 and not down.json["success"], down.raw
        assert time.monotonic() - started < 60  # bounded by the connection's time limits, not a speed claim
        status, body = server.ops("/healthz")
        assert status == 503 and b"database" in body
        assert server.process.poll() is None
        mariadb.start()
        again = None
        for _ in range(100):
            again = server.reenroll(admin.identity)
            if again.status == 201:
                break
            time.sleep(0.2)
        assert again.status == 201, again.raw
        received.append(again.cert)
        assert server.ops("/healthz")[0] == 200
        # every certificate the server returned is on record
        rows = {r[0] for r in mariadb.query("outage", "SELECT serial_number FROM certificates")}
        assert {serial_hex(c) for c in received} <= rows
    finally:
        server.stop()
        mariadb.stop()


def test_a_registry_restored_with_mariadb_dump_audits_clean(mariadb, tmp_path):
    server = Server(config(mariadb, "dumped")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        for _ in range(5):
            assert server.reenroll(admin).status == 201
        ca_file = server.ca_file
    finally:
        server.stop()
    dump = tmp_path / "charter.sql"
    with open(dump, "wb") as out:
        subprocess.run(["mariadb-dump", "--no-defaults", "--single-transaction", "-h", "127.0.0.1", "-P",
                        str(mariadb.port), "-u", "root", "dumped"], check=True, stdout=out)
    mariadb.create_database("restored")
    with open(dump, "rb") as source:
        subprocess.run(["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(mariadb.port), "-u", "root",
                        "restored"], check=True, stdin=source)
    original = mariadb.query("dumped", "SELECT serial_number FROM certificates ORDER BY 1")
    assert len(original) == 7 and mariadb.query("restored", "SELECT serial_number FROM certificates ORDER BY 1") == original
    audit = subprocess.run([BINARY, "audit", "--db", mariadb.datasource("restored"), "--ca", ca_file, "--verify-log",
                            "--format", "json"], capture_output=True, text=True, timeout=120)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert json.loads(audit.stdout)["summary"]["errors"] == 0
