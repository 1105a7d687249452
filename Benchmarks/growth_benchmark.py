#!/usr/bin/env python3
"""How every cost grows with the registry: Charter on SQLite and on PostgreSQL, and fabric-ca-server
on the same data, at each size N.

For each N, RegistryGenerator writes a fabric-ca home holding N certificates signed by its CA (one
identity per ten, a tenth revoked); `charter server import` turns it into a Charter home (timed);
fabric-ca-server serves the generated home as it is. Each server is started in turn, alone on the
machine, and measured: start (process launch to the first answer), enroll and reenroll CPU
(EnrollBenchmark, 8 clients), gencrl, certificate list (all and one owner's) with the server's
peak memory while it answers, identity list, and for Charter the expiry gauges' refresh, the
transparency log (checkpoint, inclusion proof, a tile) and `charter audit --db`.

Usage (after `bash Scripts/release-build.sh charter RegistryGenerator EnrollBenchmark`):
  .venv/bin/python Benchmarks/growth_benchmark.py --sizes 10000,100000 [--postgres-max 1000000]
      [--fabric-ca PATH] [--fabric-ca-list-max 1000000] [--work DIR] [--out FILE.json] [--plot FILE.png]
Prints one JSON line per measurement and writes all of them to --out; --plot draws them.
"""
import argparse
import base64
import glob
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build-release", "x86_64-unknown-linux-gnu", "release")
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))
from cryptography import x509  # noqa: E402
from harness import Identity, make_csr, new_key, token  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
RESULTS = []


def record(backend, size, metric, value, unit):
    line = {"backend": backend, "n": size, "metric": metric, "value": round(value, 4), "unit": unit}
    RESULTS.append(line)
    print(json.dumps(line), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU of a process and its waited-for children."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICKS


def tree_cpu_seconds(pid):
    """CPU of a process and every live descendant (PostgreSQL's backends)."""
    total = cpu_seconds(pid)
    for child in children(pid):
        total += tree_cpu_seconds(child)
    return total


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
        except FileNotFoundError:
            pass
    return found


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    """Sets VmHWM back to the current RSS, so the next read is this operation's peak; returns
    that RSS, what the operation's growth is measured from."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    return memory_kb(pid, "VmRSS")


def timed_child(argv, env=None):
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    output = process.stdout.read()
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed: {error.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, output


class Server:
    """A running CA server (Charter or fabric-ca) on loopback with TLS."""

    def __init__(self, argv, home, port, ca_file, env=None):
        self.port, self.ca_file, self.home = port, ca_file, home
        self.log = open(os.path.join(home, "benchmark-server.log"), "wb")
        started = time.monotonic()
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.context = None
        deadline = started + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {open(self.log.name, errors='replace').read()[-3000:]}")
            if os.path.exists(ca_file):
                try:
                    if self.request("GET", "/cainfo", timeout=2)[0] == 200:
                        break
                except (OSError, ssl.SSLError, http.client.HTTPException):
                    pass
            time.sleep(0.01)
        else:
            raise RuntimeError("server did not start")
        self.start_seconds = time.monotonic() - started
        self.pid = self.process.pid

    def connection(self, timeout=3600):
        if self.context is None:
            self.context = ssl.create_default_context(cafile=self.ca_file)
        return http.client.HTTPSConnection("localhost", self.port, context=self.context, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=3600, sink=None):
        """Status and body (or, with `sink`, the body's size, each chunk passed to `sink`)."""
        connection = self.connection(timeout)
        try:
            connection.request(method, "/api/v1" + path, body=body, headers=headers or {})
            response = connection.getresponse()
            if sink is None:
                return response.status, response.read()
            size = 0
            while chunk := response.read(1 << 20):
                size += len(chunk)
                sink(chunk)
            return response.status, size
        finally:
            connection.close()

    def enroll(self, user, secret):
        key = new_key()
        body = json.dumps({"certificate_request": make_csr(key, user)}).encode()
        auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
        status, raw = self.request("POST", "/enroll", body, {"Authorization": auth, "Content-Type": "application/json"})
        if status not in (200, 201):
            raise RuntimeError(f"enroll {user}: {status} {raw[:300]}")
        return Identity(base64.b64decode(json.loads(raw)["result"]["Cert"]), key)

    def signed(self, method, path, identity, body=b"", sink=None):
        headers = {"Authorization": token(identity, method, "/api/v1" + path, body)}
        if body:
            headers["Content-Type"] = "application/json"
        return self.request(method, path, body or None, headers, sink=sink)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Counter:
    """Counts certificates in a streamed listing without keeping it."""

    def __init__(self):
        self.count, self.tail = 0, b""

    def __call__(self, chunk):
        data = self.tail + chunk
        self.count += data.count(b"BEGIN CERTIFICATE")
        self.tail = data[-32:]
        self.count -= self.tail.count(b"BEGIN CERTIFICATE")


def measure_server(backend, size, server, pids=None, db_pid=None, seconds=3, list_all=True, charter=True):
    """Every operation both servers have, then Charter's own."""
    record(backend, size, "start_s", server.start_seconds, "s")
    record(backend, size, "rss_idle_mb", memory_kb(server.pid, "VmRSS") / 1024, "MB")
    admin = server.enroll("admin", "adminpw")

    # enroll and reenroll: server CPU per operation under 8 clients
    argv = [os.path.join(BIN, "EnrollBenchmark"), "--url", f"https://localhost:{server.port}", "--ca", server.ca_file,
            "--pid", str(server.pid), "--seconds", str(seconds), "--clients", "8",
            "--modes", "enroll-generated,reenroll"]
    if db_pid:
        argv += ["--db-pid", str(db_pid)]
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        match = re.match(r"mode=(\S+) clients=\d+ .*ops_per_s=([\d.]+) .*server_cpu_ms_per_op=([\d.]+)(?: db_cpu_ms_per_op=([\d.]+))?", line)
        if match:
            mode = "enroll" if match.group(1) == "enroll-generated" else match.group(1)
            record(backend, size, f"{mode}_cpu_ms", float(match.group(3)), "ms")
            record(backend, size, f"{mode}_ops_per_s", float(match.group(2)), "ops/s")
            if match.group(4):
                record(backend, size, f"{mode}_db_cpu_ms", float(match.group(4)), "ms")

    # gencrl: a tenth of the registry revoked
    cpu = cpu_seconds(server.pid)
    start = time.monotonic()
    status, raw = server.signed("POST", "/gencrl", admin, b"{}")
    record(backend, size, "gencrl_s", time.monotonic() - start, "s")
    record(backend, size, "gencrl_server_cpu_s", cpu_seconds(server.pid) - cpu, "s")
    assert status == 200, raw[:300]
    crl = base64.b64decode(json.loads(raw)["result"]["CRL"])
    record(backend, size, "gencrl_bytes", len(crl), "B")

    # certificate list, all and one owner's, with the server's peak memory while it answers
    if list_all:
        before = reset_peak(server.pid)
        counter = Counter()
        start = time.monotonic()
        status, _ = server.signed("GET", "/certificates", admin, sink=counter)
        record(backend, size, "list_all_s", time.monotonic() - start, "s")
        record(backend, size, "list_all_peak_rss_growth_mb", (memory_kb(server.pid, "VmHWM") - before) / 1024, "MB")
        record(backend, size, "list_all_certificates", counter.count, "")
        assert status == 200 and counter.count >= size, (status, counter.count)
    start = time.monotonic()
    status, raw = server.signed("GET", "/certificates?id=user7", admin)
    record(backend, size, "list_one_owner_s", time.monotonic() - start, "s")
    assert status == 200 and raw.count(b"BEGIN CERTIFICATE") == min(10, size - 70), raw.count(b"BEGIN CERTIFICATE")

    # identity list
    before = reset_peak(server.pid)
    start = time.monotonic()
    status, _ = server.signed("GET", "/identities", admin, sink=lambda chunk: None)
    record(backend, size, "identity_list_s", time.monotonic() - start, "s")
    record(backend, size, "identity_list_peak_rss_growth_mb", (memory_kb(server.pid, "VmHWM") - before) / 1024, "MB")
    assert status == 200

    if not charter:
        return admin
    # the expiry gauges' last refresh, from the operations port
    refresh = None
    for _ in range(300):
        connection = http.client.HTTPConnection("127.0.0.1", server.operations_port, timeout=10)
        try:
            connection.request("GET", "/metrics")
            text = connection.getresponse().read()
            found = re.search(rb'charter_certificates_expiring_refresh_seconds\{ca=""\} ([\d.e+-]+)', text)
            if found:
                refresh = float(found.group(1))
                break
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    if refresh is not None:
        record(backend, size, "expiry_gauges_refresh_s", refresh, "s")

    # the transparency log: checkpoint, an inclusion proof, a full tile of level 0
    def timed_get(path):
        best = None
        for _ in range(5):
            start = time.monotonic()
            status, raw = server.request("GET", path)
            elapsed = time.monotonic() - start
            assert status == 200, (path, status, raw[:200])
            best = elapsed if best is None else min(best, elapsed)
        return best

    record(backend, size, "log_checkpoint_s", timed_get("/log/checkpoint"), "s")
    cert = admin.cert
    serial = format(cert.serial_number, "x")
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier.hex()
    record(backend, size, "log_proof_s", timed_get(f"/log/proof?serial={serial}&aki={aki}"), "s")
    record(backend, size, "log_tile_s", timed_get(f"/log/tile/0/{tile_path(size // 256 // 2)}"), "s")
    return admin


def tile_path(index):
    """C2SP tlog-tiles index path: groups of three digits, all but the last prefixed by x."""
    groups = []
    while True:
        groups.insert(0, f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def charter_argv(home, port, ops_port):
    return [os.path.join(BIN, "charter"), "server", "start", "-H", home, "-p", str(port), "--address", "127.0.0.1",
            "--operations.listenaddress", f"127.0.0.1:{ops_port}"]


def start_postgres(work):
    pg_bin = os.path.dirname(os.path.realpath(shutil.which("initdb") or sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]))
    folder = os.path.join(work, "pg")
    owner = []
    if os.getuid() == 0:
        os.chmod(work, 0o755)
        os.makedirs(folder)
        shutil.chown(folder, "nobody")
        owner = ["runuser", "-u", "nobody", "--"]
    subprocess.run(owner + [os.path.join(pg_bin, "initdb"), "-D", folder, "-U", "charter", "-A", "trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(owner + [os.path.join(pg_bin, "postgres"), "-D", folder, "-p", str(port), "-k", folder,
                                        "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if subprocess.run([os.path.join(pg_bin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0:
            break
        time.sleep(0.1)
    return process, port, pg_bin


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--postgres-max", type=int, default=1_000_000)
    parser.add_argument("--fabric-ca", default=os.environ.get("FABRIC_CA_SERVER"))
    parser.add_argument("--fabric-ca-list-max", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--work", default=None)
    parser.add_argument("--keep-generated", action="store_true",
                        help="reuse <work>/fabric-ca-N when present (generation is not a measured cost)")
    parser.add_argument("--out", default=None)
    parser.add_argument("--plot", default=None)
    parser.add_argument("--table", default=None, metavar="RESULTS.json",
                        help="print the Markdown table of an earlier run's --out file (and --plot it) and exit")
    args = parser.parse_args()
    if args.table:
        with open(args.table) as f:
            results = json.load(f)
        print(table(results))
        if args.plot:
            plot(results, args.plot)
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    work = args.work or tempfile.mkdtemp(prefix="charter-growth-")
    os.makedirs(work, exist_ok=True)
    postgres = None
    try:
        if any(n <= args.postgres_max for n in sizes):
            postgres = start_postgres(work)
        for size in sizes:
            run_size(args, work, size, postgres)
    finally:
        if postgres:
            postgres[0].terminate()
            postgres[0].wait()
        if args.out:
            with open(args.out, "w") as f:
                json.dump(RESULTS, f, indent=0)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.plot:
        plot(RESULTS, args.plot)


def import_and_measure(backend, size, source, home, target_args, db_pid, seconds):
    """Imports the generated fabric-ca home into a new Charter home (timed), then starts Charter
    on it and measures it."""
    shutil.rmtree(home, ignore_errors=True)
    wall, peak, _ = timed_child([os.path.join(BIN, "charter"), "server", "import", "--from", source, "-H", home]
                                + target_args)
    record(backend, size, "import_s", wall, "s")
    record(backend, size, "import_peak_rss_mb", peak, "MB")
    port, ops = free_port(), free_port()
    server = Server(charter_argv(home, port, ops), home, port, os.path.join(home, "ca-cert.pem"))
    server.operations_port = ops
    try:
        measure_server(backend, size, server, db_pid=db_pid, seconds=seconds)
    finally:
        server.stop()


def run_size(args, work, size, postgres):
    source = os.path.join(work, f"fabric-ca-{size}")
    if not (args.keep_generated and os.path.exists(os.path.join(source, "fabric-ca-server.db"))):
        shutil.rmtree(source, ignore_errors=True)
        wall, peak, _ = timed_child([os.path.join(BIN, "RegistryGenerator"), str(size), source])
        record("generator", size, "generate_s", wall, "s")

    # Charter on SQLite
    home = os.path.join(work, f"charter-{size}")
    import_and_measure("charter-sqlite", size, source, home, [], None, args.seconds)
    wall, peak, _ = timed_child([os.path.join(BIN, "charter"), "audit", "--db", os.path.join(home, "charter.db"),
                                      "--format", "csv"])
    record("charter-sqlite", size, "audit_s", wall, "s")
    record("charter-sqlite", size, "audit_peak_rss_mb", peak, "MB")
    shutil.rmtree(home, ignore_errors=True)

    # Charter on PostgreSQL
    if postgres and size <= args.postgres_max:
        process, pg_port, pg_bin = postgres
        database = f"ca{size}"
        subprocess.run([os.path.join(pg_bin, "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "charter", database],
                       check=True)
        home = os.path.join(work, f"charter-pg-{size}")
        datasource = f"host=127.0.0.1 port={pg_port} user=charter dbname={database} sslmode=disable"
        import_and_measure("charter-postgres", size, source, home,
                           ["--db.type", "postgres", "--db.datasource", datasource], process.pid, args.seconds)
        subprocess.run([os.path.join(pg_bin, "dropdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "charter", database],
                       check=True)
        shutil.rmtree(home, ignore_errors=True)

    # fabric-ca-server on the generated home (a copy: it writes its configuration and TLS pair)
    if args.fabric_ca:
        home = os.path.join(work, f"fabric-ca-run-{size}")
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(source, home)
        port, ops = free_port(), free_port()
        server = Server([args.fabric_ca, "start", "-b", "admin:adminpw", "--home", home, "-p", str(port),
                         "--address", "127.0.0.1", "--tls.enabled", "--operations.listenaddress", f"127.0.0.1:{ops}"],
                        home, port, os.path.join(home, "ca-cert.pem"))
        try:
            measure_server("fabric-ca", size, server, seconds=args.seconds, list_all=size <= args.fabric_ca_list_max,
                           charter=False)
        finally:
            server.stop()
        shutil.rmtree(home, ignore_errors=True)
    if not args.keep_generated:
        shutil.rmtree(source, ignore_errors=True)


TABLE_ROWS = [
    ("start_s", "start", "s"), ("reenroll_cpu_ms", "reenroll, server CPU", "ms"),
    ("reenroll_db_cpu_ms", "reenroll, PostgreSQL CPU", "ms"), ("enroll_cpu_ms", "enroll, server CPU", "ms"),
    ("gencrl_s", "gencrl (10% revoked)", "s"), ("list_all_s", "certificate list, all", "s"),
    ("list_all_peak_rss_over_idle_mb", "certificate list, all: peak RSS over idle", "MB"),
    ("list_all_peak_rss_growth_mb", "certificate list, all: peak RSS growth", "MB"),
    ("list_one_owner_s", "certificate list, one owner", "s"), ("identity_list_s", "identity list", "s"),
    ("expiry_gauges_refresh_s", "expiry gauges refresh", "s"), ("log_proof_s", "log inclusion proof", "s"),
    ("log_tile_s", "log tile", "s"), ("audit_s", "audit --db", "s"), ("audit_peak_rss_mb", "audit --db peak RSS", "MB"),
    ("import_s", "import from fabric-ca", "s"), ("import_peak_rss_mb", "import peak RSS", "MB"),
]
BACKENDS = [("charter-sqlite", "SQLite"), ("charter-postgres", "PostgreSQL"), ("fabric-ca", "fabric-ca")]


def table(results):
    """One row per cost, one column per size: Charter on SQLite / on PostgreSQL / fabric-ca."""
    sizes = sorted({r["n"] for r in results if r["backend"] != "generator"})
    value = {(r["backend"], r["n"], r["metric"]): r["value"] for r in results}

    def cell(metric, size):
        parts = []
        for backend, _ in BACKENDS:
            found = value.get((backend, size, metric))
            parts.append("—" if found is None else (f"{found:.3g}" if found < 100 else f"{found:,.0f}"))
        return " / ".join(parts)

    lines = ["| cost (SQLite / PostgreSQL / fabric-ca) | " + " | ".join(f"{n:,}" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for metric, title, unit in TABLE_ROWS:
        if any((b, n, metric) in value for b, _ in BACKENDS for n in sizes):
            lines.append(f"| {title} ({unit}) | " + " | ".join(cell(metric, n) for n in sizes) + " |")
    return "\n".join(lines)


def plot(results, path):
    try:
        import matplotlib
    except ImportError:  # the plot's one dependency, into the environment running this script
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "matplotlib"], check=True)
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("start_s", "start (s)"), ("reenroll_cpu_ms", "reenroll server CPU (ms)"),
        ("enroll_cpu_ms", "enroll server CPU (ms)"), ("gencrl_s", "gencrl, 10% revoked (s)"),
        ("list_all_s", "certificate list, all (s)"), ("list_all_peak_rss_growth_mb", "list all: peak RSS growth (MB)"),
        ("list_one_owner_s", "certificate list, one owner (s)"), ("identity_list_s", "identity list (s)"),
        ("expiry_gauges_refresh_s", "expiry gauges refresh (s)"), ("log_proof_s", "log inclusion proof (s)"),
        ("audit_s", "audit --db (s)"), ("import_s", "import from fabric-ca (s)"),
    ]
    styles = {"charter-sqlite": ("Charter, SQLite", "o-"), "charter-postgres": ("Charter, PostgreSQL", "s-"),
              "fabric-ca": ("fabric-ca-server", "^--")}
    figure, axes = plt.subplots(4, 3, figsize=(13, 14))
    for axis, (metric, title) in zip(axes.flat, panels):
        for backend, (label, style) in styles.items():
            names = (metric, "list_all_peak_rss_over_idle_mb") if metric == "list_all_peak_rss_growth_mb" else (metric,)
            points = sorted((r["n"], r["value"]) for r in results if r["backend"] == backend and r["metric"] in names)
            if points:
                axis.plot([p[0] for p in points], [max(p[1], 1e-4) for p in points], style, label=label)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("certificates in the registry", fontsize=8)
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=80)


if __name__ == "__main__":
    main()
