"""The client verbs (`charter enroll`, `register`, …) against the real server, fabric-ca-client style."""
import json
import os
import stat
import subprocess
import tempfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from harness import BINARY, REFERENCE, Server

HERE = os.path.dirname(os.path.abspath(__file__))
ATTR_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")


@pytest.fixture(scope="module")
def ca():
    s = Server("cfg:\n  identities:\n    allowremove: true\n  affiliations:\n    allowremove: true\n",
               args=["--ca.name", "ca-org1"]).start()
    yield s
    s.stop()


def client(ca, home, *args, check=True):
    env = dict(os.environ, FABRIC_CA_CLIENT_HOME=str(home))
    result = subprocess.run([BINARY, *args, "-u", f"https://localhost:{ca.port}", "--caname", "ca-org1",
                             "--tls.certfiles", ca.ca_file] if "-u" not in args else [BINARY, *args, "--caname", "ca-org1", "--tls.certfiles", ca.ca_file],
                            capture_output=True, text=True, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def enroll(ca, home, user, secret, *extra, check=True):
    return client(ca, home, "enroll", "-u", f"https://{user}:{secret}@localhost:{ca.port}", *extra, check=check)


def tree(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            out.append(("d", os.path.relpath(os.path.join(dirpath, name), root)))
        for name in filenames:
            path = os.path.join(dirpath, name)
            out.append(("f", os.path.relpath(path, root), oct(os.stat(path).st_mode & 0o777)))
    return sorted(out)


@pytest.fixture(scope="module")
def admin_home(ca, tmp_path_factory):
    home = tmp_path_factory.mktemp("admin")
    enroll(ca, home, "admin", "adminpw")
    return home


def key_file_name(cert):
    point = cert.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(point)
    return digest.finalize().hex() + "_sk"


def test_enroll_writes_fabric_ca_client_layout(ca, admin_home):
    msp = admin_home / "msp"
    cert = x509.load_pem_x509_certificate((msp / "signcerts" / "cert.pem").read_bytes())
    port_file = f"localhost-{ca.port}-ca-org1.pem"
    entries = tree(str(admin_home))
    assert ("f", "fabric-ca-client-config.yaml", "0o644") in entries
    assert ("f", f"msp/cacerts/{port_file}", "0o644") in entries
    assert ("f", f"msp/keystore/{key_file_name(cert)}", "0o600") in entries
    assert ("f", "msp/signcerts/cert.pem", "0o644") in entries
    assert ("d", "msp/user") in entries
    assert (msp / "cacerts" / port_file).read_bytes() == open(ca.ca_file, "rb").read()
    key = serialization.load_pem_private_key((msp / "keystore" / key_file_name(cert)).read_bytes(), None)
    assert key.public_key() == cert.public_key()
    assert (msp / "keystore" / key_file_name(cert)).read_text().startswith("-----BEGIN PRIVATE KEY-----")
    config = (admin_home / "fabric-ca-client-config.yaml").read_text()
    assert "adminpw" not in config and f"localhost:{ca.port}" in config


def test_subject_names_and_folder_modes_follow_fabric_ca_client(ca, admin_home, tmp_path):
    # fabric-ca-client's default csr.names: C=US, ST=North Carolina, O=Hyperledger (the server sets OU).
    cert = x509.load_pem_x509_certificate((admin_home / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Hyperledger"
    assert cert.subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)[0].value == "North Carolina"
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "US"
    config = (admin_home / "fabric-ca-client-config.yaml").read_text()
    assert "O: Hyperledger" in config and "C: US" in config and "ST: North Carolina" in config
    for folder in ("msp", "msp/keystore"):
        assert stat.S_IMODE(os.stat(admin_home / folder).st_mode) == 0o700, folder
    # --csr.names wins over the defaults, and the config file's names over the defaults
    client(ca, admin_home, "register", "--id.name", "named", "--id.secret", "pw", "--id.affiliation", "org1")
    home = tmp_path / "named"
    enroll(ca, home, "named", "pw", "--csr.names", "C=DE,O=Example Org")
    named = x509.load_pem_x509_certificate((home / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert named.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Example Org"
    assert not named.subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)
    config_file = home / "fabric-ca-client-config.yaml"
    text = config_file.read_text().replace("Hyperledger", "From Config")
    config_file.write_text(text)
    enroll(ca, home, "named", "pw", "-M", "again")
    again = x509.load_pem_x509_certificate((home / "again" / "signcerts" / "cert.pem").read_bytes())
    assert again.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "From Config"


def test_custom_output_files_for_enroll_and_reenroll(ca, admin_home, tmp_path):
    client(ca, admin_home, "register", "--id.name", "custom", "--id.secret", "pw", "--id.affiliation", "org1")
    home = tmp_path / "custom"
    files = ["--mycertfile", "tls/server.crt", "--myskfile", "tls/server.key", "--mycacertfile", "tls/ca.crt"]
    enroll(ca, home, "custom", "pw", *files)
    msp = home / "msp"
    cert = x509.load_pem_x509_certificate((msp / "tls" / "server.crt").read_bytes())
    key = serialization.load_pem_private_key((msp / "tls" / "server.key").read_bytes(), None)
    assert key.public_key() == cert.public_key()
    assert stat.S_IMODE(os.stat(msp / "tls" / "server.key").st_mode) == 0o600
    assert (msp / "tls" / "ca.crt").read_bytes() == open(ca.ca_file, "rb").read()
    assert not (msp / "signcerts" / "cert.pem").exists() and not list((msp / "keystore").glob("*_sk"))
    client(ca, home, "reenroll", *files)
    renewed = x509.load_pem_x509_certificate((msp / "tls" / "server.crt").read_bytes())
    assert renewed.serial_number != cert.serial_number
    assert serialization.load_pem_private_key((msp / "tls" / "server.key").read_bytes(), None).public_key() == renewed.public_key()
    bad = client(ca, home, "reenroll", "--mycertfile", "../escape.pem", check=False)
    assert bad.returncode != 0 and "inside the MSP folder" in bad.stderr


def test_url_with_a_path_prefix_is_requested_and_signed_with_it(ca, admin_home, tmp_path):
    # The server answers under /api/v1 too: requests and the token's signed URI carry the prefix.
    home = tmp_path / "prefixed"
    result = client(ca, home, "enroll", "-u", f"https://admin:adminpw@localhost:{ca.port}/api/v1", "-d")
    assert f"POST https://localhost:{ca.port}/api/v1/enroll -> 201" in result.stderr
    client(ca, home, "register", "--id.name", "via-prefix", "--id.secret", "pw", "--id.affiliation", "org1",
           "-u", f"https://localhost:{ca.port}/api/v1")
    client(ca, home, "reenroll", "-u", f"https://localhost:{ca.port}/api/v1")
    assert ca.db_rows("SELECT COUNT(*) FROM identities WHERE id = 'via-prefix'")[0][0] == 1


def test_tls_profile_with_gateway_host_and_attribute_requests(ca, admin_home, tmp_path):
    client(ca, admin_home, "register", "--id.name", "gw-peer", "--id.secret", "pw", "--id.type", "peer",
           "--id.affiliation", "org1", "--id.attrs", '"app.roles=a,b",color=blue:ecert')
    home = tmp_path / "peer"
    enroll(ca, home, "gw-peer", "pw", "-M", "tls", "--enrollment.profile", "tls",
           "--csr.hosts", "peer0.org1.example.com,org1-peer-gateway-svc", "--csr.hosts", "10.0.0.7")
    msp = home / "tls"
    assert (msp / "tlscacerts" / f"tls-localhost-{ca.port}-ca-org1.pem").exists()
    assert (msp / "cacerts").is_dir() and not os.listdir(msp / "cacerts")
    cert = x509.load_pem_x509_certificate((msp / "signcerts" / "cert.pem").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["peer0.org1.example.com", "org1-peer-gateway-svc"]
    assert [str(i) for i in san.get_values_for_type(x509.IPAddress)] == ["10.0.0.7"]
    assert ExtendedKeyUsageOID.SERVER_AUTH in list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    # attribute requests choose exactly
    enroll(ca, home, "gw-peer", "pw", "-M", "msp", "--enrollment.attrs", "color,hf.Type,nope:opt")
    ecert = x509.load_pem_x509_certificate((home / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert ecert.extensions.get_extension_for_oid(ATTR_OID).value.value == b'{"attrs":{"color":"blue","hf.Type":"peer"}}'
    identity = client(ca, admin_home, "identity", "list", "--id", "gw-peer").stdout
    assert "Name:app.roles Value:a,b" in identity


def test_reenroll_replaces_the_key_and_reusekey_keeps_it(ca, admin_home, tmp_path):
    client(ca, admin_home, "register", "--id.name", "re-user", "--id.secret", "pw", "--id.affiliation", "org1")
    home = tmp_path / "re"
    enroll(ca, home, "re-user", "pw")
    first = os.listdir(home / "msp" / "keystore")
    client(ca, home, "reenroll")
    second = os.listdir(home / "msp" / "keystore")
    assert len(second) == 1 and second != first
    client(ca, home, "reenroll", "--csr.keyrequest.reusekey")
    assert os.listdir(home / "msp" / "keystore") == second
    cert = x509.load_pem_x509_certificate((home / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert key_file_name(cert) == second[0]


def test_revoke_then_reenroll_refused_and_gencrl_verifies(ca, admin_home, tmp_path):
    client(ca, admin_home, "register", "--id.name", "rv-user", "--id.secret", "pw", "--id.affiliation", "org1")
    home = tmp_path / "rv"
    enroll(ca, home, "rv-user", "pw")
    result = client(ca, admin_home, "revoke", "-e", "rv-user", "-r", "keycompromise", "--gencrl")
    assert "Successfully revoked certificates" in result.stdout
    crl = admin_home / "msp" / "crls" / "crl.pem"
    check = subprocess.run(["openssl", "crl", "-in", str(crl), "-CAfile", ca.ca_file, "-noout"], capture_output=True, text=True)
    assert check.returncode == 0 and "verify OK" in check.stdout + check.stderr
    refused = client(ca, home, "reenroll", check=False)
    assert refused.returncode != 0 and "Error: Authentication failure (code 20)" in refused.stderr
    # revoke one certificate by serial and AKI, then gencrl
    client(ca, admin_home, "register", "--id.name", "rv-two", "--id.secret", "pw", "--id.affiliation", "org1")
    other = tmp_path / "rv2"
    enroll(ca, other, "rv-two", "pw")
    cert = x509.load_pem_x509_certificate((other / "msp" / "signcerts" / "cert.pem").read_bytes())
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()
    client(ca, admin_home, "revoke", "-s", format(cert.serial_number, "x"), "-a", aki)
    client(ca, admin_home, "gencrl")
    listed = x509.load_pem_x509_crl(crl.read_bytes())
    assert listed.get_revoked_certificate_by_serial_number(cert.serial_number) is not None


def test_identity_affiliation_certificate_verbs(ca, admin_home, tmp_path):
    added = client(ca, admin_home, "identity", "add", "verb-user", "--type", "client", "--affiliation", "org2", "--secret", "pw", "--maxenrollments", "2")
    assert "Successfully added identity - Name: verb-user" in added.stdout
    modified = client(ca, admin_home, "identity", "modify", "verb-user", "--maxenrollments", "5")
    assert "Max Enrollments: 5" in modified.stdout
    assert "Name: verb-user" in client(ca, admin_home, "identity", "list").stdout
    client(ca, admin_home, "affiliation", "add", "org5.dept1", "--force")
    assert "affiliation: org5.dept1" in client(ca, admin_home, "affiliation", "list").stdout
    client(ca, admin_home, "affiliation", "modify", "org5", "--new-name", "org6", "--force")
    assert "affiliation: org6.dept1" in client(ca, admin_home, "affiliation", "list", "--affiliation", "org6").stdout
    client(ca, admin_home, "affiliation", "remove", "org6", "--force")
    enroll(ca, tmp_path / "vu", "verb-user", "pw")
    enroll(ca, tmp_path / "vu2", "verb-user", "pw")
    store = tmp_path / "store"
    listed = client(ca, admin_home, "certificate", "list", "--id", "verb-user", "--expiration", "now::+4000d", "--store", str(store))
    assert listed.stdout.count("Serial:") == 2
    assert sorted(os.listdir(store)) == ["verb-user-1.pem", "verb-user-2.pem"]
    assert client(ca, admin_home, "certificate", "list", "--id", "verb-user", "--revocation", "-1d::now").stdout == ""
    removed = client(ca, admin_home, "identity", "remove", "verb-user")
    assert "Successfully removed identity" in removed.stdout
    version = client(ca, admin_home, "version").stdout
    assert version.startswith("charter ") and "1.5.5" in version


def test_url_credentials_are_percent_decoded_once(ca, admin_home, tmp_path):
    # A secret holding `%40` and `@` travels as `%2540` and `%40`: decoded twice it would be `@@`.
    client(ca, admin_home, "register", "--id.name", "pct@user", "--id.secret", "p%40ss@word", "--id.affiliation", "org1")
    enroll(ca, tmp_path / "pct", "pct%40user", "p%2540ss%40word")
    cert = x509.load_pem_x509_certificate((tmp_path / "pct" / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pct@user"
    assert enroll(ca, tmp_path / "pct2", "pct%40user", "p%40ss%40word", check=False).returncode != 0


def test_getcainfo(ca, tmp_path):
    client(ca, tmp_path, "getcainfo")
    assert (tmp_path / "msp" / "cacerts" / f"localhost-{ca.port}-ca-org1.pem").read_bytes() == open(ca.ca_file, "rb").read()


def test_a_new_client_home_is_the_owners_only_as_fabric_ca_client_makes_it(ca, tmp_path):
    home = tmp_path / "new" / "home"
    client(ca, home, "getcainfo", "-H", str(home))
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(home / "msp").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(home / "msp" / "cacerts").st_mode) == 0o755
    # an existing home keeps its mode
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o750)
    os.chmod(existing, 0o750)
    client(ca, existing, "getcainfo", "-H", str(existing))
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o750


def test_test_network_script_with_only_the_program_name_changed(ca, tmp_path):
    orgs = tmp_path / "organizations"
    env = dict(os.environ, FABRIC_CA_CLIENT=BINARY)
    result = subprocess.run(["bash", os.path.join(HERE, "registerEnroll.sh"), str(ca.port), ca.ca_file, str(orgs)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    org = orgs / "peerOrganizations" / "org1.example.com"
    peer = org / "peers" / "peer0.org1.example.com"
    # the layout of client-msp-tree.txt, Idemix issuer keys included
    reference = [line.split()[2][2:] for line in open(os.path.join(REFERENCE, "fabric-ca", "client-msp-tree.txt"))
                 if line.startswith(("d", "f")) and line.split()[2].startswith("./peer0/")]
    # the reference ran on port 7054 without a CA name, with a home per identity (its config file)
    expected = {p.replace("peer0/", "", 1).replace("localhost-7054", f"localhost-{ca.port}-ca-org1") for p in reference
                if "_sk" not in p and not p.endswith("fabric-ca-client-config.yaml")}
    mine = {os.path.relpath(os.path.join(d, n), peer) for d, ds, fs in os.walk(peer) for n in ds + fs if not n.endswith("_sk")}
    mine -= {"msp/config.yaml", "tls/ca.crt", "tls/server.crt", "tls/server.key"}  # copied by the script itself
    assert mine == expected, mine ^ expected
    assert len(os.listdir(peer / "msp" / "keystore")) == 1 and len(os.listdir(peer / "tls" / "keystore")) == 1
    # certificates: types as OUs, the admin's attributes, TLS SANs
    def cert(path):
        return x509.load_pem_x509_certificate(path.read_bytes())
    assert [a.value for a in cert(peer / "msp" / "signcerts" / "cert.pem").subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)] == ["peer"]
    admin = cert(org / "users" / "Admin@org1.example.com" / "msp" / "signcerts" / "cert.pem")
    assert admin.extensions.get_extension_for_oid(ATTR_OID).value.value == b'{"attrs":{"hf.Type":"admin","role":"admin"}}'
    names = cert(peer / "tls" / "server.crt").extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert names == ["peer0.org1.example.com", "localhost", "org1-peer-gateway-svc"]
    assert (orgs / "orderer1" / "msp" / "config.yaml").read_text().count(f"cacerts/localhost-{ca.port}-ca-org1.pem") == 4
    for leaf in [peer / "msp" / "signcerts" / "cert.pem", peer / "tls" / "server.crt"]:
        assert subprocess.run(["openssl", "verify", "-CAfile", ca.ca_file, str(leaf)], capture_output=True).returncode == 0


@pytest.mark.parametrize("args,message", [
    (["enroll", "-u", "not a url"], "not a valid URL"),
    (["enroll", "-u", "https://admin:adminpw@127.0.0.1:1"], "Cannot reach the CA"),
    (["enroll", "-u", "https://localhost:7054"], "enrollment ID and secret"),
    (["enroll", "-u", "ftp://admin:adminpw@localhost:7054"], "not an http:// or https:// server URL"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path, args, message):
    home = tmp_path / "home"
    result = subprocess.run([BINARY, *args, "-H", str(home)], capture_output=True, text=True)
    assert result.returncode != 0 and result.stderr.startswith("Error:") and message in result.stderr, result.stderr
    assert not home.exists() or not any(home.rglob("*"))


def test_wrong_ca_file_and_malformed_attrs(ca, admin_home, tmp_path):
    other = tmp_path / "other-ca.pem"
    other.write_bytes(open(os.path.join(admin_home, "msp", "signcerts", "cert.pem"), "rb").read())
    home = tmp_path / "wrongca"
    result = subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{ca.port}", "--tls.certfiles", str(other), "-H", str(home)],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "Error:" in result.stderr
    assert not home.exists() or not any(home.rglob("*"))
    bad = client(ca, admin_home, "register", "--id.name", "x9", "--id.attrs", '"unbalanced=1', check=False)
    assert bad.returncode != 0 and "Unbalanced double quote" in bad.stderr
    bad = client(ca, admin_home, "register", "--id.name", "x9", "--id.attrs", "novalue", check=False)
    assert bad.returncode != 0 and "name=value" in bad.stderr
    assert ca.db_rows("SELECT COUNT(*) FROM identities WHERE id = 'x9'")[0][0] == 0


def test_mutual_tls_when_the_server_requires_client_certificates(tmp_path):
    server = Server("tls:\n  clientauth:\n    type: RequireAndVerifyClientCert\n").start_without_probe()
    try:
        # the server's own TLS pair is issued by the CA with clientAuth: use it as the client's
        cert, key = os.path.join(server.home, "tls-cert.pem"), os.path.join(server.home, "tls-key.pem")
        home = tmp_path / "mtls"
        args = [BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "--tls.certfiles", server.ca_file, "-H", str(home)]
        refused = subprocess.run(args, capture_output=True, text=True)
        assert refused.returncode != 0 and refused.stderr.startswith("Error:")
        assert not home.exists() or not any(home.rglob("*_sk"))
        accepted = subprocess.run(args + ["--tls.client.certfile", cert, "--tls.client.keyfile", key], capture_output=True, text=True)
        assert accepted.returncode == 0, accepted.stderr
        assert (home / "msp" / "signcerts" / "cert.pem").exists()
    finally:
        server.stop()


def test_client_settings_charter_does_not_implement_stop_the_command(ca, tmp_path):
    home = tmp_path / "hsm"
    home.mkdir()
    (home / "fabric-ca-client-config.yaml").write_text("bccsp:\n  default: PKCS11\n  pkcs11:\n    altid: key7\n")
    result = enroll(ca, home, "admin", "adminpw", check=False)
    assert result.returncode != 0
    assert "Configuration key 'bccsp.pkcs11.altid'" in result.stderr, result.stderr
    assert not (home / "msp").exists()
    # PKCS11 without its library is one clear line, before anything is asked of the server
    (home / "fabric-ca-client-config.yaml").write_text("bccsp:\n  default: PKCS11\n  pkcs11:\n    label: ForFabric\n")
    result = enroll(ca, home, "admin", "adminpw", check=False)
    assert result.returncode != 0 and "bccsp.pkcs11.library" in result.stderr, result.stderr
    assert not (home / "msp").exists()


def test_enrollment_defaults_in_the_client_configuration_are_used(ca, tmp_path):
    home = tmp_path / "tls"
    home.mkdir()
    (home / "fabric-ca-client-config.yaml").write_text(
        "enrollment:\n  profile: tls\ncsr:\n  hosts:\n    - peer0.example.com\n")
    enroll(ca, home, "admin", "adminpw")
    cert = x509.load_pem_x509_certificate((home / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName) == ["peer0.example.com"]
