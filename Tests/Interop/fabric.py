"""Real Fabric networks for the interoperability tests: an orderer and peers started natively
(no Docker) on free loopback ports, in a temporary folder, on identities the test hands in.

A network is described by organisations (`Org`) whose nodes carry a local MSP and a TLS pair;
where those come from (charter cryptogen, charter enroll) is the test's business. Every process is
stopped at the end, and each node's log is kept for the assertions.
"""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHARTER = os.environ.get("CHARTER_BIN", os.path.join(ROOT, ".build", "debug", "charter"))
CHANNEL = "mychannel"
# Fabric's complaint about a certificate outside its validity window, which Charter prevents.
NOT_YET_VALID = "certificate has expired or is not yet valid"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fabric:
    """One unpacked Fabric release: `bin/` and `config/` (core.yaml, orderer.yaml)."""

    def __init__(self, folder):
        self.folder = folder
        self.bin = os.path.join(folder, "bin")
        self.config = os.path.join(folder, "config")
        self.v3 = self.version().startswith("3.")

    def tool(self, name):
        return os.path.join(self.bin, name)

    def version(self):
        out = subprocess.run([self.tool("peer"), "version"], capture_output=True, text=True,
                             env={**os.environ, "FABRIC_CFG_PATH": self.config}).stdout
        match = re.search(r"Version: (\S+)", out)
        return match.group(1) if match else "?"

    def run(self, name, *args, env=None, cwd=None, check=True, timeout=120):
        result = subprocess.run([self.tool(name), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                                env={**os.environ, "FABRIC_CFG_PATH": self.config, **(env or {})})
        if check and result.returncode != 0:
            raise AssertionError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@dataclass
class Node:
    """A peer or an orderer: its host name (in its TLS certificate), local MSP and TLS pair."""
    host: str
    msp: str
    tls_cert: str
    tls_key: str
    tls_root: str
    port: int = 0
    # The name a client checks the node's TLS certificate against when it dials 127.0.0.1.
    tls_name: str = None
    process: subprocess.Popen = None
    log_path: str = ""

    def log(self):
        return open(self.log_path, errors="replace").read() if self.log_path else ""


@dataclass
class Org:
    """An organisation: its MSP ID, the MSP folder the channel gets, its admin and its nodes."""
    name: str
    msp_id: str
    channel_msp: str
    admin_msp: str
    tls_root: str
    nodes: list = field(default_factory=list)
    # The admin's TLS client pair (the orderer's admin endpoint asks for one).
    admin_tls: tuple = None
    # "idemix" for an organisation of anonymous members (Idemix credentials, no nodes).
    msp_type: str = "bccsp"


class Network:
    """One orderer organisation with one orderer, and peer organisations, on one channel."""

    def __init__(self, fabric, folder, orderer_org, peer_orgs, capability=None):
        self.fabric = fabric
        self.folder = folder
        self.orderer_org = orderer_org
        self.peer_orgs = peer_orgs
        self.capability = capability or ("V3_0" if fabric.v3 else "V2_0")
        self.orderer = orderer_org.nodes[0]
        self.orderer.port = free_port()
        self.admin_port = free_port()
        for org in peer_orgs:
            for peer in org.nodes:
                peer.port = free_port()
        self.processes = []

    # configuration ------------------------------------------------------------------------

    def configtx(self):
        def org(o, extra=""):
            member = "member" if o is self.orderer_org or o.msp_type == "idemix" else None
            if o.msp_type == "idemix":
                extra = "    MSPType: idemix\n" + extra
            readers = f"OR('{o.msp_id}.member')" if member else f"OR('{o.msp_id}.admin','{o.msp_id}.peer','{o.msp_id}.client')"
            writers = f"OR('{o.msp_id}.member')" if member else f"OR('{o.msp_id}.admin','{o.msp_id}.client')"
            return f"""
  - &{o.name}
    Name: {o.msp_id}
    ID: {o.msp_id}
    MSPDir: {o.channel_msp}
    Policies:
      Readers: {{Type: Signature, Rule: "{readers}"}}
      Writers: {{Type: Signature, Rule: "{writers}"}}
      Admins: {{Type: Signature, Rule: "OR('{o.msp_id}.admin')"}}
      Endorsement: {{Type: Signature, Rule: "OR('{o.msp_id}.peer')"}}
{extra}"""
        orgs = org(self.orderer_org, f"    OrdererEndpoints: [127.0.0.1:{self.orderer.port}]\n")
        orgs += "".join(org(o) for o in self.peer_orgs)
        def implicit(indent):
            pad = " " * indent
            return (f'\n{pad}Readers: {{Type: ImplicitMeta, Rule: "ANY Readers"}}'
                    f'\n{pad}Writers: {{Type: ImplicitMeta, Rule: "ANY Writers"}}'
                    f'\n{pad}Admins: {{Type: ImplicitMeta, Rule: "MAJORITY Admins"}}')
        return f"""Organizations:{orgs}
Profiles:
  Channel:
    Policies:{implicit(6)}
    Capabilities: {{{self.capability}: true}}
    Orderer:
      OrdererType: etcdraft
      BatchTimeout: 200ms
      BatchSize: {{MaxMessageCount: 10, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: 512 KB}}
      EtcdRaft:
        Consenters:
          - Host: 127.0.0.1
            Port: {self.orderer.port}
            ClientTLSCert: {self.orderer.tls_cert}
            ServerTLSCert: {self.orderer.tls_cert}
      Organizations: [*{self.orderer_org.name}]
      Policies:{implicit(8)}
        BlockValidation: {{Type: ImplicitMeta, Rule: "ANY Writers"}}
      Capabilities: {{V2_0: true}}
    Application:
      Organizations: [{", ".join("*" + o.name for o in self.peer_orgs)}]
      Policies:{implicit(8)}
        LifecycleEndorsement: {{Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}}
        Endorsement: {{Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}}
      Capabilities: {{V2_5: true}}
"""

    def genesis(self):
        config = os.path.join(self.folder, "configtx")
        os.makedirs(config, exist_ok=True)
        with open(os.path.join(config, "configtx.yaml"), "w") as f:
            f.write(self.configtx())
        block = os.path.join(self.folder, f"{CHANNEL}.block")
        self.fabric.run("configtxgen", "-profile", "Channel", "-outputBlock", block, "-channelID", CHANNEL,
                        env={"FABRIC_CFG_PATH": config})
        return block

    # processes ----------------------------------------------------------------------------

    def spawn(self, node, name, env):
        node.log_path = os.path.join(self.folder, f"{node.host}.log")
        log = open(node.log_path, "ab")
        command = [self.fabric.tool("peer"), "node", "start"] if name == "peer" else [self.fabric.tool("orderer")]
        node.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "FABRIC_CFG_PATH": self.fabric.config, **env})
        log.close()
        self.processes.append(node)

    def start_orderer(self):
        o = self.orderer
        data = os.path.join(self.folder, o.host)
        roots = f"[{o.tls_root}]"
        self.spawn(o, "orderer", {
            "ORDERER_GENERAL_LISTENADDRESS": "127.0.0.1",
            "ORDERER_GENERAL_LISTENPORT": str(o.port),
            "ORDERER_GENERAL_LOCALMSPID": self.orderer_org.msp_id,
            "ORDERER_GENERAL_LOCALMSPDIR": o.msp,
            "ORDERER_GENERAL_TLS_ENABLED": "true",
            "ORDERER_GENERAL_TLS_CERTIFICATE": o.tls_cert,
            "ORDERER_GENERAL_TLS_PRIVATEKEY": o.tls_key,
            "ORDERER_GENERAL_TLS_ROOTCAS": roots,
            "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE": o.tls_cert,
            "ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY": o.tls_key,
            "ORDERER_GENERAL_CLUSTER_ROOTCAS": roots,
            "ORDERER_GENERAL_BOOTSTRAPMETHOD": "none",
            "ORDERER_CHANNELPARTICIPATION_ENABLED": "true",
            "ORDERER_ADMIN_LISTENADDRESS": f"127.0.0.1:{self.admin_port}",
            "ORDERER_ADMIN_TLS_ENABLED": "true",
            "ORDERER_ADMIN_TLS_CERTIFICATE": o.tls_cert,
            "ORDERER_ADMIN_TLS_PRIVATEKEY": o.tls_key,
            "ORDERER_ADMIN_TLS_ROOTCAS": roots,
            "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED": "true",
            "ORDERER_ADMIN_TLS_CLIENTROOTCAS": f"[{self.orderer_org.tls_root}]",
            "ORDERER_FILELEDGER_LOCATION": os.path.join(data, "ledger"),
            "ORDERER_CONSENSUS_WALDIR": os.path.join(data, "wal"),
            "ORDERER_CONSENSUS_SNAPDIR": os.path.join(data, "snap"),
            "ORDERER_OPERATIONS_LISTENADDRESS": f"127.0.0.1:{free_port()}",
            "ORDERER_METRICS_PROVIDER": "disabled",
        })
        self.wait_for_port(o)

    def start_peer(self, org, peer):
        data = os.path.join(self.folder, peer.host)
        address = f"127.0.0.1:{peer.port}"
        self.spawn(peer, "peer", {
            "CORE_PEER_ID": peer.host,
            "CORE_PEER_ADDRESS": address,
            "CORE_PEER_LISTENADDRESS": address,
            "CORE_PEER_CHAINCODEADDRESS": f"127.0.0.1:{free_port()}",
            "CORE_PEER_CHAINCODELISTENADDRESS": f"127.0.0.1:{free_port()}",
            "CORE_PEER_GOSSIP_EXTERNALENDPOINT": address,
            "CORE_PEER_GOSSIP_BOOTSTRAP": "",
            "CORE_PEER_LOCALMSPID": org.msp_id,
            "CORE_PEER_MSPCONFIGPATH": peer.msp,
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_CERT_FILE": peer.tls_cert,
            "CORE_PEER_TLS_KEY_FILE": peer.tls_key,
            "CORE_PEER_TLS_ROOTCERT_FILE": peer.tls_root,
            "CORE_PEER_FILESYSTEMPATH": os.path.join(data, "data"),
            "CORE_LEDGER_SNAPSHOTS_ROOTDIR": os.path.join(data, "snapshots"),
            "CORE_OPERATIONS_LISTENADDRESS": f"127.0.0.1:{free_port()}",
            "CORE_METRICS_PROVIDER": "disabled",
            "CORE_VM_ENDPOINT": "",
        })
        self.wait_for_port(peer)

    def wait_for_port(self, node, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise AssertionError(f"{node.host} exited:\n{node.log()[-4000:]}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", node.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{node.host} did not listen:\n{node.log()[-4000:]}")

    def stop(self):
        for node in self.processes:
            if node.process and node.process.poll() is None:
                node.process.terminate()
        for node in self.processes:
            if node.process:
                try:
                    node.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    node.process.kill()

    # the channel ---------------------------------------------------------------------------

    def admin_env(self, org, peer=None):
        peer = peer or org.nodes[0]
        env = {
            "CORE_PEER_LOCALMSPID": org.msp_id,
            "CORE_PEER_MSPCONFIGPATH": org.admin_msp,
            "CORE_PEER_ADDRESS": f"127.0.0.1:{peer.port}",
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": peer.tls_root,
        }
        if peer.tls_name:
            env["CORE_PEER_TLS_SERVERHOSTOVERRIDE"] = peer.tls_name
        return env

    def start(self):
        """Orderer and peers up, the channel created on the orderer and joined by every peer."""
        block = self.genesis()
        self.start_orderer()
        cert, key = self.orderer_org.admin_tls
        self.fabric.run("osnadmin", "channel", "join", "--channelID", CHANNEL, "--config-block", block,
                        "-o", f"127.0.0.1:{self.admin_port}", "--ca-file", self.orderer.tls_root,
                        "--client-cert", cert, "--client-key", key)
        for org in self.peer_orgs:
            for peer in org.nodes:
                self.start_peer(org, peer)
                self.retry(lambda: self.fabric.run("peer", "channel", "join", "-b", block,
                                                    env=self.admin_env(org, peer)))
        return self

    def orderer_args(self):
        return ["-o", f"127.0.0.1:{self.orderer.port}", "--tls", "--cafile", self.orderer.tls_root]

    def approve(self, org, package="ab", env=None):
        """`approveformyorg`: a real transaction (endorsed, ordered, validated) without a chaincode.
        Approving again with another `package` is another transaction. Retried while the orderer
        has not elected its Raft leader yet (a fresh channel)."""
        for _ in range(150):
            result = self.fabric.run(
                "peer", "lifecycle", "chaincode", "approveformyorg", *self.orderer_args(), "--channelID", CHANNEL,
                "--name", "basic", "--version", "1.0", "--package-id", "basic_1.0:" + package * 32,
                "--sequence", "1", "--waitForEvent", env={**self.admin_env(org), **(env or {})},
                check=False,
            )
            if "no Raft leader" not in result.stderr:
                return result
            time.sleep(0.2)
        return result

    def approvals(self, org):
        """The approvals the channel's committed state holds, as the peer reports them."""
        out = self.fabric.run("peer", "lifecycle", "chaincode", "checkcommitreadiness", "--channelID", CHANNEL,
                              "--name", "basic", "--version", "1.0", "--sequence", "1", "--output", "json",
                              env=self.admin_env(org)).stdout
        return json.loads(out)["approvals"]

    def update_org_msp(self, org, change):
        """A channel configuration update of `org`'s MSP, signed by its admin: `change` edits the
        MSP's configuration (root_certs, revocation_list, … as base64 of PEM) in place."""
        work = os.path.join(self.folder, f"update-{org.msp_id}-{time.monotonic_ns()}")
        os.makedirs(work)
        env = self.admin_env(org)

        def path(name):
            return os.path.join(work, name)

        # retried: a fresh channel answers SERVICE_UNAVAILABLE until Raft has its leader
        self.retry(lambda: self.fabric.run("peer", "channel", "fetch", "config", path("block.pb"), "-c", CHANNEL,
                                           *self.orderer_args(), env=env))
        self.fabric.run("configtxlator", "proto_decode", "--input", path("block.pb"), "--type", "common.Block",
                        "--output", path("block.json"))
        config = json.load(open(path("block.json")))["data"]["data"][0]["payload"]["data"]["config"]
        json.dump(config, open(path("config.json"), "w"))
        msp = config["channel_group"]["groups"]["Application"]["groups"][org.msp_id]["values"]["MSP"]["value"]
        change(msp["config"])
        json.dump(config, open(path("modified.json"), "w"))
        for name in ("config", "modified"):
            self.fabric.run("configtxlator", "proto_encode", "--input", path(f"{name}.json"), "--type",
                            "common.Config", "--output", path(f"{name}.pb"))
        self.fabric.run("configtxlator", "compute_update", "--channel_id", CHANNEL, "--original", path("config.pb"),
                        "--updated", path("modified.pb"), "--output", path("update.pb"))
        self.fabric.run("configtxlator", "proto_decode", "--input", path("update.pb"), "--type",
                        "common.ConfigUpdate", "--output", path("update.json"))
        envelope = {"payload": {"header": {"channel_header": {"channel_id": CHANNEL, "type": 2}},
                                "data": {"config_update": json.load(open(path("update.json")))}}}
        json.dump(envelope, open(path("envelope.json"), "w"))
        self.fabric.run("configtxlator", "proto_encode", "--input", path("envelope.json"), "--type",
                        "common.Envelope", "--output", path("envelope.pb"))
        before = self.height(org)
        self.fabric.run("peer", "channel", "update", "-f", path("envelope.pb"), "-c", CHANNEL, *self.orderer_args(),
                        env=env)
        # committed once every peer has the block
        for o in self.peer_orgs:
            self.retry(lambda: self.assert_height_above(o, before))

    def assert_height_above(self, org, height):
        if self.height(org) <= height:
            raise AssertionError(f"{org.msp_id} is still at height {height}")

    def height(self, org, peer=None):
        out = self.fabric.run("peer", "channel", "getinfo", "-c", CHANNEL, env=self.admin_env(org, peer)).stdout
        return int(re.search(r'"height":(\d+)', out).group(1))

    def logs(self):
        return {node.host: node.log() for node in self.processes}

    @staticmethod
    def retry(action, attempts=50, delay=0.2):
        for attempt in range(attempts):
            try:
                return action()
            except AssertionError:
                if attempt == attempts - 1:
                    raise
                time.sleep(delay)


def charter(*args, check=True, timeout=120, cwd=None):
    result = subprocess.run([CHARTER, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)
    if check and result.returncode != 0:
        raise AssertionError(f"charter {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def cryptogen_orgs(tree, peer_orgs=("Org1", "Org2")):
    """The organisations of a `charter cryptogen` tree made from `cryptogen_config`."""
    orderer_root = os.path.join(tree, "ordererOrganizations", "example.com")
    node = os.path.join(orderer_root, "orderers", "orderer.example.com")
    admin = os.path.join(orderer_root, "users", "Admin@example.com")
    orderer_org = Org(
        "OrdererOrg", "OrdererMSP", os.path.join(orderer_root, "msp"), os.path.join(admin, "msp"),
        os.path.join(node, "tls", "ca.crt"),
        [Node("orderer.example.com", os.path.join(node, "msp"), os.path.join(node, "tls", "server.crt"),
              os.path.join(node, "tls", "server.key"), os.path.join(node, "tls", "ca.crt"))],
        admin_tls=(os.path.join(admin, "tls", "client.crt"), os.path.join(admin, "tls", "client.key")),
    )
    orgs = []
    for name in peer_orgs:
        domain = f"{name.lower()}.example.com"
        root = os.path.join(tree, "peerOrganizations", domain)
        peer = os.path.join(root, "peers", f"peer0.{domain}")
        orgs.append(Org(
            name, f"{name}MSP", os.path.join(root, "msp"), os.path.join(root, "users", f"Admin@{domain}", "msp"),
            os.path.join(peer, "tls", "ca.crt"),
            [Node(f"peer0.{domain}", os.path.join(peer, "msp"), os.path.join(peer, "tls", "server.crt"),
                  os.path.join(peer, "tls", "server.key"), os.path.join(peer, "tls", "ca.crt"))],
        ))
    return orderer_org, orgs


def cryptogen_config(peer_orgs=("Org1", "Org2"), algorithm=None):
    """crypto-config.yaml for an orderer and one peer per organisation, named for 127.0.0.1 too;
    `algorithm` (ed25519) for every CA, node and user."""
    ca = f"    CA:\n      PublicKeyAlgorithm: {algorithm}\n" if algorithm else ""
    key = f"      PublicKeyAlgorithm: {algorithm}\n" if algorithm else ""
    spec = f"        PublicKeyAlgorithm: {algorithm}\n" if algorithm else ""
    text = f"""OrdererOrgs:
  - Name: Orderer
    Domain: example.com
    EnableNodeOUs: true
{ca}    Specs:
      - Hostname: orderer
        SANS: [127.0.0.1]
{spec}PeerOrgs:
"""
    for name in peer_orgs:
        text += f"""  - Name: {name}
    Domain: {name.lower()}.example.com
    EnableNodeOUs: true
{ca}    Template:
      Count: 1
      SANS: [127.0.0.1]
{key}    Users:
      Count: 1
{key}"""
    return text


def gateway_config(affiliation, service):
    """A server configuration whose policy adds a gateway Service's names to its peers' TLS SANs."""
    return f"""
gateways:
  - profile: tls
    type: peer
    affiliation: {affiliation}
    services: [{service}]
    namespace: fabric
"""


def gateway_name(service):
    return f"{service}.fabric.svc.cluster.local"


class ServerOrg:
    """An organisation whose identities all come from its own `charter server`, enrolled with
    `charter enroll` right after the server started (the deployment that used to fail)."""

    def __init__(self, server, folder, name, msp_id, algorithm=None):
        self.server = server
        self.folder = folder
        self.url = f"https://localhost:{server.port}"
        self.algorithm = algorithm
        self.registrar = os.path.join(folder, "registrar")
        self.client("enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "-H", self.registrar)
        admin = self.enroll_identity("orgadmin", "admin")
        admin_tls = self.enroll_tls("orgadmin", [])
        channel_msp = os.path.join(folder, "msp")
        os.makedirs(os.path.join(channel_msp, "tlscacerts"))
        shutil.copytree(os.path.join(admin, "cacerts"), os.path.join(channel_msp, "cacerts"))
        shutil.copy(os.path.join(admin, "config.yaml"), channel_msp)
        shutil.copy(server.ca_file, os.path.join(channel_msp, "tlscacerts", "ca.pem"))
        self.org = Org(name, msp_id, channel_msp, admin, server.ca_file,
                       admin_tls=(os.path.join(admin_tls, "signcerts", "cert.pem"), key_file(admin_tls)))

    def client(self, *args):
        return charter(*args, "--tls.certfiles", self.server.ca_file)

    def keyrequest(self):
        return ["--csr.keyrequest.algo", self.algorithm] if self.algorithm else []

    def register(self, name, kind):
        self.client("register", "-u", self.url, "-H", self.registrar, "--id.name", name, "--id.type", kind,
                    "--id.secret", name + "pw", "--id.affiliation", "org1")

    def enroll_identity(self, name, kind):
        self.register(name, kind)
        msp = os.path.join(self.folder, name, "msp")
        self.client("enroll", "-u", f"https://{name}:{name}pw@localhost:{self.server.port}", "-H",
                    os.path.join(self.folder, name), "-M", msp, "--nodeous", *self.keyrequest())
        return msp

    def enroll_tls(self, name, hosts):
        tls = os.path.join(self.folder, name, "tls")
        self.client("enroll", "-u", f"https://{name}:{name}pw@localhost:{self.server.port}", "-H",
                    os.path.join(self.folder, name), "-M", tls, "--enrollment.profile", "tls",
                    *(["--csr.hosts", ",".join(hosts)] if hosts else []), *self.keyrequest())
        return tls

    def add_node(self, host, kind, hosts):
        name = host.split(".")[0]
        msp = self.enroll_identity(name, kind)
        tls = self.enroll_tls(name, hosts)
        node = Node(host, msp, os.path.join(tls, "signcerts", "cert.pem"), key_file(tls), self.server.ca_file)
        self.org.nodes.append(node)
        return node


def key_file(msp):
    keystore = os.path.join(msp, "keystore")
    return os.path.join(keystore, sorted(os.listdir(keystore))[0])


def pem_base64(path):
    """A PEM file as a channel MSP's configuration holds it."""
    return base64.b64encode(open(path, "rb").read()).decode()


def assert_every_org_commits(network):
    """On a new channel: each organisation's admin commits a transaction (VALID), every peer's
    committed state holds every approval, and no Fabric process said a certificate was not yet valid."""
    for org in network.peer_orgs:
        result = network.approve(org)
        assert result.returncode == 0 and "committed with status (VALID)" in result.stderr, result.stderr
    for org in network.peer_orgs:
        assert network.approvals(org) == {o.msp_id: True for o in network.peer_orgs}
        assert network.height(org) == 1 + len(network.peer_orgs)
    for host, log in network.logs().items():
        assert NOT_YET_VALID not in log, host
