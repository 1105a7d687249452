"""Client keys in an HSM: with fabric-ca-client's `bccsp: PKCS11` section, `charter enroll` makes
the key inside a SoftHSM2 token (sensitive, never extractable), writes no key file, and names it
as Fabric's BCCSP does (CKA_ID = SHA-256 of the public point); reenroll signs its token with it,
and `--csr.keyrequest.reusekey` keeps it."""
import hashlib
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography import x509

from harness import BINARY
from services import SoftHSM

pytestmark = pytest.mark.skipif(not os.path.exists(SoftHSM.LIBRARY), reason="SoftHSM2 is not installed")


def charter(hsm, *args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120, env=hsm.env)


def point(cert_path):
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    return cert.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def test_enroll_makes_the_key_in_the_token_where_fabric_finds_it(server, tmp_path):
    hsm = SoftHSM()
    home = tmp_path / "client"
    home.mkdir()
    (home / "fabric-ca-client-config.yaml").write_text(hsm.bccsp_yaml())
    url = f"https://admin:adminpw@localhost:{server.port}"
    enrolled = charter(hsm, "enroll", "-u", url, "-H", str(home), "--tls.certfiles", server.ca_file)
    assert enrolled.returncode == 0, enrolled.stderr
    msp = home / "msp"
    # nothing private on disk
    assert not (msp / "keystore").exists() or os.listdir(msp / "keystore") == []
    first = point(msp / "signcerts" / "cert.pem")
    listing = hsm.objects()
    ski = hashlib.sha256(first).hexdigest()
    assert f"ID:         {ski}" in listing, listing
    assert "never extractable" in listing and "sensitive" in listing
    # reenroll authenticates with a token signed by the token's key, and makes a new key there
    renewed = charter(hsm, "reenroll", "-u", f"https://localhost:{server.port}", "-H", str(home),
                      "--tls.certfiles", server.ca_file)
    assert renewed.returncode == 0, renewed.stderr
    second = point(msp / "signcerts" / "cert.pem")
    assert second != first and hashlib.sha256(second).hexdigest() in hsm.objects()
    kept = charter(hsm, "reenroll", "-u", f"https://localhost:{server.port}", "-H", str(home), "--tls.certfiles",
                   server.ca_file, "--csr.keyrequest.reusekey")
    assert kept.returncode == 0, kept.stderr
    assert point(msp / "signcerts" / "cert.pem") == second


def test_a_wrong_pin_or_label_stops_the_command_before_the_server_is_asked(server, tmp_path):
    hsm = SoftHSM()
    for wrong, expected in [("pin: '00000000'", "bccsp.pkcs11.pin"), ("label: ForFab", "'ForFabric'")]:
        home = tmp_path / wrong.split(":")[0]
        home.mkdir()
        key = wrong.split(":")[0]
        yaml = "\n".join(line if not line.strip().startswith(key + ":") else f"    {wrong}"
                         for line in hsm.bccsp_yaml().splitlines()) + "\n"
        (home / "fabric-ca-client-config.yaml").write_text(yaml)
        result = charter(hsm, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "-H", str(home),
                         "--tls.certfiles", server.ca_file)
        assert result.returncode != 0 and expected in result.stderr, result.stderr
        assert "00000000" not in result.stderr
        assert not (home / "msp").exists()
