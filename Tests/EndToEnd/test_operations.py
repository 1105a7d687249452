"""TLS, the operations listener, health probes, a just-created CA, and taking over a fabric-ca home."""
import base64
import datetime
import json
import os
import socket
import ssl
import subprocess
import time

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import BINARY, ROOT, Server, free_port, openssl_verify


def test_server_tls_certificate_names_every_local_host(server):
    pem = open(os.path.join(server.home, "tls-cert.pem"), "rb").read()
    cert = x509.load_pem_x509_certificate(pem)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} >= {"127.0.0.1", "::1"}
    assert openssl_verify(server.ca_file, pem)[0] == 0
    # recorded like every certificate the server issues
    assert server.db_rows("SELECT COUNT(*) FROM certificates WHERE serial_number = ?", (format(cert.serial_number, "x"),))[0][0] == 1
    # and usable by IP as well as by name
    status, _, _ = server.request("GET", "/cainfo", host="127.0.0.1")
    assert status == 200


def test_tls_versions_and_no_alpn(server):
    def handshake(version):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(server.ca_file)
        ctx.minimum_version = ctx.maximum_version = version
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                return tls.version(), tls.selected_alpn_protocol()

    assert handshake(ssl.TLSVersion.TLSv1_3)[0] == "TLSv1.3"
    assert handshake(ssl.TLSVersion.TLSv1_2) == ("TLSv1.2", None)
    out = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}", "-tls1_1"],
        input="", capture_output=True, text=True, timeout=30,
    )
    assert "Cipher is (NONE)" in out.stdout or out.returncode != 0


def test_operations_endpoints(server):
    status, body = server.ops("/healthz")
    assert status == 200 and b'"status":"OK"' in body
    status, body = server.ops("/version")
    assert status == 200 and b'"Version"' in body
    status, body = server.ops("/metrics")
    assert status == 200 and b"charter_http_requests_total" in body


def metric(text, name, **labels):
    """The value of one series, or None."""
    for line in text.splitlines():
        series = line.rsplit(" ", 1)[0]
        if series.split("{")[0] == name and all(f'{k}="{v}"' in series for k, v in labels.items()):
            return float(line.split()[-1])
    return None


def test_metrics_count_requests_issuance_and_expiring_certificates(server, admin):
    before = server.ops("/metrics")[1].decode()
    issued_before = metric(before, "charter_certificates_issued_total", ca="", profile="default", type="client",
                           operation="enroll") or 0
    assert server.enroll("admin", "adminpw").status == 201
    for name in ("nobody-1", "nobody-2", "nobody-3"):
        server.token_call("GET", f"/identities/{name}", admin)
    text = server.ops("/metrics")[1].decode()
    assert metric(text, "charter_certificates_issued_total", ca="", profile="default", type="client",
                  operation="enroll") == issued_before + 1
    assert metric(text, "charter_http_requests_total", endpoint="/enroll", method="POST", status="201") >= 1
    assert metric(text, "charter_http_request_duration_seconds_count", endpoint="/enroll", method="POST") >= 1
    # the route template is the label: client-chosen paths do not make new series
    assert metric(text, "charter_http_requests_total", endpoint="/identities/:id", method="GET", status="404") >= 3
    assert "nobody-1" not in text
    assert metric(text, "charter_database_operation_duration_seconds_count", operation="record_enrollment") >= 1
    # certificates expiring within 7, 30, 90 days (the server issues one-year certificates: none yet)
    for window in ("7d", "30d", "90d"):
        assert metric(text, "charter_certificates_expiring", ca="", within=window) == 0
    # and what counting them cost: a duration, under the test's own patience
    assert 0 < metric(text, "charter_certificates_expiring_refresh_seconds", ca="") < 10


def test_tcp_health_probes_are_counted_not_logged(server):
    def probes():
        _, body = server.ops("/metrics")
        line = [l for l in body.decode().splitlines() if l.startswith("charter_tls_probe_connections_total")][0]
        return int(line.split()[-1])

    before_count = probes()
    before_log = os.path.getsize(server.log_path)
    for _ in range(1000):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass
    deadline = time.monotonic() + 30
    while probes() < before_count + 1000 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert probes() >= before_count + 1000
    added = open(server.log_path, "rb").read()[before_log:]
    # a thousand probes may not write a thousand lines (the few /metrics requests above may log)
    assert added.count(b"\n") < 20, added[:2000]


def test_leaf_never_starts_before_a_ca_created_a_second_ago():
    """A fabric-ca home whose CA became valid a second ago (SEC1 key in msp/keystore/*_sk)."""
    home = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"charter-fresh-{os.getpid()}-{time.time_ns()}")
    os.makedirs(os.path.join(home, "msp", "keystore"))
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fresh-ca")])
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start)
          .not_valid_after(start + datetime.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
          .sign(key, hashes.SHA256()))
    open(os.path.join(home, "ca-cert.pem"), "wb").write(ca.public_bytes(serialization.Encoding.PEM))
    open(os.path.join(home, "msp", "keystore", "0123abcd_sk"), "wb").write(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    server = Server(home=home).start()
    try:
        result = server.enroll("admin", "adminpw")
        assert result.status == 201, result.raw
        leaf = result.cert
        assert leaf.issuer == ca.subject
        # the 5-minute backdate is clamped to the CA's own NotBefore
        assert leaf.not_valid_before_utc == ca.not_valid_before_utc
        assert leaf.not_valid_after_utc <= ca.not_valid_after_utc
        assert openssl_verify(server.ca_file, result.cert_pem)[0] == 0
    finally:
        server.stop()


def test_init_writes_the_home_without_serving(tmp_path):
    from harness import BINARY
    home = tmp_path / "home"
    out = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for name in ("ca-cert.pem", "tls-cert.pem", "tls-key.pem", "charter.db", "charter-server-config.yaml"):
        assert (home / name).exists(), name
    assert oct((home / "tls-key.pem").stat().st_mode & 0o777) == "0o600"
    keys = list((home / "msp" / "keystore").glob("*_sk"))
    assert len(keys) == 1 and oct(keys[0].stat().st_mode & 0o777) == "0o600"
    # no bootstrap identity anywhere: an admin with a random secret, told once on standard error
    out = subprocess.run([BINARY, "server", "init", "-H", str(tmp_path / "other")], capture_output=True, text=True)
    assert out.returncode == 0 and "created 'admin' with secret" in out.stderr and "not shown again" in out.stderr


def test_revocation_state_and_identities_survive_restart(tmp_path):
    server = Server(home=str(tmp_path / "home")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.register(admin, id="keeper", secret="pw", affiliation="org1").status == 201
    finally:
        server.stop()
    again = Server(home=str(tmp_path / "home")).start()
    try:
        # the old token still works: the certificate is on record and the CA is the same
        assert again.register(admin, id="keeper2", secret="pw", affiliation="org1").status == 201
        assert again.enroll("keeper", "pw").status == 201
    finally:
        again.stop()


def test_sample_config_is_valid_and_its_gateway_rule_applies():
    from harness import ROOT
    sample = open(os.path.join(ROOT, "config", "charter-server-config.yaml")).read()
    server = Server(config_yaml=sample).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.register(admin, id="gw-peer", type="peer", secret="pw", affiliation="org1.department2").status == 201
        cert = server.enroll("gw-peer", "pw", profile="tls", hosts=["peer0.org1.example.com"]).cert
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        assert "org1-peer-gateway-svc.fabric.svc.cluster.local" in names
    finally:
        server.stop()


@pytest.mark.parametrize("db, message", [
    ("type: oracle\n  datasource: scott:tiger@db", "db.type 'oracle' is not supported"),
    ("type: mysql\n  datasource: root:topsecret@tcp(localhost:1)/fabric_ca", "cannot be used now"),
    ("type: mysql\n  datasource: root:topsecret@tcp(localhost:3306)/fabric-ca", "database 'fabric-ca'"),
    ("type: postgres\n  datasource: host=127.0.0.1 port=1 user=ca password=topsecret dbname=ca", "did not answer"),
    ("type: postgres\n  datasource: host=127.0.0.1 sslmode=sometimes", "sslmode 'sometimes'"),
])
def test_a_database_that_cannot_work_stops_the_start_before_anything_is_written(tmp_path, db, message):
    home = tmp_path / "home"
    home.mkdir()
    (home / "charter-server-config.yaml").write_text(f"db:\n  {db}\n")
    result = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert "topsecret" not in result.stderr + result.stdout
    assert sorted(os.listdir(home)) == ["charter-server-config.yaml"]  # nothing written


def test_ca_expiry_is_a_metric_and_a_warning_inside_its_window(tmp_path):
    server = Server("csr:\n  ca:\n    expiry: 100h\n", home=str(tmp_path / "home")).start()
    try:
        status, body = server.ops("/metrics")
        assert status == 200
        expected = int(server.ca_cert().not_valid_after_utc.timestamp())
        assert f'charter_ca_expiration_timestamp_seconds{{ca=""}} {expected}' in body.decode()
        log = open(server.log_path).read()
        assert "The CA certificate expires at" in log and "renew the CA" in log
    finally:
        server.stop()


def test_no_expiry_warning_for_a_long_lived_ca(server):
    assert server.ops("/metrics")[0] == 200
    assert "The CA certificate expires" not in open(server.log_path).read()


def test_renew_ca_keeps_old_certificates_verifying_and_is_served_after_a_restart(tmp_path):
    home = tmp_path / "home"
    server = Server(home=str(home)).start()
    old_pem = open(server.ca_file, "rb").read()
    leaf = server.enroll("admin", "adminpw")
    assert leaf.status == 201
    server.stop()
    old = x509.load_pem_x509_certificate(old_pem)

    result = subprocess.run([BINARY, "server", "renew-ca", "-H", str(home), "--expiry", "200000h"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    new_pem = open(home / "ca-cert.pem", "rb").read()
    new = x509.load_pem_x509_certificate(new_pem)
    assert new.subject == old.subject and new.public_key() == old.public_key()
    assert new.serial_number != old.serial_number and new.not_valid_after_utc > old.not_valid_after_utc
    assert new.not_valid_before_utc == old.not_valid_before_utc
    ski = lambda c: c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert ski(new) == ski(old)
    # the old certificate is kept, named by its dates
    archived = [p for p in os.listdir(home) if p.startswith("ca-cert-") and p.endswith(".pem")]
    assert len(archived) == 1 and open(home / archived[0], "rb").read() == old_pem
    # what the old CA issued verifies against the new one
    assert openssl_verify(str(home / "ca-cert.pem"), leaf.cert_pem)[0] == 0

    again = Server(home=str(home)).start()
    try:
        info = again.request("GET", "/cainfo")
        chain = base64.b64decode(json.loads(info[1])["result"]["CAChain"])
        assert chain.startswith(new_pem.strip())
        # new leaves may live past the old CA's end, inside the new one's
        fresh = again.enroll("admin", "adminpw")
        assert fresh.status == 201 and fresh.cert.not_valid_after_utc <= new.not_valid_after_utc
        # a client refreshes its cacerts with getcainfo
        client_home = tmp_path / "client"
        env = dict(os.environ, FABRIC_CA_CLIENT_HOME=str(client_home))
        subprocess.run([BINARY, "getcainfo", "-u", f"https://localhost:{again.port}", "--tls.certfiles", str(home / "ca-cert.pem")],
                       check=True, capture_output=True, env=env)
        assert (client_home / "msp" / "cacerts" / f"localhost-{again.port}.pem").read_bytes().strip() == new_pem.strip()
    finally:
        again.stop()


def start_without_boot(home, env=None, args=(), run=1):
    port, ops = free_port(), free_port()
    log_path = home.parent / f"{home.name}-{run}.log"
    log = open(log_path, "ab")
    process = subprocess.Popen([BINARY, "server", "start", "-H", str(home), "-p", str(port), "--address", "127.0.0.1",
                                "--operations.listenaddress", f"127.0.0.1:{ops}", *args],
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    return process, port, log_path


def wait_for_log(path, text, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if text in open(path).read():
            return open(path).read()
        assert process.poll() is None, open(path).read()
        time.sleep(0.1)
    raise AssertionError(open(path).read())


def test_without_a_bootstrap_identity_a_random_admin_secret_is_printed_once(tmp_path):
    home = tmp_path / "home"
    process, port, log = start_without_boot(home)
    try:
        text = wait_for_log(log, "Charter CA listening", process)
        secret = text.split("created 'admin' with secret ")[1].split()[0]
        assert len(secret) >= 20 and "adminpw" not in text
        server = Server(home=str(home))
        server.port = port
        assert server.enroll("admin", secret).status == 201
    finally:
        process.terminate()
        process.wait(timeout=20)
    # a second start finds the admin and prints no new secret
    again, _, log2 = start_without_boot(home, run=2)
    try:
        assert "created 'admin'" not in wait_for_log(log2, "Charter CA listening", again)
    finally:
        again.terminate()
        again.wait(timeout=20)


@pytest.mark.parametrize("how", ["environment", "file"])
def test_bootstrap_from_the_environment_or_a_secret_file(tmp_path, how):
    home = tmp_path / "home"
    secret_file = tmp_path / "boot"
    secret_file.write_text("boss:s3cret-from-" + how + "\n")
    env = {"FABRIC_CA_SERVER_BOOT": f"boss:s3cret-from-{how}"} if how == "environment" else {}
    args = ["--boot-file", str(secret_file)] if how == "file" else []
    process, port, log = start_without_boot(home, env=env, args=args)
    try:
        text = wait_for_log(log, "Charter CA listening", process)
        assert "created 'admin'" not in text
        server = Server(home=str(home))
        server.port = port
        assert server.enroll("boss", f"s3cret-from-{how}").status == 201
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_every_metric_the_alert_rules_use_exists(server, admin):
    """The sample alert rules only name series Charter emits (server or renew daemon)."""
    import re
    import yaml
    rules = yaml.safe_load(open(os.path.join(ROOT, "deploy", "prometheus", "charter-alerts.yaml")))
    names = {name for group in rules["groups"] for rule in group["rules"]
             for name in re.findall(r"charter_[a-z_]+", rule["expr"])}
    assert server.enroll("admin", "adminpw").status == 201
    text = server.ops("/metrics")[1].decode()
    emitted = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line.startswith("charter_")}
    daemon = {"charter_renew_certificate_expiration_timestamp_seconds", "charter_renew_failures_total"}
    for name in names - daemon:
        assert name in emitted or name.removesuffix("_bucket") + "_count" in emitted, name
    assert daemon & names


def test_the_secret_hashing_key_can_come_from_a_mounted_file(tmp_path):
    key_file = tmp_path / "secret-hashing.key"
    key_file.write_text("ab" * 32 + "\n")
    os.chmod(key_file, 0o440)  # as a Kubernetes Secret mounts it
    server = Server(f"ca:\n  hashkeyfile: {key_file}\n", home=str(tmp_path / "home")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        registered = server.register(admin, id="generated-1", type="client")
        assert registered.status == 201
        secret = registered.json["result"]["secret"]
        assert server.enroll("generated-1", secret).status == 201
        assert not os.path.exists(os.path.join(server.home, "msp", "keystore", "secret-hashing.key"))
    finally:
        server.stop()
    missing = tmp_path / "other"
    missing.mkdir()
    (missing / "charter-server-config.yaml").write_text(f"ca:\n  hashkeyfile: {tmp_path}/nope.key\n")
    result = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(missing)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "hashkeyfile" in result.stderr


@pytest.mark.parametrize("which", ["operations", "API"])
def test_a_listener_that_cannot_bind_stops_the_start_with_one_line(tmp_path, which):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    api = busy if which == "API" else free_port()
    ops = busy if which == "operations" else free_port()
    try:
        result = subprocess.run(
            [BINARY, "server", "start", "-b", "admin:adminpw", "-H", str(tmp_path / "home"), "-p", str(api),
             "--address", "127.0.0.1", "--operations.listenaddress", f"127.0.0.1:{ops}"],
            capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert result.returncode == 1
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: The {which} listener on 127.0.0.1:{busy} failed: " + errors[0].split("failed: ", 1)[1]]
    assert "Address already in use" in errors[0]
    # no loop of cancelled work in the log
    assert len((result.stdout + result.stderr).splitlines()) < 20
