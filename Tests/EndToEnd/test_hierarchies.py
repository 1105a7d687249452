"""CA hierarchies: several CAs in one server, intermediate CAs under a Charter parent, path lengths."""
import base64
import json
import os
import subprocess
import tempfile
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import BINARY, Server, make_csr, new_key, openssl_verify
from test_lifecycle import aki_hex, crl_from_result, serial_hex


def chain_of(info_json):
    pem = base64.b64decode(info_json["result"]["CAChain"]).decode()
    return [x509.load_pem_x509_certificate(("-----BEGIN CERTIFICATE-----" + part).encode())
            for part in pem.split("-----BEGIN CERTIFICATE-----")[1:]]


@pytest.fixture(scope="module")
def multi():
    """A server with its default CA, a TLS CA made by `init --tlsca`, and ca1 from --cacount."""
    home = tempfile.mkdtemp(prefix="charter-multi-")
    init = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", home, "--tlsca", "--cacount", "1"],
                          capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    s = Server(home=home).start()
    yield s
    s.stop()


def test_each_ca_answers_by_name_and_an_unknown_name_is_404_code_19(multi):
    default = chain_of(json.loads(multi.request("GET", "/cainfo")[1]))
    tls = chain_of(json.loads(multi.request("GET", "/cainfo?ca=tlsca")[1]))
    ca1 = chain_of(json.loads(multi.request("POST", "/cainfo", {"caname": "ca1"})[1]))
    subjects = {c[0].subject.rfc4514_string() for c in (default, tls, ca1)}
    assert len(subjects) == 3
    assert "CN=tlsca" in tls[0].subject.rfc4514_string()
    status, raw, _ = multi.request("POST", "/cainfo", {"caname": "nope"})
    assert status == 404 and json.loads(raw)["errors"][0]["code"] == 19
    status, raw, _ = multi.request("GET", "/cainfo?ca=nope")
    assert status == 404 and json.loads(raw)["errors"][0]["code"] == 19
    # enroll names the CA with fabric-ca-client's CAName field
    result = multi.enroll("admin", "adminpw", CAName="nope")
    assert result.status == 404 and result.error_code == 19
    # each CA's own registry syncs every commit, and says so at start
    for commits in ("Commits: ", "Commits of CA 'tlsca': ", "Commits of CA 'ca1': "):
        assert multi.logged(commits + "sqlite synchronous=FULL")


def test_identities_certificates_and_tokens_are_per_ca(multi):
    org_admin = multi.enroll("admin", "adminpw")
    tls_admin = multi.enroll("admin", "adminpw", CAName="tlsca")
    assert org_admin.status == 201 and tls_admin.status == 201
    default_ca = chain_of(json.loads(multi.request("GET", "/cainfo")[1]))[0]
    tls_ca = chain_of(json.loads(multi.request("GET", "/cainfo?ca=tlsca")[1]))[0]
    org_admin.cert.verify_directly_issued_by(default_ca)
    tls_admin.cert.verify_directly_issued_by(tls_ca)
    # the TLS CA's default profile issues TLS certificates
    usages = tls_admin.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usages
    # an identity registered in the TLS CA is unknown to the default CA
    peer = multi.register(tls_admin.identity, id="peer0-tls", type="peer", secret="pw", caname="tlsca")
    assert peer.status == 201, peer.raw
    assert multi.enroll("peer0-tls", "pw").status == 401
    enrolled = multi.enroll("peer0-tls", "pw", CAName="tlsca", hosts=["peer0.org1.example.com"])
    assert enrolled.status == 201, enrolled.raw
    # a token made with a TLS CA certificate is refused by the default CA, accepted by its own
    assert multi.register(tls_admin.identity, id="x1", type="client", secret="pw").status == 401
    assert multi.reenroll(enrolled.identity, CAName="tlsca").status == 201
    assert multi.reenroll(enrolled.identity).status == 401


def test_crls_are_per_ca(multi):
    admin = multi.enroll("admin", "adminpw", CAName="ca1").identity
    victim = multi.enroll("admin", "adminpw", CAName="ca1")
    revoked = multi.token_call("POST", "/revoke", admin,
                               {"serial": serial_hex(victim.cert), "aki": aki_hex(victim.cert), "caname": "ca1"})
    assert revoked.status == 200, revoked.raw
    ca1 = chain_of(json.loads(multi.request("GET", "/cainfo?ca=ca1")[1]))[0]
    crl = multi.token_call("POST", "/gencrl", admin, {"caname": "ca1"})
    assert crl.status == 200, crl.raw
    parsed = x509.load_pem_x509_crl(crl_from_result(crl.json["result"]["CRL"]))
    assert parsed.is_signature_valid(ca1.public_key())
    assert victim.cert.serial_number in {r.serial_number for r in parsed}
    default_admin = multi.enroll("admin", "adminpw").identity
    default_crl = multi.token_call("POST", "/gencrl", default_admin, {})
    listed = {r.serial_number for r in x509.load_pem_x509_crl(crl_from_result(default_crl.json["result"]["CRL"]))}
    assert victim.cert.serial_number not in listed


def test_renew_ca_picks_a_ca_by_name(multi, tmp_path):
    home = multi.home
    before = open(os.path.join(home, "ca", "ca1", "ca-cert.pem")).read()
    default_before = open(os.path.join(home, "ca-cert.pem")).read()
    result = subprocess.run([BINARY, "server", "renew-ca", "-H", home, "--caname", "ca1", "--expiry", "87600h"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert open(os.path.join(home, "ca", "ca1", "ca-cert.pem")).read() != before
    assert open(os.path.join(home, "ca-cert.pem")).read() == default_before
    unknown = subprocess.run([BINARY, "server", "renew-ca", "-H", home, "--caname", "nope"],
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode != 0 and "nope" in unknown.stderr


def test_operations_expose_each_cas_expiry(multi):
    status, body = multi.ops("/metrics")
    text = body.decode()
    for name in ('ca=""', 'ca="tlsca"', 'ca="ca1"'):
        assert f"charter_ca_expiration_timestamp_seconds{{{name}}}" in text


@pytest.fixture(scope="module")
def root():
    s = Server().start()
    yield s
    s.stop()


def intermediate_home(root, name, attrs="hf.IntermediateCA=true"):
    admin = root.enroll("admin", "adminpw").identity
    fields = {"id": name, "type": "client", "secret": f"{name}pw"}
    if attrs:
        fields["attrs"] = [{"name": attrs.split("=")[0], "value": attrs.split("=")[1]}]
    assert root.register(admin, **fields).status == 201
    return tempfile.mkdtemp(prefix=f"charter-{name}-")


class IntermediateServer(Server):
    """A server whose TLS chain ends at another server's root: clients trust that root."""

    def __init__(self, root_file, **kwargs):
        super().__init__(**kwargs)
        self.root_file = root_file

    @property
    def ca_file(self):
        return self.root_file


def init_intermediate(parent, home, name):
    return subprocess.run(
        [BINARY, "server", "init", "-b", "admin:adminpw", "-H", home,
         "-u", f"https://{name}:{name}pw@localhost:{parent.port}", "--intermediate.tls.certfiles", parent.ca_file],
        capture_output=True, text=True, timeout=120,
    )


def test_an_intermediate_ca_chains_leaves_to_the_root(root):
    home = intermediate_home(root, "int1")
    init = init_intermediate(root, home, "int1")
    assert init.returncode == 0, init.stderr
    # the parent's secret is not written into the intermediate's config
    assert "int1pw" not in open(os.path.join(home, "charter-server-config.yaml")).read()
    intermediate = IntermediateServer(root.ca_file, home=home).start()
    try:
        chain = chain_of(json.loads(intermediate.request("GET", "/cainfo")[1]))
        assert len(chain) == 2
        assert chain[0].issuer == root.ca_cert().subject and chain[1] == root.ca_cert()
        constraints = chain[0].extensions.get_extension_for_class(x509.BasicConstraints).value
        assert constraints.ca and constraints.path_length == 0
        assert chain[0].not_valid_before_utc >= root.ca_cert().not_valid_before_utc
        assert chain[0].not_valid_after_utc <= root.ca_cert().not_valid_after_utc
        leaf = intermediate.enroll("admin", "adminpw")
        assert leaf.status == 201, leaf.raw
        with tempfile.TemporaryDirectory() as d:
            untrusted = os.path.join(d, "int.pem")
            with open(untrusted, "wb") as f:
                f.write(open(os.path.join(home, "ca-cert.pem"), "rb").read())
            assert chain[0].public_bytes(serialization.Encoding.PEM) == open(untrusted, "rb").read()
            leaf_file = os.path.join(d, "leaf.pem")
            with open(leaf_file, "wb") as f:
                f.write(leaf.cert_pem)
            out = subprocess.run(["openssl", "verify", "-CAfile", root.ca_file, "-untrusted", untrusted, leaf_file],
                                 capture_output=True, text=True)
            assert out.returncode == 0, out.stdout + out.stderr
        # Charter's client writes the chain as fabric-ca-client does
        client_home = tempfile.mkdtemp(prefix="charter-int-client-")
        for extra, folder in (([], "msp"), (["--enrollment.profile", "tls", "--csr.hosts", "peer0.example.com"], "tls")):
            out = subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{intermediate.port}",
                                  "--tls.certfiles", root.ca_file, "-H", client_home, "-M", folder, *extra],
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out.stderr
        name = f"localhost-{intermediate.port}.pem"
        assert open(os.path.join(client_home, "msp", "intermediatecerts", name)).read().strip() == \
            open(os.path.join(home, "ca-cert.pem")).read().strip()
        assert x509.load_pem_x509_certificate(open(os.path.join(client_home, "msp", "cacerts", name), "rb").read()) \
            == root.ca_cert()
        assert os.path.exists(os.path.join(client_home, "tls", "tlsintermediatecerts", "tls-" + name))
        # the parent recorded the intermediate's certificate
        assert root.db_rows("SELECT profile FROM certificates WHERE enrollment_id = 'int1'") == [("ca",)]

        # path length 0: this intermediate cannot make another CA, and nothing is left behind
        admin = intermediate.enroll("admin", "adminpw").identity
        assert intermediate.register(admin, id="int2", type="client", secret="int2pw",
                                     attrs=[{"name": "hf.IntermediateCA", "value": "true"}]).status == 201
        below = tempfile.mkdtemp(prefix="charter-int2-")
        refused = subprocess.run(
            [BINARY, "server", "init", "-b", "admin:adminpw", "-H", below,
             "-u", f"https://int2:int2pw@localhost:{intermediate.port}", "--intermediate.tls.certfiles", root.ca_file],
            capture_output=True, text=True, timeout=120,
        )
        assert refused.returncode != 0 and "path length is 0" in refused.stderr
        assert os.listdir(below) == []
    finally:
        intermediate.stop()

    # renew-ca: the intermediate reenrolls with its parent for the same key and subject
    old = x509.load_pem_x509_certificate(open(os.path.join(home, "ca-cert.pem"), "rb").read())
    renewed = subprocess.run([BINARY, "server", "renew-ca", "-H", home], capture_output=True, text=True, timeout=120)
    assert renewed.returncode == 0, renewed.stderr
    new = x509.load_pem_x509_certificate(open(os.path.join(home, "ca-cert.pem"), "rb").read())
    assert new.serial_number != old.serial_number and new.subject == old.subject
    assert new.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
        == old.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert new.issuer == root.ca_cert().subject
    archived = [f for f in os.listdir(home) if f.startswith("ca-cert-") and f.endswith(".pem")]
    assert len(archived) == 1
    # the leaf issued under the old certificate verifies against the new one
    with tempfile.TemporaryDirectory() as d:
        leaf_file = os.path.join(d, "leaf.pem")
        with open(leaf_file, "wb") as f:
            f.write(leaf.cert_pem)
        out = subprocess.run(["openssl", "verify", "-CAfile", root.ca_file, "-untrusted",
                              os.path.join(home, "ca-cert.pem"), leaf_file], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
    assert len(root.db_rows("SELECT serial_number FROM certificates WHERE enrollment_id = 'int1'")) == 2


def test_an_intermediate_needs_hf_intermediate_ca(root):
    home = intermediate_home(root, "notca", attrs=None)
    refused = init_intermediate(root, home, "notca")
    assert refused.returncode != 0 and "hf.IntermediateCA" in refused.stderr
    key = new_key()
    direct = root.enroll("notca", "notcapw", csr_pem=make_csr(key, "notca"), key=key, profile="ca")
    assert direct.status == 403 and direct.error_code == 71


def test_the_servers_tls_certificate_is_renewed_while_it_runs_without_dropping_connections(tmp_path):
    config = "signing:\n  profiles:\n    tls:\n      usage: [signing, key encipherment, server auth, client auth]\n" \
             "      expiry: 8s\ntls:\n  renewbefore: 4s\n"
    server = Server(config, home=str(tmp_path / "home")).start()
    try:
        import http.client
        first_pem = open(os.path.join(server.home, "tls-cert.pem")).read()
        kept = http.client.HTTPSConnection("localhost", server.port, context=server.ssl_context(), timeout=30)
        kept.request("GET", "/cainfo")
        assert kept.getresponse().read() and kept.sock is not None
        first = x509.load_der_x509_certificate(kept.sock.getpeercert(binary_form=True))
        assert first.public_bytes(serialization.Encoding.PEM).decode() == first_pem
        deadline = time.monotonic() + 30
        while open(os.path.join(server.home, "tls-cert.pem")).read() == first_pem:
            assert time.monotonic() < deadline, "the TLS certificate was not renewed"
            time.sleep(0.2)
        time.sleep(0.5)
        fresh = http.client.HTTPSConnection("localhost", server.port, context=server.ssl_context(), timeout=30)
        fresh.request("GET", "/cainfo")
        assert fresh.getresponse().status == 200
        second = x509.load_der_x509_certificate(fresh.sock.getpeercert(binary_form=True))
        assert second.serial_number != first.serial_number
        assert second.not_valid_after_utc > first.not_valid_after_utc
        # the connection opened before the renewal still works
        kept.request("GET", "/cainfo")
        assert kept.getresponse().status == 200
        kept.close()
        fresh.close()
        # every certificate the server issued for itself is on record
        rows = server.db_rows("SELECT serial_number FROM certificates WHERE profile = 'tls'")
        assert {format(first.serial_number, "x"), format(second.serial_number, "x")} <= {r[0] for r in rows}
    finally:
        server.stop()


def test_a_renewed_root_keeps_old_leaves_verifying_and_gives_new_ones_its_new_validity(tmp_path):
    server = Server("csr:\n  ca:\n    expiry: 100h\n", home=str(tmp_path / "home")).start()
    try:
        old_leaf = server.enroll("admin", "adminpw")
        assert old_leaf.status == 201
        old_ca = server.ca_cert()
    finally:
        server.stop()
    renewed = subprocess.run([BINARY, "server", "renew-ca", "-H", server.home, "--expiry", "1000h"],
                             capture_output=True, text=True, timeout=60)
    assert renewed.returncode == 0, renewed.stderr
    server.start()
    try:
        served = chain_of(json.loads(server.request("GET", "/cainfo")[1]))[0]
        assert served.serial_number != old_ca.serial_number and served.subject == old_ca.subject
        assert served.not_valid_after_utc > old_ca.not_valid_after_utc
        code, out = openssl_verify(server.ca_file, old_leaf.cert_pem)
        assert code == 0, out
        new_leaf = server.enroll("admin", "adminpw")
        assert new_leaf.cert.not_valid_after_utc > old_ca.not_valid_after_utc
        assert new_leaf.cert.not_valid_after_utc <= served.not_valid_after_utc
        # a client's cacerts/ follows with getcainfo
        client = tmp_path / "client"
        out = subprocess.run([BINARY, "getcainfo", "-u", f"https://localhost:{server.port}",
                              "--tls.certfiles", server.ca_file, "-H", str(client)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        stored = x509.load_pem_x509_certificate((client / "msp" / "cacerts" / f"localhost-{server.port}.pem").read_bytes())
        assert stored == served
    finally:
        server.stop()


def test_each_ca_has_its_own_idemix_issuer(multi):
    """Idemix per CA, named by `caname` as fabric-ca-client sends it: each CA's own issuer key in
    cainfo, and a credential request goes to the CA whose nonce it answers."""
    import base64
    from idemix_client import IssuerKey, credential_request
    keys = {name: json.loads(multi.request("POST", "/cainfo", {"caname": name})[1])["result"]["IssuerPublicKey"]
            for name in ("", "ca1")}
    assert keys[""] and keys["ca1"] and keys[""] != keys["ca1"]
    auth = {"Authorization": "Basic " + base64.b64encode(b"admin:adminpw").decode()}
    status, raw, _ = multi.request("POST", "/idemix/credential", {"request": None, "caname": "ca1"}, auth)
    result = json.loads(raw)["result"]
    assert status == 201 and result["CAInfo"]["IssuerPublicKey"] == keys["ca1"]
    request = credential_request(IssuerKey(base64.b64decode(keys["ca1"])), base64.b64decode(result["Nonce"]))
    # ca1's nonce is unknown to the default CA
    status, _, _ = multi.request("POST", "/idemix/credential", {"request": request, "caname": ""}, auth)
    assert status == 400
    # ca1 still holds it: the credential comes from ca1's issuer
    status, raw, _ = multi.request("POST", "/idemix/credential", {"request": request, "caname": "ca1"}, auth)
    assert status == 201 and json.loads(raw)["result"]["Attrs"]["EnrollmentID"] == "admin", raw
