"""Charter tried as a hostile client would: one test class per kind of attack, each asserting the
refusal (status and fabric-ca code) and that the server and its database are unchanged."""
import base64
import concurrent.futures
import json
import os
import resource
import socket
import ssl
import stat
import subprocess
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from harness import BINARY, LEGACY_TOKENS, Server, alive, new_key, token


def snapshot(server):
    return [server.db_rows(f"SELECT * FROM {table} ORDER BY 1, 2") for table in ("identities", "certificates", "affiliations")]


@pytest.fixture(scope="module")
def sec():
    s = Server("cfg:\n  identities:\n    allowremove: true\n    passwordattempts: 3\n").start()
    s.admin = s.enroll("admin", "adminpw").identity

    def make(name, type_="client", affiliation="org1", attrs=()):
        result = s.register(s.admin, id=name, secret="pw", type=type_, affiliation=affiliation, attrs=list(attrs))
        assert result.status == 201, result.raw
        enrolled = s.enroll(name, "pw")
        assert enrolled.status == 201, enrolled.raw
        return enrolled.identity

    s.make = make
    # A registrar that may only manage clients, at the root affiliation: it sees the admin (a client).
    s.weak = make("weak-registrar", affiliation="", attrs=[{"name": "hf.Registrar.Roles", "value": "client"},
                                                           {"name": "hf.Registrar.Attributes", "value": "app.*"},
                                                           {"name": "hf.Revoker", "value": "true"}])
    s.plain = make("plain-client")
    yield s
    s.stop()


# 1. No request can crash or hang the server -------------------------------------------------------

HOSTILE_QUERIES = [
    "/certificates?id=plain-client&revoked_start=-99999999999999d",
    "/certificates?id=plain-client&expired_end=%2B99999999999999999999h",
    "/certificates?id=plain-client&revoked_end=1e308h",
    "/certificates?id=plain-client&expired_start=99999-01-01T00:00:00Z",
    "/certificates?id=plain-client&serial=" + "f" * 5000,
    "/certificates?id=plain-client&aki=zz",
    "/certificates?id=plain-client&notexpired=maybe",
    "/identities/%00%ff..",
    "/affiliations/" + "a." * 2000,
]


@pytest.mark.parametrize("path", HOSTILE_QUERIES)
def test_hostile_query_is_answered_not_a_crash(sec, path):
    result = sec.token_call("GET", path, sec.plain)
    assert result.status < 500, result.raw
    assert result.json["success"] is (result.status == 200)
    assert alive(sec)


def test_out_of_range_duration_is_400(sec):
    result = sec.token_call("GET", "/certificates?id=plain-client&revoked_start=-99999999999999d", sec.plain)
    assert (result.status, result.error_code) == (400, 0)


@pytest.mark.parametrize("body", [
    {"id": "big", "secret": "pw", "affiliation": "org1", "max_enrollments": 99999999999999999999999},
    {"id": "neg", "secret": "pw", "affiliation": "org1", "max_enrollments": -5},
    {"id": 7},
    [1, 2, 3],
])
def test_hostile_register_bodies(sec, body):
    before = snapshot(sec)
    result = sec.token_call("POST", "/register", sec.admin, body)
    assert result.status == 400, result.raw
    assert snapshot(sec) == before
    assert alive(sec)


def test_oversized_body_is_413_with_the_envelope(sec):
    status, raw, _ = sec.request("POST", "/register", b"{" + b" " * (2 << 20) + b"}", {"Authorization": "x.y"})
    assert status == 413
    body = json.loads(raw)
    assert body["success"] is False and body["errors"][0]["code"] == 5
    assert alive(sec)


def test_hostile_csrs_are_400(sec):
    auth = {"Authorization": "Basic " + base64.b64encode(b"admin:adminpw").decode()}
    before = sec.certificate_count()
    for pem in ["-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
                "-----BEGIN CERTIFICATE REQUEST-----\n" + "QUFB" * 50000 + "\n-----END CERTIFICATE REQUEST-----\n",
                "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n"]:
        status, raw, _ = sec.request("POST", "/enroll", {"certificate_request": pem}, auth)
        assert status == 400, raw
        assert json.loads(raw)["errors"][0]["code"] == 31
    assert sec.certificate_count() == before
    assert alive(sec)


# 2. Acting on an identity needs at least that identity's powers ----------------------------------

def modify(identity_id, **fields):
    return ("PUT", f"/identities/{identity_id}", fields)


def call(server, caller, request):
    method, path, body = request
    return server.token_call(method, path, caller, body)


def test_weak_registrar_cannot_take_over_the_admin(sec):
    before = snapshot(sec)
    result = call(sec, sec.weak, modify("admin", secret="stolen"))
    assert (result.status, result.error_code) == (403, 71), result.raw
    assert snapshot(sec) == before
    assert sec.enroll("admin", "stolen").status == 401


POWER_RULES = [
    # rule, caller allowed, caller refused, (method, path, body) built from a fresh target
    ("modify needs the target's powers", "admin", "weak", lambda t: modify(t, secret="new")),
    ("remove needs the target's powers", "admin", "weak", lambda t: ("DELETE", f"/identities/{t}", None)),
    ("revoke by id needs the target's powers", "admin", "weak", lambda t: ("POST", "/revoke", {"id": t})),
]


@pytest.mark.parametrize("rule,allowed,refused,make_request", POWER_RULES, ids=[r[0] for r in POWER_RULES])
def test_acting_on_a_stronger_identity_is_refused(sec, rule, allowed, refused, make_request):
    callers = {"admin": sec.admin, "weak": sec.weak}
    for caller, expected in [(refused, 403), (allowed, 200)]:
        target = f"strong-{rule.split()[0]}-{caller}"
        sec.make(target, affiliation="", attrs=[{"name": "hf.GenCRL", "value": "true"}])
        before = snapshot(sec)
        result = call(sec, callers[caller], make_request(target))
        assert result.status == expected, (caller, result.raw)
        if expected == 403:
            assert result.error_code == 71
            assert snapshot(sec) == before


def test_revoke_by_serial_of_a_stronger_identitys_certificate_is_refused(sec):
    strong = sec.make("strong-serial", affiliation="", attrs=[{"name": "hf.Revoker", "value": "true"},
                                                              {"name": "hf.Registrar.Roles", "value": "client,peer"}])
    cert = strong.cert
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()
    body = {"serial": format(cert.serial_number, "x"), "aki": aki}
    before = snapshot(sec)
    result = sec.token_call("POST", "/revoke", sec.weak, body)
    assert (result.status, result.error_code) == (403, 71)
    assert snapshot(sec) == before
    assert sec.token_call("POST", "/revoke", sec.admin, body).status == 200


def test_modify_cannot_raise_an_identity_above_the_caller(sec):
    sec.make("raise-me", affiliation="")
    before = snapshot(sec)
    for attrs in ([{"name": "hf.Revoker", "value": "true"}, {"name": "hf.GenCRL", "value": "true"}],
                  [{"name": "hf.Registrar.Roles", "value": "client,peer"}]):
        result = call(sec, sec.weak, modify("raise-me", attrs=attrs))
        assert (result.status, result.error_code) == (403, 71), result.raw
    assert snapshot(sec) == before
    assert call(sec, sec.weak, modify("raise-me", attrs=[{"name": "app.color", "value": "red"}])).status == 200


def test_removing_an_attribute_needs_the_right_to_set_it(sec):
    sec.make("has-attr", affiliation="", attrs=[{"name": "other.flag", "value": "on"}, {"name": "app.x", "value": "1"}])
    before = snapshot(sec)
    result = call(sec, sec.weak, modify("has-attr", attrs=[{"name": "other.flag", "value": ""}]))
    assert (result.status, result.error_code) == (403, 71)
    assert snapshot(sec) == before
    assert call(sec, sec.weak, modify("has-attr", attrs=[{"name": "app.x", "value": ""}])).status == 200


def test_unknown_reserved_attribute_names_are_refused(sec):
    before = snapshot(sec)
    result = sec.register(sec.admin, id="hf-unknown", secret="pw", affiliation="org1",
                          attrs=[{"name": "hf.SuperUser", "value": "true"}])
    assert (result.status, result.error_code) == (403, 71)
    assert snapshot(sec) == before


# 3. State changes are atomic ----------------------------------------------------------------------

def test_revoke_with_gencrl_without_the_power_changes_nothing(sec):
    sec.make("victim-gencrl")
    before = snapshot(sec)
    result = sec.token_call("POST", "/revoke", sec.weak, {"id": "victim-gencrl", "gencrl": True})
    assert (result.status, result.error_code) == (403, 71)
    assert snapshot(sec) == before


def test_concurrent_wrong_secrets_get_no_more_than_the_allowed_tries(sec):
    sec.register(sec.admin, id="guessed", secret="right", affiliation="org1")
    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(lambda i: sec.enroll("guessed", f"wrong{i}").status, range(24)))
    assert statuses == [401] * 24
    # Every evaluated guess is counted before its check: exactly the limit was evaluated.
    assert sec.db_rows("SELECT incorrect_password_attempts FROM identities WHERE id = 'guessed'") == [(3,)]
    assert sec.enroll("guessed", "right").status == 401


def test_a_correct_secret_resets_the_count(sec):
    sec.register(sec.admin, id="forgetful", secret="right", affiliation="org1")
    assert sec.enroll("forgetful", "wrong").status == 401
    assert sec.enroll("forgetful", "right").status == 201
    assert sec.db_rows("SELECT incorrect_password_attempts FROM identities WHERE id = 'forgetful'") == [(0,)]


def test_modifying_a_revoked_identity_keeps_it_revoked(sec):
    target = sec.make("revoked-then-modified")
    assert sec.token_call("POST", "/revoke", sec.admin, {"id": "revoked-then-modified"}).status == 200
    assert call(sec, sec.admin, modify("revoked-then-modified", secret="fresh")).status == 200
    assert sec.db_rows("SELECT revoked FROM identities WHERE id = 'revoked-then-modified'") == [(1,)]
    assert sec.enroll("revoked-then-modified", "fresh").status == 401
    assert sec.reenroll(target).status == 401


# 4. Tokens ---------------------------------------------------------------------------------------

def test_legacy_tokens_are_refused_by_default(sec):
    victim = sec.make("legacy-victim")
    captured = token(sec.admin, "GET", "/identities", b"", legacy=True)
    before = snapshot(sec)
    for method, path in [("GET", "/identities"), ("DELETE", "/identities/legacy-victim")]:
        status, raw, _ = sec.request(method, path, None, {"Authorization": captured})
        assert (status, json.loads(raw)["errors"][0]["code"]) == (401, 20)
    assert snapshot(sec) == before
    assert victim is not None


@pytest.mark.parametrize("how", ["environment", "config"])
def test_legacy_tokens_are_accepted_when_switched_on(how):
    server = (Server(env=LEGACY_TOKENS) if how == "environment" else Server("compatibility:\n  v1_3: true\n")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.token_call("GET", "/identities", admin, legacy=True).status == 200
        assert server.reenroll(admin, legacy=True).status == 201
    finally:
        server.stop()


# 5. Input validation ------------------------------------------------------------------------------

def csr_with_sans(key, cn, sans):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    return (x509.CertificateSigningRequestBuilder().subject_name(name)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode())


@pytest.mark.parametrize("san", [
    x509.UniformResourceIdentifier("https://evil.example.com"),
    x509.DNSName("*.*.com"),
    x509.DNSName("bad name"),
    x509.OtherName(x509.ObjectIdentifier("1.2.3.4"), b"\x0c\x03abc"),
], ids=["uri", "double-wildcard", "space", "othername"])
def test_csr_sans_are_validated_like_hosts(sec, san):
    key = new_key()
    before = sec.certificate_count()
    result = sec.enroll("admin", "adminpw", csr_pem=csr_with_sans(key, "admin", [x509.DNSName("ok.example.com"), san]))
    assert result.status == 400, result.raw
    assert sec.certificate_count() == before


def test_valid_csr_sans_are_kept(sec):
    key = new_key()
    result = sec.enroll("admin", "adminpw", csr_pem=csr_with_sans(key, "admin", [x509.DNSName("peer0.example.com")]))
    assert result.status == 201
    sans = result.cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["peer0.example.com"]


@pytest.mark.parametrize("name", ["a/b", "..", "tab\there", " lead", "trail ", "x" * 300, "nul\x00", "co:lon"])
def test_bad_identity_names_are_refused(sec, name):
    before = snapshot(sec)
    result = sec.register(sec.admin, id=name, secret="pw", affiliation="org1")
    assert (result.status, result.error_code) == (400, 0), result.raw
    assert snapshot(sec) == before


@pytest.mark.parametrize("name", ["org1.admin", "Peer", "org1.CLIENT", "orderer.x", "org1..x", "org1.a b"])
def test_affiliations_named_like_node_ous_or_malformed_are_refused(sec, name):
    before = snapshot(sec)
    result = sec.token_call("POST", "/affiliations?force=true", sec.admin, {"name": name})
    assert (result.status, result.error_code) == (400, 0), result.raw
    rename = sec.token_call("PUT", "/affiliations/org2.department1", sec.admin, {"name": name})
    assert rename.status == 400, rename.raw
    assert snapshot(sec) == before


@pytest.mark.parametrize("secret", ["nul\x00byte", "x" * 100])
def test_bad_secrets_are_refused(sec, secret):
    before = snapshot(sec)
    result = sec.register(sec.admin, id="secretive", secret=secret, affiliation="org1")
    assert result.status == 400, result.raw
    assert snapshot(sec) == before


def test_empty_bootstrap_secret_refuses_to_start(tmp_path):
    out = subprocess.run([BINARY, "server", "init", "-b", "admin:", "-H", str(tmp_path / "home")],
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert "secret" in out.stderr or "empty" in out.stderr


@pytest.mark.parametrize("field,value", [("Domain", "../escaped"), ("Domain", "a/b"), ("Hostname", ".."),
                                         ("CommonName", "../../x")])
def test_cryptogen_names_cannot_leave_the_output(tmp_path, field, value):
    org = {"Name": "Org1", "Domain": "org1.example.com", "Specs": [{"Hostname": "peer0"}]}
    if field == "Domain":
        org["Domain"] = value
    else:
        org["Specs"][0][field] = value
    config = tmp_path / "crypto-config.yaml"
    config.write_text(json.dumps({"PeerOrgs": [org]}))
    out_dir = tmp_path / "out"
    result = subprocess.run([BINARY, "cryptogen", "generate", "--config", str(config), "--output", str(out_dir)],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "cannot name a folder" in result.stderr
    assert set(os.listdir(tmp_path)) <= {"crypto-config.yaml", "out"}
    assert not out_dir.exists() or not list(out_dir.glob("*Organizations"))


# 6. Connections -----------------------------------------------------------------------------------

def test_idle_and_half_sent_connections_do_not_block_and_are_closed(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    server = Server("connections:\n  handshaketimeout: 3s\n  requesttimeout: 3s\n  idletimeout: 5s\n").start()
    idle, half = [], []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", server.port)))
        context = server.ssl_context()
        for _ in range(100):
            raw = socket.create_connection(("127.0.0.1", server.port))
            conn = context.wrap_socket(raw, server_hostname="localhost")
            conn.sendall(b"POST /enroll HTTP/1.1\r\nHost: localhost\r\nContent-Le")
            half.append(conn)
        # A normal client is served while all of them are held open.
        assert server.enroll("admin", "adminpw").status == 201
        # Each held connection is closed by the server within its deadline (generous margin, no speed claim).
        deadline = time.monotonic() + 60
        for conn in half + idle:
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                while conn.recv(1024):
                    pass  # a 408 or TLS alert may come first; what matters is the close
            except (ConnectionResetError, ssl.SSLError):
                pass  # closed: a reset or an unclean TLS end
        assert server.enroll("admin", "adminpw").status == 201
        log = open(server.log_path).read()
        # Connections that never completed a handshake are probes: nothing at info level about them.
        assert "handshake" not in log and "deadline" not in log
    finally:
        for conn in idle + half:
            conn.close()
        server.stop()


# 7. Key files, the database, durability -----------------------------------------------------------

def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_server_home_keys_and_database_are_private(sec):
    home = sec.home
    assert mode(home) == 0o700
    assert mode(os.path.join(home, "msp", "keystore")) == 0o700
    for name in os.listdir(os.path.join(home, "msp", "keystore")):
        assert mode(os.path.join(home, "msp", "keystore", name)) == 0o600, name
    assert mode(os.path.join(home, "tls-key.pem")) == 0o600
    for suffix in ("", "-wal", "-shm"):
        path = sec.db_path + suffix
        if os.path.exists(path):
            assert mode(path) == 0o600, path


def test_client_msp_folders_and_keys_are_private(sec, tmp_path):
    home = tmp_path / "client"
    env = dict(os.environ, FABRIC_CA_CLIENT_HOME=str(home))
    subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{sec.port}", "--tls.certfiles", sec.ca_file],
                   check=True, capture_output=True, env=env)
    msp = home / "msp"
    assert mode(msp) == 0o700 and mode(msp / "keystore") == 0o700
    keys = list((msp / "keystore").iterdir())
    assert keys and all(mode(k) == 0o600 for k in keys)


def test_private_modes_do_not_depend_on_the_umask(tmp_path):
    home = tmp_path / "home"
    out = subprocess.run(["sh", "-c", f"umask 000 && exec {BINARY} server init -b admin:adminpw -H {home}"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert mode(home) == 0o700
    assert mode(home / "charter.db") == 0o600
    assert mode(home / "msp" / "keystore" / "secret-hashing.key") == 0o600


@pytest.mark.parametrize("contents", [b"not hex at all\n", b"abcd\n"])
def test_unreadable_secret_hashing_key_stops_the_start(tmp_path, contents):
    home = tmp_path / "home"
    assert subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)], capture_output=True).returncode == 0
    key = home / "msp" / "keystore" / "secret-hashing.key"
    key.write_bytes(contents)
    out = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "secret-hashing.key" in out.stderr
    assert key.read_bytes() == contents
