"""Keys in an HSM (a private SoftHSM2 token). The client: with fabric-ca-client's `bccsp: PKCS11`
section, `charter enroll` makes the key inside the token (sensitive, never extractable), writes no
key file, and names it as Fabric's BCCSP does (CKA_ID = SHA-256 of the public point); reenroll
signs its token with it, and `--csr.keyrequest.reusekey` keeps it. The server: its CA key and TLS
key are made in the token, TLS handshakes and certificates are signed there, and a restart finds
both again."""
import base64
import hashlib
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography import x509

from harness import BINARY
from services import SoftHSM

pytestmark = pytest.mark.skipif(not os.path.exists(SoftHSM.LIBRARY), reason="SoftHSM2 is not installed")


def charter(hsm, *args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120, env=hsm.env)


def point(cert_path):
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    return cert.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def wrong_settings(hsm):
    """A wrong PIN and an inexact label ("ForFab" is not "ForFabric"), each with what the error names."""
    for key, wrong, expected in [("pin", "'00000000'", "bccsp.pkcs11.pin"), ("label", "ForFab", "'ForFabric'")]:
        lines = [f"    {key}: {wrong}" if line.strip().startswith(key + ":") else line
                 for line in hsm.bccsp_yaml().splitlines()]
        yield key, "\n".join(lines) + "\n", expected


def test_enroll_makes_the_key_in_the_token_where_fabric_finds_it(server, tmp_path):
    hsm = SoftHSM()
    home = tmp_path / "client"
    home.mkdir()
    (home / "fabric-ca-client-config.yaml").write_text(hsm.bccsp_yaml())
    url = f"https://admin:adminpw@localhost:{server.port}"
    enrolled = charter(hsm, "enroll", "-u", url, "-H", str(home), "--tls.certfiles", server.ca_file)
    assert enrolled.returncode == 0, enrolled.stderr
    msp = home / "msp"
    # nothing private on disk
    assert not (msp / "keystore").exists() or os.listdir(msp / "keystore") == []
    first = point(msp / "signcerts" / "cert.pem")
    listing = hsm.objects()
    ski = hashlib.sha256(first).hexdigest()
    assert f"ID:         {ski}" in listing, listing
    assert "never extractable" in listing and "sensitive" in listing
    # reenroll authenticates with a token signed by the token's key, and makes a new key there
    renewed = charter(hsm, "reenroll", "-u", f"https://localhost:{server.port}", "-H", str(home),
                      "--tls.certfiles", server.ca_file)
    assert renewed.returncode == 0, renewed.stderr
    second = point(msp / "signcerts" / "cert.pem")
    assert second != first and hashlib.sha256(second).hexdigest() in hsm.objects()
    kept = charter(hsm, "reenroll", "-u", f"https://localhost:{server.port}", "-H", str(home), "--tls.certfiles",
                   server.ca_file, "--csr.keyrequest.reusekey")
    assert kept.returncode == 0, kept.stderr
    assert point(msp / "signcerts" / "cert.pem") == second
    # charter renew, reading the home's bccsp section, renews with a new key made in the token
    renewed = charter(hsm, "renew", "--mspdir", str(msp), "--before", "87600h", "-u", f"https://localhost:{server.port}",
                      "--tls.certfiles", server.ca_file)
    assert renewed.returncode == 0, renewed.stderr
    third = point(msp / "signcerts" / "cert.pem")
    assert third != second and hashlib.sha256(third).hexdigest() in hsm.objects()
    assert not (msp / "keystore").exists() or os.listdir(msp / "keystore") == []


def test_a_wrong_pin_or_label_stops_the_command_before_the_server_is_asked(server, tmp_path):
    hsm = SoftHSM()
    for name, yaml, expected in wrong_settings(hsm):
        home = tmp_path / name
        home.mkdir()
        (home / "fabric-ca-client-config.yaml").write_text(yaml)
        result = charter(hsm, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "-H", str(home),
                         "--tls.certfiles", server.ca_file)
        assert result.returncode != 0 and expected in result.stderr, result.stderr
        assert "00000000" not in result.stderr
        assert not (home / "msp").exists()


def hsm_server(hsm, home=None):
    from harness import Server
    return Server(hsm.bccsp_yaml() + "log:\n  checkpointinterval: 1s\n", home=home, env={"SOFTHSM2_CONF": hsm.conf})


def test_a_server_on_an_hsm_keeps_no_private_key_in_its_home(tmp_path):
    hsm = SoftHSM()
    server = hsm_server(hsm).start()
    try:
        admin = server.enroll("admin", "adminpw")  # over TLS, the handshake signed by the token
        assert admin.status == 201, admin.raw
        ca = server.ca_cert()
        ca.public_key().verify(admin.cert.signature, admin.cert.tbs_certificate_bytes,
                               ec.ECDSA(admin.cert.signature_hash_algorithm))
        # no X.509 secret in the home: the log's key and the key generated secrets are hashed
        # under are in the token too (their public halves in the keystore folder). The Idemix
        # issuer keys are files, as fabric-ca keeps them: PKCS#11 has no FP256BN mechanism.
        keystore = os.path.join(server.home, "msp", "keystore")
        assert sorted(os.listdir(keystore)) == ["IssuerRevocationPrivateKey", "IssuerSecretKey", "log-signing.pub",
                                                "secret-hashing.pub"], os.listdir(keystore)
        generated = server.register(admin.identity, id="gen-user", type="client")
        assert generated.status == 201, generated.raw
        generated_secret = generated.json["result"]["secret"]
        # checkpoints are signed by the token's Ed25519 key
        import json
        import time
        from test_transparency import open_checkpoint
        time.sleep(1.5)
        info = json.loads(server.request("GET", "/loginfo")[1])["result"]
        status, note, _ = server.request("GET", "/log/checkpoint")
        assert status == 200
        _, size, _ = open_checkpoint(note.decode(), info["verifierKey"])
        assert size >= 2
        public = bytes.fromhex(open(os.path.join(keystore, "log-signing.pub")).read().strip())
        assert base64.b64decode(info["verifierKey"].split("+", 2)[2])[1:] == public
        assert not os.path.exists(os.path.join(server.home, "tls-key.pem"))
        # the CA's and the TLS key are in the token, named by the SHA-256 of their public points
        listing = hsm.objects()
        tls = x509.load_pem_x509_certificate(open(os.path.join(server.home, "tls-cert.pem"), "rb").read())
        for cert in (ca, tls):
            ski = hashlib.sha256(cert.public_key().public_bytes(serialization.Encoding.X962,
                                                               serialization.PublicFormat.UncompressedPoint))
            assert f"ID:         {ski.hexdigest()}" in listing
        crl = server.token_call("POST", "/gencrl", admin.identity, {})
        assert crl.status == 200, crl.raw
    finally:
        server.stop()
    # restarted, it finds both keys in the token again
    again = hsm_server(hsm, home=server.home).start()
    try:
        assert again.enroll("admin", "adminpw").status == 201
        # the secret-hashing key derived from the token is the same after the restart
        assert again.enroll("gen-user", generated_secret).status == 201
        assert again.ca_cert() == ca
    finally:
        again.stop()
    renewed = subprocess.run([BINARY, "server", "renew-ca", "-H", server.home, "-b", "admin:adminpw"],
                             capture_output=True, text=True, env=hsm.env, timeout=120)
    assert renewed.returncode == 0, renewed.stderr


def test_a_server_with_a_wrong_pin_or_label_writes_nothing(tmp_path):
    hsm = SoftHSM()
    for name, yaml, expected in wrong_settings(hsm):
        home = tmp_path / name
        home.mkdir()
        (home / "charter-server-config.yaml").write_text(yaml)
        result = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)],
                                capture_output=True, text=True, env=hsm.env, timeout=120)
        assert result.returncode != 0 and expected in result.stderr, result.stderr
        assert sorted(os.listdir(home)) == ["charter-server-config.yaml"]
    assert "Private Key Object" not in hsm.objects()


def test_an_ed25519_ca_in_the_token_issues(tmp_path):
    from harness import Server
    hsm = SoftHSM()
    server = Server(hsm.bccsp_yaml(), args=["--csr.keyrequest.algo", "ed25519"],
                    env={"SOFTHSM2_CONF": hsm.conf}).start()
    try:
        admin = server.enroll("admin", "adminpw")
        assert admin.status == 201, admin.raw
        ca = server.ca_cert()
        assert ca.signature_algorithm_oid.dotted_string == "1.3.101.112"  # Ed25519, signed by the token
        ca.public_key().verify(admin.cert.signature, admin.cert.tbs_certificate_bytes)
        assert "EC_EDWARDS" in hsm.objects() or "EDDSA" in hsm.objects().upper()
    finally:
        server.stop()


def test_a_token_without_the_cas_key_stops_the_start(tmp_path):
    first = SoftHSM()
    server = hsm_server(first).start()
    server.stop()
    # the same label and PIN, another token: it does not hold the CA's key
    other = SoftHSM()
    result = subprocess.run([BINARY, "server", "start", "-b", "admin:adminpw", "-H", server.home],
                            capture_output=True, text=True, env=other.env, timeout=120)
    assert result.returncode != 0
    assert "holds no key for the CA certificate" in result.stderr, result.stderr


def test_a_token_that_goes_away_fails_requests_and_the_server_recovers_when_it_is_back(tmp_path):
    """The token's store moved away under a running server (SoftHSM2's stand-in for an HSM that
    restarts): requests fail (no TLS handshake can be signed), the server stays up; once the
    store is back, the next request succeeds without a restart (module initialised again, keys
    found by their CKA_ID)."""
    import ssl
    hsm = SoftHSM()
    server = hsm_server(hsm).start()
    try:
        admin = server.enroll("admin", "adminpw")
        assert admin.status == 201
        tokens = os.path.join(hsm.folder, "tokens")
        os.rename(tokens, tokens + "-away")
        with pytest.raises((ssl.SSLError, OSError)):
            server.reenroll(admin.identity)
        assert server.process.poll() is None
        os.rename(tokens + "-away", tokens)
        renewed = server.reenroll(admin.identity)
        assert renewed.status == 201, renewed.raw
        # signed by the CA key, found again in the token
        server.ca_cert().public_key().verify(renewed.cert.signature, renewed.cert.tbs_certificate_bytes,
                                             ec.ECDSA(renewed.cert.signature_hash_algorithm))
    finally:
        server.stop()
