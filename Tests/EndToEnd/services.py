"""Private PostgreSQL, MariaDB, HAProxy, OpenLDAP and ACME challenge DNS instances that the tests start and stop themselves.

PostgreSQL refuses to run as root, so under root the cluster's files and processes belong to
`nobody`. Everything listens on loopback ports chosen at start.
"""
import contextlib
import datetime
import glob
import json
import ipaddress
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import free_port, terminate


def postgres_binaries():
    """The folder with initdb: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found:
        # a symlink into the versioned folder, which also holds pg_isready, createdb and psql
        return os.path.dirname(os.path.realpath(found))
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in folders:
        if os.access(os.path.join(folder, "initdb"), os.X_OK):
            return folder
    return None


def make_tls(folder):
    """A CA and a certificate for 127.0.0.1, written as PEM files for a test server (slapd, MariaDB)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test services CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {name: os.path.join(folder, name) for name in ("ca.pem", "server.pem", "server.key")}
    open(paths["ca.pem"], "wb").write(ca.public_bytes(serialization.Encoding.PEM))
    open(paths["server.pem"], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(paths["server.key"], "wb").write(key.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    return paths


class PostgresCluster:
    kind = "postgres"

    def __init__(self, settings=None):
        self.settings = settings or {}
        self.bin = postgres_binaries()
        if self.bin is None:
            raise RuntimeError("initdb not found: Scripts/bootstrap.sh installs PostgreSQL")
        self.folder = tempfile.mkdtemp(prefix="charter-pg-")
        self.data = os.path.join(self.folder, "data")
        self.port = free_port()
        self.process = None
        self.as_owner = ["runuser", "-u", "nobody", "--"] if os.getuid() == 0 else []
        if os.getuid() == 0:
            subprocess.run(["chown", "nobody", self.folder], check=True)

    def start(self):
        if not os.path.exists(self.data):
            subprocess.run(
                [*self.as_owner, os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "charter", "-A", "trust",
                 "-E", "UTF8", "--no-sync"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        self.log = open(os.path.join(self.folder, "postgres.log"), "ab")
        self.process = subprocess.Popen(
            [*self.as_owner, os.path.join(self.bin, "postgres"), "-D", self.data, "-p", str(self.port),
             "-k", self.folder, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200",
             *[arg for key, value in self.settings.items() for arg in ("-c", f"{key}={value}")]],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("postgres exited: " + open(os.path.join(self.folder, "postgres.log")).read())
            ready = subprocess.run(
                [os.path.join(self.bin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            )
            if ready.returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("postgres did not start")

    def stop(self):
        # A fast shutdown, waited for until the postmaster has released its data folder: a plain
        # SIGTERM is a smart shutdown, which waits for clients (the replicas keep connections open)
        # and would leave the lock file behind for the next start.
        if self.process and self.process.poll() is None:
            subprocess.run(
                [*self.as_owner, os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "-t", "60",
                 "stop"],
                cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            self.process.wait(timeout=60)
        self.log.close()

    @classmethod
    def standby_of(cls, primary):
        """A streaming standby of `primary` (pg_basebackup -R), not started."""
        standby = cls()
        subprocess.run(
            [*standby.as_owner, os.path.join(standby.bin, "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
             "-U", "charter", "-D", standby.data, "-R", "-X", "stream", "--no-sync", "-c", "fast"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return standby

    def kill(self):
        """SIGKILL to the postmaster and its backends: the server is gone at once, as after a
        crash (the process started here may be runuser, not the postmaster)."""
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            postmaster = int(f.readline())
        subprocess.run(["pkill", "-KILL", "-P", str(postmaster)], capture_output=True)
        os.kill(postmaster, 9)
        self.process.wait(timeout=60)
        self.log.close()

    def promote(self):
        subprocess.run([*self.as_owner, os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "promote"],
                       check=True, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def create_database(self, name):
        subprocess.run(
            [os.path.join(self.bin, "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "charter", name],
            check=True,
        )
        return self.datasource(name)

    def datasource(self, name, password=None):
        secret = f" password={password}" if password else ""
        return f"host=127.0.0.1 port={self.port} user=charter{secret} dbname={name} sslmode=disable"

    def query(self, database, sql):
        """Rows of a query, as lists of strings."""
        out = subprocess.run(
            [os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "charter", "-d", database,
             "-At", "-F", "\t", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines()]


class MariaDB:
    """A private MariaDB server (mariadb-install-db in a temporary folder), the tests' MySQL.

    Same calls as PostgresCluster: `datasource` is fabric-ca's Go form; `query` returns rows of strings."""

    kind = "mysql"

    def __init__(self, tls=None):
        """`tls`: (ca.pem, server.pem, server.key) to serve TLS with."""
        self.tls = [f"--ssl-ca={tls[0]}", f"--ssl-cert={tls[1]}", f"--ssl-key={tls[2]}"] if tls else []
        self.folder = tempfile.mkdtemp(prefix="charter-mysql-")
        self.data = os.path.join(self.folder, "data")
        self.port = free_port()
        self.process = None
        self.as_root = ["--user=root"] if os.getuid() == 0 else []

    def start(self):
        if not os.path.exists(self.data):
            subprocess.run(
                ["mariadb-install-db", "--no-defaults", f"--datadir={self.data}",
                 "--auth-root-authentication-method=normal", "--skip-test-db", *self.as_root],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        self.log = open(os.path.join(self.folder, "mariadb.log"), "ab")
        self.process = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={self.data}", f"--socket={self.folder}/socket",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--pid-file={self.folder}/pid",
             "--innodb-buffer-pool-size=64M", "--performance-schema=off", "--skip-log-bin",
             "--max-connections=500", *self.tls, *self.as_root],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mariadbd exited: " + open(os.path.join(self.folder, "mariadb.log")).read())
            ready = subprocess.run(["mariadb-admin", "--no-defaults", "-h", "127.0.0.1", "-P", str(self.port),
                                    "-u", "root", "ping"], capture_output=True)
            if ready.returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("mariadbd did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=60)
        self.log.close()

    def create_database(self, name):
        self.query("", f"CREATE DATABASE {name}")
        return self.datasource(name)

    def datasource(self, name, password=None):
        if password is None:
            return f"root@tcp(127.0.0.1:{self.port})/{name}?parseTime=true"
        # an account with a password, for the tests that check it is never logged
        self.query("", f"CREATE OR REPLACE USER 'charter'@'%' IDENTIFIED BY '{password}'")
        self.query("", "GRANT ALL ON *.* TO 'charter'@'%'")
        return f"charter:{password}@tcp(127.0.0.1:{self.port})/{name}?parseTime=true"

    def query(self, database, sql):
        """Rows of a statement, as lists of strings."""
        out = subprocess.run(
            ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(self.port), "-u", "root", "-N", "-B",
             *([database] if database else []), "-e", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines()]


class HAProxy:
    """TCP pass-through in front of replicas, each checked on its operations port's /healthz."""

    def __init__(self, replicas):
        self.port = free_port()
        self.stats_port = free_port()
        self.folder = tempfile.mkdtemp(prefix="charter-haproxy-")
        self.config = os.path.join(self.folder, "haproxy.cfg")
        servers = "\n".join(
            f"    server r{i} 127.0.0.1:{r.port} check port {r.ops_port} inter 300ms fall 2 rise 1"
            for i, r in enumerate(replicas)
        )
        with open(self.config, "w") as f:
            f.write(f"""global
    maxconn 1024
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
frontend charter
    bind 127.0.0.1:{self.port}
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{servers}
""")
        self.process = None

    def start(self):
        self.log = open(os.path.join(self.folder, "haproxy.log"), "ab")
        self.process = subprocess.Popen(
            [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", self.config],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        time.sleep(0.5)
        if self.process.poll() is not None:
            raise RuntimeError("haproxy exited: " + open(os.path.join(self.folder, "haproxy.log")).read())
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


class Slapd:
    """A private OpenLDAP server: slapd.conf and an mdb database in a temporary folder, loaded from
    an LDIF with slapadd, listening on loopback for ldap:// and, given a certificate, ldaps://."""

    SUFFIX = "dc=example,dc=com"
    ROOT_DN = "cn=admin,dc=example,dc=com"

    def __init__(self, ldif, root_password, tls=None):
        self.folder = tempfile.mkdtemp(prefix="charter-slapd-")
        self.port = free_port()
        self.tls_port = free_port()
        self.tls = tls  # (certificate file, key file)
        self.process = None
        os.makedirs(os.path.join(self.folder, "data"))
        self.config = os.path.join(self.folder, "slapd.conf")
        lines = [f"include /etc/ldap/schema/{name}.schema" for name in ("core", "cosine", "inetorgperson", "nis")]
        lines += ["modulepath /usr/lib/ldap", "moduleload back_mdb", f"pidfile {self.folder}/slapd.pid"]
        if tls:
            lines += [f"TLSCertificateFile {tls[0]}", f"TLSCertificateKeyFile {tls[1]}"]
        lines += ["database mdb", f'suffix "{self.SUFFIX}"', f'rootdn "{self.ROOT_DN}"', f"rootpw {root_password}",
                  f"directory {self.folder}/data", "maxsize 10485760"]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(self.folder, "data.ldif"), "w") as f:
            f.write(ldif)
        subprocess.run(["slapadd", "-f", self.config, "-l", os.path.join(self.folder, "data.ldif")],
                       check=True, capture_output=True)

    def start(self):
        urls = f"ldap://127.0.0.1:{self.port}/" + (f" ldaps://127.0.0.1:{self.tls_port}/" if self.tls else "")
        self.log = open(os.path.join(self.folder, "slapd.log"), "ab")
        self.process = subprocess.Popen(["slapd", "-f", self.config, "-h", urls, "-d", "0"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: " + open(os.path.join(self.folder, "slapd.log")).read())
            probe = subprocess.run(["ldapsearch", "-x", "-H", f"ldap://127.0.0.1:{self.port}", "-b", self.SUFFIX,
                                    "-s", "base", "-LLL", "dn"], capture_output=True)
            if probe.returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("slapd did not start")

    def stop(self):
        terminate(self.process)
        self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class SoftHSM:
    """A private SoftHSM2 token directory (SOFTHSM2_CONF) with one token initialised."""

    LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"

    def __init__(self, label="ForFabric", pin="98765432"):
        self.label = label
        self.pin = pin
        self.folder = tempfile.mkdtemp(prefix="charter-softhsm-")
        os.makedirs(os.path.join(self.folder, "tokens"))
        self.conf = os.path.join(self.folder, "softhsm2.conf")
        with open(self.conf, "w") as f:
            f.write(f"directories.tokendir = {self.folder}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
        self.env = {**os.environ, "SOFTHSM2_CONF": self.conf}
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "1234"],
                       check=True, capture_output=True, env=self.env)

    def bccsp_yaml(self):
        return (f"bccsp:\n  default: PKCS11\n  pkcs11:\n    library: {self.LIBRARY}\n    label: {self.label}\n"
                f"    pin: '{self.pin}'\n")

    def objects(self, kind="privkey"):
        """pkcs11-tool's listing of the token's objects of one kind."""
        return subprocess.run(["pkcs11-tool", "--module", self.LIBRARY, "--token-label", self.label, "--login",
                               "--pin", self.pin, "--list-objects", "--type", kind],
                              check=True, capture_output=True, text=True, env=self.env).stdout


class Challenges:
    """pebble-challtestsrv: DNS on a loopback port, managed over HTTP."""

    def __init__(self):
        self.dns_port, self.management = free_port(), free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="challtestsrv-", delete=False)
        self.process = subprocess.Popen(
            ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{self.dns_port}", "-http01", "", "-https01", "",
             "-tlsalpn01", "", "-management", f"127.0.0.1:{self.management}", "-defaultIPv6", ""],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError):
                self.call("clear-txt", {"host": "ready."})
                break
            assert time.monotonic() < deadline, open(self.log.name).read()
            time.sleep(0.1)

    def call(self, path, body):
        request = urllib.request.Request(f"http://127.0.0.1:{self.management}/{path}", json.dumps(body).encode())
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self):
        terminate(self.process)
