"""ACME: real lego and certbot obtain, renew and revoke TLS certificates from Charter; the
refusals are driven by a small ACME client of the tests' own (acme_client.py).

Challenges are answered on loopback ports; pebble-challtestsrv is the DNS server Charter resolves
through (`acme.resolver`): it answers every name with 127.0.0.1 and serves the TXT records the
clients' hooks set.
"""
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from acme_client import AccountKey, Client, b64
from harness import BINARY, Server, free_port, openssl_verify

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("lego", "certbot", "pebble-challtestsrv")),
    reason="lego, certbot and pebble-challtestsrv are installed by Scripts/bootstrap.sh",
)


@pytest.fixture(scope="module")
def acme(challenges):
    http_port, alpn_port = free_port(), free_port()
    config = f"""
acme:
  enabled: true
  allow: ["*.org1.example.com", "org1-peer-gateway-svc"]
  resolver: 127.0.0.1:{challenges.dns_port}
  http01port: {http_port}
  tlsalpn01port: {alpn_port}
  ordersperhour: 8
gateways:
  - profile: tls
    type: peer
    affiliation: org1
    services: [org1-peer-gateway-svc]
"""
    s = Server(config).start()
    s.http_port, s.alpn_port = http_port, alpn_port
    s.directory = f"https://localhost:{s.port}/acme/directory"
    s.admin_home = tempfile.mkdtemp(prefix="charter-acme-admin-")
    charter(s, "enroll", "-u", f"https://admin:adminpw@localhost:{s.port}")
    yield s
    s.stop()


def charter(server, *args, check=True):
    command = [BINARY, *args, "--tls.certfiles", server.ca_file, "-H", server.admin_home]
    if "-u" not in args:
        command += ["-u", f"https://localhost:{server.port}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def identity_with_key(server, name):
    """Registers a peer of org1 and makes it an EAB key: (kid, hmac)."""
    charter(server, "register", "--id.name", name, "--id.type", "peer", "--id.affiliation", "org1",
            "--id.secret", "pw")
    output = charter(server, "acme", "eab", "add", "--id", name).stdout
    fields = dict(line.split(": ", 1) for line in output.strip().splitlines())
    return fields["kid"], fields["hmac"]


def lego(server, path, *args, env=None, check=True):
    command = ["lego", "--server", server.directory, "--email", "ops@org1.example.com", "--accept-tos",
               "--path", path, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "LEGO_CA_CERTIFICATES": server.ca_file, **(env or {})})
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def certbot(server, folder, *args, check=True):
    command = ["certbot", "--config-dir", f"{folder}/config", "--work-dir", f"{folder}/work", "--logs-dir",
               f"{folder}/logs", "--non-interactive", "--server", server.directory, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "REQUESTS_CA_BUNDLE": server.ca_file})
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def record(server, cert):
    serial = format(cert.serial_number, "x")
    rows = server.db_rows("SELECT enrollment_id, profile, status FROM certificates WHERE serial_number = ?", (serial,))
    assert rows, f"certificate {serial} is not on record"
    return rows[0]


def crl_serials(server):
    result = charter(server, "gencrl")
    assert "CRL" in result.stdout or result.returncode == 0
    crl_file = os.path.join(server.admin_home, "msp", "crls", "crl.pem")
    crl = x509.load_pem_x509_crl(open(crl_file, "rb").read())
    return {entry.serial_number for entry in crl}


def load(path):
    return x509.load_pem_x509_certificate(open(path, "rb").read())


def dns_hook(challenges, folder):
    """A script that sets the TXT record through challtestsrv (lego's exec provider, certbot's auth hook)."""
    script = os.path.join(folder, "dns-hook.sh")
    url = f"http://127.0.0.1:{challenges.management}/set-txt"
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                'if [ -n "$CERTBOT_DOMAIN" ]; then host="_acme-challenge.$CERTBOT_DOMAIN."; value="$CERTBOT_VALIDATION";\n'
                'elif [ "$1" = present ]; then host="$2"; value="$3"; else exit 0; fi\n'
                f"curl -s -X POST -d \"{{\\\"host\\\":\\\"$host\\\",\\\"value\\\":\\\"$value\\\"}}\" {url}\n")
    os.chmod(script, 0o755)
    return script


# Real clients ------------------------------------------------------------------------------------


def test_lego_obtains_renews_and_revokes_with_every_challenge(acme, challenges):
    kid, hmac_key = identity_with_key(acme, "peer0")
    path = tempfile.mkdtemp(prefix="lego-")
    eab = ["--eab", "--kid", kid, "--hmac", hmac_key]

    lego(acme, path, *eab, "--domains", "peer0.org1.example.com", "--http", "--http.port",
         f"127.0.0.1:{acme.http_port}", "run")
    cert_file = f"{path}/certificates/peer0.org1.example.com.crt"
    cert = load(cert_file)
    openssl_verify(acme.ca_file, open(cert_file, "rb").read())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert names == ["peer0.org1.example.com", "org1-peer-gateway-svc"]
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert cert.not_valid_before_utc >= acme.ca_cert().not_valid_before_utc
    assert {a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)} == {"peer", "org1"}
    assert record(acme, cert) == ("peer0", "tls", "good")

    lego(acme, path, *eab, "--domains", "peer1.org1.example.com", "--tls", "--tls.port",
         f"127.0.0.1:{acme.alpn_port}", "run")
    assert record(acme, load(f"{path}/certificates/peer1.org1.example.com.crt"))[2] == "good"

    lego(acme, path, *eab, "--domains", "*.org1.example.com", "--dns", "exec", "--dns.resolvers",
         f"127.0.0.1:{challenges.dns_port}", "--dns.disable-cp", "run",
         env={"EXEC_PATH": dns_hook(challenges, path)})
    wildcard = load(f"{path}/certificates/_.org1.example.com.crt")
    assert "*.org1.example.com" in wildcard.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)

    lego(acme, path, *eab, "--domains", "peer0.org1.example.com", "--http", "--http.port",
         f"127.0.0.1:{acme.http_port}", "renew", "--days", "100000", "--no-random-sleep")
    renewed = load(cert_file)
    assert renewed.serial_number != cert.serial_number
    assert record(acme, renewed)[2] == "good"

    lego(acme, path, *eab, "--domains", "peer0.org1.example.com", "revoke")
    assert record(acme, renewed)[2] == "revoked"
    assert renewed.serial_number in crl_serials(acme)


def test_certbot_obtains_renews_and_revokes(acme, challenges):
    kid, hmac_key = identity_with_key(acme, "peer2")
    folder = tempfile.mkdtemp(prefix="certbot-")
    certbot(acme, folder, "register", "--agree-tos", "-m", "ops@org1.example.com", "--eab-kid", kid,
            "--eab-hmac-key", hmac_key)
    http = ["--standalone", "--http-01-port", str(acme.http_port), "--http-01-address", "127.0.0.1"]
    certbot(acme, folder, "certonly", *http, "-d", "peer2.org1.example.com")
    live = f"{folder}/config/live/peer2.org1.example.com"
    first = load(f"{live}/cert.pem")
    openssl_verify(acme.ca_file, open(f"{live}/cert.pem", "rb").read())
    assert record(acme, first) == ("peer2", "tls", "good")

    certbot(acme, folder, "renew", "--force-renewal", "--no-random-sleep-on-renew", "--http-01-port", str(acme.http_port),
            "--http-01-address", "127.0.0.1")
    renewed = load(f"{live}/cert.pem")
    assert renewed.serial_number != first.serial_number

    certbot(acme, folder, "certonly", "--manual", "--preferred-challenges", "dns", "--manual-auth-hook",
            dns_hook(challenges, folder), "-d", "peer3.org1.example.com")
    assert record(acme, load(f"{folder}/config/live/peer3.org1.example.com/cert.pem"))[2] == "good"

    certbot(acme, folder, "revoke", "--cert-name", "peer2.org1.example.com", "--reason", "keycompromise",
            "--no-delete-after-revoke")
    assert record(acme, renewed)[2] == "revoked"
    assert renewed.serial_number in crl_serials(acme)


def test_real_clients_are_refused_without_binding_with_a_wrong_mac_and_outside_allow(acme):
    kid, hmac_key = identity_with_key(acme, "peer4")
    http = ["--http", "--http.port", f"127.0.0.1:{acme.http_port}", "run"]
    refused = lego(acme, tempfile.mkdtemp(), "--domains", "peer4.org1.example.com", *http, check=False)
    # lego reads the directory's externalAccountRequired and stops before asking.
    assert refused.returncode != 0 and "External Account Binding" in refused.stdout + refused.stderr

    wrong = b64(os.urandom(32))
    refused = lego(acme, tempfile.mkdtemp(), "--eab", "--kid", kid, "--hmac", wrong, "--domains",
                   "peer4.org1.example.com", *http, check=False)
    assert refused.returncode != 0 and "unauthorized" in refused.stdout + refused.stderr

    refused = lego(acme, tempfile.mkdtemp(), "--eab", "--kid", kid, "--hmac", hmac_key, "--domains",
                   "peer0.org2.example.com", *http, check=False)
    assert refused.returncode != 0 and "rejectedIdentifier" in refused.stdout + refused.stderr

    folder = tempfile.mkdtemp(prefix="certbot-")
    refused = certbot(acme, folder, "register", "--agree-tos", "-m", "ops@org1.example.com", check=False)
    assert refused.returncode != 0 and "external account" in (refused.stdout + refused.stderr).lower()


# The protocol's refusals -------------------------------------------------------------------------


def bound_client(acme, name, kind="ES256"):
    kid, hmac_key = identity_with_key(acme, name)
    client = Client(acme.directory, acme.ca_file, AccountKey(kind))
    response = client.register(kid, hmac_key)
    assert response.status == 201, response.body
    return client


class ChallengeServer:
    """Answers http-01 on the CA's http01port with a fixed body, counting requests."""

    def __init__(self, address, port, body):
        outer = self
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Host")))
                data = body(self.path).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer((address, port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def first_challenge(client, order, kind):
    authz = client.post(order.json["authorizations"][0], None).json
    return next(c for c in authz["challenges"] if c["type"] == kind)


def test_a_wrong_challenge_response_fails_the_authorization(acme):
    client = bound_client(acme, "peer5")
    order = client.order("peer5.org1.example.com")
    challenge = first_challenge(client, order, "http-01")
    with ChallengeServer("127.0.0.1", acme.http_port, lambda path: "not-the-key-authorization"):
        answer = client.post(challenge["url"], {})
    assert answer.json["status"] == "invalid"
    assert answer.json["error"]["type"].endswith("incorrectResponse")
    assert client.post(order.headers["location"], None).json["status"] == "invalid"
    finalize = client.post(order.json["finalize"], {"csr": b64(b"x")})
    assert finalize.problem == "orderNotReady"


def test_validation_connects_only_where_the_resolver_points(acme, challenges):
    """The A record decides the address, the configuration the port; nothing the client sends does."""
    client = bound_client(acme, "peer6")
    challenges.call("add-a", {"host": "peer6.org1.example.com.", "addresses": ["127.0.0.2"]})
    order = client.order("peer6.org1.example.com")
    challenge = first_challenge(client, order, "http-01")
    body = lambda path: client.key_authorization(challenge["token"])
    with ChallengeServer("127.0.0.2", acme.http_port, body) as decoy_free, \
            ChallengeServer("127.0.0.1", free_port(), body) as elsewhere:
        answer = client.post(challenge["url"], {"url": f"http://127.0.0.1:{elsewhere.httpd.server_port}/"})
    assert answer.json["status"] == "valid", answer.body
    assert decoy_free.requests == [(f"/.well-known/acme-challenge/{challenge['token']}", "peer6.org1.example.com")]
    assert elsewhere.requests == []


def test_jws_refusals(acme):
    client = bound_client(acme, "peer7")
    url = client.directory["newOrder"]
    names = {"identifiers": [{"type": "dns", "value": "peer7.org1.example.com"}]}

    nonce = client.nonce()
    assert client.post(url, names, nonce=nonce).status == 201
    replay = client.post(url, names, nonce=nonce)
    assert replay.problem == "badNonce" and replay.status == 400 and "replay-nonce" in replay.headers

    assert client.post(url, names, header={"url": client.directory["newAccount"]}).problem == "unauthorized"
    none = client.post(url, names, alg="none")
    assert none.problem == "badSignatureAlgorithm" and "ES256" in none.json["algorithms"]
    assert client.post(url, names, alg="HS256").problem == "badSignatureAlgorithm"
    assert client.post(url, names, alg="ES384").problem == "badSignatureAlgorithm"
    assert client.post(url, names, use_jwk=True).problem == "malformed"
    assert client.post(url, names, content_type="application/json").status == 415

    forged = client.jws(url, names)
    forged["signature"] = b64(bytes(64))
    answer = client.raw("POST", url, json.dumps(forged).encode(), {"Content-Type": "application/jose+json"})
    assert answer.problem == "malformed" and "signature" in answer.json["detail"]

    big = client.raw("POST", url, b"{" + b" " * 70000 + b"}", {"Content-Type": "application/jose+json"})
    assert big.status == 413 and big.json["type"].endswith("malformed")
    for body in (b"", b"[]", b"{\"protected\":1}", b"\xff\xfe"):
        answer = client.raw("POST", url, body, {"Content-Type": "application/jose+json"})
        assert answer.problem == "malformed", body

    stranger = Client(acme.directory, acme.ca_file)
    stranger.kid = client.kid.rsplit("/", 1)[0] + "/nosuchaccount"
    assert stranger.post(url, names).problem == "accountDoesNotExist"
    assert client.post(url, {"identifiers": [{"type": "ip", "value": "127.0.0.1"}]}).problem == "unsupportedIdentifier"
    assert client.post(url, {"identifiers": [{"type": "dns", "value": "a..b"}]}).problem == "rejectedIdentifier"
    assert client.post(url, {**names, "notAfter": "2030-01-01T00:00:00Z"}).problem == "malformed"


def test_eab_binds_once_and_to_its_own_key(acme):
    kid, hmac_key = identity_with_key(acme, "peer8")
    first = Client(acme.directory, acme.ca_file)
    other = Client(acme.directory, acme.ca_file)
    assert first.register().problem == "externalAccountRequired"
    assert first.register("nosuchkid", hmac_key).problem == "unauthorized"
    assert first.register(kid, b64(os.urandom(32))).problem == "unauthorized"
    # A binding made with another account's key.
    payload = {"termsOfServiceAgreed": True, "externalAccountBinding": other.eab(kid, hmac_key)}
    assert first.post(first.directory["newAccount"], payload, use_jwk=True).problem == "unauthorized"
    assert first.register(kid, hmac_key).status == 201
    assert first.register(kid, hmac_key).status == 200  # the same key finds its account
    assert other.register(kid, hmac_key).problem == "unauthorized"  # the key is spent
    listed = charter(acme, "acme", "eab", "list").stdout
    assert f"kid: {kid} id: peer8 account: {first.kid.rsplit('/', 1)[1]}" in listed
    fresh_kid, _ = identity_with_key(acme, "peer8b")
    charter(acme, "acme", "eab", "remove", "--kid", fresh_kid)
    assert fresh_kid not in charter(acme, "acme", "eab", "list").stdout
    # Key IDs and MAC keys go into command lines: none starts with '-', which would read as an option.
    for _ in range(16):
        output = charter(acme, "acme", "eab", "add", "--id", "peer8b").stdout
        values = [line.split(": ", 1)[1] for line in output.strip().splitlines()]
        assert len(values) == 2 and not any(value.startswith("-") for value in values), values


def test_accounts_with_each_key_kind_roll_over_and_deactivate(acme):
    for index, kind in enumerate(["ES384", "EdDSA"]):
        client = bound_client(acme, f"peer9{index}", kind)
        account = client.post(client.kid, None)
        assert account.status == 200 and account.json["status"] == "valid"
        assert account.json["key"]["kty"] == ("OKP" if kind == "EdDSA" else "EC")

    client = bound_client(acme, "peer10")
    old = client.key
    new = AccountKey("ES256")
    inner = sign_inner(client, new, {"account": client.kid, "oldKey": old.jwk})
    assert client.post(client.directory["keyChange"], inner).status == 200
    assert client.post(client.kid, None).problem == "malformed"  # the old key no longer signs for it
    client.key = new
    assert client.post(client.kid, {"status": "deactivated"}).json["status"] == "deactivated"
    assert client.post(client.kid, None).problem == "unauthorized"


def sign_inner(client, key, payload):
    """The inner JWS of a key change: the new key, the key-change URL, no nonce."""
    protected = b64(json.dumps({"alg": key.alg, "jwk": key.jwk, "url": client.directory["keyChange"]}).encode())
    body = b64(json.dumps(payload).encode())
    return {"protected": protected, "payload": body, "signature": b64(key.sign(f"{protected}.{body}".encode()))}


def obtain(challenges, client, name):
    """Orders `name`, proves it with dns-01, finalizes; returns (certificate, key, order)."""
    order = client.order(name)
    assert order.status == 201, order.body
    challenge = first_challenge(client, order, "dns-01")
    challenges.call("set-txt", {"host": f"_acme-challenge.{name}.", "value": client.dns_value(challenge["token"])})
    assert client.post(challenge["url"], {}).json["status"] == "valid"
    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([])).add_extension(
        x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False).sign(key, hashes.SHA256())
    final = client.post(order.json["finalize"], {"csr": b64(csr.public_bytes(serialization.Encoding.DER))})
    assert final.json["status"] == "valid", final.body
    chain = client.post(final.json["certificate"], None)
    assert chain.headers["content-type"] == "application/pem-certificate-chain"
    return x509.load_pem_x509_certificates(chain.body)[0], key, final


def ari_id(cert):
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    serial = cert.serial_number.to_bytes((cert.serial_number.bit_length() + 8) // 8, "big")
    return f"{b64(aki)}.{b64(serial)}"


def test_revocation_by_certificate_key_identity_revocation_and_renewal_info(acme, challenges):
    client = bound_client(acme, "peer11")
    cert, key, _ = obtain(challenges, client, "peer11.org1.example.com")
    info = client.get(f"{client.directory['renewalInfo']}/{ari_id(cert)}")
    assert info.status == 200 and "retry-after" in info.headers
    window = info.json["suggestedWindow"]
    assert window["start"] < window["end"]

    # Revoked by whoever holds the certificate's key, with no account.
    holder = Client(acme.directory, acme.ca_file)
    holder.key.key, holder.key.alg = key, "ES256"
    payload = {"certificate": b64(cert.public_bytes(serialization.Encoding.DER)), "reason": 1}
    assert holder.post(client.directory["revokeCert"], payload, use_jwk=True).status == 200
    assert record(acme, cert)[2] == "revoked"
    assert holder.post(client.directory["revokeCert"], payload, use_jwk=True).problem == "alreadyRevoked"
    revoked_info = client.get(f"{client.directory['renewalInfo']}/{ari_id(cert)}").json["suggestedWindow"]
    assert revoked_info["end"] <= time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 5))

    # Another account holding no authorization for the names may not revoke.
    second, _, _ = obtain(challenges, client, "peer12.org1.example.com")
    stranger = bound_client(acme, "peer13")
    payload = {"certificate": b64(second.public_bytes(serialization.Encoding.DER))}
    assert stranger.post(client.directory["revokeCert"], payload).problem == "unauthorized"
    assert client.post(client.directory["revokeCert"], {**payload, "reason": 7}).problem == "badRevocationReason"

    # Revoking the identity revokes what its account obtained, and its account orders no more.
    charter(acme, "revoke", "-e", "peer11")
    assert record(acme, second)[2] == "revoked"
    assert client.order("peer14.org1.example.com").problem == "unauthorized"


@pytest.mark.parametrize("settings, named", [
    ("enabled: true", "acme.allow"),
    ("enabled: true\n  allow: ['bad name']", "acme.allow"),
    ("enabled: true\n  allow: [a.example.com]\n  resolver: dns.example.com:53", "acme.resolver"),
    ("enabled: true\n  allow: [a.example.com]\n  http01port: 70000", "acme.http01port"),
])
def test_a_start_with_acme_misconfigured_stops_naming_the_key(settings, named):
    server = Server(f"acme:\n  {settings}\n")
    with pytest.raises(RuntimeError, match=named.replace(".", r"\.")):
        server.start()
    server.stop()


def test_orders_are_rate_limited_per_account(acme):
    client = bound_client(acme, "peer15")
    statuses = [client.order(f"n{i}.org1.example.com").status for i in range(9)]
    assert statuses[:8] == [201] * 8
    limited = client.order("n9.org1.example.com")
    assert limited.problem == "rateLimited" and limited.status == 429 and "retry-after" in limited.headers
    assert bound_client(acme, "peer16").order("other.org1.example.com").status == 201
