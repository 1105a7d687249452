"""A minimal ACME (RFC 8555) client for the refusal cases lego and certbot never send.

It signs with the `cryptography` package (ES256, ES384, EdDSA) and talks to the real server over
TLS; every request is what a client could put on the wire, including the wrong ones the tests
need (replayed nonces, other URLs, `alg: none`).
"""
import base64
import hashlib
import hmac
import http.client
import json
import ssl
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AccountKey:
    def __init__(self, kind="ES256"):
        self.alg = kind
        if kind == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
        elif kind == "ES384":
            self.key = ec.generate_private_key(ec.SECP384R1())
        else:
            self.key = ed25519.Ed25519PrivateKey.generate()

    @property
    def jwk(self):
        if self.alg == "EdDSA":
            raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
        numbers = self.key.public_key().public_numbers()
        size = 32 if self.alg == "ES256" else 48
        return {"kty": "EC", "crv": "P-256" if size == 32 else "P-384",
                "x": b64(numbers.x.to_bytes(size, "big")), "y": b64(numbers.y.to_bytes(size, "big"))}

    @property
    def thumbprint(self):
        canonical = json.dumps(self.jwk, sort_keys=True, separators=(",", ":")).encode()
        return b64(hashlib.sha256(canonical).digest())

    def sign(self, data):
        if self.alg == "EdDSA":
            return self.key.sign(data)
        digest = hashes.SHA256() if self.alg == "ES256" else hashes.SHA384()
        r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(digest)))
        size = 32 if self.alg == "ES256" else 48
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def problem(self):
        return self.json["type"].rsplit(":", 1)[-1] if self.status >= 400 else None


class Client:
    def __init__(self, directory_url, ca_file, key=None):
        self.directory_url = directory_url
        self.context = ssl.create_default_context(cafile=ca_file)
        self.key = key or AccountKey()
        self.kid = None
        self.directory = self.get(directory_url).json

    def raw(self, method, url, body=None, headers=None):
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=self.context, timeout=60)
        try:
            conn.request(method, parts.path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def get(self, url):
        return self.raw("GET", url)

    def nonce(self):
        return self.raw("HEAD", self.directory["newNonce"]).headers["replay-nonce"]

    def jws(self, url, payload, nonce=None, key=None, use_jwk=None, header=None, alg=None):
        key = key or self.key
        protected = {"alg": alg or key.alg, "nonce": nonce or self.nonce(), "url": url}
        if use_jwk or (use_jwk is None and self.kid is None):
            protected["jwk"] = key.jwk
        else:
            protected["kid"] = self.kid
        protected.update(header or {})
        protected_text = b64(json.dumps(protected).encode())
        payload_text = "" if payload is None else b64(json.dumps(payload).encode())
        signature = key.sign(f"{protected_text}.{payload_text}".encode())
        return {"protected": protected_text, "payload": payload_text, "signature": b64(signature)}

    def post(self, url, payload, content_type="application/jose+json", **options):
        body = json.dumps(self.jws(url, payload, **options)).encode()
        return self.raw("POST", url, body, {"Content-Type": content_type})

    def eab(self, kid, hmac_key, url=None, alg="HS256"):
        protected = b64(json.dumps({"alg": alg, "kid": kid, "url": url or self.directory["newAccount"]}).encode())
        payload = b64(json.dumps(self.key.jwk).encode())
        mac = hmac.new(unb64(hmac_key), f"{protected}.{payload}".encode(), hashlib.sha256).digest()
        return {"protected": protected, "payload": payload, "signature": b64(mac)}

    def register(self, kid=None, hmac_key=None):
        payload = {"termsOfServiceAgreed": True, "contact": ["mailto:ops@org1.example.com"]}
        if kid:
            payload["externalAccountBinding"] = self.eab(kid, hmac_key)
        response = self.post(self.directory["newAccount"], payload, use_jwk=True)
        if response.status in (200, 201):
            self.kid = response.headers["location"]
        return response

    def order(self, *names):
        return self.post(self.directory["newOrder"], {"identifiers": [{"type": "dns", "value": n} for n in names]})

    def key_authorization(self, token):
        return f"{token}.{self.key.thumbprint}"

    def dns_value(self, token):
        return b64(hashlib.sha256(self.key_authorization(token).encode()).digest())
