"""`charter audit`: a fixture tree with one certificate per finding type (and clean ones) must give
each finding exactly once and no others; real trees and databases must come out clean."""
import datetime
import glob
import json
import os
import shutil
import sqlite3
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness import BINARY, P256_ORDER, REFERENCE, Server

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def sign(builder, key, low_s=True):
    """Signs until the ECDSA signature is low-S (or high-S when asked): the audit checks it."""
    for _ in range(200):
        cert = builder.sign(key, hashes.SHA256())
        r, s = decode_dss_signature(cert.signature)
        if (s <= P256_ORDER // 2) == low_s:
            return cert
    raise AssertionError("could not get the wanted S")


def make_ca(cn, not_before=NOW - 400 * DAY, not_after=NOW + 3650 * DAY, key=None):
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn)).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return sign(builder, key), key


def make_leaf(cn, ca, ca_key, *, signer=None, issuer=None, not_before=NOW - DAY, not_after=NOW + 365 * DAY, serial=None,
              key=None, aki=None, sans=None, eku=True, low_s=True, is_ca=False):
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(issuer or ca.subject).public_key(key.public_key())
               .serial_number(serial or x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier(aki or ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest, None, None), critical=False))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    return sign(builder, signer or ca_key, low_s=low_s)


def write(path, cert):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def audit(*args):
    result = subprocess.run([BINARY, "audit", *args], capture_output=True, text=True)
    return result


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    tree = root / "tree"
    server = Server(home=str(root / "home")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.register(admin, id="victim", secret="pw", affiliation="org1").status == 201
        victim = server.enroll("victim", "pw")
        assert server.token_call("POST", "/revoke", admin, {"id": "victim"}).status == 200
    finally:
        server.stop()
    server_ca = x509.load_pem_x509_certificate(open(server.ca_file, "rb").read())
    server_key = serialization.load_pem_private_key(open(glob.glob(os.path.join(server.home, "msp", "keystore", "*_sk"))[0], "rb").read(), None)

    ca, ca_key = make_ca("Org CA")
    short_ca, short_key = make_ca("Short CA", not_after=NOW + 200 * DAY)
    other_ca, other_key = make_ca("Other CA")
    ghost, ghost_key = make_ca("Ghost CA")
    not_ca_key = ec.generate_private_key(ec.SECP256R1())
    not_ca = make_leaf("Not A CA", ca, ca_key, key=not_ca_key)
    write(root / "notca.pem", not_ca)

    write(tree / "org" / "msp" / "cacerts" / "ca.pem", ca)
    write(tree / "short" / "cacerts" / "ca.pem", short_ca)
    write(tree / "other" / "cacerts" / "ca.pem", other_ca)
    leaves = {
        None: [make_leaf("clean-1", ca, ca_key), make_leaf("clean-2", other_ca, other_key)],
        "notbefore-before-issuer": make_leaf("early", ca, ca_key, not_before=NOW - 500 * DAY),
        "notafter-after-issuer": make_leaf("late", short_ca, short_key, not_after=NOW + 300 * DAY),
        "expired": make_leaf("expired", ca, ca_key, not_before=NOW - 300 * DAY, not_after=NOW - DAY),
        "expiring-soon": make_leaf("soon", ca, ca_key, not_after=NOW + 10 * DAY),
        "bad-signature": make_leaf("forged", ca, ca_key, signer=other_key),
        "unknown-issuer": make_leaf("orphan", ghost, ghost_key),
        "aki-mismatch": make_leaf("wrong-aki", ca, ca_key, aki=b"\x01" * 20),
        "issuer-not-ca": make_leaf("under-leaf", not_ca, not_ca_key, aki=x509.SubjectKeyIdentifier.from_public_key(not_ca_key.public_key()).digest),
        "weak-key": make_leaf("weak", ca, ca_key, key=rsa.generate_private_key(65537, 1024)),
        "high-s-signature": make_leaf("high-s", ca, ca_key, low_s=False),
        "ed25519-needs-v3": make_leaf("fabric3", ca, ca_key, key=ed25519.Ed25519PrivateKey.generate()),
    }
    for index, (kind, cert) in enumerate(leaves.items()):
        for n, c in enumerate(cert if isinstance(cert, list) else [cert]):
            write(tree / "leaves" / f"{index}-{n}-{kind or 'clean'}.pem", c)
    # duplicate serial: two different certificates, same CA, same serial
    serial = x509.random_serial_number()
    write(tree / "dup" / "a.pem", make_leaf("dup-a", ca, ca_key, serial=serial))
    write(tree / "dup" / "b.pem", make_leaf("dup-b", ca, ca_key, serial=serial))
    # the same certificate twice (a copy, as in admincerts) is one certificate, not a duplicate
    write(tree / "copies" / "clean-copy.pem", leaves[None][0])
    # TLS: node folders, gateway policy, usages
    write(tree / "peers" / "peer0.example.com" / "tls" / "server.crt", make_leaf("peer0.example.com", ca, ca_key, sans=["peer0.example.com", "gw-svc"]))
    write(tree / "peers" / "peer1.example.com" / "tls" / "server.crt", make_leaf("peer1.example.com", ca, ca_key, sans=["peer1.example.com"]))
    write(tree / "peers" / "peer2.example.com" / "tls" / "server.crt", make_leaf("peer2.example.com", ca, ca_key, sans=["gw-svc", "elsewhere.example.com"]))
    write(tree / "users" / "u1" / "tls" / "client.crt", make_leaf("u1", ca, ca_key, eku=False))
    # against the server database: a revoked certificate still installed, and one never recorded
    (tree / "victim" / "msp" / "signcerts").mkdir(parents=True)
    (tree / "victim" / "msp" / "signcerts" / "cert.pem").write_bytes(victim.cert_pem)
    write(tree / "stranger" / "cert.pem", make_leaf("stranger", server_ca, server_key, not_before=server_ca.not_valid_before_utc))
    # a file that claims a certificate but holds none: reported, never skipped
    (tree / "broken").mkdir()
    (tree / "broken" / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIBnotacertificate\n-----END CERTIFICATE-----\n")
    config = root / "gateway.yaml"
    config.write_text("gateways:\n  - profile: tls\n    type: peer\n    services: [gw-svc]\n")
    return {"root": root, "tree": tree, "db": os.path.join(server.home, "charter.db"), "notca": str(root / "notca.pem"), "config": str(config)}


EXPECTED = {
    "notbefore-before-issuer", "notafter-after-issuer", "expired", "expiring-soon", "bad-signature", "unknown-issuer",
    "aki-mismatch", "issuer-not-ca", "weak-key", "high-s-signature", "duplicate-serial", "gateway-name-missing",
    "host-name-missing", "tls-usage-missing", "revoked-in-msp", "not-recorded", "unreadable",
    "ed25519-needs-v3",
}


def test_every_finding_exactly_once_and_no_others(fixture):
    result = audit("--dir", str(fixture["tree"]), "--db", fixture["db"], "--ca", fixture["notca"], "--config", fixture["config"],
                   "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    ids = [f["id"] for f in report["findings"]]
    assert sorted(ids) == sorted(EXPECTED), ids
    listed = audit("--list-checks").stdout.splitlines()
    # every check the tool has is in the fixture, but for the log checks of --verify-log, which
    # test_transparency.py provokes one by one
    log_checks = {"log-leaf-missing", "log-row-missing", "log-row-edited", "log-rewritten"}
    assert {line.split()[0] for line in listed} == EXPECTED | log_checks
    for finding in report["findings"]:
        assert finding["why"] and finding["fix"] and finding["severity"] in ("error", "warning", "info")
    by_id = {f["id"]: f for f in report["findings"]}
    assert "peer1.example.com" in by_id["gateway-name-missing"]["location"]
    assert "peer2.example.com" in by_id["host-name-missing"]["location"]
    assert by_id["weak-key"]["detail"] == "RSA 1024 bits"
    assert by_id["unreadable"]["location"].endswith("broken/cert.pem") and by_id["unreadable"]["detail"]
    assert by_id["ed25519-needs-v3"]["severity"] == "info"
    summary = report["summary"]
    assert summary["errors"] + summary["warnings"] + summary["infos"] == len(EXPECTED)


def test_unparsable_database_row_is_reported_with_its_serial(fixture, tmp_path):
    db = tmp_path / "copy.db"
    # The backup API copies what the WAL holds too, checkpointed or not.
    with sqlite3.connect(f"file:{fixture['db']}?mode=ro", uri=True) as source, sqlite3.connect(db) as target:
        source.backup(target)
    with sqlite3.connect(db) as conn:
        serial = conn.execute("SELECT serial_number FROM certificates LIMIT 1").fetchone()[0]
        conn.execute("UPDATE certificates SET pem = ? WHERE serial_number = ?",
                     ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", serial))
    report = json.loads(audit("--db", str(db), "--format", "json").stdout)
    unreadable = [f for f in report["findings"] if f["id"] == "unreadable"]
    assert len(unreadable) == 1 and unreadable[0]["serial"] == serial and unreadable[0]["detail"]


def test_could_not_run_is_exit_2():
    result = audit("--dir", "/nonexistent")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert audit().returncode == 2


def test_formats_and_fail_on(fixture):
    csv = audit("--dir", str(fixture["tree"]), "--ca", fixture["notca"], "--format", "csv")
    lines = csv.stdout.strip().splitlines()
    assert lines[0] == "severity,id,location,serial,subject,issuer,detail,why,fix"
    assert any(",expired," in line for line in lines)
    table = audit("--dir", str(fixture["tree"]), "--ca", fixture["notca"])
    assert table.returncode == 1 and "SEVERITY" in table.stdout and "certificates audited" in table.stdout
    # warnings only: a clean tree with one certificate expiring soon fails only from --fail-on warning
    only_warning = fixture["root"] / "warn"
    shutil.copytree(fixture["tree"] / "org", only_warning / "org")
    shutil.copy(glob.glob(str(fixture["tree"] / "leaves" / "*-expiring-soon.pem"))[0], only_warning / "soon.pem")
    assert audit("--dir", str(only_warning)).returncode == 0
    assert audit("--dir", str(only_warning), "--fail-on", "warning").returncode == 1
    assert audit("--dir", str(only_warning), "--within", "5d", "--fail-on", "warning").returncode == 0
    assert audit("--format", "xml", "--dir", str(only_warning)).returncode == 2


def test_cryptogen_tree_is_clean(tmp_path):
    out = tmp_path / "crypto"
    config = os.path.join(REFERENCE, "cryptogen", "configs", "crypto-config.yaml")
    assert subprocess.run([BINARY, "cryptogen", "generate", "--config", config, "--output", str(out), "--record", str(tmp_path / "rec.db")],
                          capture_output=True).returncode == 0
    result = audit("--dir", str(out), "--db", str(tmp_path / "rec.db"), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == [] and report["summary"]["certificates"] > 20


def test_server_database_after_enrollments_is_clean(lc, lc_admin):
    for i in range(3):
        lc.register(lc_admin, id=f"audit-{i}", secret="pw", affiliation="org1")
        lc.enroll(f"audit-{i}", "pw")
        lc.enroll(f"audit-{i}", "pw", profile="tls", hosts=[f"audit-{i}.example.com"])
    result = audit("--db", lc.db_path, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []
    # the same certificates listed by the running server
    home = os.path.dirname(os.path.dirname(lc.db_path))
    admin_home = os.path.join(lc.home, "audit-client")
    os.makedirs(os.path.join(admin_home, "msp", "signcerts"), exist_ok=True)
    os.makedirs(os.path.join(admin_home, "msp", "keystore"), exist_ok=True)
    open(os.path.join(admin_home, "msp", "signcerts", "cert.pem"), "wb").write(lc_admin.cert_pem)
    open(os.path.join(admin_home, "msp", "keystore", "key_sk"), "wb").write(lc_admin.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    listed = audit("-u", f"https://localhost:{lc.port}", "-H", admin_home, "--tls.certfiles", lc.ca_file, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["summary"]["certificates"] >= 7


def test_html_report_renders_in_a_browser(fixture, tmp_path):
    page = tmp_path / "report.html"
    result = audit("--dir", str(fixture["tree"]), "--ca", fixture["notca"], "--html", str(page))
    assert result.returncode == 1
    html = page.read_text()
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in html
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is installed by Scripts/bootstrap.sh"
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="bar"') > 100 and 'id="expiry-chart"' in dom.stdout
    rows = dom.stdout.split('<table id="findings">')[1]
    assert rows.count("<tr class=") == len(json.loads(audit("--dir", str(fixture["tree"]), "--ca", fixture["notca"], "--format", "json").stdout)["findings"])
    shot = tmp_path / "report.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
