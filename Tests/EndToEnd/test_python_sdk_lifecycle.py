"""The full fabric-sdk-py (`hfc`) flow, unchanged, against the real binary: enrollment, identities,
affiliations, revocation and CRLs."""
import base64

import pytest
from cryptography import x509

from hfc.fabric_ca import caservice as hfc_caservice  # installed by Scripts/bootstrap.sh


@pytest.fixture(scope="module")
def cas(legacy_lc):
    return hfc_caservice.ca_service(target=f"https://localhost:{legacy_lc.port}", ca_certs_path=legacy_lc.ca_file)


@pytest.fixture(scope="module")
def boss(cas):
    return cas.enroll("admin", "adminpw")


def cert_of(enrollment):
    return x509.load_pem_x509_certificate(enrollment.cert)


def aki(cert):
    return cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()


def test_full_flow(cas, boss, legacy_lc):
    # cainfo, wrong password
    assert cas._ca_client.get_cainfo() == open(legacy_lc.ca_file, "rb").read()
    with pytest.raises(ValueError, match="'code': 20"):
        cas.enroll("admin", "not-the-password")

    # register with max enrollments, enroll, reenroll, tls profile, over the max refused
    assert boss.register("flow-user", "flowpw", "client", "org1", 2) == "flowpw"
    user = cas.enroll("flow-user", "flowpw")
    renewed = cas.reenroll(user)
    assert cert_of(renewed).serial_number != cert_of(user).serial_number
    tls = cas.enroll("flow-user", "flowpw", profile="tls")
    assert x509.ExtendedKeyUsageOID.SERVER_AUTH in list(cert_of(tls).extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    with pytest.raises(ValueError, match="'code': 20"):
        cas.enroll("flow-user", "flowpw")

    # identities: create, get, getAll, update, delete
    identities = cas.newIdentityService()
    assert identities.create(boss, "flow-id", "idpw", "peer", "org1.department1", 1) == "idpw"
    one = identities.getOne("flow-id", boss)
    assert one["success"] and one["result"]["type"] == "peer"
    every = identities.getAll(boss)
    assert "flow-id" in [i["id"] for i in every["result"]["identities"]]
    updated = identities.update("flow-id", boss, maxEnrollments=7, affiliation="org2")
    assert updated["success"] and updated["result"]["max_enrollments"] == 7 and updated["result"]["affiliation"] == "org2"
    deleted = identities.delete("flow-id", boss)
    assert deleted["success"], deleted
    assert not identities.getOne("flow-id", boss)["success"]

    # affiliations: getAll, create, getOne, update, delete
    affiliations = cas.newAffiliationService()
    assert "org1" in [a["name"] for a in affiliations.getAll(boss)["result"]["affiliations"]]
    assert affiliations.create(boss, "sdkorg", force=True)["success"]
    assert affiliations.getOne("sdkorg", boss)["result"]["name"] == "sdkorg"
    assert affiliations.update("sdkorg", boss, "sdkorg2")["success"]
    assert affiliations.delete("sdkorg2", boss)["success"]
    assert not affiliations.getOne("sdkorg2", boss)["success"]

    # revoke one certificate by serial + AKI
    revoked, crl = boss.revoke(aki=aki(cert_of(tls)), serial=format(cert_of(tls).serial_number, "x"))
    assert revoked == [{"Serial": format(cert_of(tls).serial_number, "x"), "AKI": aki(cert_of(tls))}] and crl == ""

    # revoke the identity with a CRL; its reenroll is refused
    boss.register("flow-victim", "vpw", "client", "org1", 1)
    victim = cas.enroll("flow-victim", "vpw")
    revoked, crl = boss.revoke(enrollmentID="flow-victim", reason="keycompromise", gencrl=True)
    assert {r["Serial"] for r in revoked} == {format(cert_of(victim).serial_number, "x")}
    listed = x509.load_pem_x509_crl(base64.b64decode(crl))
    assert listed.get_revoked_certificate_by_serial_number(cert_of(victim).serial_number) is not None
    with pytest.raises(ValueError, match="'code': 20"):
        cas.reenroll(victim)

    # gencrl lists every revoked serial and verifies against the CA
    crl = x509.load_pem_x509_crl(base64.b64decode(boss.generateCRL()))
    assert crl.is_signature_valid(legacy_lc.ca_cert().public_key())
    in_db = {int(s, 16) for (s,) in legacy_lc.db_rows("SELECT serial_number FROM certificates WHERE status = 'revoked'")}
    assert {entry.serial_number for entry in crl} == in_db
