"""Fabric 3: Ed25519 identities issued by an ECDSA CA and by an Ed25519 CA, through the server
API and Charter's client, checked with openssl and Python cryptography."""
import base64
import hashlib
import os
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from harness import BINARY, Server, new_key, openssl_verify

ED25519 = x509.ObjectIdentifier("1.3.101.112")


@pytest.fixture(scope="module")
def ed_ca(tmp_path_factory):
    s = Server(home=str(tmp_path_factory.mktemp("ed") / "home"), args=["--csr.keyrequest.algo", "ed25519"]).start()
    s.admin = s.enroll("admin", "adminpw").identity
    yield s
    s.stop()


def raw(public_key):
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_ecdsa_ca_issues_for_an_ed25519_csr(server, admin):
    assert server.register(admin, id="ed-under-ecdsa", secret="pw", affiliation="org1").status == 201
    key = ed25519.Ed25519PrivateKey.generate()
    result = server.enroll("ed-under-ecdsa", "pw", key=key)
    assert result.status == 201, result.raw
    cert = result.cert
    assert cert.public_key_algorithm_oid == ED25519 and raw(cert.public_key()) == raw(key.public_key())
    assert cert.signature_algorithm_oid == x509.SignatureAlgorithmOID.ECDSA_WITH_SHA256
    assert openssl_verify(server.ca_file, result.cert_pem)[0] == 0
    # the Ed25519 identity signs tokens with Ed25519
    assert server.reenroll(result.identity, key=ed25519.Ed25519PrivateKey.generate()).status == 201


def test_ed25519_ca_issues_for_both_kinds(ed_ca):
    ca = ed_ca.ca_cert()
    assert ca.public_key_algorithm_oid == ED25519 and ca.signature_algorithm_oid == ED25519
    for name, key in [("ed-leaf", ed25519.Ed25519PrivateKey.generate()), ("ec-leaf", new_key())]:
        assert ed_ca.register(ed_ca.admin, id=name, secret="pw", affiliation="org1").status == 201
        result = ed_ca.enroll(name, "pw", key=key)
        assert result.status == 201, result.raw
        assert result.cert.signature_algorithm_oid == ED25519
        ca.public_key().verify(result.cert.signature, result.cert.tbs_certificate_bytes)  # raises if invalid
        assert openssl_verify(ed_ca.ca_file, result.cert_pem)[0] == 0
        assert ca.not_valid_before_utc <= result.cert.not_valid_before_utc


def test_ed25519_ca_signs_its_crls_and_tls_certificate_with_ed25519(ed_ca):
    tls = x509.load_pem_x509_certificate(open(os.path.join(ed_ca.home, "tls-cert.pem"), "rb").read())
    assert tls.signature_algorithm_oid == ED25519
    # the TLS key stays P-256: BoringSSL clients do not offer Ed25519 in the handshake
    assert isinstance(tls.public_key(), ec.EllipticCurvePublicKey)
    result = ed_ca.token_call("POST", "/gencrl", ed_ca.admin, {})
    assert result.status == 200
    crl = x509.load_pem_x509_crl(base64.b64decode(result.json["result"]["CRL"]))
    assert crl.signature_algorithm_oid == ED25519 and crl.is_signature_valid(ed_ca.ca_cert().public_key())


def test_key_algorithm_policy_refuses_with_a_clear_400(tmp_path):
    server = Server("keyalgorithms: [P-256, P-384]\n", home=str(tmp_path / "home")).start()
    try:
        before = server.certificate_count()
        result = server.enroll("admin", "adminpw", key=ed25519.Ed25519PrivateKey.generate())
        assert (result.status, result.error_code) == (400, 0)
        assert "Ed25519" in result.json["errors"][0]["message"]
        assert server.certificate_count() == before
        assert server.enroll("admin", "adminpw").status == 201
    finally:
        server.stop()


def client(server, home, *args):
    env = dict(os.environ, FABRIC_CA_CLIENT_HOME=str(home))
    url = [] if any(a.startswith("-u") for a in args) else ["-u", f"https://localhost:{server.port}"]
    result = subprocess.run([BINARY, *args, *url, "--tls.certfiles", server.ca_file], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa"])
def test_charter_client_enrolls_registers_and_reenrolls_keeping_the_key(ed_ca, tmp_path, algorithm):
    home = tmp_path / algorithm
    client(ed_ca, home, "enroll", "-u", f"https://admin:adminpw@localhost:{ed_ca.port}", "--csr.keyrequest.algo", algorithm)
    msp = home / "msp"
    cert = x509.load_pem_x509_certificate((msp / "signcerts" / "cert.pem").read_bytes())
    keys = list((msp / "keystore").iterdir())
    assert len(keys) == 1
    key = serialization.load_pem_private_key(keys[0].read_bytes(), None)
    if algorithm == "ed25519":
        assert isinstance(key, ed25519.Ed25519PrivateKey)
        assert keys[0].name == hashlib.sha256(raw(cert.public_key())).hexdigest() + "_sk"
    client(ed_ca, home, "register", "--id.name", f"by-{algorithm}", "--id.secret", "pw", "--id.affiliation", "org1")
    # BFT orderers rotate certificates without a channel update only when the key stays the same
    client(ed_ca, home, "reenroll", "--csr.keyrequest.reusekey", "--csr.keyrequest.algo", algorithm)
    renewed = x509.load_pem_x509_certificate((msp / "signcerts" / "cert.pem").read_bytes())
    assert renewed.serial_number != cert.serial_number
    assert renewed.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo) == \
        cert.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    # without reusekey, a new key of the same algorithm replaces the old one
    client(ed_ca, home, "reenroll", "--csr.keyrequest.algo", algorithm)
    third = x509.load_pem_x509_certificate((msp / "signcerts" / "cert.pem").read_bytes())
    assert third.public_key_algorithm_oid == cert.public_key_algorithm_oid
    assert raw_or_point(third) != raw_or_point(cert)
    assert len(list((msp / "keystore").iterdir())) == 1


def raw_or_point(cert):
    key = cert.public_key()
    if isinstance(key, ed25519.Ed25519PublicKey):
        return raw(key)
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
