"""Every error case of the wire table: status, fabric-ca code, the envelope, and nothing stored."""
import base64
import json

import pytest

from harness import make_csr, new_key


def envelope_error(raw):
    assert raw.startswith(b'{"result":"","errors":[{"code":'), raw
    assert raw.endswith(b'\n],"messages":[],"success":false}'), raw
    body = json.loads(raw)
    assert body["success"] is False and body["messages"] == []
    return body["errors"][0]


def basic(user, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}


@pytest.fixture
def unchanged(server):
    """Asserts the test stored no certificate and no identity."""
    before = server.db_rows("SELECT (SELECT COUNT(*) FROM certificates), (SELECT COUNT(*) FROM identities)")[0]
    yield
    assert server.db_rows("SELECT (SELECT COUNT(*) FROM certificates), (SELECT COUNT(*) FROM identities)")[0] == before


CSR = make_csr(new_key(), "admin")

CASES = [
    ("no authorization header", "POST", "/api/v1/enroll", {"certificate_request": CSR}, {}, 401, 2),
    ("wrong secret", "POST", "/enroll", {"certificate_request": CSR}, basic("admin", "nope"), 401, 20),
    ("unknown identity", "POST", "/enroll", {"certificate_request": CSR}, basic("ghost", "x"), 401, 20),
    ("CN differs from the enrollment ID", "POST", "/enroll", {"certificate_request": make_csr(new_key(), "other")},
     basic("admin", "adminpw"), 403, 77),
    ("empty body", "POST", "/enroll", b"", basic("admin", "adminpw"), 400, 4),
    ("body is not JSON", "POST", "/enroll", b"{not json", basic("admin", "adminpw"), 400, 5),
    ("CSR is not PEM", "POST", "/enroll", {"certificate_request": "garbage"}, basic("admin", "adminpw"), 400, 31),
    ("unknown profile", "POST", "/enroll", {"certificate_request": CSR, "profile": "nosuch"}, basic("admin", "adminpw"), 400, 0),
    ("invalid host", "POST", "/enroll", {"certificate_request": CSR, "hosts": ["bad host"]}, basic("admin", "adminpw"), 400, 0),
    ("unknown CA name", "POST", "/enroll", {"certificate_request": CSR, "CAName": "nosuchca"}, basic("admin", "adminpw"), 404, 19),
    ("wrong method", "GET", "/api/v1/enroll", None, {}, 405, 1),
    ("garbage token", "POST", "/api/v1/register", {"id": "x"}, {"Authorization": "garbage"}, 401, 20),
    ("Basic auth on a token endpoint", "POST", "/api/v1/register", {"id": "x"}, basic("admin", "adminpw"), 401, 20),
    ("reenroll without token", "POST", "/reenroll", {"certificate_request": CSR}, {}, 401, 2),
]


@pytest.mark.parametrize("name,method,path,body,headers,status,code", CASES, ids=[c[0] for c in CASES])
def test_error_table(server, admin, unchanged, name, method, path, body, headers, status, code):
    got, raw, _ = server.request(method, path, body, headers)
    assert got == status, raw
    error = envelope_error(raw)
    assert error["code"] == code
    assert error["message"]


def test_null_fields_are_accepted(server, admin):
    body = {"certificate_request": make_csr(new_key(), "admin"), "hosts": None, "profile": None, "label": None,
            "attr_reqs": None, "CAName": None, "NotBefore": None}
    status, raw, _ = server.request("POST", "/enroll", body, basic("admin", "adminpw"))
    assert status == 201, raw


def test_unknown_path_is_plain_404(server):
    status, raw, response = server.request("GET", "/api/v1/nosuch")
    assert status == 404 and raw == b"404 page not found\n"


def test_acme_on_a_ca_without_it_is_a_404_problem(server):
    status, raw, response = server.request("GET", "/acme/directory")
    assert status == 404 and response.getheader("Content-Type") == "application/problem+json"
    assert b"acme.enabled" in raw


def test_register_duplicate(server, admin):
    server.register(admin, id="dup2", secret="pw", affiliation="org1")
    before = server.db_rows("SELECT secret_hash FROM identities WHERE id = 'dup2'")
    again = server.register(admin, id="dup2", secret="other", affiliation="org2")
    assert again.status == 409 and envelope_error(again.raw)["code"] == 74
    assert server.db_rows("SELECT secret_hash FROM identities WHERE id = 'dup2'") == before


def test_registrar_without_roles_is_refused(server, admin):
    server.register(admin, id="plainpeer", type="peer", secret="pw", affiliation="org1")
    peer = server.enroll("plainpeer", "pw").identity
    before = server.db_rows("SELECT COUNT(*) FROM identities")
    refused = server.register(peer, id="x1", secret="pw", affiliation="org1")
    assert refused.status == 403 and envelope_error(refused.raw)["code"] == 71
    assert server.db_rows("SELECT COUNT(*) FROM identities") == before


def test_register_unknown_affiliation_and_missing_id(server, admin, unchanged):
    r = server.register(admin, id="x2", secret="pw", affiliation="nosuch.org")
    assert r.status == 400 and "nosuch.org" in envelope_error(r.raw)["message"]
    r = server.register(admin, secret="pw")
    assert r.status == 400 and "id" in envelope_error(r.raw)["message"]


def test_tampered_token_is_refused(server, admin, unchanged):
    from harness import token
    body = json.dumps({"id": "tamper", "secret": "pw", "affiliation": "org1"}).encode()
    header = token(admin, "POST", "/register", body)
    other = json.dumps({"id": "tamper2", "secret": "pw", "affiliation": "org1"}).encode()
    status, raw, _ = server.request("POST", "/register", other, {"Authorization": header})
    assert status == 401 and envelope_error(raw)["code"] == 20
    status, raw, _ = server.request("POST", "/api/v1/register", body, {"Authorization": header})
    assert status == 401, "the signed URI must match"
