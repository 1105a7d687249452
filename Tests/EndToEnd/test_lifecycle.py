"""Revocation, CRLs, identities, affiliations and certificate queries against the real binary."""
import base64
import os
import subprocess
import tempfile

import pytest
from cryptography import x509

from harness import Server, openssl_verify

def register_and_enroll(server, admin, name, **fields):
    fields.setdefault("secret", "pw")
    fields.setdefault("affiliation", "org1")
    reg = server.register(admin, id=name, **fields)
    assert reg.status == 201, reg.raw
    result = server.enroll(name, fields["secret"])
    assert result.status == 201, result.raw
    return result.identity


def serial_hex(cert):
    return format(cert.serial_number, "x")


def aki_hex(cert):
    return cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()


def crl_from_result(result_b64):
    return base64.b64decode(result_b64)


def openssl_crl(ca_file, crl_pem):
    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as f:
        f.write(crl_pem)
    try:
        out = subprocess.run(["openssl", "crl", "-in", f.name, "-CAfile", ca_file, "-noout", "-text"],
                             capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr
    finally:
        os.unlink(f.name)


def test_revoke_by_serial_and_aki_then_token_refused(lc, lc_admin):
    victim = register_and_enroll(lc, lc_admin, "rv-serial")
    # upper case and leading zeros are tolerated
    serial = "00" + serial_hex(victim.cert).upper()
    result = lc.token_call("POST", "/revoke", lc_admin, {"serial": serial, "aki": aki_hex(victim.cert).upper(), "reason": "keycompromise"})
    assert result.status == 200, result.raw
    assert result.json["result"] == {"RevokedCerts": [{"Serial": serial_hex(victim.cert), "AKI": aki_hex(victim.cert)}], "CRL": ""}
    # the revoked certificate's token is refused everywhere
    for method, path, body in [("POST", "/reenroll", {"certificate_request": "x"}), ("GET", "/identities", None),
                               ("POST", "/register", {"id": "x"}), ("GET", "/certificates", None)]:
        refused = lc.token_call(method, path, victim, body)
        assert refused.status == 401 and refused.error_code == 20, (path, refused.raw)
    # revoking it again is a clear conflict
    again = lc.token_call("POST", "/revoke", lc_admin, {"serial": serial_hex(victim.cert), "aki": aki_hex(victim.cert)})
    assert again.status == 409 and again.error_code == 66


def test_revoke_identity_with_gencrl(lc, lc_admin):
    victim = register_and_enroll(lc, lc_admin, "rv-id")
    second = lc.reenroll(victim).identity
    result = lc.token_call("POST", "/revoke", lc_admin, {"id": "rv-id", "reason": "superseded", "gencrl": True})
    assert result.status == 200, result.raw
    revoked = {c["Serial"] for c in result.json["result"]["RevokedCerts"]}
    assert revoked == {serial_hex(victim.cert), serial_hex(second.cert)}
    crl_pem = crl_from_result(result.json["result"]["CRL"])
    code, text = openssl_crl(lc.ca_file, crl_pem)
    assert code == 0 and "verify OK" in text, text
    crl = x509.load_pem_x509_crl(crl_pem)
    for serial in revoked:
        entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
        assert entry is not None
        assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.superseded
    # the identity may no longer enroll
    assert lc.enroll("rv-id", "pw").status == 401


def test_gencrl_lists_every_revoked_serial_with_increasing_number(lc, lc_admin):
    first = lc.token_call("POST", "/gencrl", lc_admin, {"revokedafter": "0001-01-01T00:00:00Z", "revokedbefore": "0001-01-01T00:00:00Z",
                                                        "expireafter": "0001-01-01T00:00:00Z", "expirebefore": "0001-01-01T00:00:00Z"})
    assert first.status == 200, first.raw
    crl1 = x509.load_pem_x509_crl(crl_from_result(first.json["result"]["CRL"]))
    second = lc.token_call("POST", "/gencrl", lc_admin, {})
    crl2 = x509.load_pem_x509_crl(crl_from_result(second.json["result"]["CRL"]))
    n1 = crl1.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    n2 = crl2.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert n2 > n1
    revoked_in_db = {int(r[0], 16) for r in lc.db_rows("SELECT serial_number FROM certificates WHERE status = 'revoked'")}
    assert revoked_in_db and {r.serial_number for r in crl2} == revoked_in_db
    assert crl2.is_signature_valid(lc.ca_cert().public_key())
    assert (crl2.next_update_utc - crl2.last_update_utc).total_seconds() == 24 * 3600
    # openssl verify -crl_check: a revoked certificate fails, a good one passes
    pem = lc.db_rows("SELECT pem FROM certificates WHERE status = 'revoked' LIMIT 1")[0][0].encode()
    good = lc.db_rows("SELECT pem FROM certificates WHERE status = 'good' AND enrollment_id = 'admin' LIMIT 1")[0][0].encode()
    with tempfile.TemporaryDirectory() as d:
        bundle = os.path.join(d, "ca-crl.pem")
        with open(bundle, "wb") as f:
            f.write(open(lc.ca_file, "rb").read() + crl_from_result(second.json["result"]["CRL"]))
        for cert_pem, ok in [(pem, False), (good, True)]:
            path = os.path.join(d, "leaf.pem")
            open(path, "wb").write(cert_pem)
            out = subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", bundle, path], capture_output=True, text=True)
            assert (out.returncode == 0) == ok, out.stdout + out.stderr
    # a window that excludes everything gives an empty CRL
    empty = lc.token_call("POST", "/gencrl", lc_admin, {"revokedbefore": "2000-01-01T00:00:00Z"})
    assert len(list(x509.load_pem_x509_crl(crl_from_result(empty.json["result"]["CRL"])))) == 0


def test_identities_crud(lc, lc_admin):
    created = lc.token_call("POST", "/identities", lc_admin, {"id": "crud1", "type": "client", "affiliation": "org1",
                                                             "attrs": [{"name": "role", "value": "auditor", "ecert": True}],
                                                             "max_enrollments": 3, "secret": "crud1pw"})
    assert created.status == 201, created.raw
    assert created.json["result"]["secret"] == "crud1pw" and created.json["result"]["max_enrollments"] == 3
    got = lc.token_call("GET", "/identities/crud1", lc_admin)
    assert got.status == 200 and got.json["result"]["affiliation"] == "org1"
    assert {"name": "role", "value": "auditor", "ecert": True} in got.json["result"]["attrs"]
    listed = lc.token_call("GET", "/identities", lc_admin)
    assert "crud1" in [i["id"] for i in listed.json["result"]["identities"]]
    modified = lc.token_call("PUT", "/identities/crud1", lc_admin, {"ID": "crud1", "type": "", "affiliation": "org2", "attrs": None,
                                                                   "max_enrollments": 5, "secret": "crud1pw2"})
    assert modified.status == 200, modified.raw
    assert modified.json["result"]["affiliation"] == "org2" and modified.json["result"]["max_enrollments"] == 5
    assert lc.enroll("crud1", "crud1pw").status == 401
    cert = lc.enroll("crud1", "crud1pw2").cert
    assert "org2" in [a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)]
    removed = lc.token_call("DELETE", "/identities/crud1", lc_admin)
    assert removed.status == 200, removed.raw
    assert lc.token_call("GET", "/identities/crud1", lc_admin).status == 404
    # removing revoked its certificates
    assert lc.db_rows("SELECT DISTINCT status FROM certificates WHERE enrollment_id = 'crud1'") == [("revoked",)]


def test_identity_removal_disabled_by_default(server, admin):
    server.register(admin, id="keepme", secret="pw", affiliation="org1")
    result = server.token_call("DELETE", "/identities/keepme?force=false", admin)
    assert result.status == 403 and result.error_code == 56
    assert server.db_rows("SELECT COUNT(*) FROM identities WHERE id = 'keepme'")[0][0] == 1


def test_affiliations_crud_with_force(lc, lc_admin):
    tree = lc.token_call("GET", "/affiliations", lc_admin)
    assert tree.status == 200
    names = [a["name"] for a in tree.json["result"]["affiliations"]]
    assert "org1" in names and "org2" in names
    assert lc.token_call("POST", "/affiliations", lc_admin, {"name": "org9.dept1"}).status == 400  # parent missing
    assert lc.token_call("POST", "/affiliations?force=true", lc_admin, {"name": "org9.dept1"}).status == 201
    dup = lc.token_call("POST", "/affiliations", lc_admin, {"name": "org9"})
    assert dup.status == 409
    one = lc.token_call("GET", "/affiliations/org9", lc_admin)
    assert one.json["result"]["name"] == "org9" and one.json["result"]["affiliations"][0]["name"] == "org9.dept1"
    register_and_enroll(lc, lc_admin, "aff-member", affiliation="org9.dept1")
    # renaming a populated affiliation needs force, and moves its identities
    assert lc.token_call("PUT", "/affiliations/org9", lc_admin, {"name": "org8"}).status == 400
    renamed = lc.token_call("PUT", "/affiliations/org9?force=true", lc_admin, {"name": "org8"})
    assert renamed.status == 200, renamed.raw
    assert lc.token_call("GET", "/identities/aff-member", lc_admin).json["result"]["affiliation"] == "org8.dept1"
    # removing needs force too, and removes and revokes its identities
    assert lc.token_call("DELETE", "/affiliations/org8", lc_admin).status == 400
    removed = lc.token_call("DELETE", "/affiliations/org8?force=true", lc_admin)
    assert removed.status == 200, removed.raw
    assert [i["id"] for i in removed.json["result"]["identities"]] == ["aff-member"]
    assert lc.token_call("GET", "/affiliations/org8", lc_admin).status == 404
    assert lc.db_rows("SELECT DISTINCT status FROM certificates WHERE enrollment_id = 'aff-member'") == [("revoked",)]


def test_certificate_queries(lc, lc_admin):
    member = register_and_enroll(lc, lc_admin, "cert-q", affiliation="org2")
    listed = lc.token_call("GET", "/certificates?id=cert-q&notexpired=false&notrevoked=false", lc_admin)
    assert listed.status == 200
    assert listed.raw.endswith(b'], "caname":""},"errors":[],"messages":[],"success":true}')
    pems = [c["PEM"].encode() for c in listed.json["result"]["certs"]]
    assert pems == [member.cert_pem]
    by_serial = lc.token_call("GET", f"/certificates?serial={serial_hex(member.cert).upper()}&aki={aki_hex(member.cert)}", lc_admin)
    assert len(by_serial.json["result"]["certs"]) == 1
    lc.token_call("POST", "/revoke", lc_admin, {"id": "cert-q"})
    assert lc.token_call("GET", "/certificates?id=cert-q&notrevoked=true", lc_admin).json["result"]["certs"] == []
    recent = lc.token_call("GET", "/certificates?id=cert-q&revoked_start=-1h&revoked_end=%2B1h", lc_admin)
    assert len(recent.json["result"]["certs"]) == 1
    future = lc.token_call("GET", "/certificates?id=cert-q&expired_end=-1d", lc_admin)
    assert future.json["result"]["certs"] == []


def test_revocation_survives_restart(tmp_path):
    server = Server(home=str(tmp_path / "home")).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        victim = register_and_enroll(server, admin, "persist")
        assert server.token_call("POST", "/revoke", admin, {"id": "persist"}).status == 200
    finally:
        server.stop()
    again = Server(home=str(tmp_path / "home")).start()
    try:
        assert again.reenroll(victim).status == 401
        assert again.enroll("persist", "pw").status == 401
        crl = x509.load_pem_x509_crl(crl_from_result(again.token_call("POST", "/gencrl", admin, {}).json["result"]["CRL"]))
        assert crl.get_revoked_certificate_by_serial_number(victim.cert.serial_number) is not None
    finally:
        again.stop()
