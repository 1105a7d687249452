"""Enrollment against the real binary, checked with Python `cryptography` and `openssl`."""
import base64
import hashlib
import json
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from harness import P256_ORDER, Server, make_csr, new_key, now, openssl_verify

ATTR_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")


def ous(cert):
    return sorted(a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME))


def ext(cert, cls):
    return cert.extensions.get_extension_for_class(cls)


def check_common_profile(server, cert, pem):
    ca = server.ca_cert()
    # validity inside the CA's, and not in the future
    assert cert.not_valid_before_utc >= ca.not_valid_before_utc
    assert cert.not_valid_after_utc <= ca.not_valid_after_utc
    assert cert.not_valid_before_utc <= now()
    # 20-byte positive serial
    assert 0 < cert.serial_number < 2**159
    assert cert.serial_number.bit_length() > 152
    bc = ext(cert, x509.BasicConstraints)
    assert bc.critical and bc.value.ca is False
    ski = ext(cert, x509.SubjectKeyIdentifier).value.digest
    point = cert.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert ski == hashlib.sha1(point).digest()
    aki = ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == ext(ca, x509.SubjectKeyIdentifier).value.digest
    assert ext(cert, x509.KeyUsage).critical
    r, s = decode_dss_signature(cert.signature)
    assert s <= P256_ORDER // 2, "signature is not low-S"
    code, out = openssl_verify(server.ca_file, pem)
    assert code == 0, out
    # recorded before it was returned
    serial = format(cert.serial_number, "x")
    rows = server.db_rows("SELECT status, not_before FROM certificates WHERE serial_number = ?", (serial,))
    assert rows and rows[0][0] == "good"


def test_cainfo_on_both_paths_and_methods(server):
    for path in ("/cainfo", "/api/v1/cainfo"):
        for method in ("GET", "POST"):
            status, raw, _ = server.request(method, path, {} if method == "POST" else None)
            assert status == 200
            assert raw.startswith(b'{"result":{') and raw.endswith(b'\n,"errors":[],"messages":[],"success":true}')
            result = json.loads(raw)["result"]
            assert result["CAName"] == ""
            assert base64.b64decode(result["CAChain"]) == open(server.ca_file, "rb").read()
    status, raw, _ = server.request("HEAD", "/api/v1/cainfo")
    assert status == 200 and raw == b""


def test_enroll_admin_certificate_profile(server, admin):
    cert = admin.cert
    check_common_profile(server, cert, admin.cert_pem)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "admin"
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "US"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Hyperledger"
    assert ous(cert) == ["client"]  # CSR OU replaced by the type
    ku = ext(cert, x509.KeyUsage).value
    assert ku.digital_signature and not ku.key_encipherment and not ku.key_agreement
    with pytest.raises(x509.ExtensionNotFound):
        ext(cert, x509.ExtendedKeyUsage)
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_oid(ATTR_OID)  # the bootstrap admin has no ecert attributes


def test_register_then_enroll_carries_type_affiliation_and_attributes(server, admin):
    reg = server.register(admin, id="peer0", type="peer", secret="peer0pw", affiliation="org1.department1",
                          attrs=[{"name": "foo", "value": "bar", "ecert": True}, {"name": "hf.Revoker", "value": "true"}])
    assert reg.status == 201 and reg.json["result"] == {"secret": "peer0pw"}
    result = server.enroll("peer0", "peer0pw", hosts=["peer0.org1.example.com"])
    assert result.status == 201, result.raw
    cert = result.cert
    check_common_profile(server, cert, result.cert_pem)
    assert ous(cert) == ["department1", "org1", "peer"]
    # the three OUs form one multi-valued RDN, as fabric-ca writes them
    assert any(len(rdn) == 3 for rdn in cert.subject.rdns)
    raw = cert.extensions.get_extension_for_oid(ATTR_OID).value.value
    assert raw == b'{"attrs":{"foo":"bar","hf.Affiliation":"org1.department1","hf.EnrollmentID":"peer0","hf.Type":"peer"}}'
    assert ext(cert, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == ["peer0.org1.example.com"]


def test_attribute_requests_select_exactly(server, admin):
    server.register(admin, id="user-attrs", secret="pw", affiliation="org1",
                    attrs=[{"name": "hf.Revoker", "value": "true"}])
    result = server.enroll("user-attrs", "pw", attr_reqs=[{"name": "hf.Type"}, {"name": "hf.Affiliation", "optional": True},
                                                           {"name": "nope", "optional": True}])
    assert result.status == 201, result.raw
    raw = result.cert.extensions.get_extension_for_oid(ATTR_OID).value.value
    assert raw == b'{"attrs":{"hf.Affiliation":"org1","hf.Type":"client"}}'
    missing = server.enroll("user-attrs", "pw", attr_reqs=[{"name": "nope"}])
    assert missing.status == 400 and not missing.success and "nope" in missing.json["errors"][0]["message"]


def test_tls_profile_with_hosts_and_gateway_service_names(server, admin):
    server.register(admin, id="peer1", type="peer", secret="pw", affiliation="org1")
    result = server.enroll("peer1", "pw", profile="tls", hosts=["peer1.org1.example.com", "10.1.2.3"])
    assert result.status == 201, result.raw
    cert = result.cert
    check_common_profile(server, cert, result.cert_pem)
    ku = ext(cert, x509.KeyUsage).value
    assert ku.digital_signature and ku.key_encipherment and ku.key_agreement
    assert list(ext(cert, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    san = ext(cert, x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == [
        "peer1.org1.example.com", "org1-peer-gateway-svc", "org1-peer-gateway-svc.fabric",
        "org1-peer-gateway-svc.fabric.svc", "org1-peer-gateway-svc.fabric.svc.cluster.local",
    ]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["10.1.2.3"]
    # not a TLS enrollment: no gateway names
    plain = server.enroll("peer1", "pw", hosts=["peer1.org1.example.com"]).cert
    assert ext(plain, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == ["peer1.org1.example.com"]


def test_csr_sans_are_used_when_hosts_is_absent(server, admin):
    server.register(admin, id="csr-sans", secret="pw", affiliation="org2")
    key = new_key()
    result = server.enroll("csr-sans", "pw", csr_pem=make_csr(key, "csr-sans", hosts=["from.csr.example"]), key=key)
    assert result.status == 201
    assert ext(result.cert, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == ["from.csr.example"]


def test_p384_csr_is_accepted(server, admin):
    server.register(admin, id="p384", secret="pw", affiliation="org2")
    result = server.enroll("p384", "pw", key=new_key(ec.SECP384R1()))
    assert result.status == 201, result.raw
    assert isinstance(result.cert.public_key().curve, ec.SECP384R1)


@pytest.mark.parametrize("legacy", [False, True])
def test_reenroll_with_token(server, legacy_server, admin, legacy):
    # Legacy tokens need the compatibility switch (see test_security for their refusal).
    if legacy:
        server, admin = legacy_server, legacy_server.enroll("admin", "adminpw").identity
    name = f"reenroll-{legacy}"
    server.register(admin, id=name, secret="pw", affiliation="org1", max_enrollments=1)
    first = server.enroll(name, "pw")
    assert first.status == 201
    second = server.reenroll(first.identity, legacy=legacy)
    assert second.status == 201, second.raw
    assert second.cert.serial_number != first.cert.serial_number
    check_common_profile(server, second.cert, second.cert_pem)
    # reenroll does not count toward max_enrollments; a second enroll does
    third = server.reenroll(second.identity, legacy=legacy)
    assert third.status == 201
    assert server.enroll(name, "pw").status == 401


def test_max_enrollments_enforced_and_nothing_recorded(server, admin):
    server.register(admin, id="once", secret="pw", affiliation="org1", max_enrollments=1)
    assert server.enroll("once", "pw").status == 201
    before = server.certificate_count()
    again = server.enroll("once", "pw")
    assert again.status == 401 and again.error_code == 20
    assert server.certificate_count() == before


def test_generated_secret_is_long_and_enrolls(server, admin):
    reg = server.register(admin, id="gen-secret", affiliation="org1")
    secret = reg.json["result"]["secret"]
    assert len(secret) >= 22
    assert server.enroll("gen-secret", secret).status == 201
    stored = server.db_rows("SELECT secret_hash FROM identities WHERE id = 'gen-secret'")[0][0]
    assert stored.startswith("hmac-sha256$")
    assert server.db_rows("SELECT secret_hash FROM identities WHERE id = 'admin'")[0][0].startswith("$2")


def test_wrong_secret_lockout(server, admin):
    server.register(admin, id="locked", secret="right", affiliation="org1")
    for _ in range(3):  # passwordattempts: 3 in this server's config
        assert server.enroll("locked", "wrong").status == 401
    refused = server.enroll("locked", "right")
    assert refused.status == 401 and refused.error_code == 20


def test_thirty_two_concurrent_enrollments(server, admin):
    for i in range(32):
        assert server.register(admin, id=f"conc{i}", secret="pw", affiliation="org1").status == 201
    before = server.certificate_count()
    results = [None] * 32

    def work(i):
        results[i] = server.enroll(f"conc{i}", "pw")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status == 201 for r in results), [r.raw for r in results if r.status != 201]
    assert server.certificate_count() == before + 32
    assert "database is locked" not in open(server.log_path).read()
    # every one of those commits reached the disk: the setting in force, as SQLite reports it
    assert server.logged("Commits: sqlite synchronous=FULL")


def test_lifetime_cut_to_the_ca_is_logged_as_fabric_ca_does(tmp_path):
    server = Server("csr:\n  ca:\n    expiry: 100h\n", home=str(tmp_path / "home")).start()
    try:
        result = server.enroll("admin", "adminpw")
        assert result.status == 201
        assert result.cert.not_valid_after_utc == server.ca_cert().not_valid_after_utc
        assert "certificate lifetime cut to the CA's NotAfter" in open(server.log_path).read()
    finally:
        server.stop()


def test_no_lifetime_warning_when_the_ca_outlives_the_certificate(server, admin):
    assert server.reenroll(admin).status == 201
    assert "lifetime cut" not in open(server.log_path).read()
