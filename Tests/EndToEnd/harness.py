"""Starts the real `charter` binary on loopback ports and talks to it the way fabric-ca clients do.

Nothing here reimplements the server: requests go over real TLS sockets, certificates are read
with the `cryptography` package and checked with `openssl`.
"""
import base64
import contextlib
import datetime
import http.client
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CHARTER_BIN", os.path.join(ROOT, ".build", "debug", "charter"))
# Captured fabric-ca and cryptogen output the compatibility tests compare against (see its README).
REFERENCE = os.path.join(ROOT, "Tests", "Fixtures")
# fabric-sdk-py signs only legacy tokens, which a server refuses unless told otherwise.
LEGACY_TOKENS = {"FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3": "true"}
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def terminate(process):
    """SIGTERM, then SIGKILL after 20 s: every process a test started ends with the test."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def alive(server):
    """The server process runs and answers /cainfo."""
    return server.process.poll() is None and server.request("GET", "/cainfo")[0] == 200


class Server:
    """One running `charter server start` with its own home folder."""

    def __init__(self, config_yaml=None, home=None, args=(), env=None):
        self.home = home or tempfile.mkdtemp(prefix="charter-e2e-")
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.ops_port = free_port()
        self.config_yaml = config_yaml
        self.args = list(args)
        self.process = None
        self.log_path = os.path.join(self.home, "server.log")

    def start(self):
        self._launch()
        return self._wait(lambda: self.request("GET", "/cainfo")[0] == 200)

    def start_without_probe(self):
        """For servers that refuse anonymous TLS clients: ready once the operations port answers."""
        self._launch()
        return self._wait(lambda: self.ops("/healthz")[0] == 200)

    def _launch(self):
        os.makedirs(self.home, exist_ok=True)
        if self.config_yaml is not None:
            with open(os.path.join(self.home, "charter-server-config.yaml"), "w") as f:
                f.write(self.config_yaml)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "server", "start", "-b", "admin:adminpw", "-H", self.home, "-p", str(self.port),
             "--address", "127.0.0.1", "--operations.listenaddress", f"127.0.0.1:{self.ops_port}", *self.args],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
        )

    def _wait(self, ready):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited: " + open(self.log_path).read())
            with contextlib.suppress(OSError):
                if ready():
                    return self
            time.sleep(0.1)
        raise RuntimeError("server did not start: " + open(self.log_path).read())

    def stop(self):
        terminate(self.process)
        self.log.close()

    @property
    def ca_file(self):
        return os.path.join(self.home, "ca-cert.pem")

    @property
    def db_path(self):
        return os.path.join(self.home, "charter.db")

    def ca_cert(self):
        return x509.load_pem_x509_certificate(open(self.ca_file, "rb").read())

    def ssl_context(self):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        return ctx

    def request(self, method, path, body=None, headers=None, host="localhost"):
        conn = http.client.HTTPSConnection(host, self.port, context=self.ssl_context(), timeout=30)
        try:
            data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read(), response
        finally:
            conn.close()

    def ops(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.ops_port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    # fabric-ca calls -------------------------------------------------------------------------

    def enroll(self, user, secret, csr_pem=None, key=None, **fields):
        key = key or new_key()
        csr_pem = csr_pem or make_csr(key, user)
        body = {"certificate_request": csr_pem, **fields}
        auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
        status, raw, _ = self.request("POST", "/enroll", body, {"Authorization": auth})
        return Result(status, raw, key)

    def token_call(self, method, path, identity, body=None, legacy=False):
        raw_body = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        header = token(identity, method, path, raw_body, legacy=legacy)
        status, raw, _ = self.request(method, path, raw_body if body is not None else None, {"Authorization": header})
        return Result(status, raw, None)

    def reenroll(self, identity, legacy=False, key=None, **fields):
        key = key or new_key()
        cn = identity.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        body = {"certificate_request": make_csr(key, cn), **fields}
        result = self.token_call("POST", "/reenroll", identity, body, legacy=legacy)
        result.key = key
        return result

    def register(self, registrar, **fields):
        return self.token_call("POST", "/register", registrar, fields)

    def db_rows(self, sql, args=()):
        with contextlib.closing(sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)) as db:
            return db.execute(sql, args).fetchall()

    def certificate_count(self):
        return self.db_rows("SELECT COUNT(*) FROM certificates")[0][0]

    def logged(self, text, timeout=10):
        """True once `text` is in the server's log (lines written just after start may lag it)."""
        deadline = time.monotonic() + timeout
        while text not in open(self.log_path).read():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


class Result:
    def __init__(self, status, raw, key):
        self.status = status
        self.raw = raw
        self.key = key
        self.json = json.loads(raw) if raw else None

    @property
    def success(self):
        return bool(self.json and self.json["success"])

    @property
    def error_code(self):
        return self.json["errors"][0]["code"] if self.json and self.json["errors"] else None

    @property
    def cert_pem(self):
        return base64.b64decode(self.json["result"]["Cert"])

    @property
    def cert(self):
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def identity(self):
        return Identity(self.cert_pem, self.key)


class Identity:
    def __init__(self, cert_pem, key):
        self.cert_pem = cert_pem
        self.key = key
        self.cert = x509.load_pem_x509_certificate(cert_pem)


def new_key(curve=None):
    return ec.generate_private_key(curve or ec.SECP256R1())


def make_csr(key, cn, hosts=None, ou="ignored"):
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hyperledger"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])
    builder = x509.CertificateSigningRequestBuilder().subject_name(name)
    if hosts:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in hosts]), critical=False)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm).public_bytes(serialization.Encoding.PEM).decode()


def low_s(signature_der):
    r, s = decode_dss_signature(signature_der)
    if s > P256_ORDER // 2:
        s = P256_ORDER - s
    return encode_dss_signature(r, s)


def token(identity, method, uri, body, legacy=False):
    """The Authorization header fabric-ca-client 1.5 (or, legacy, fabric-sdk-py) sends."""
    b64cert = base64.b64encode(identity.cert_pem).decode()
    b64body = base64.b64encode(body).decode()
    payload = f"{b64body}.{b64cert}" if legacy else f"{method}.{base64.b64encode(uri.encode()).decode()}.{b64body}.{b64cert}"
    if isinstance(identity.key, ed25519.Ed25519PrivateKey):
        signature = identity.key.sign(payload.encode())  # Fabric 3: Ed25519 over the payload itself
    else:
        signature = low_s(identity.key.sign(payload.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{b64cert}.{base64.b64encode(signature).decode()}"


def openssl_verify(ca_file, cert_pem):
    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as f:
        f.write(cert_pem)
    try:
        out = subprocess.run(["openssl", "verify", "-CAfile", ca_file, f.name], capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr
    finally:
        os.unlink(f.name)


def now():
    return datetime.datetime.now(datetime.timezone.utc)
