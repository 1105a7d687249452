"""The LDAP registry against a real OpenLDAP server (slapd) that the tests start: identities as
fabric-ca 1.5 derives them, and the cases where fabric-ca is wrong (an empty password, user names
that inject into the filter or that fabric-ca cannot find, a directory that never answers)."""
import datetime
import json
import os
import socket
import subprocess
import threading
import time
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import BINARY, REFERENCE, Server, make_csr, new_key
from services import Slapd, make_tls

BIND_PASSWORD = "bind-Pw-7f3a"
ATTR_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")

PEOPLE = {
    # uid: (password, ous from the top, member groups)
    "alice": ("alicepw", ["people", "eng"], ["peer-admins"]),
    "revoker1": ("revokerpw", ["people", "eng"], ["peer-admins", "client-admins"]),
    "nonrevoker": ("nonrevokerpw", ["people", "ops"], []),
    "carol(qa)*": ("carolpw", ["people", "qa"], []),
    "dan\\ops": ("danpw", ["people", "ops"], []),
    "boss": ("bosspw", ["people", "admin"], []),
}


def escape_dn_value(value):
    out = ""
    for ch in value:
        out += "\\" + ch if ch in ',+"\\<>;=' else ch
    return out


def ldif():
    entries = [
        "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n",
        "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n",
        "dn: ou=groups,dc=example,dc=com\nobjectClass: organizationalUnit\nou: groups\n",
    ]
    units = sorted({tuple(ous[:i + 1]) for _, ous, _ in PEOPLE.values() for i in range(1, len(ous))})
    for path in units:
        dn = ",".join(f"ou={p}" for p in reversed(path)) + ",dc=example,dc=com"
        entries.append(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {path[-1]}\n")
    for uid, (password, ous, groups) in PEOPLE.items():
        dn = f"uid={escape_dn_value(uid)}," + ",".join(f"ou={p}" for p in reversed(ous)) + ",dc=example,dc=com"
        entry = (f"dn: {dn}\nobjectClass: inetOrgPerson\nobjectClass: extensibleObject\nuid: {uid}\ncn: {uid}\n"
                 f"sn: {uid}\nuserPassword: {password}\n")
        entry += "".join(f"member: cn={g},ou=groups,dc=example,dc=com\n" for g in groups)
        entries.append(entry)
    return "\n".join(entries)


def ldap_config(url, certfile=None):
    tls = f"  tls:\n    certfiles:\n      - {certfile}\n" if certfile else ""
    return f"""ldap:
  enabled: true
  url: {url}
  userfilter: (uid=%s)
{tls}  attribute:
    names: ['uid', 'member']
    converters:
      - name: hf.Revoker
        value: attr("uid") =~ "revoker*"
      - name: hf.GenCRL
        value: attr("uid") =~ "^revoker"
      - name: hf.Registrar.Roles
        value: map(attr("member"),"groups")
    maps:
      groups:
        - name: cn=peer-admins,ou=groups,dc=example,dc=com
          value: peer
        - name: cn=client-admins,ou=groups,dc=example,dc=com
          value: client
"""


def url(port, scheme="ldap"):
    return f"{scheme}://{Slapd.ROOT_DN}:{BIND_PASSWORD}@127.0.0.1:{port}/{Slapd.SUFFIX}"


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    tls = make_tls(str(tmp_path_factory.mktemp("ldap-tls")))
    slapd = Slapd(ldif(), BIND_PASSWORD, tls=(tls["server.pem"], tls["server.key"])).start()
    slapd.ca_file = tls["ca.pem"]
    yield slapd
    slapd.cleanup()


@pytest.fixture(scope="module")
def ca(directory):
    server = Server(ldap_config(url(directory.port))).start()
    yield server
    server.stop()


def attributes(cert):
    try:
        return json.loads(cert.extensions.get_extension_for_oid(ATTR_OID).value.value)["attrs"]
    except x509.ExtensionNotFound:
        return None


def test_a_directory_user_enrolls_as_fabric_ca_derives_it(ca):
    result = ca.enroll("alice", "alicepw")
    assert result.status == 201, result.raw
    subject = result.cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "alice"
    # type client and the DN's OU path, in one multi-valued RDN as fabric-ca writes them
    assert sorted(a.value for a in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)) == ["client", "eng", "people"]
    # no attribute extension on a plain enroll
    assert attributes(result.cert) is None
    # the certificate is on record
    assert ca.db_rows("SELECT enrollment_id FROM certificates WHERE enrollment_id = 'alice'") == [("alice",)]


def test_converters_and_names_give_the_attributes_asked_for(ca):
    asked = [{"name": n} for n in ("hf.Revoker", "hf.Registrar.Roles", "uid", "hf.GenCRL")]
    result = ca.enroll("alice", "alicepw", attr_reqs=asked)
    assert result.status == 201, result.raw
    assert attributes(result.cert) == {"hf.Revoker": "false", "hf.Registrar.Roles": "peer", "uid": "alice",
                                      "hf.GenCRL": "false"}
    # `=~` is an unanchored match, as govaluate's: nonrevoker matches "revoker*"
    result = ca.enroll("nonrevoker", "nonrevokerpw", attr_reqs=[{"name": "hf.Revoker"}, {"name": "hf.GenCRL"}])
    assert attributes(result.cert) == {"hf.Revoker": "true", "hf.GenCRL": "false"}


@pytest.mark.parametrize("user,password", [
    ("alice", "wrong"), ("alice", ""), ("alice)(uid=*", "alicepw"), ("ali*", "alicepw"), ("*", "alicepw"),
    ("nobody", "x"),
])
def test_wrong_empty_and_injected_credentials_are_refused(ca, user, password):
    before = ca.certificate_count()
    result = ca.enroll(user, password, csr_pem=make_csr(new_key(), user))
    assert (result.status, result.error_code) == (401, 20), result.raw
    assert ca.certificate_count() == before


@pytest.mark.parametrize("user", ["carol(qa)*", "dan\\ops"])
def test_names_fabric_ca_cannot_find_enroll(ca, user):
    result = ca.enroll(user, PEOPLE[user][0], csr_pem=make_csr(new_key(), user))
    assert result.status == 201, result.raw
    assert result.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == user


def test_an_ou_named_after_a_node_ou_role_is_refused(ca):
    result = ca.enroll("boss", "bosspw")
    assert result.status == 403, result.raw
    assert "NodeOU" in result.json["errors"][0]["message"]


def test_reenroll_revoke_crl_and_listing_work(ca):
    alice = ca.enroll("alice", "alicepw").identity
    again = ca.reenroll(alice)
    assert again.status == 201, again.raw
    revoker = ca.enroll("revoker1", "revokerpw").identity
    serial = format(again.cert.serial_number, "x")
    aki = again.cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()
    revoked = ca.token_call("POST", "/revoke", revoker, {"serial": serial, "aki": aki, "reason": "keycompromise"})
    assert revoked.status == 200, revoked.raw
    assert ca.reenroll(again.identity).status == 401
    crl = ca.token_call("POST", "/gencrl", revoker, {})
    assert crl.status == 200, crl.raw
    listed = ca.token_call("GET", "/certificates?id=revoker1", revoker)
    assert listed.status == 200, listed.raw
    assert len(listed.json["result"]["certs"]) >= 1
    # alice may not revoke revoker1: no hf.Revoker
    theirs = ca.token_call("POST", "/revoke", alice, {"id": "revoker1"})
    assert theirs.status == 403, theirs.raw


def test_revoking_a_directory_user_revokes_its_certificates(ca):
    nonrevoker = ca.enroll("nonrevoker", "nonrevokerpw")
    revoker = ca.enroll("revoker1", "revokerpw").identity
    # nonrevoker is outside revoker1's affiliation (people.eng)
    refused = ca.token_call("POST", "/revoke", revoker, {"id": "nonrevoker"})
    assert refused.status == 403, refused.raw
    assert ca.reenroll(nonrevoker.identity).status == 201
    # alice is within revoker1's affiliation and powers: all her certificates are revoked
    alice = ca.enroll("alice", "alicepw").identity
    revoked = ca.token_call("POST", "/revoke", revoker, {"id": "alice"})
    assert revoked.status == 200, revoked.raw
    assert len(revoked.json["result"]["RevokedCerts"]) >= 1
    assert ca.db_rows("SELECT COUNT(*) FROM certificates WHERE enrollment_id = 'alice' AND status = 'good'") == [(0,)]
    assert ca.reenroll(alice).status == 401
    # a directory entry is not marked revoked: its password still enrolls
    assert ca.enroll("alice", "alicepw").status == 201


def test_registry_writes_answer_that_the_directory_holds_the_identities(ca):
    admin = ca.enroll("revoker1", "revokerpw").identity
    for method, path, body in [("POST", "/register", {"id": "x", "affiliation": "people"}), ("GET", "/identities", None),
                               ("POST", "/affiliations", {"name": "people.x"}), ("GET", "/affiliations", None)]:
        result = ca.token_call(method, path, admin, body)
        assert result.status == 400 and "LDAP directory" in result.json["errors"][0]["message"], result.raw


def test_the_bind_password_is_never_logged(ca):
    ca.enroll("alice", "wrong")
    assert BIND_PASSWORD not in open(ca.log_path).read()


def test_ldaps_with_the_directorys_ca(directory):
    server = Server(ldap_config(url(directory.tls_port, "ldaps"), certfile=directory.ca_file)).start()
    try:
        assert server.enroll("alice", "alicepw").status == 201
    finally:
        server.stop()
    untrusting = Server(ldap_config(url(directory.tls_port, "ldaps"))).start()
    try:
        result = untrusting.enroll("alice", "alicepw")
        assert result.status >= 500 and not result.json["success"], result.raw
    finally:
        untrusting.stop()


def test_a_directory_that_goes_away_fails_requests_and_comes_back_without_a_restart(directory, ca):
    directory.stop()
    try:
        started = time.monotonic()
        result = ca.enroll("alice", "alicepw")
        assert result.status >= 500 and not result.json["success"], result.raw
        assert time.monotonic() - started < 60  # bounded by the directory calls' time limits, not a speed claim
        status, body = ca.ops("/healthz")
        assert status == 503 and b"ldap" in body
        assert ca.process.poll() is None
    finally:
        directory.start()
    assert ca.enroll("alice", "alicepw").status == 201
    assert ca.ops("/healthz")[0] == 200


def test_a_frozen_directory_ends_each_enroll_with_an_error(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accepted, never answered
            except OSError:
                pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    server = Server(ldap_config(url(listener.getsockname()[1]))).start()
    try:
        result = server.enroll("alice", "alicepw")
        assert result.status >= 500 and not result.json["success"], result.raw
        assert server.process.poll() is None and server.request("GET", "/cainfo")[0] == 200
    finally:
        server.stop()
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


OBSERVED = os.path.join(REFERENCE, "fabric-ca", "ldap-1.5.21", "observed.json")


@pytest.mark.parametrize("case,user,password,attrs", [
    ("alice", "alice", "alicepw", None),
    ("alice-attrs", "alice", "alicepw", "hf.Revoker,hf.Registrar.Roles,uid,hf.GenCRL"),
    ("nonrevoker-attrs", "nonrevoker", "nonrevokerpw", "hf.Revoker,hf.GenCRL"),
    ("carol", "carol(qa)*", "carolpw", None),
    ("dan", "dan\\ops", "danpw", None),
])
def test_subjects_and_attributes_match_what_fabric_ca_issued(ca, tmp_path, case, user, password, attrs):
    """`charter enroll` (fabric-ca-client's subject names) against Charter, compared with what
    fabric-ca-server 1.5.21 issued on the same directory and configuration."""
    expected = json.load(open(OBSERVED))[case]
    args = [BINARY, "enroll", "-u", f"https://{quote(user, safe='')}:{password}@localhost:{ca.port}",
            "--tls.certfiles", ca.ca_file, "-H", str(tmp_path)]
    if attrs:
        args += ["--enrollment.attrs", attrs]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    cert = x509.load_pem_x509_certificate((tmp_path / "msp" / "signcerts" / "cert.pem").read_bytes())
    assert cert.subject.rfc4514_string() == expected["subject"]
    assert attributes(cert) == expected["attrs"]


def test_where_fabric_ca_grants_a_node_ou_role_charter_refuses(ca):
    assert "OU=admin" in json.load(open(OBSERVED))["boss"]["subject"]
    assert ca.enroll("boss", "bosspw").status == 403
