"""Idemix credentials from the real server: the nonce round and the credential round as fabric-ca
serves them, and every refusal (wrong proof, replayed or expired nonce, unknown identity, a point
off the curve); the issuer keys' files, their survival across restarts and the refusal of a damaged
one; revocation of the holder's identity; `/idemix/cri`; and `charter enroll --enrollment.type idemix`."""
import base64
import json
import os
import stat
import subprocess
import time

from harness import BINARY, Server
from idemix_client import IssuerKey, credential_request


def basic(user, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}


def credential_call(server, request, user="admin", secret="adminpw"):
    status, raw, _ = server.request("POST", "/idemix/credential", {"request": request, "caname": ""},
                                    basic(user, secret))
    return status, json.loads(raw)


def nonce_and_key(server, user="admin", secret="adminpw"):
    status, body = credential_call(server, None, user, secret)
    assert status == 201 and body["success"], body
    result = body["result"]
    assert result["Credential"] == "" and result["Attrs"] is None
    return base64.b64decode(result["Nonce"]), IssuerKey(base64.b64decode(result["CAInfo"]["IssuerPublicKey"]))


def test_a_credential_is_issued_recorded_and_its_nonce_serves_once():
    server = Server().start()
    try:
        nonce, issuer = nonce_and_key(server)
        assert len(nonce) == 32
        request = credential_request(issuer, nonce)
        status, body = credential_call(server, request)
        assert status == 201 and body["success"], body
        result = body["result"]
        assert result["Attrs"] == {"EnrollmentID": "admin", "OU": "", "RevocationHandle": "1", "Role": 1}
        assert result["Credential"] and result["CRI"] and result["Nonce"] == ""
        rows = server.db_rows("SELECT revocation_handle, enrollment_id, status FROM idemix_credentials")
        assert rows == [(1, "admin", "good")]
        # the same nonce again: refused, nothing more issued
        status, body = credential_call(server, credential_request(issuer, nonce))
        assert status == 400 and "nonce" in body["errors"][0]["message"].lower(), body
        assert len(server.db_rows("SELECT * FROM idemix_credentials")) == 1
        # a nonce the server never gave
        status, body = credential_call(server, credential_request(issuer, os.urandom(32)))
        assert status == 400
        # rounds with the right secret never count toward the lockout (10 wrong attempts)
        for _ in range(12):
            nonce, issuer = nonce_and_key(server)
        assert credential_call(server, credential_request(issuer, nonce))[0] == 201
    finally:
        server.stop()


def test_wrong_proofs_bad_points_and_unknown_identities_are_refused():
    server = Server().start()
    try:
        nonce, issuer = nonce_and_key(server)
        status, body = credential_call(server, credential_request(issuer, nonce, tamper=True))
        assert status == 400 and "proof" in body["errors"][0]["message"], body
        # a nym off the curve: refused while decoding, the nonce untouched
        nonce, _ = nonce_and_key(server)
        bad = credential_request(issuer, nonce)
        bad["nym"]["y"] = base64.b64encode((5).to_bytes(32, "big")).decode()
        status, body = credential_call(server, bad)
        assert status == 400 and body["errors"], body
        for broken in ({"nym": "x"}, {"issuer_nonce": "not base64!"}, {"proof_c": base64.b64encode(b"\xff" * 32).decode()}):
            status, body = credential_call(server, {**credential_request(issuer, nonce), **broken})
            assert status == 400 and not body["success"], (broken, body)
        assert server.db_rows("SELECT COUNT(*) FROM idemix_credentials") == [(0,)]
        status, body = credential_call(server, None, "nobody", "secret")
        assert status == 401 and body["errors"][0]["code"] == 20
        status, body = credential_call(server, None, "admin", "wrong")
        assert status == 401
    finally:
        server.stop()


def test_an_expired_nonce_is_refused():
    server = Server("idemix:\n  nonceexpiration: 1s\n").start()
    try:
        nonce, issuer = nonce_and_key(server)
        time.sleep(1.5)
        status, body = credential_call(server, credential_request(issuer, nonce))
        assert status == 400 and "expired" in body["errors"][0]["message"], body
    finally:
        server.stop()


def test_token_authentication_cri_and_revocation_of_the_holder():
    server = Server().start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.register(admin, id="carol", secret="carolpw", type="client", affiliation="org1",
                               attrs=[{"name": "role", "value": "2"}]).success
        carol = server.enroll("carol", "carolpw").identity
        nonce_result = server.token_call("POST", "/idemix/credential", carol, {"request": None, "caname": ""})
        assert nonce_result.status == 201, nonce_result.json
        nonce = base64.b64decode(nonce_result.json["result"]["Nonce"])
        issuer = IssuerKey(base64.b64decode(nonce_result.json["result"]["CAInfo"]["IssuerPublicKey"]))
        issued = server.token_call("POST", "/idemix/credential", carol,
                                   {"request": credential_request(issuer, nonce), "caname": ""})
        assert issued.status == 201, issued.json
        assert issued.json["result"]["Attrs"]["Role"] == 2 and issued.json["result"]["Attrs"]["OU"] == "org1"
        cri = server.token_call("POST", "/idemix/cri", carol, {"caname": ""})
        assert cri.status == 201 and base64.b64decode(cri.json["result"]["CRI"]).startswith(b"\x08\x01")
        assert server.request("POST", "/idemix/cri", {})[0] == 401
        assert server.token_call("POST", "/revoke", admin, {"id": "carol", "reason": "keycompromise"}).success
        assert server.db_rows("SELECT status FROM idemix_credentials WHERE enrollment_id = 'carol'") == [("revoked",)]
        # a revoked identity gets no more credentials, by secret or by token
        assert credential_call(server, None, "carol", "carolpw")[0] == 401
        assert server.token_call("POST", "/idemix/credential", carol, {"request": None}).status == 401
    finally:
        server.stop()


def test_issuer_keys_are_stored_as_fabric_ca_names_them_owner_only_and_survive_a_restart():
    server = Server().start()
    home = server.home
    try:
        first = base64.b64decode(json.loads(server.request("GET", "/cainfo")[1])["result"]["IssuerPublicKey"])
    finally:
        server.stop()
    assert open(os.path.join(home, "IssuerPublicKey"), "rb").read() == first
    for name in ("msp/keystore/IssuerSecretKey", "msp/keystore/IssuerRevocationPrivateKey"):
        assert stat.S_IMODE(os.stat(os.path.join(home, name)).st_mode) == 0o600, name
    assert open(os.path.join(home, "IssuerRevocationPublicKey")).read().startswith("-----BEGIN PUBLIC KEY-----")
    server = Server(home=home).start()
    try:
        again = base64.b64decode(json.loads(server.request("GET", "/cainfo")[1])["result"]["IssuerPublicKey"])
        assert again == first
    finally:
        server.stop()
    # a damaged secret key stops the start, naming it; the file is left as it was
    with open(os.path.join(home, "msp/keystore/IssuerSecretKey"), "wb") as f:
        f.write(os.urandom(32))
    result = subprocess.run([BINARY, "server", "start", "-H", home, "-p", "0"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "Idemix issuer key" in result.stderr, result.stderr


def test_charter_enroll_writes_fabric_ca_clients_files_and_a_fabric_msp(tmp_path):
    server = Server().start()
    try:
        home = str(tmp_path / "client")
        fabric = str(tmp_path / "fabric")
        subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "--tls.certfiles",
                        server.ca_file, "-H", home, "--enrollment.type", "idemix", "--idemix.fabricmsp", fabric],
                       check=True, capture_output=True, timeout=120)
        config = json.load(open(os.path.join(home, "msp/user/SignerConfig")))
        assert config["enrollment_id"] == "admin" and config["role"] == 1 and config["curveID"] == "amcl.Fp256bn"
        assert stat.S_IMODE(os.stat(os.path.join(home, "msp/user/SignerConfig")).st_mode) == 0o600
        assert open(os.path.join(home, "msp/IssuerPublicKey"), "rb").read() == open(
            os.path.join(server.home, "IssuerPublicKey"), "rb").read()
        assert os.path.exists(os.path.join(fabric, "msp/RevocationPublicKey"))
        signer = open(os.path.join(fabric, "user/SignerConfig"), "rb").read()
        assert signer[0] == 0x0A and b"admin" in signer  # protobuf: field 1 (cred) first
        # --idemix.fabricmsp alone (X.509 enrollment) is refused
        refused = subprocess.run([BINARY, "enroll", "-u", f"https://admin:adminpw@localhost:{server.port}",
                                  "--tls.certfiles", server.ca_file, "-H", home, "--idemix.fabricmsp", fabric],
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "idemix" in refused.stderr
    finally:
        server.stop()


def test_malformed_idemix_tokens_are_refused():
    server = Server().start()
    try:
        for header in ("idemix.1.admin.AAAA", "idemix.2.admin.AAAA", "idemix.1.admin", "idemix.1.nobody.AAAA",
                       "idemix.1.admin.!!!", "idemix." + "1" * 20000):
            status, raw, _ = server.request("POST", "/idemix/cri", {}, {"Authorization": header})
            body = json.loads(raw)
            assert status == 401 and body["errors"][0]["code"] == 20, (header[:40], body)
        # an identity with a credential, and a signature that is not one
        nonce, issuer = nonce_and_key(server)
        assert credential_call(server, credential_request(issuer, nonce))[0] == 201
        bogus = base64.b64encode(bytes([0x0A, 0x44]) + os.urandom(68)).decode()
        status, raw, _ = server.request("POST", "/idemix/cri", {}, {"Authorization": f"idemix.1.admin.{bogus}"})
        assert status == 401
    finally:
        server.stop()
