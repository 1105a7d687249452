"""Faults without loss: SIGTERM under load finishes what is in flight and exits cleanly, a backup
taken while clients enroll restores into a home that serves and audits, a full disk fails writes
with 503 until space is freed, PostgreSQL restarts and fails over under load, idle connections do
not slow active clients. Each test prints its figures; every certificate a client received must be
on record."""
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from harness import BINARY, Server
from services import PostgresCluster


def load(server, identity, stop, received, errors):
    """Reenrolls until `stop`; keeps the serial of every certificate received."""
    while not stop.is_set():
        try:
            result = server.reenroll(identity)
        except OSError:
            errors.append("connection")
            return
        if result.status == 201:
            received.append(format(result.cert.serial_number, "x"))
        else:
            errors.append(result.status)


def start_load(server, identity, clients, until):
    """`clients` threads reenrolling until their `stop` is set; returns once `until` certificates
    came back."""
    stop, received, errors = threading.Event(), [], []
    threads = [threading.Thread(target=load, args=(server, identity, stop, received, errors)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    while len(received) < until:
        time.sleep(0.05)

    def finish():
        stop.set()
        for thread in threads:
            thread.join()
    return received, errors, finish


def seconds_to_recover(received, before, since):
    """Waits (2 minutes at most) for 40 more certificates; returns the seconds from `since` to
    the first of them, or None."""
    recovery = None
    while len(received) < before + 40 and time.monotonic() < since + 120:
        if recovery is None and len(received) > before:
            recovery = time.monotonic() - since
        time.sleep(0.05)
    return recovery


def recorded_serials(db_path):
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        return {row[0] for row in db.execute("SELECT serial_number FROM certificates")}


def test_sigterm_under_load_finishes_in_flight_requests_and_loses_nothing(tmp_path):
    server = Server("connections:\n  shutdowntimeout: 10s\n").start()
    admin = server.enroll("admin", "adminpw").identity
    received, errors, finish = start_load(server, admin, clients=8, until=40)
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(timeout=30)
    finish()
    server.log.close()
    missing = set(received) - recorded_serials(server.db_path)
    wal = os.path.join(server.home, "charter.db-wal")
    wal_size = os.path.getsize(wal) if os.path.exists(wal) else 0
    print(f"sigterm: received={len(received)} missing={len(missing)} exit={code} wal_bytes={wal_size}")
    assert code == 0
    assert not missing
    assert wal_size == 0  # checkpointed into the database at exit


def test_backup_under_load_restores_into_a_home_that_serves_and_audits(tmp_path):
    server = Server().start()
    admin = server.enroll("admin", "adminpw").identity
    received, errors, finish = start_load(server, admin, clients=4, until=20)
    try:
        backup = tmp_path / "registry.backup"
        result = subprocess.run([BINARY, "server", "backup", "-H", server.home, "--to", str(backup)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        at_backup = len(received)
        while len(received) < at_backup + 10:  # enrollments went on during and after the backup
            time.sleep(0.05)
    finally:
        finish()
        server.stop()
    assert oct(os.stat(backup).st_mode & 0o777) == "0o600"
    backed_up = recorded_serials(str(backup))
    print(f"backup: received={len(received)} in_backup={len(backed_up)} errors={len(errors)}")
    assert len(backed_up) >= 20
    # restore into a copy of the home without its registry
    home = tmp_path / "restored"
    shutil.copytree(server.home, home, ignore=shutil.ignore_patterns("charter.db*", "server.log"))
    restore = subprocess.run([BINARY, "server", "restore", "-H", str(home), "--from", str(backup)],
                             capture_output=True, text=True, timeout=120)
    assert restore.returncode == 0, restore.stderr
    assert recorded_serials(str(home / "charter.db")) == backed_up
    audit = subprocess.run([BINARY, "audit", "--db", str(home / "charter.db"), "--verify-log", "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    summary = json.loads(audit.stdout)["summary"]
    assert summary["certificates"] == len(backed_up) and summary["errors"] == 0
    restored = Server(home=str(home)).start()
    try:
        assert restored.enroll("admin", "adminpw").status == 201
    finally:
        restored.stop()
    # a home with data is not overwritten without --force
    again = subprocess.run([BINARY, "server", "restore", "-H", str(home), "--from", str(backup)],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "--force" in again.stderr
    forced = subprocess.run([BINARY, "server", "restore", "-H", str(home), "--from", str(backup), "--force"],
                            capture_output=True, text=True, timeout=120)
    assert forced.returncode == 0, forced.stderr


def test_a_damaged_backup_is_refused(tmp_path):
    home = tmp_path / "home"
    init = subprocess.run([BINARY, "server", "init", "-b", "admin:adminpw", "-H", str(home)], capture_output=True,
                          text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = (home / "charter.db").read_bytes()
    result = subprocess.run([BINARY, "server", "restore", "-H", str(home), "--from", str(bad), "--force"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Error:" in result.stderr
    assert (home / "charter.db").read_bytes() == before


@pytest.fixture
def small_volume(tmp_path):
    """A 4 MiB tmpfs, unmounted after the test; skipped where this machine does not let a test
    mount one (it needs root)."""
    path = tmp_path / "volume"
    path.mkdir()
    mounted = os.getuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(path)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("mounting a small tmpfs needs root: the disk-full test did not run")
    yield path
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_disk_fails_writes_with_503_keeps_reads_and_recovers(small_volume):
    volume = small_volume
    database = volume / "charter.db"
    server = Server(f"db:\n  datasource: {database}\n").start()
    filler = volume / "filler"
    try:
        admin = server.enroll("admin", "adminpw").identity
        # fill the volume to the last byte; unbuffered, so that closing has nothing left to write
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass
        received, statuses = [], []
        for _ in range(3000):
            result = server.reenroll(admin)
            statuses.append(result.status)
            if result.status == 201:
                received.append(format(result.cert.serial_number, "x"))
            elif result.status == 503:
                break
        assert statuses[-1] == 503, statuses[-5:]
        assert 500 not in statuses
        refused = server.reenroll(admin)
        assert refused.status == 503 and refused.json["success"] is False and refused.error_code == 0
        # reads go on
        assert server.request("GET", "/cainfo")[0] == 200
        assert server.token_call("GET", "/certificates?id=admin", admin).status == 200
        # room again: writes resume without a restart
        os.remove(filler)
        deadline = time.monotonic() + 60
        while (again := server.reenroll(admin)).status != 201 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert again.status == 201, again.raw
        received.append(format(again.cert.serial_number, "x"))
    finally:
        server.stop()
        if filler.exists():
            os.remove(filler)
    missing = set(received) - recorded_serials(str(database))
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"disk full: received={len(received)} refused_503={statuses.count(503) + 1} missing={len(missing)} "
          f"integrity={integrity}")
    assert not missing
    assert integrity == "ok"


def test_postgres_failover_to_a_synchronous_standby_loses_nothing(tmp_path):
    """A primary with a synchronous streaming standby; the primary is killed under a reenroll load
    and the standby promoted: every certificate a client received is in the new primary, and
    clients succeed again without a restart of Charter."""
    primary = PostgresCluster().start()
    standby = None
    server = None
    try:
        primary.create_database("charter")
        standby = PostgresCluster.standby_of(primary).start()
        # Commits wait for the standby from now on (set once it streams: before, they would hang).
        primary.query("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'")
        primary.query("postgres", "SELECT pg_reload_conf()")
        deadline = time.monotonic() + 60
        while primary.query("postgres", "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") != [["1"]]:
            assert time.monotonic() < deadline, "the standby did not become synchronous"
            time.sleep(0.2)
        datasource = (f"host=127.0.0.1,127.0.0.1 port={primary.port},{standby.port} user=charter dbname=charter "
                      "sslmode=disable target_session_attrs=read-write")
        server = Server(f"db:\n  type: postgres\n  datasource: \"{datasource}\"\n").start()
        assert server.logged("waits for a standby")
        admin = server.enroll("admin", "adminpw").identity
        received, errors, finish = start_load(server, admin, clients=16, until=40)
        primary.kill()
        killed_at, before = time.monotonic(), len(received)
        standby.promote()
        recovery = seconds_to_recover(received, before, killed_at)
        finish()
        recovered = len(received) > before
        on_record = {row[0] for row in standby.query("charter", "SELECT serial_number FROM certificates")}
        missing = set(received) - on_record
        print(f"failover: received={len(received)} after_kill={len(received) - before} recovery_s={recovery} "
              f"errors={len(errors)} (all 503: {set(errors) <= {503}}) missing={len(missing)}")
        assert recovered and recovery < 60  # a bound, not a speed claim: README states the measured time
        assert not missing
        assert set(errors) <= {503}  # every failed request was answered, with 503
        assert server.process.poll() is None
    finally:
        if server:
            server.stop()
        if standby:
            standby.stop()
        if primary.process and primary.process.poll() is None:
            primary.stop()


def postgres_server(cluster, database="charter"):
    cluster.create_database(database)
    return Server(f"db:\n  type: postgres\n  datasource: \"{cluster.datasource(database)}\"\n").start()


def test_a_postgres_restart_under_load_answers_every_request_and_loses_nothing():
    cluster = PostgresCluster().start()
    server = None
    try:
        server = postgres_server(cluster)
        admin = server.enroll("admin", "adminpw").identity
        received, errors, finish = start_load(server, admin, clients=16, until=40)
        subprocess.run([*cluster.as_owner, os.path.join(cluster.bin, "pg_ctl"), "-D", cluster.data, "-m", "fast", "-w",
                        "restart", "-o", f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1"],
                       check=True, cwd=cluster.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        restarted_at, before = time.monotonic(), len(received)
        recovery = seconds_to_recover(received, before, restarted_at)
        finish()
        on_record = {row[0] for row in cluster.query("charter", "SELECT serial_number FROM certificates")}
        missing = set(received) - on_record
        print(f"postgres restart: received={len(received)} after={len(received) - before} recovery_s={recovery} "
              f"errors={len(errors)} missing={len(missing)}")
        assert recovery is not None and recovery < 60  # a bound, not a speed claim
        assert not missing
        assert set(errors) <= {503}  # no request left unanswered (a client timeout would be "connection")
    finally:
        if server:
            server.stop()
        cluster.stop()


def test_a_postgres_registry_restored_with_pg_dump_serves_its_certificates(tmp_path):
    cluster = PostgresCluster().start()
    server = None
    try:
        server = postgres_server(cluster)
        ca_file = server.ca_file
        admin = server.enroll("admin", "adminpw").identity
        for _ in range(5):
            assert server.reenroll(admin).status == 201
        server.stop()
        server = None
        dump = tmp_path / "charter.sql"
        subprocess.run([os.path.join(cluster.bin, "pg_dump"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "charter",
                        "-f", str(dump), "charter"], check=True)
        cluster.create_database("restored")
        subprocess.run([os.path.join(cluster.bin, "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "charter",
                        "-q", "-v", "ON_ERROR_STOP=1", "-d", "restored", "-f", str(dump)], check=True, capture_output=True)
        original = cluster.query("charter", "SELECT serial_number FROM certificates ORDER BY 1")
        assert cluster.query("restored", "SELECT serial_number FROM certificates ORDER BY 1") == original
        audit = subprocess.run([BINARY, "audit", "--db", cluster.datasource("restored"), "--ca", ca_file, "--verify-log",
                                "--format", "json"], capture_output=True, text=True, timeout=120)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert json.loads(audit.stdout)["summary"]["errors"] == 0
        print(f"pg_dump restore: certificates={len(original)}")
    finally:
        if server:
            server.stop()
        cluster.stop()


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_idle_pressure_does_not_slow_active_clients_and_releases_every_descriptor():
    """1,000 idle connections and 100 that sent half a request head, held for 30 s, while 4
    clients reenroll: their p99 stays under 2 s, and the server's descriptors return to what they
    were once the held connections are gone."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    server = Server().start()
    held = []
    try:
        admin = server.enroll("admin", "adminpw").identity
        baseline = open_fds(server.process.pid)
        for _ in range(1000):
            held.append(socket.create_connection(("127.0.0.1", server.port)))
        context = server.ssl_context()
        for _ in range(100):
            conn = context.wrap_socket(socket.create_connection(("127.0.0.1", server.port)), server_hostname="localhost")
            conn.sendall(b"POST /enroll HTTP/1.1\r\nHost: localhost\r\nContent-Le")
            held.append(conn)
        latencies, stop = [], threading.Event()

        def active():
            while not stop.is_set():
                started = time.monotonic()
                assert server.reenroll(admin).status == 201
                latencies.append(time.monotonic() - started)
        clients = [threading.Thread(target=active) for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(30)
        stop.set()
        for client in clients:
            client.join()
        for conn in held:
            conn.close()
        held = []
        deadline = time.monotonic() + 60
        while open_fds(server.process.pid) > baseline + 8 and time.monotonic() < deadline:
            time.sleep(0.2)
        after = open_fds(server.process.pid)
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(f"idle pressure: requests={len(latencies)} p99_s={p99:.3f} fds_baseline={baseline} fds_after={after}")
        assert len(latencies) > 20
        assert p99 < 2.0
        assert after <= baseline + 8
    finally:
        for conn in held:
            conn.close()
        server.stop()
