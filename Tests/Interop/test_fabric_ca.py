"""The real fabric-ca-client 1.5 drives `charter server` through the flows README claims, and
Charter and the real fabric-ca-server chain under each other as root and intermediate."""
import glob
import json
import os
import subprocess
import time

import pytest
from cryptography import x509

from harness import Server, free_port


ALLOW_REMOVE = """
cfg:
  identities:
    allowremove: true
  affiliations:
    allowremove: true
"""


def client(fabric_ca, home, server_or_url, *args, ca_file=None, check=True):
    url = server_or_url if isinstance(server_or_url, str) else f"https://localhost:{server_or_url.port}"
    ca_file = ca_file or server_or_url.ca_file
    result = subprocess.run([os.path.join(fabric_ca, "fabric-ca-client"), *args, "-u", url, "-H", str(home),
                             "--tls.certfiles", ca_file], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"fabric-ca-client {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def cert(path):
    return x509.load_pem_x509_certificate(open(path, "rb").read())


def openssl_verify(root, leaf, untrusted=None):
    extra = ["-untrusted", untrusted] if untrusted else []
    return subprocess.run(["openssl", "verify", "-CAfile", root, *extra, leaf], capture_output=True, text=True)


@pytest.fixture(scope="module")
def server():
    s = Server(ALLOW_REMOVE).start()
    yield s
    s.stop()


def test_enroll_register_reenroll_and_the_msp_layout(fabric_ca, server, tmp_path):
    admin = tmp_path / "admin"
    result = client(fabric_ca, admin, f"https://admin:adminpw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    assert "Stored client certificate" in result.stderr
    msp = admin / "msp"
    assert os.path.exists(msp / "signcerts" / "cert.pem") and glob.glob(str(msp / "keystore" / "*_sk"))
    assert os.path.exists(msp / "cacerts" / f"localhost-{server.port}.pem")
    assert os.path.exists(admin / "fabric-ca-client-config.yaml")
    registered = client(fabric_ca, admin, server, "register", "--id.name", "user1", "--id.secret", "user1pw",
                        "--id.type", "client", "--id.affiliation", "org1", "--id.attrs", "team=blue:ecert")
    assert "Password: user1pw" in registered.stdout
    user = tmp_path / "user1"
    client(fabric_ca, user, f"https://user1:user1pw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    enrolled = cert(user / "msp" / "signcerts" / "cert.pem")
    assert enrolled.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "user1"
    ous = {a.value for a in enrolled.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)}
    assert {"client", "org1"} <= ous
    attributes = enrolled.extensions.get_extension_for_oid(x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")).value.value
    assert json.loads(attributes)["attrs"]["team"] == "blue"
    client(fabric_ca, user, server, "reenroll")
    renewed = cert(user / "msp" / "signcerts" / "cert.pem")
    assert renewed.serial_number != enrolled.serial_number
    assert openssl_verify(server.ca_file, str(user / "msp" / "signcerts" / "cert.pem")).returncode == 0


def test_a_tls_certificate_with_hosts(fabric_ca, server, tmp_path):
    admin = tmp_path / "admin"
    client(fabric_ca, admin, f"https://admin:adminpw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    client(fabric_ca, admin, server, "register", "--id.name", "peer1", "--id.secret", "peer1pw", "--id.type", "peer",
           "--id.affiliation", "org1")
    peer = tmp_path / "peer1"
    client(fabric_ca, peer, f"https://peer1:peer1pw@localhost:{server.port}", "enroll", "--enrollment.profile", "tls",
           "--csr.hosts", "peer1.org1.example.com,127.0.0.1", "-M", "tls", ca_file=server.ca_file)
    issued = cert(peer / "tls" / "signcerts" / "cert.pem")
    names = issued.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "peer1.org1.example.com" in names.get_values_for_type(x509.DNSName)
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    usages = issued.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.ExtendedKeyUsageOID.SERVER_AUTH in usages and x509.ExtendedKeyUsageOID.CLIENT_AUTH in usages
    assert os.listdir(peer / "tls" / "tlscacerts")


def test_revoke_gencrl_identities_affiliations_and_certificates(fabric_ca, server, tmp_path):
    admin = tmp_path / "admin"
    client(fabric_ca, admin, f"https://admin:adminpw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    client(fabric_ca, admin, server, "affiliation", "add", "org3.lab", "--force")
    assert "org3.lab" in client(fabric_ca, admin, server, "affiliation", "list").stdout
    client(fabric_ca, admin, server, "identity", "add", "temp", "--secret", "temppw", "--type", "client",
           "--affiliation", "org3.lab")
    client(fabric_ca, admin, server, "identity", "modify", "temp", "--type", "peer")
    listed = client(fabric_ca, admin, server, "identity", "list", "--id", "temp").stdout
    assert "Name: temp" in listed and "Type: peer" in listed and "Affiliation: org3.lab" in listed
    temp = tmp_path / "temp"
    client(fabric_ca, temp, f"https://temp:temppw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    serial = format(cert(temp / "msp" / "signcerts" / "cert.pem").serial_number, "x")
    certificates = client(fabric_ca, admin, server, "certificate", "list", "--id", "temp").stdout
    assert serial in certificates.replace(":", "").lower() or "temp" in certificates
    client(fabric_ca, admin, server, "revoke", "-e", "temp", "-r", "keycompromise", "--gencrl")
    crl = x509.load_pem_x509_crl(open(admin / "msp" / "crls" / "crl.pem", "rb").read())
    assert int(serial, 16) in {entry.serial_number for entry in crl}
    assert client(fabric_ca, temp, server, "reenroll", check=False).returncode != 0
    client(fabric_ca, admin, server, "gencrl")
    client(fabric_ca, admin, server, "identity", "remove", "temp")
    assert "temp" not in client(fabric_ca, admin, server, "identity", "list").stdout
    client(fabric_ca, admin, server, "affiliation", "remove", "org3", "--force")
    assert "org3" not in client(fabric_ca, admin, server, "affiliation", "list").stdout
    info = tmp_path / "info"
    client(fabric_ca, info, server, "getcainfo")
    assert open(info / "msp" / "cacerts" / f"localhost-{server.port}.pem").read() == open(server.ca_file).read()


def test_caname_picks_a_ca_of_a_multi_ca_server(fabric_ca, tmp_path):
    server = Server(args=["--cacount", "2"]).start()
    try:
        home = tmp_path / "ca2"
        client(fabric_ca, home, f"https://admin:adminpw@localhost:{server.port}", "enroll", "--caname", "ca2",
               ca_file=server.ca_file)
        root = os.path.join(server.home, "ca", "ca2", "ca-cert.pem")
        issued = cert(home / "msp" / "signcerts" / "cert.pem")
        assert issued.issuer == cert(root).subject
        assert openssl_verify(root, str(home / "msp" / "signcerts" / "cert.pem")).returncode == 0
        wrong = client(fabric_ca, tmp_path / "none", f"https://admin:adminpw@localhost:{server.port}", "enroll",
                       "--caname", "nope", ca_file=server.ca_file, check=False)
        assert wrong.returncode != 0
    finally:
        server.stop()


class FabricCAServer:
    """A real fabric-ca-server on loopback, TLS on, in its own home."""

    def __init__(self, fabric_ca, home, *args, env=None):
        self.home = str(home)
        self.port = free_port()
        os.makedirs(self.home, exist_ok=True)
        self.log = open(os.path.join(self.home, "server.log"), "ab")
        self.process = subprocess.Popen(
            [os.path.join(fabric_ca, "fabric-ca-server"), "start", "-b", "admin:adminpw", "-H", self.home, "-p",
             str(self.port), "--tls.enabled", "--csr.hosts", "localhost,127.0.0.1",
             "--operations.listenaddress", f"127.0.0.1:{free_port()}", *args],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.ca_file) or not self.listening():
            assert self.process.poll() is None, open(os.path.join(self.home, "server.log")).read()[-3000:]
            assert time.monotonic() < deadline, "fabric-ca-server did not start"
            time.sleep(0.2)

    @property
    def ca_file(self):
        return os.path.join(self.home, "ca-cert.pem")

    @property
    def tls_file(self):
        return os.path.join(self.home, "tls-cert.pem")

    def listening(self):
        import socket
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def register_intermediate(fabric_ca, root, ca_file, home):
    """An identity of its own for the intermediate CA (enrolled as the bootstrap admin, its
    certificate would carry the subject its own admin's gets: fabric-ca names both CN=admin)."""
    client(fabric_ca, home, f"https://admin:adminpw@localhost:{root.port}", "enroll", ca_file=ca_file)
    client(fabric_ca, home, f"https://localhost:{root.port}", "register", "--id.name", "ica", "--id.secret", "icapw",
           "--id.type", "client", "--id.attrs", "hf.IntermediateCA=true", ca_file=ca_file)
    return f"https://ica:icapw@localhost:{root.port}"


def test_charter_as_an_intermediate_under_a_fabric_ca_root(fabric_ca, tmp_path):
    root = FabricCAServer(fabric_ca, tmp_path / "root")
    try:
        parent = register_intermediate(fabric_ca, root, root.ca_file, tmp_path / "root-admin")
        # its TLS certificate chains to the fabric-ca root: ready once its operations port answers
        intermediate = Server(args=["-u", parent, "--intermediate.tls.certfiles", root.ca_file]).start_without_probe()
        try:
            home = tmp_path / "leaf"
            client(fabric_ca, home, f"https://admin:adminpw@localhost:{intermediate.port}", "enroll",
                   ca_file=intermediate.ca_file)
            chain = glob.glob(str(home / "msp" / "intermediatecerts" / "*.pem"))
            assert chain, os.listdir(home / "msp")
            leaf = str(home / "msp" / "signcerts" / "cert.pem")
            verified = openssl_verify(root.ca_file, leaf, untrusted=chain[0])
            assert verified.returncode == 0, verified.stdout + verified.stderr
            assert cert(intermediate.ca_file).issuer == cert(root.ca_file).subject
        finally:
            intermediate.stop()
    finally:
        root.stop()


def test_fabric_ca_as_an_intermediate_under_a_charter_root(fabric_ca, tmp_path):
    root = Server().start()
    try:
        parent = register_intermediate(fabric_ca, root, root.ca_file, tmp_path / "root-admin")
        intermediate = FabricCAServer(fabric_ca, tmp_path / "intermediate", "-u", parent,
                                      "--intermediate.tls.certfiles", root.ca_file)
        try:
            home = tmp_path / "leaf"
            client(fabric_ca, home, f"https://admin:adminpw@localhost:{intermediate.port}", "enroll",
                   ca_file=intermediate.tls_file)
            chain = glob.glob(str(home / "msp" / "intermediatecerts" / "*.pem"))
            leaf = str(home / "msp" / "signcerts" / "cert.pem")
            verified = openssl_verify(root.ca_file, leaf, untrusted=chain[0])
            assert verified.returncode == 0, verified.stdout + verified.stderr
            # the root recorded the intermediate's certificate it issued
            listed = client(fabric_ca, tmp_path / "root-admin", root, "certificate", "list", "--id", "ica").stdout
            serial = format(cert(intermediate.ca_file).serial_number, "x")
            assert serial in listed.replace(":", "").lower(), listed
        finally:
            intermediate.stop()
    finally:
        root.stop()


def test_a_key_charter_made_in_a_token_is_used_by_fabric_ca_client_and_back(fabric_ca, server, tmp_path):
    """fabric-ca-client (built with its pkcs11 tag) finds by BCCSP's SKI the token key `charter
    enroll` made, and signs its reenroll with it; Charter then reenrolls with the key it made."""
    from services import SoftHSM
    if not os.path.exists(SoftHSM.LIBRARY):
        pytest.skip("SoftHSM2 is not installed")
    hsm = SoftHSM()
    home = tmp_path / "hsm"
    home.mkdir()
    (home / "fabric-ca-client-config.yaml").write_text(hsm.bccsp_yaml() + "    hash: SHA2\n    security: 256\n")
    url = f"https://localhost:{server.port}"
    enrolled = subprocess.run([os.environ["CHARTER_BIN"], "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}",
                               "-H", str(home), "--tls.certfiles", server.ca_file], capture_output=True, text=True,
                              env=hsm.env)
    assert enrolled.returncode == 0, enrolled.stderr
    assert not glob.glob(str(home / "msp" / "keystore" / "*"))
    by_charter = cert(home / "msp" / "signcerts" / "cert.pem")
    go = subprocess.run([os.path.join(fabric_ca, "fabric-ca-client"), "reenroll", "-u", url, "-H", str(home),
                         "--tls.certfiles", server.ca_file], capture_output=True, text=True, env=hsm.env, timeout=120)
    assert go.returncode == 0, go.stdout + go.stderr
    by_go = cert(home / "msp" / "signcerts" / "cert.pem")
    assert by_go.serial_number != by_charter.serial_number
    back = subprocess.run([os.environ["CHARTER_BIN"], "reenroll", "-u", url, "-H", str(home), "--tls.certfiles",
                           server.ca_file, "--csr.keyrequest.reusekey"], capture_output=True, text=True, env=hsm.env)
    assert back.returncode == 0, back.stderr
    assert cert(home / "msp" / "signcerts" / "cert.pem").public_key() == by_go.public_key()


def test_a_fabric_ca_pkcs11_home_moves_in_and_charter_signs_with_its_token_key(fabric_ca, tmp_path):
    """fabric-ca-server (pkcs11 build) makes its CA key in a token; `charter server import` takes
    the home, finds the key in the token by the SHA-256 of the CA certificate's point, and the
    Charter server issues with it: nothing private moved into a file."""
    from services import SoftHSM
    if not os.path.exists(SoftHSM.LIBRARY):
        pytest.skip("SoftHSM2 is not installed")
    hsm = SoftHSM()
    source = tmp_path / "fabric-ca"
    source.mkdir()
    # fabric-ca takes -b only into a configuration it writes itself: the admin is in this one
    (source / "fabric-ca-server-config.yaml").write_text(
        hsm.bccsp_yaml() + "    hash: SHA2\n    security: 256\n"
        + "registry:\n  identities:\n    - name: admin\n      pass: adminpw\n      type: client\n")
    # started once, so its registry holds the bootstrap admin; its CA and TLS keys are in the token only
    FabricCAServer(fabric_ca, source, env=hsm.env).stop()
    assert not glob.glob(str(source / "msp" / "keystore" / "*_sk"))
    target = tmp_path / "charter"
    imported = subprocess.run([os.environ["CHARTER_BIN"], "server", "import", "--from", str(source), "-H", str(target)],
                              capture_output=True, text=True, env=hsm.env, timeout=120)
    assert imported.returncode == 0, imported.stderr
    # the CA key stayed in the token; fabric-ca's Idemix issuer keys (files in fabric-ca too) came along
    assert sorted(os.listdir(target / "msp" / "keystore")) == ["IssuerRevocationPrivateKey", "IssuerSecretKey",
                                                               "log-signing.pub", "secret-hashing.pub"]
    server = Server(home=str(target), env={"SOFTHSM2_CONF": hsm.conf}).start()
    try:
        leaf = tmp_path / "leaf"
        client(fabric_ca, leaf, f"https://admin:adminpw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
        verified = openssl_verify(str(source / "ca-cert.pem"), str(leaf / "msp" / "signcerts" / "cert.pem"))
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        server.stop()


def test_fabric_ca_client_enrolls_an_idemix_credential_from_charter(fabric_ca, server, tmp_path):
    home = tmp_path / "idemix"
    result = client(fabric_ca, home, f"https://admin:adminpw@localhost:{server.port}", "enroll",
                    "--enrollment.type", "idemix", ca_file=server.ca_file)
    assert "Stored the Idemix credential" in result.stderr, result.stderr
    config = json.load(open(home / "msp" / "user" / "SignerConfig"))
    assert config["enrollment_id"] == "admin" and config["Cred"] and config["Sk"]
    assert open(home / "msp" / "IssuerPublicKey", "rb").read() == open(os.path.join(server.home, "IssuerPublicKey"),
                                                                        "rb").read()


def test_a_fabric_ca_homes_idemix_issuer_keys_keep_working_after_import(fabric_ca, tmp_path):
    """fabric-ca-server makes its Idemix keys; `charter server import` takes them over; the real
    fabric-ca-client then enrolls Idemix credentials from Charter under the same issuer key."""
    source = tmp_path / "fabric-ca"
    FabricCAServer(fabric_ca, source).stop()
    target = tmp_path / "charter"
    imported = subprocess.run([os.environ["CHARTER_BIN"], "server", "import", "--from", str(source), "-H", str(target)],
                              capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    for name in ("IssuerPublicKey", "IssuerRevocationPublicKey", "msp/keystore/IssuerSecretKey",
                 "msp/keystore/IssuerRevocationPrivateKey"):
        assert open(source / name, "rb").read() == open(target / name, "rb").read(), name
    assert os.stat(target / "msp" / "keystore" / "IssuerSecretKey").st_mode & 0o077 == 0
    # fabric-ca had TLS on by a flag, which its configuration file does not keep
    server = Server(home=str(target), args=["--tls.enabled", "true"]).start()
    try:
        home = tmp_path / "member"
        client(fabric_ca, home, f"https://admin:adminpw@localhost:{server.port}", "enroll",
               "--enrollment.type", "idemix", ca_file=server.ca_file)
        assert open(home / "msp" / "IssuerPublicKey", "rb").read() == open(source / "IssuerPublicKey", "rb").read()
    finally:
        server.stop()


def test_fabric_ca_client_authenticates_with_an_idemix_token(fabric_ca, server, tmp_path):
    """With only an Idemix credential in its home, fabric-ca-client signs its requests with an
    Idemix token (`idemix.1.<id>.<signature>`); Charter verifies it, until the identity is revoked."""
    admin = tmp_path / "admin"
    client(fabric_ca, admin, f"https://admin:adminpw@localhost:{server.port}", "enroll", ca_file=server.ca_file)
    client(fabric_ca, admin, server, "register", "--id.name", "anonreg", "--id.secret", "anonregpw",
           "--id.type", "client", "--id.affiliation", "org1", "--id.attrs", "hf.Registrar.Roles=client")
    anon = tmp_path / "anonreg"
    client(fabric_ca, anon, f"https://anonreg:anonregpw@localhost:{server.port}", "enroll",
           "--enrollment.type", "idemix", ca_file=server.ca_file)
    assert not os.path.exists(anon / "msp" / "signcerts" / "cert.pem")
    listed = client(fabric_ca, anon, server, "identity", "list", "--id", "anonreg")
    assert "Name: anonreg" in listed.stdout, listed.stdout + listed.stderr
    client(fabric_ca, admin, server, "revoke", "-e", "anonreg")
    refused = client(fabric_ca, anon, server, "identity", "list", "--id", "anonreg", check=False)
    assert refused.returncode != 0 and "Authentication failure" in refused.stderr, refused.stderr
