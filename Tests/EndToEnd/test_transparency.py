"""The transparency log, checked by a verifier written here, independently of Charter's code:
RFC 6962 hashing, RFC 9162 proof verification, C2SP signed-note checkpoints, tlog-tiles."""
import base64
import hashlib
import json
import os
import struct
import subprocess
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from harness import BINARY, Server
from test_lifecycle import aki_hex, serial_hex


# --- an independent verifier ---------------------------------------------------------------

def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k << 1 < len(leaves):
        k <<= 1
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def verify_inclusion(leaf, index, size, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old, new, old_root, new_root, proof):
    if old == new:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = ([old_root] if old & (old - 1) == 0 else []) + proof
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def open_checkpoint(note, verifier_key):
    """(origin, size, root) of a signed note that this key signed, else an AssertionError."""
    name, key_hash, key = verifier_key.split("+", 2)
    raw_key = base64.b64decode(key)
    assert raw_key[0] == 1 and len(raw_key) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw_key).digest()[:4].hex() == key_hash
    body, signatures = note.rsplit("\n\n", 1)
    body += "\n"
    for line in signatures.splitlines():
        dash, signer, signature = line.split(" ")
        raw = base64.b64decode(signature)
        if dash == "\u2014" and signer == name and raw[:4].hex() == key_hash:
            Ed25519PublicKey.from_public_bytes(raw_key[1:]).verify(raw[4:], body.encode())
            origin, size, root, _ = body.split("\n")
            return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature of " + name)


def tile_path(index):
    digits = f"{index:03d}"
    groups = [digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)][::-1]
    groups = [g.zfill(3) for g in groups]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


# --- the tests ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def logged():
    s = Server("log:\n  checkpointinterval: 1s\n").start()
    yield s
    s.stop()


def get_json(server, path):
    status, raw, _ = server.request("GET", path)
    assert status == 200, raw
    return json.loads(raw)["result"]


def test_enroll_revoke_then_prove_inclusion_independently(logged):
    admin = logged.enroll("admin", "adminpw")
    assert admin.status == 201
    assert logged.register(admin.identity, id="tl-user", type="client", secret="tlpw").status == 201
    user = logged.enroll("tl-user", "tlpw")
    revoked = logged.token_call("POST", "/revoke", admin.identity,
                                {"serial": serial_hex(user.cert), "aki": aki_hex(user.cert), "reason": "keycompromise"})
    assert revoked.status == 200
    info = get_json(logged, "/loginfo")
    answer = get_json(logged, f"/log/proof?serial={serial_hex(user.cert)}&aki={aki_hex(user.cert)}")
    origin, size, root = open_checkpoint(answer["checkpoint"], info["verifierKey"])
    assert origin == info["origin"] and size >= answer["index"] + 1
    entry = base64.b64decode(answer["entry"])
    assert user.cert.public_bytes(__import__("cryptography").hazmat.primitives.serialization.Encoding.DER) in entry
    proof = [base64.b64decode(p) for p in answer["proof"]]
    assert verify_inclusion(leaf_hash(entry), answer["index"], size, proof, root)
    assert not verify_inclusion(leaf_hash(entry + b"x"), answer["index"], size, proof, root)

    # Charter's own client agrees, and prints a C2SP tlog-proof
    cert_file = os.path.join(logged.home, "tl-user.pem")
    with open(cert_file, "wb") as f:
        f.write(user.cert_pem)
    out = subprocess.run([BINARY, "log", "proof", "--cert", cert_file, "-u", f"https://localhost:{logged.port}",
                          "--tls.certfiles", logged.ca_file, "--verifier", info["verifierKey"]],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("c2sp.org/tlog-proof@v1\nindex ")
    verifier = subprocess.run([BINARY, "log", "verifier", "-H", logged.home], capture_output=True, text=True)
    assert verifier.stdout.strip() == info["verifierKey"]


def test_the_tiles_rebuild_the_checkpointed_tree_and_hold_the_revocation(logged):
    admin = logged.enroll("admin", "adminpw")
    time.sleep(1.5)  # the interval signs a checkpoint of everything so far
    info = get_json(logged, "/loginfo")
    status, note, _ = logged.request("GET", "/log/checkpoint")
    assert status == 200
    origin, size, root = open_checkpoint(note.decode(), info["verifierKey"])
    assert 0 < size < 256
    status, hashes, response = logged.request("GET", f"/log/tile/0/{tile_path(0)}.p/{size}")
    assert status == 200 and len(hashes) == 32 * size
    assert response.getheader("Content-Type") == "application/octet-stream"
    status, bundle, _ = logged.request("GET", f"/log/tile/entries/{tile_path(0)}.p/{size}")
    assert status == 200
    entries, offset = [], 0
    while offset < len(bundle):
        (length,) = struct.unpack(">H", bundle[offset:offset + 2])
        entries.append(bundle[offset + 2:offset + 2 + length])
        offset += 2 + length
    assert len(entries) == size
    assert [leaf_hash(e) for e in entries] == [hashes[i * 32:(i + 1) * 32] for i in range(size)]
    assert root_of([leaf_hash(e) for e in entries]) == root
    # issuances (kind 1) and the revocation (kind 2), canonical version 1
    assert {e[0] for e in entries} == {1} and {e[1] for e in entries} == {1, 2}
    # a tile the log does not have yet is 404, a malformed path 400
    assert logged.request("GET", f"/log/tile/0/{tile_path(0)}.p/{size + 1}")[0] == 404
    assert logged.request("GET", "/log/tile/0/12")[0] == 400

    # the log only grows: a later checkpoint is consistent with this one
    assert logged.enroll("admin", "adminpw").status == 201
    time.sleep(1.5)
    _, newer, _ = logged.request("GET", "/log/checkpoint")
    _, new_size, new_root = open_checkpoint(newer.decode(), info["verifierKey"])
    assert new_size > size
    proof = [base64.b64decode(p) for p in get_json(logged, f"/log/consistency?old={size}&new={new_size}")["proof"]]
    assert verify_consistency(size, new_size, root, new_root, proof)
    assert not verify_consistency(size, new_size, hashlib.sha256(b"forged").digest(), new_root, proof)


def test_a_certificate_that_is_not_logged_has_no_proof(logged, tmp_path):
    other = Server().start()
    try:
        foreign = other.enroll("admin", "adminpw")
        cert_file = tmp_path / "foreign.pem"
        cert_file.write_bytes(foreign.cert_pem)
        out = subprocess.run([BINARY, "log", "proof", "--cert", str(cert_file), "-u",
                              f"https://localhost:{logged.port}", "--tls.certfiles", logged.ca_file],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and "not in the log" in out.stderr
    finally:
        other.stop()


@pytest.fixture(scope="module")
def tamper_source(tmp_path_factory):
    """A stopped server's home whose log holds issuances, a revocation and a signed checkpoint."""
    s = Server("log:\n  checkpointinterval: 1s\n", home=str(tmp_path_factory.mktemp("tamper") / "home")).start()
    admin = s.enroll("admin", "adminpw")
    for i in range(3):
        assert s.register(admin.identity, id=f"t{i}", type="client", secret="tpw").status == 201
        assert s.enroll(f"t{i}", "tpw").status == 201
    victim = s.enroll("t0", "tpw")
    assert s.token_call("POST", "/revoke", admin.identity,
                        {"serial": serial_hex(victim.cert), "aki": aki_hex(victim.cert)}).status == 200
    time.sleep(1.5)
    s.stop()
    return s


def audit_copy(source, tmp_path, *statements):
    import shutil
    import sqlite3
    home = tmp_path / "home"
    shutil.copytree(source.home, home, ignore=shutil.ignore_patterns("server.log"))
    db = home / "charter.db"
    with sqlite3.connect(db) as connection:
        for statement in statements:
            connection.execute(statement)
    out = subprocess.run([BINARY, "audit", "--db", str(db), "--verify-log", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    return sorted(f["id"] for f in json.loads(out.stdout)["findings"] if f["id"].startswith("log-"))


def test_an_untouched_database_verifies(tamper_source, tmp_path):
    assert audit_copy(tamper_source, tmp_path) == []


@pytest.mark.parametrize("statements, expected", [
    (["UPDATE certificates SET enrollment_id = 'mallory' WHERE rowid = 2"], ["log-row-edited"]),
    (["DELETE FROM certificates WHERE rowid = 3"], ["log-row-missing"]),
    (["INSERT INTO certificates (serial_number, authority_key_identifier, enrollment_id, ca_name, profile, "
      "issued_at, not_before, not_after, status, reason, revoked_at, pem) SELECT 'ffff' || serial_number, "
      "authority_key_identifier, enrollment_id, ca_name, profile, issued_at, not_before, not_after, status, reason, "
      "revoked_at, pem FROM certificates WHERE rowid = 2"],
     ["log-leaf-missing"]),
    (["UPDATE certificates SET status = 'good', reason = 0, revoked_at = NULL WHERE status = 'revoked'"],
     ["log-row-missing"]),
    (["DELETE FROM log_leaves WHERE idx = (SELECT MAX(idx) FROM log_leaves)",
      "DELETE FROM log_nodes WHERE idx > (SELECT MAX(idx) FROM log_leaves) >> level"],
     ["log-leaf-missing", "log-rewritten"]),
])
def test_audit_verify_log_reports_each_tampering(tamper_source, tmp_path, statements, expected):
    assert audit_copy(tamper_source, tmp_path, *statements) == expected


def test_a_monitor_follows_new_issuances_and_catches_a_rewritten_log(tmp_path):
    import sqlite3
    server = Server("log:\n  checkpointinterval: 1s\n", home=str(tmp_path / "home")).start()
    state = tmp_path / "monitor"

    def monitor(*extra):
        return subprocess.run([BINARY, "log", "monitor", "-u", f"https://localhost:{server.port}", "--tls.certfiles",
                               server.ca_file, "--state", str(state), *extra], capture_output=True, text=True, timeout=60)

    try:
        admin = server.enroll("admin", "adminpw")
        time.sleep(1.5)
        first = monitor()
        assert first.returncode == 0, first.stderr
        assert "checkpoint verified" in first.stdout and "issued to admin" in first.stdout
        assert server.register(admin.identity, id="ops-admin", type="admin", secret="opspw").status == 201
        assert server.enroll("ops-admin", "opspw").status == 201
        time.sleep(1.5)
        second = monitor("--watch", "OU=admin")
        assert second.returncode == 0, second.stderr
        assert "WATCH MATCH" in second.stdout and "ops-admin" in second.stdout
        assert "issued to admin " not in second.stdout  # only what is new since the last look
        seen = int(second.stdout.strip().splitlines()[-1].split()[2])
        # the state keeps the tree's right edge: its size, then one hash per set bit of it
        kept = (state / "tree").read_text().splitlines()
        assert int(kept[0]) == seen and len(kept) == 1 + bin(seen).count("1")
    finally:
        server.stop()
    # someone with the database rewrites the log from scratch and the server signs the new history
    with sqlite3.connect(os.path.join(server.home, "charter.db")) as db:
        for table in ("log_leaves", "log_nodes", "log_checkpoints"):
            db.execute(f"DELETE FROM {table}")
    server.start()
    try:
        for _ in range(seen + 2):
            assert server.enroll("admin", "adminpw").status == 201
        time.sleep(1.5)
        third = monitor()
        assert third.returncode == 1 and "EQUIVOCATION" in third.stderr, third.stdout + third.stderr
        evidence = list((state / "evidence").iterdir())
        assert len(evidence) == 1 and "checkpoint now served" in evidence[0].read_text()
    finally:
        server.stop()


def test_log_reads_can_require_a_token(tmp_path):
    server = Server("log:\n  readauth: true\n", home=str(tmp_path / "home")).start()
    try:
        assert server.request("GET", "/log/checkpoint")[0] == 401
        assert server.request("GET", "/loginfo")[0] == 401
        from harness import token
        admin = server.enroll("admin", "adminpw").identity
        for path in ("/log/checkpoint", "/loginfo"):
            headers = {"Authorization": token(admin, "GET", path, b"")}
            assert server.request("GET", path, headers=headers)[0] == 200
    finally:
        server.stop()
