"""`charter cryptogen` against the reference cryptogen trees and certificate profiles."""
import datetime
import glob
import hashlib
import os
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness import BINARY, P256_ORDER, REFERENCE

REF = os.path.join(REFERENCE, "cryptogen")
CONFIGS = os.path.join(REF, "configs")


def cryptogen(*args):
    return subprocess.run([BINARY, "cryptogen", *args], capture_output=True, text=True)


def listing(root, with_modes=True):
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = "./" + os.path.relpath(path, root)
            kind = "d" if os.path.isdir(path) else "f"
            mode = format(os.stat(path).st_mode & 0o777, "o")
            entries.append(f"{kind} {mode} {rel}" if with_modes else rel)
    entries.append("d 755 ." if with_modes else ".")
    return sorted(entries)


def reference_listing(name, with_modes=True):
    lines = [l.split() for l in open(os.path.join(REF, "trees", name)) if l.strip()]
    if with_modes:
        return sorted(f"{l[0]} {l[1]} {l[3]}" for l in lines)
    return sorted(l[0] for l in lines)


@pytest.fixture(scope="module")
def testnet(tmp_path_factory):
    out = tmp_path_factory.mktemp("testnet") / "out"
    result = cryptogen("generate", "--config", os.path.join(CONFIGS, "crypto-config.yaml"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return str(out)


def test_testnet_tree_matches_reference_paths_and_modes(testnet):
    assert listing(testnet) == reference_listing("find-listing-testnet-detailed.txt")


def test_options_tree_matches_reference(tmp_path):
    out = tmp_path / "out"
    result = cryptogen("generate", "--config", os.path.join(CONFIGS, "crypto-config-options.yaml"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert listing(str(out), with_modes=False) == reference_listing("find-listing-options.txt", with_modes=False)


def test_ca_organizational_unit_joins_every_leaf_subject(tmp_path):
    # cryptogen v2.4.9 on crypto-config-options.yaml: the CA's OrganizationalUnit is in every
    # certificate of the org, after the NodeOU in one multi-valued RDN on signing certificates.
    out = tmp_path / "out"
    assert cryptogen("generate", "--config", os.path.join(CONFIGS, "crypto-config-options.yaml"), "--output", str(out)).returncode == 0
    org = out / "peerOrganizations" / "orgx.example.net"
    peer = org / "peers" / "foo27.org5.example.com"
    sign = load(str(peer / "msp" / "signcerts" / "foo27.org5.example.com-cert.pem"))
    admin = load(str(org / "users" / "Admin@orgx.example.net" / "msp" / "signcerts" / "Admin@orgx.example.net-cert.pem"))
    server = load(str(peer / "tls" / "server.crt"))
    client = load(str(org / "users" / "Admin@orgx.example.net" / "tls" / "client.crt"))
    ca = load(str(org / "ca" / "myca.orgx.example.net-cert.pem"))
    tail = "L=Berlin,ST=Berlin,C=DE"
    street = "2.5.4.17=10115,STREET=Main St 1"
    assert sign.subject.rfc4514_string() == f"CN=foo27.org5.example.com,OU=peer+OU=Hyperledger Fabric,{street},{tail}"
    assert admin.subject.rfc4514_string() == f"CN=Admin@orgx.example.net,OU=admin+OU=Hyperledger Fabric,{street},{tail}"
    assert server.subject.rfc4514_string() == f"CN=foo27.org5.example.com,OU=Hyperledger Fabric,{street},{tail}"
    assert client.subject.rfc4514_string() == f"CN=Admin@orgx.example.net,OU=Hyperledger Fabric,{street},{tail}"
    assert ca.subject.rfc4514_string() == f"CN=myca.orgx.example.net,OU=Hyperledger Fabric,O=orgx.example.net,{street},{tail}"
    assert len(sign.subject.rdns) == 7 and len(sign.subject.rdns[5]._attributes) == 2


def test_showtemplate_generates_the_reference_default_tree(tmp_path):
    template = cryptogen("showtemplate")
    assert template.returncode == 0 and "OrdererOrgs" in template.stdout
    config = tmp_path / "template.yaml"
    config.write_text(template.stdout)
    result = cryptogen("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert listing(str(tmp_path / "out"), with_modes=False) == reference_listing("find-listing-default-template-nodeous-false.txt", with_modes=False)
    # NodeOUs off: the Admin certificate is in the org's and the nodes' admincerts
    org = tmp_path / "out" / "peerOrganizations" / "org1.example.com"
    admin = (org / "users" / "Admin@org1.example.com" / "msp" / "signcerts" / "Admin@org1.example.com-cert.pem").read_bytes()
    assert (org / "msp" / "admincerts" / "Admin@org1.example.com-cert.pem").read_bytes() == admin
    assert (org / "peers" / "peer0.org1.example.com" / "msp" / "admincerts" / "Admin@org1.example.com-cert.pem").read_bytes() == admin


def load(path):
    return x509.load_pem_x509_certificate(open(path, "rb").read())


def ext(cert, cls):
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def names(cert):
    return [(a.oid, a.value) for a in cert.subject]


def test_profiles_match_reference(testnet):
    org = os.path.join(testnet, "peerOrganizations", "org1.example.com")
    ca = load(os.path.join(org, "ca", "ca.org1.example.com-cert.pem"))
    tlsca = load(os.path.join(org, "tlsca", "tlsca.org1.example.com-cert.pem"))
    peer = os.path.join(org, "peers", "peer0.org1.example.com")
    sign = load(os.path.join(peer, "msp", "signcerts", "peer0.org1.example.com-cert.pem"))
    server = load(os.path.join(peer, "tls", "server.crt"))
    client = load(os.path.join(org, "users", "Admin@org1.example.com", "tls", "client.crt"))
    admin = load(os.path.join(org, "users", "Admin@org1.example.com", "msp", "signcerts", "Admin@org1.example.com-cert.pem"))
    user = load(os.path.join(org, "users", "User1@org1.example.com", "msp", "signcerts", "User1@org1.example.com-cert.pem"))

    # CA: O = domain, usages, CA:TRUE without path length, SHA-256 SKI, no AKI
    assert ca.subject.rfc4514_string() == "CN=ca.org1.example.com,O=org1.example.com,L=San Francisco,ST=California,C=US"
    ku = ext(ca, x509.KeyUsage)
    assert ku.digital_signature and ku.key_encipherment and ku.key_cert_sign and ku.crl_sign
    assert list(ext(ca, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]
    assert ext(ca, x509.BasicConstraints).ca and ext(ca, x509.BasicConstraints).path_length is None
    point = ca.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert ext(ca, x509.SubjectKeyIdentifier).digest == hashlib.sha256(point).digest()
    assert ext(ca, x509.AuthorityKeyIdentifier) is None
    assert tlsca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "tlsca.org1.example.com"

    # sign certificates: OU by role, digitalSignature only, AKI, no SKI, no SAN, no O
    for cert, unit in [(sign, "peer"), (admin, "admin"), (user, "client")]:
        assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == unit
        assert not cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        ku = ext(cert, x509.KeyUsage)
        assert ku.digital_signature and not ku.key_encipherment
        assert ext(cert, x509.ExtendedKeyUsage) is None and ext(cert, x509.SubjectKeyIdentifier) is None
        assert ext(cert, x509.SubjectAlternativeName) is None
        assert ext(cert, x509.AuthorityKeyIdentifier).key_identifier == ext(ca, x509.SubjectKeyIdentifier).digest
        assert ext(cert, x509.BasicConstraints).ca is False
    # TLS: serverAuth + clientAuth, SANs: CN, host, rendered SANS; no OU
    for cert in (server, client):
        ku = ext(cert, x509.KeyUsage)
        assert ku.digital_signature and ku.key_encipherment
        assert list(ext(cert, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        assert not cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        assert ext(cert, x509.AuthorityKeyIdentifier).key_identifier == ext(tlsca, x509.SubjectKeyIdentifier).digest
    san = ext(server, x509.SubjectAlternativeName)
    assert san.get_values_for_type(x509.DNSName) == ["peer0.org1.example.com", "peer0", "localhost", "peer0.alt.org1.example.com"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    assert ext(client, x509.SubjectAlternativeName) is None
    # byte-identical CA copies, NodeOUs config
    ca_bytes = open(os.path.join(org, "ca", "ca.org1.example.com-cert.pem"), "rb").read()
    assert open(os.path.join(peer, "msp", "cacerts", "ca.org1.example.com-cert.pem"), "rb").read() == ca_bytes
    assert open(os.path.join(peer, "tls", "ca.crt"), "rb").read() == open(os.path.join(org, "tlsca", "tlsca.org1.example.com-cert.pem"), "rb").read()
    assert open(os.path.join(org, "msp", "config.yaml")).read() == open(os.path.join(REF, "certs", "org1-msp-config.yaml")).read()
    # keys are PKCS#8 P-256 and match their certificates
    key = serialization.load_pem_private_key(open(os.path.join(peer, "msp", "keystore", "priv_sk"), "rb").read(), None)
    assert key.public_key() == sign.public_key()
    assert open(os.path.join(peer, "msp", "keystore", "priv_sk")).read().startswith("-----BEGIN PRIVATE KEY-----")


def every_leaf(root):
    for path in glob.glob(os.path.join(root, "**", "*"), recursive=True):
        if path.endswith(("-cert.pem", ".crt")) and "/ca/" not in path and "/tlsca/" not in path \
                and "/cacerts/" not in path and "/tlscacerts/" not in path and not path.endswith("ca.crt"):
            yield path


def issuer_file(root, leaf_path):
    org_dir = leaf_path.split("/peers/")[0].split("/orderers/")[0].split("/users/")[0].split("/msp/")[0]
    sub = "tlsca" if "/tls/" in leaf_path else "ca"
    return glob.glob(os.path.join(org_dir, sub, "*-cert.pem"))[0]


def test_every_leaf_verifies_and_lies_inside_its_ca(testnet):
    count = 0
    for leaf_path in every_leaf(testnet):
        ca_path = issuer_file(testnet, leaf_path)
        out = subprocess.run(["openssl", "verify", "-CAfile", ca_path, leaf_path], capture_output=True, text=True)
        assert out.returncode == 0, (leaf_path, out.stdout, out.stderr)
        leaf, ca = load(leaf_path), load(ca_path)
        assert leaf.not_valid_before_utc >= ca.not_valid_before_utc, leaf_path
        assert leaf.not_valid_after_utc <= ca.not_valid_after_utc, leaf_path
        assert leaf.not_valid_before_utc <= datetime.datetime.now(datetime.timezone.utc)
        r, s = decode_dss_signature(leaf.signature)
        assert s <= P256_ORDER // 2, f"{leaf_path} is not low-S"
        count += 1
    assert count == 20  # 10 identities (1 orderer, 4 peers, 5 users) x (signcert + TLS certificate)


def snapshot(root):
    return {p: open(p, "rb").read() for p in glob.glob(os.path.join(root, "**", "*"), recursive=True) if os.path.isfile(p)}


def test_generate_over_existing_output_refuses_then_force_regenerates(tmp_path):
    out = str(tmp_path / "out")
    config = os.path.join(CONFIGS, "crypto-config.yaml")
    assert cryptogen("generate", "--config", config, "--output", out).returncode == 0
    before = snapshot(out)
    again = cryptogen("generate", "--config", config, "--output", out)
    assert again.returncode != 0 and "--force" in again.stderr
    assert snapshot(out) == before
    forced = cryptogen("generate", "--config", config, "--output", out, "--force")
    assert forced.returncode == 0, forced.stderr
    after = snapshot(out)
    assert after.keys() == before.keys() and all(after[p] != before[p] for p in before if p.endswith("priv_sk"))
    # no stale node signed by a CA that no longer exists
    for leaf_path in every_leaf(out):
        assert subprocess.run(["openssl", "verify", "-CAfile", issuer_file(out, leaf_path), leaf_path], capture_output=True).returncode == 0


def test_extend_adds_only_what_is_missing_and_keeps_files(tmp_path):
    out = str(tmp_path / "out")
    assert cryptogen("generate", "--config", os.path.join(CONFIGS, "crypto-config.yaml"), "--output", out).returncode == 0
    before = snapshot(out)
    result = cryptogen("extend", "--config", os.path.join(CONFIGS, "crypto-config-extend.yaml"), "--input", out)
    assert result.returncode == 0, result.stderr
    after = snapshot(out)
    assert all(after[p] == data for p, data in before.items())
    added = sorted(set(after) - set(before))
    assert added and all("peer2.org1.example.com" in p for p in added)
    result = cryptogen("extend", "--config", os.path.join(CONFIGS, "crypto-config-extend2.yaml"), "--input", out)
    assert result.returncode == 0, result.stderr
    final = snapshot(out)
    assert all(final[p] == data for p, data in after.items())
    assert any("/org3.example.com/" in p for p in final) and any("User2@org1.example.com" in p for p in final)
    # new nodes are signed by the existing CAs
    org1 = os.path.join(out, "peerOrganizations", "org1.example.com")
    for leaf_path in every_leaf(org1):
        assert subprocess.run(["openssl", "verify", "-CAfile", issuer_file(out, leaf_path), leaf_path], capture_output=True).returncode == 0


@pytest.mark.parametrize("yaml,expected", [
    ("PeerOrgs:\n  - Name: Org1\n    Template:\n      Count: 1\n", "line 2: organisation 'Org1' has no Domain"),
    ("PeerOrgs:\n  - Domain: a.com\n    Specs:\n      - Hostname: peer0\n      - Hostname: peer0\n", "duplicate host 'peer0.a.com'"),
    ("PeerOrgs:\n  - Domain: a.com\n    Template:\n      Count: 2\n      Hostname: \"{{.Prefix}\"\n", "line"),
    ("PeerOrgs:\n  - Domain: a.com\n    Users:\n      Cont: 2\n", "line 4: unknown key 'Cont'"),
])
def test_bad_configs_name_the_line_and_write_nothing(tmp_path, yaml, expected):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml)
    out = tmp_path / "out"
    result = cryptogen("generate", "--config", str(config), "--output", str(out))
    assert result.returncode != 0
    assert expected in result.stderr, result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_gateway_env_and_record(tmp_path):
    config = tmp_path / "gw.yaml"
    config.write_text("PeerOrgs:\n  - Name: Org1\n    Domain: org1.example.com\n    EnableNodeOUs: true\n    Template:\n      Count: 1\n"
                      "    Gateway:\n      Services: [org1-peer-gateway-svc]\n      Namespace: fabric\n"
                      "OrdererOrgs:\n  - Name: Orderer\n    Domain: example.com\n    Specs:\n      - Hostname: orderer\n")
    out, db = tmp_path / "out", tmp_path / "charter.db"
    result = cryptogen("generate", "--config", str(config), "--output", str(out), "--env", "--record", str(db))
    assert result.returncode == 0, result.stderr
    peer = out / "peerOrganizations" / "org1.example.com" / "peers" / "peer0.org1.example.com"
    names = ext(load(str(peer / "tls" / "server.crt")), x509.SubjectAlternativeName).get_values_for_type(x509.DNSName)
    assert "org1-peer-gateway-svc" in names and "org1-peer-gateway-svc.fabric.svc.cluster.local" in names
    env = (peer / "node.env").read_text()
    assert "CORE_PEER_LOCALMSPID=Org1MSP" in env and "CORE_PEER_TLS_CERT_FILE=/etc/hyperledger/fabric/tls/server.crt" in env
    orderer_env = (out / "ordererOrganizations" / "example.com" / "orderers" / "orderer.example.com" / "node.env").read_text()
    assert "ORDERER_GENERAL_LOCALMSPID=OrdererMSP" in orderer_env
    import sqlite3
    rows = sqlite3.connect(str(db)).execute("SELECT COUNT(*), COUNT(DISTINCT serial_number) FROM certificates").fetchone()
    certs_on_disk = {load(p).serial_number for p in glob.glob(str(out / "**" / "*"), recursive=True) if p.endswith(("-cert.pem", ".crt"))}
    assert rows[0] == rows[1] == len(certs_on_disk)
    # every recorded certificate is in the transparency log too
    leaves = sqlite3.connect(str(db)).execute("SELECT COUNT(*), COUNT(DISTINCT serial_number) FROM log_leaves").fetchone()
    assert leaves == (rows[0], rows[0])


V3 = os.path.join(REF, "v3")


def raw_key(cert):
    return cert.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@pytest.fixture(scope="module")
def fabric3(tmp_path_factory):
    out = tmp_path_factory.mktemp("fabric3") / "out"
    result = cryptogen("generate", "--config", os.path.join(V3, "configs", "crypto-config-ed25519.yaml"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_ed25519_tree_matches_fabric3_cryptogen(fabric3):
    lines = [l.split() for l in open(os.path.join(V3, "trees", "find-listing-ed25519-detailed.txt")) if l.strip()]
    assert listing(str(fabric3)) == sorted(f"{l[0]} {l[1]} {l[2]}" for l in lines)


def test_ed25519_profiles_match_fabric3_cryptogen(fabric3):
    org1 = fabric3 / "peerOrganizations" / "org1.example.com"
    org2 = fabric3 / "peerOrganizations" / "org2.example.com"
    ca = load(str(org1 / "ca" / "ca.org1.example.com-cert.pem"))
    tlsca = load(str(org1 / "tlsca" / "tlsca.org1.example.com-cert.pem"))
    sign = load(str(org1 / "peers" / "peer0.org1.example.com" / "msp" / "signcerts" / "peer0.org1.example.com-cert.pem"))
    server = load(str(org1 / "peers" / "peer0.org1.example.com" / "tls" / "server.crt"))
    under_ecdsa = load(str(org2 / "peers" / "peer0.org2.example.com" / "msp" / "signcerts" / "peer0.org2.example.com-cert.pem"))
    ecdsa_user = load(str(org2 / "users" / "User1@org2.example.com" / "msp" / "signcerts" / "User1@org2.example.com-cert.pem"))
    ed = x509.ObjectIdentifier("1.3.101.112")
    # The CA's algorithm covers its TLS CA; both keep the ECDSA CA's usages; SKI = SHA-256 of the raw key.
    for authority in (ca, tlsca):
        assert authority.signature_algorithm_oid == ed and authority.public_key_algorithm_oid == ed
        ku = ext(authority, x509.KeyUsage)
        assert ku.digital_signature and ku.key_encipherment and ku.key_cert_sign and ku.crl_sign
        assert list(ext(authority, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]
        assert ext(authority, x509.SubjectKeyIdentifier).digest == hashlib.sha256(raw_key(authority)).digest()
    # A node's algorithm covers its enrollment and TLS keys; its CA's algorithm signs.
    for cert in (sign, server):
        assert cert.signature_algorithm_oid == ed and cert.public_key_algorithm_oid == ed
    assert sign.subject.rfc4514_string() == "CN=peer0.org1.example.com,OU=peer,L=San Francisco,ST=California,C=US"
    ku = ext(server, x509.KeyUsage)
    assert ku.digital_signature and ku.key_encipherment
    assert ext(sign, x509.AuthorityKeyIdentifier).key_identifier == ext(ca, x509.SubjectKeyIdentifier).digest
    assert ext(sign, x509.SubjectKeyIdentifier) is None
    # An Ed25519 node under an ECDSA CA, and an ECDSA user.
    assert under_ecdsa.public_key_algorithm_oid == ed
    assert under_ecdsa.signature_algorithm_oid == x509.SignatureAlgorithmOID.ECDSA_WITH_SHA256
    assert isinstance(ecdsa_user.public_key(), ec.EllipticCurvePublicKey)
    # keys: PKCS#8, Ed25519, matching their certificates
    key = serialization.load_pem_private_key((org1 / "peers" / "peer0.org1.example.com" / "msp" / "keystore" / "priv_sk").read_bytes(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey) and raw_key(sign) == key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_the_admin_stays_ecdsa_when_users_ask_for_ed25519_as_in_fabric3(fabric3, tmp_path):
    users = fabric3 / "peerOrganizations" / "org1.example.com" / "users"
    admin = load(str(users / "Admin@org1.example.com" / "msp" / "signcerts" / "Admin@org1.example.com-cert.pem"))
    user1 = load(str(users / "User1@org1.example.com" / "msp" / "signcerts" / "User1@org1.example.com-cert.pem"))
    assert isinstance(admin.public_key(), ec.EllipticCurvePublicKey)
    assert user1.public_key_algorithm_oid == x509.ObjectIdentifier("1.3.101.112")
    # Charter's own key makes the admin follow too
    config = tmp_path / "crypto-config.yaml"
    config.write_text("PeerOrgs:\n  - Name: Org1\n    Domain: org1.example.com\n    EnableNodeOUs: true\n"
                      "    Template:\n      Count: 1\n    Users:\n      Count: 1\n      PublicKeyAlgorithm: ed25519\n"
                      "      AdminPublicKeyAlgorithm: ed25519\n")
    out = tmp_path / "out"
    result = cryptogen("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr
    admin = load(str(out / "peerOrganizations" / "org1.example.com" / "users" / "Admin@org1.example.com" / "msp"
                     / "signcerts" / "Admin@org1.example.com-cert.pem"))
    assert admin.public_key_algorithm_oid == x509.ObjectIdentifier("1.3.101.112")


def test_every_ed25519_leaf_verifies_and_lies_inside_its_ca(fabric3):
    count = 0
    for leaf_path in every_leaf(str(fabric3)):
        ca_path = issuer_file(str(fabric3), leaf_path)
        out = subprocess.run(["openssl", "verify", "-CAfile", ca_path, leaf_path], capture_output=True, text=True)
        assert out.returncode == 0, (leaf_path, out.stdout, out.stderr)
        leaf, ca = load(leaf_path), load(ca_path)
        assert ca.not_valid_before_utc <= leaf.not_valid_before_utc and leaf.not_valid_after_utc <= ca.not_valid_after_utc
        count += 1
    assert count > 10


def test_showtemplate_documents_the_key_algorithm():
    assert "PublicKeyAlgorithm" in cryptogen("showtemplate").stdout


def test_unknown_key_algorithm_is_an_error_naming_the_line(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("PeerOrgs:\n  - Name: Org1\n    Domain: org1.example.com\n    CA:\n      PublicKeyAlgorithm: rsa\n")
    result = cryptogen("generate", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode != 0 and "PublicKeyAlgorithm" in result.stderr and "line" in result.stderr
