"""The Python SDK (fabric-sdk-py, package `hfc`) against the real binary, unchanged."""
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from hfc.fabric_ca import caservice as hfc_caservice  # noqa: E402  (installed by Scripts/bootstrap.sh)


@pytest.fixture(scope="module")
def cas(legacy_server):
    return hfc_caservice.ca_service(target=f"https://localhost:{legacy_server.port}", ca_certs_path=legacy_server.ca_file)


@pytest.fixture(scope="module")
def sdk_admin(cas):
    return cas.enroll("admin", "adminpw")


def test_cainfo(cas, legacy_server):
    assert cas._ca_client.get_cainfo() == open(legacy_server.ca_file, "rb").read()


def test_enroll_admin(sdk_admin, legacy_server):
    cert = x509.load_pem_x509_certificate(sdk_admin.cert)
    assert cert.issuer == legacy_server.ca_cert().subject


def test_register_enroll_reenroll(cas, sdk_admin):
    secret = sdk_admin.register("sdk-user", "sdkpw", "client", "org1", 2)
    assert secret == "sdkpw"
    user = cas.enroll("sdk-user", "sdkpw")
    renewed = cas.reenroll(user)
    first = x509.load_pem_x509_certificate(user.cert)
    second = x509.load_pem_x509_certificate(renewed.cert)
    assert first.subject == second.subject and first.serial_number != second.serial_number


def test_generated_secret(cas, sdk_admin):
    secret = sdk_admin.register("sdk-gen", None, "peer", "org1.department1", 1)
    assert len(secret) >= 22
    assert cas.enroll("sdk-gen", secret).cert


def test_tls_profile_enroll(cas, sdk_admin):
    sdk_admin.register("sdk-tls", "pw", "peer", "org2", 1)
    enrollment = cas.enroll("sdk-tls", "pw", profile="tls")
    cert = x509.load_pem_x509_certificate(enrollment.cert)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in list(eku)


def test_wrong_secret_rejected(cas):
    with pytest.raises(ValueError, match="'code': 20"):
        cas.enroll("admin", "wrong")


def test_max_enrollments_enforced(cas, sdk_admin):
    sdk_admin.register("sdk-once", "pw", "client", "org1", 1)
    cas.enroll("sdk-once", "pw")
    with pytest.raises(ValueError, match="'code': 20"):
        cas.enroll("sdk-once", "pw")


def test_register_duplicate_reports_code(sdk_admin):
    sdk_admin.register("sdk-dup", "pw", "client", "org1", 1)
    with pytest.raises(ValueError, match="'code': 74"):
        sdk_admin.register("sdk-dup", "pw", "client", "org1", 1)
