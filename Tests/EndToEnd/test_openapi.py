"""docs/openapi.yaml: a valid OpenAPI 3 description, and the running server keeps to it."""
import os
import subprocess

import pytest

from harness import ROOT, Server

TOOLS = os.path.join(ROOT, ".venv-api", "bin")
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")


def test_the_spec_is_valid_openapi():
    out = subprocess.run([os.path.join(TOOLS, "openapi-spec-validator"), SPEC], capture_output=True, text=True)
    assert out.returncode == 0 and "OK" in out.stdout, out.stdout + out.stderr


def test_schemathesis_finds_no_server_error_and_no_response_outside_the_spec(tmp_path):
    # Removal allowed, so DELETE answers are exercised too; a fresh server, since the run changes it.
    server = Server("cfg:\n  identities:\n    allowremove: true\n  affiliations:\n    allowremove: true\n",
                    home=str(tmp_path / "home")).start()
    try:
        admin = server.enroll("admin", "adminpw")
        assert admin.status == 201
        from cryptography.hazmat.primitives import serialization
        (tmp_path / "admin-cert.pem").write_bytes(admin.cert_pem)
        (tmp_path / "admin-key.pem").write_bytes(admin.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        env = {
            **os.environ,
            "CHARTER_API": f"https://localhost:{server.port}",
            "CHARTER_CA": server.ca_file,
            "CHARTER_ADMIN_CERT": str(tmp_path / "admin-cert.pem"),
            "CHARTER_ADMIN_KEY": str(tmp_path / "admin-key.pem"),
            "PYTHONPATH": os.path.dirname(os.path.abspath(__file__)),
        }
        out = subprocess.run(
            [os.path.join(TOOLS, "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
             os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi_suite.py")],
            capture_output=True, text=True, env=env, timeout=1800, cwd=str(tmp_path),
        )
        assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
        assert "passed" in out.stdout, out.stdout[-2000:]
        print(out.stdout[-1500:])
        # the server survived the run and still answers
        assert server.request("GET", "/cainfo")[0] == 200
    finally:
        server.stop()
