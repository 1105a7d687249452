"""Two `charter server` replicas on one PostgreSQL or MySQL database behind HAProxy behave as one CA.

Each module run starts its own database server (PostgreSQL with initdb, MariaDB with
mariadb-install-db, on a free loopback port) and HAProxy in TCP mode whose health checks ask
each replica's operations /healthz.
"""
import copy
import json
import os
import shutil
import signal
import subprocess
import threading
import time

import pytest
from cryptography import x509

from acme_client import Client
from harness import BINARY, Server
from services import HAProxy, MariaDB, PostgresCluster
from test_acme import obtain
from test_lifecycle import aki_hex, crl_from_result, serial_hex

PASSWORD = "s3cret-db-pass"


COMMITS = {"postgres": "Commits: postgresql synchronous_commit=on", "mysql": "Commits: mysql innodb_flush_log_at_trx_commit=1"}


@pytest.fixture(scope="module", params=[PostgresCluster, MariaDB], ids=["postgres", "mysql"])
def cluster(request):
    c = request.param().start()
    yield c
    c.stop()


def replica_config(cluster, database, dns_port):
    return f"""
acme:
  enabled: true
  eab: false
  allow: ["*.replicas.example.com"]
  resolver: 127.0.0.1:{dns_port}
db:
  type: {cluster.kind}
  datasource: {cluster.datasource(database, password=PASSWORD)}
registry:
  identities:
    - name: capped
      pass: cappedpw
      type: client
      maxenrollments: 5
"""


@pytest.fixture(scope="module")
def replicas(cluster, challenges):
    cluster.create_database("ca")
    first = Server(replica_config(cluster, "ca", challenges.dns_port)).start()
    # The second replica gets a copy of the first's home: the same CA key and certificate, TLS
    # pair and secret-hashing key; the registry is the shared database.
    second = Server(home=first.home + "-b")
    shutil.copytree(first.home, second.home, ignore=shutil.ignore_patterns("server.log"))
    second.start()
    balancer = HAProxy([first, second]).start()
    # The balancer as a client sees it: same CA file, its own port.
    front = copy.copy(first)
    front.port = balancer.port
    wait_until(lambda: healthy_backends(front) == 2)
    yield first, second, front
    balancer.stop()
    first.stop()
    second.stop()


def healthy_backends(front):
    # Two requests through the balancer that both succeed mean both backends are up (round robin).
    return sum(1 for _ in range(2) if front.request("GET", "/cainfo")[0] == 200)


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def recorded(cluster, cert):
    rows = cluster.query(
        "ca",
        f"SELECT status FROM certificates WHERE serial_number = '{serial_hex(cert)}' "
        f"AND authority_key_identifier = '{aki_hex(cert)}'",
    )
    return rows[0][0] if rows else None


def test_the_password_in_the_datasource_is_never_logged(replicas, cluster):
    first, second, _ = replicas
    for server in (first, second):
        log = open(server.log_path).read()
        assert PASSWORD not in log
        assert server.logged(COMMITS[cluster.kind])
    config = open(os.path.join(first.home, "charter-server-config.yaml")).read()
    assert f"type: {cluster.kind}" in config
    # nothing of the registry went into SQLite
    assert not os.path.exists(first.db_path)


def test_enroll_register_reenroll_revoke_gencrl_through_the_balancer(replicas, cluster):
    first, second, front = replicas
    admin = front.enroll("admin", "adminpw")
    assert admin.status == 201, admin.raw
    registered = front.register(admin.identity, id="lb-user", type="client", affiliation="org1", secret="lbpw")
    assert registered.status == 201, registered.raw
    # enrolled on each replica directly: the identity registered through one is known to both
    for server in (first, second):
        enrolled = server.enroll("lb-user", "lbpw")
        assert enrolled.status == 201, enrolled.raw
        assert recorded(cluster, enrolled.cert) == "good"
    user = front.enroll("lb-user", "lbpw")
    assert user.status == 201
    again = front.reenroll(user.identity)
    assert again.status == 201, again.raw
    # a token made with a certificate one replica issued works on the other
    for server in (first, second):
        assert server.reenroll(again.identity).status == 201
    revoked = front.token_call(
        "POST", "/revoke", admin.identity,
        {"serial": serial_hex(again.cert), "aki": aki_hex(again.cert), "reason": "keycompromise"},
    )
    assert revoked.status == 200, revoked.raw
    assert recorded(cluster, again.cert) == "revoked"
    assert first.reenroll(again.identity).status == 401
    assert second.reenroll(again.identity).status == 401
    numbers = []
    for server in (first, second, front, first):
        crl = server.token_call("POST", "/gencrl", admin.identity, {})
        assert crl.status == 200, crl.raw
        parsed = x509.load_pem_x509_crl(crl_from_result(crl.json["result"]["CRL"]))
        assert again.cert.serial_number in {r.serial_number for r in parsed}
        numbers.append(parsed.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_acme_through_the_balancer_is_one_ca(replicas, cluster, challenges):
    """Requests alternate between the replicas: nonces, accounts, orders and challenges are shared."""
    _, _, front = replicas
    client = Client(f"https://localhost:{front.port}/acme/directory", front.ca_file)
    assert client.register().status == 201
    cert, _, _ = obtain(challenges, client, "peer0.replicas.example.com")
    assert recorded(cluster, cert) == "good"
    # A nonce handed out is taken once, whichever replica sees it again.
    nonce = client.nonce()
    assert client.post(client.kid, None, nonce=nonce).status == 200
    assert client.post(client.kid, None, nonce=nonce).problem == "badNonce"


def test_max_enrollments_are_exact_across_replicas(replicas, cluster):
    first, second, _ = replicas
    results = []
    lock = threading.Lock()

    def enroll(server):
        result = server.enroll("capped", "cappedpw")
        with lock:
            results.append(result)

    threads = [threading.Thread(target=enroll, args=(first if i % 2 else second,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    good = [r for r in results if r.status == 201]
    assert len(good) == 5, [r.raw for r in results if r.status != 201][:3]
    assert all(r.status == 401 for r in results if r.status != 201)
    assert cluster.query("ca", "SELECT count(*) FROM certificates WHERE enrollment_id = 'capped'") == [["5"]]
    assert cluster.query("ca", "SELECT enrollments FROM identities WHERE id = 'capped'") == [["5"]]


def test_clients_that_retry_survive_a_replica_killed_mid_load(replicas, cluster):
    first, second, front = replicas
    admin = front.enroll("admin", "adminpw").identity
    workers = 32
    for i in range(workers):
        assert front.register(admin, id=f"load{i}", type="client", secret="loadpw").status == 201
    identities = [front.enroll(f"load{i}", "loadpw").identity for i in range(workers)]
    received = []
    failures = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(identity):
        current = identity
        while not stop.is_set():
            for attempt in range(50):
                try:
                    result = front.reenroll(current)
                except OSError:
                    time.sleep(0.1)
                    continue
                if result.status == 201:
                    with lock:
                        received.append(result.cert)
                    current = result.identity
                    break
                if result.status >= 500:
                    time.sleep(0.1)
                    continue
                with lock:
                    failures.append(result.raw)
                return
            else:
                with lock:
                    failures.append(b"gave up after 50 attempts")
                return

    threads = [threading.Thread(target=client, args=(identity,)) for identity in identities]
    for t in threads:
        t.start()
    time.sleep(1.5)
    second.process.send_signal(signal.SIGKILL)
    second.process.wait()
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    assert len(received) > workers
    # every certificate any client received is on record
    serials = {(serial_hex(c), aki_hex(c)) for c in received}
    rows = {tuple(r) for r in cluster.query("ca", "SELECT serial_number, authority_key_identifier FROM certificates")}
    assert serials <= rows
    # the killed replica restarts on the same home and serves again, through the balancer too
    second.log.close()
    second.start()
    assert second.ops("/healthz")[0] == 200
    assert second.reenroll(identities[0]).status in (201, 401)  # 401 only if that cert was since revoked
    wait_until(lambda: healthy_backends(front) == 2)


def test_both_replicas_wrote_one_log_that_verifies(replicas, cluster):
    first, second, front = replicas
    certificates = int(cluster.query("ca", "SELECT count(*) FROM certificates")[0][0])
    revoked = int(cluster.query("ca", "SELECT count(*) FROM certificates WHERE status = 'revoked'")[0][0])
    assert cluster.query("ca", "SELECT size FROM log_state") == [[str(certificates + revoked)]]
    assert cluster.query("ca", "SELECT count(*), max(idx) + 1 FROM log_leaves") == [[str(certificates + revoked)] * 2]
    # the audit recomputes that log from the rows: nothing is missing, edited or rewritten
    out = subprocess.run([BINARY, "audit", "--db", cluster.datasource("ca"), "--verify-log", "--format", "json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    assert [f for f in json.loads(out.stdout)["findings"] if f["id"].startswith("log-")] == []


def test_audit_reads_the_shared_registry(replicas, cluster):
    first, _, _ = replicas
    rows = int(cluster.query("ca", "SELECT count(*) FROM certificates")[0][0])
    out = subprocess.run(
        [BINARY, "audit", "--db", cluster.datasource("ca"), "--format", "json", "--fail-on", "error"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr
    assert json.loads(out.stdout)["summary"]["certificates"] == rows


def test_healthz_reports_an_unreachable_database(replicas, cluster):
    first, _, _ = replicas
    assert first.ops("/healthz")[0] == 200
    cluster.stop()
    try:
        wait_until(lambda: first.ops("/healthz")[0] == 503)
        status, body = first.ops("/healthz")
        assert json.loads(body)["failed_checks"][0]["component"] == "database"
    finally:
        cluster.start()
    wait_until(lambda: first.ops("/healthz")[0] == 200)
