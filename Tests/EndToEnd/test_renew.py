"""`charter renew`: certificates of a few seconds' lifetime renewed before they expire, by the daemon
watching two MSPs (enrollment and TLS) while a reader keeps checking them."""
import glob
import http.client
import os
import subprocess
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import BINARY, Server, free_port, now

SHORT = """
signing:
  default:
    usage: [digital signature]
    expiry: 10s
    backdate: 1s
  profiles:
    tls:
      usage: [signing, key encipherment, server auth, client auth, key agreement]
      expiry: 10s
      backdate: 1s
"""


@pytest.fixture(scope="module")
def short_server():
    s = Server(SHORT).start()
    yield s
    s.stop()


def enroll(server, home, folder, *extra):
    out = subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}",
                          "--tls.certfiles", server.ca_file, "-H", str(home), "-M", folder, *extra],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return os.path.join(str(home), folder)


def public_der(key_or_cert):
    return key_or_cert.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def msp_state(msp):
    """The certificate and whether a key in keystore/ matches it, read as a reader would."""
    cert = x509.load_pem_x509_certificate(open(os.path.join(msp, "signcerts", "cert.pem"), "rb").read())
    keys = []
    for path in glob.glob(os.path.join(msp, "keystore", "*_sk")):
        try:
            keys.append(serialization.load_pem_private_key(open(path, "rb").read(), password=None))
        except FileNotFoundError:
            pass
    return cert, any(public_der(k) == public_der(cert) for k in keys)


def test_the_daemon_renews_each_msp_before_it_expires_and_runs_the_hook(short_server, tmp_path):
    msp = enroll(short_server, tmp_path, "msp")
    tls = enroll(short_server, tmp_path, "tls", "--enrollment.profile", "tls", "--csr.hosts", "peer0.example.com")
    hook_log = tmp_path / "hook.log"
    metrics_port = free_port()
    daemon = subprocess.Popen(
        [BINARY, "renew", "-u", f"https://localhost:{short_server.port}", "--tls.certfiles", short_server.ca_file,
         "--mspdir", msp, "--mspdir", tls, "--before", "5s", "--daemon",
         "--exec", f'echo "$CHARTER_RENEWED_MSPDIR" >> {hook_log}', "--metrics", f"127.0.0.1:{metrics_port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    problems = []
    observations = 0
    try:
        deadline = time.monotonic() + 18
        while time.monotonic() < deadline:
            for folder in (msp, tls):
                first, matched = msp_state(folder)
                again, _ = msp_state(folder)
                if first != again:
                    continue  # renewed while this reader was looking: look again
                observations += 1
                if not matched:
                    problems.append(f"{folder}: no key matches the certificate")
                if not first.not_valid_before_utc <= now() < first.not_valid_after_utc:
                    problems.append(f"{folder}: certificate not valid at {now()}")
            time.sleep(0.02)
        conn = http.client.HTTPConnection("127.0.0.1", metrics_port, timeout=5)
        conn.request("GET", "/metrics")
        metrics = conn.getresponse().read().decode()
    finally:
        daemon.terminate()
        output = daemon.communicate(timeout=20)[0]
    assert observations > 100
    assert not problems, problems[:5]
    hooks = open(hook_log).read().splitlines()
    assert hooks.count(msp) >= 2 and hooks.count(tls) >= 2, (hooks, output)
    # the TLS MSP stays a TLS certificate for the same host
    cert, _ = msp_state(tls)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert "peer0.example.com" in names
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usages
    for folder in (msp, tls):
        line = [l for l in metrics.splitlines()
                if l.startswith("charter_renew_certificate_expiration_timestamp_seconds") and f'"{folder}"' in l]
        assert line and float(line[0].split()[-1]) > time.time() - 1
    # each renewed certificate is on the server's record
    serial = format(msp_state(msp)[0].serial_number, "x")
    assert short_server.db_rows("SELECT COUNT(*) FROM certificates WHERE serial_number = ?", (serial,)) == [(1,)]


def test_reusekey_keeps_the_key_and_a_certificate_not_due_is_left_alone(short_server, tmp_path):
    msp = enroll(short_server, tmp_path, "msp")
    key_files = sorted(os.listdir(os.path.join(msp, "keystore")))
    before, _ = msp_state(msp)
    # without -u, the client config the MSP's home holds names the CA and its TLS roots
    not_due = subprocess.run([BINARY, "renew", "--mspdir", msp, "--before", "1s"], capture_output=True, text=True,
                             timeout=60)
    assert not_due.returncode == 0 and "not due" in not_due.stdout
    assert msp_state(msp)[0] == before
    renewed = subprocess.run([BINARY, "renew", "--mspdir", msp, "--before", "1h", "--reusekey"],
                             capture_output=True, text=True, timeout=60)
    assert renewed.returncode == 0, renewed.stderr
    after, matched = msp_state(msp)
    assert after.serial_number != before.serial_number and matched
    assert public_der(after) == public_der(before)
    assert sorted(os.listdir(os.path.join(msp, "keystore"))) == key_files


def test_an_expired_certificate_cannot_renew_and_says_so(short_server, tmp_path):
    msp = enroll(short_server, tmp_path, "msp")
    cert, _ = msp_state(msp)
    time.sleep(max(0.0, (cert.not_valid_after_utc - now()).total_seconds()) + 1)
    before = open(os.path.join(msp, "signcerts", "cert.pem")).read()
    for extra in ([], ["--daemon"]):
        result = subprocess.run([BINARY, "renew", "-u", f"https://localhost:{short_server.port}", "--tls.certfiles",
                                 short_server.ca_file, "--mspdir", msp, *extra],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "expired" in result.stderr and "enroll again" in result.stderr, result.stderr
    assert open(os.path.join(msp, "signcerts", "cert.pem")).read() == before
