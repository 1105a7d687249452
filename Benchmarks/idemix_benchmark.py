#!/usr/bin/env python3
"""Server CPU of one Idemix credential, the credential round alone: N nonces are fetched and N
credential requests computed first (X.509 token authentication, so no bcrypt check blurs the
figure), then the N requests are sent one after another while the server's CPU time (user + system,
from /proc) is read before and after. Run by Benchmarks/idemix.sh against Charter and
fabric-ca-server in the same run.

Usage: idemix_benchmark.py NAME PORT PID COUNT
"""
import base64
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EndToEnd"))

from harness import Identity, make_csr, new_key, token  # noqa: E402
from idemix_client import IssuerKey, credential_request  # noqa: E402


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def call(port, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request("POST", path, body=raw, headers=headers)
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    if response.status >= 300:
        raise RuntimeError(f"{path} answered {response.status}: {answer}")
    return answer["result"]


def main():
    name, port, pid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    key = new_key()
    basic = {"Authorization": "Basic " + base64.b64encode(b"admin:adminpw").decode()}
    enrolled = call(port, "/enroll", {"certificate_request": make_csr(key, "admin")}, basic)
    admin = Identity(base64.b64decode(enrolled["Cert"]), key)

    def signed(body):
        raw = json.dumps(body).encode()
        return raw, {"Authorization": token(admin, "POST", "/idemix/credential", raw)}

    requests = []
    for _ in range(count):
        raw, headers = signed({"request": None, "caname": ""})
        result = call(port, "/idemix/credential", raw, headers)
        issuer = IssuerKey(base64.b64decode(result["CAInfo"]["IssuerPublicKey"]))
        requests.append(signed({"request": credential_request(issuer, base64.b64decode(result["Nonce"])),
                                "caname": ""}))
    before = cpu_seconds(pid)
    for raw, headers in requests:
        assert call(port, "/idemix/credential", raw, headers)["Credential"]
    after = cpu_seconds(pid)
    print(f"{name:26} {(after - before) * 1000 / count:6.2f} ms of server CPU per credential ({count} credentials)")


if __name__ == "__main__":
    main()
