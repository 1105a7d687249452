"""The server path, where fast deployments used to fail: a fresh `charter server` per organisation,
every identity enrolled with `charter enroll` within seconds of its CA's creation (node, admin and
TLS, the peers' TLS certificates carrying the gateway Service's name by the server's policy), and
the orderer and peers started on them at once. They commit transactions; no Fabric process
complains that a certificate is not yet valid; the client reaches each peer by its gateway name."""
import os
import subprocess

from harness import Server

from fabric import (NOT_YET_VALID, Network, ServerOrg, assert_every_org_commits, charter, gateway_config, gateway_name,
                    pem_base64)


def server_network(fabric, folder, algorithm=None):
    servers = []
    orgs = []
    for name, msp_id in [("OrdererOrg", "OrdererMSP"), ("Org1", "Org1MSP"), ("Org2", "Org2MSP")]:
        service = f"{name.lower()}-peer-gateway-svc"
        server = Server(gateway_config("org1", service)).start()
        servers.append(server)
        org = ServerOrg(server, os.path.join(folder, name), name, msp_id, algorithm=algorithm)
        if name == "OrdererOrg":
            org.add_node("orderer.example.com", "orderer", ["orderer.example.com", "127.0.0.1"])
        else:
            domain = f"{name.lower()}.example.com"
            peer = org.add_node(f"peer0.{domain}", "peer", [f"peer0.{domain}"])
            # the peer's certificate names only its host and, by policy, the gateway Service
            peer.tls_name = gateway_name(service)
        orgs.append(org)
    network = Network(fabric, folder, orgs[0].org, [o.org for o in orgs[1:]])
    return network, servers, orgs


def stop_all(network, servers):
    network.stop()
    for server in servers:
        server.stop()


def test_identities_enrolled_seconds_after_the_ca_was_made_run_a_fabric_2_5_network(fabric25, tmp_path):
    network, servers, _ = server_network(fabric25, str(tmp_path))
    try:
        network.start()
        assert_every_org_commits(network)
        # the gateway name is what made the client's TLS check pass: without it, 127.0.0.1 is refused
        org = network.peer_orgs[0]
        env = {**network.admin_env(org), "CORE_PEER_TLS_SERVERHOSTOVERRIDE": ""}
        direct = fabric25.run("peer", "channel", "getinfo", "-c", "mychannel", env=env, check=False)
        assert direct.returncode != 0 and "127.0.0.1" in direct.stderr + direct.stdout, direct.stderr
    finally:
        stop_all(network, servers)


def test_a_fabric_3_1_network_on_ed25519_identities_from_the_server_survives_an_orderer_renewal(fabric31, tmp_path):
    network, servers, orgs = server_network(fabric31, str(tmp_path), algorithm="ed25519")
    try:
        network.start()
        assert_every_org_commits(network)
        # the orderer renews its certificate with the same key and restarts on it: the channel goes on
        orderer_org = orgs[0]
        msp = network.orderer.msp
        before = open(os.path.join(msp, "signcerts", "cert.pem")).read()
        orderer_org.client("reenroll", "-u", orderer_org.url, "-H", os.path.join(str(tmp_path), "OrdererOrg", "orderer"),
                           "-M", msp, "--csr.keyrequest.reusekey", "--csr.keyrequest.algo", "ed25519")
        after = open(os.path.join(msp, "signcerts", "cert.pem")).read()
        assert after != before
        network.orderer.process.terminate()
        network.orderer.process.wait(timeout=30)
        network.start_orderer()
        for org in network.peer_orgs:
            result = network.approve(org, package="cd")
            assert result.returncode == 0 and "committed with status (VALID)" in result.stderr, result.stderr
        assert network.height(network.peer_orgs[0]) == 5
        assert "ED25519" in subprocess.run(["openssl", "x509", "-noout", "-text"], input=after, capture_output=True,
                                           text=True).stdout
        for host, log in network.logs().items():
            assert NOT_YET_VALID not in log, host
    finally:
        stop_all(network, servers)


def test_a_revoked_client_is_refused_by_the_peer_once_the_crl_is_in_the_channel(fabric25, tmp_path):
    network, servers, orgs = server_network(fabric25, str(tmp_path))
    try:
        network.start()
        org1 = orgs[1]
        client = org1.enroll_identity("user1", "client")
        other = org1.enroll_identity("user2", "client")

        def query(msp):
            """A proposal the peer checks against the channel's Readers (a client may read)."""
            env = {**network.admin_env(org1.org), "CORE_PEER_MSPCONFIGPATH": msp}
            return fabric25.run("peer", "channel", "getinfo", "-c", "mychannel", env=env, check=False)

        assert query(client).returncode == 0
        # revoked at the CA, the CRL written into the registrar's MSP, then into the channel's
        org1.client("revoke", "-u", org1.url, "-H", org1.registrar, "-e", "user1", "--gencrl")
        crl = os.path.join(org1.registrar, "msp", "crls", "crl.pem")
        network.update_org_msp(org1.org, lambda msp: msp.__setitem__("revocation_list", [pem_base64(crl)]))
        refused = query(client)
        assert refused.returncode != 0 and "access denied" in refused.stderr, refused.stderr
        assert "revoked" in org1.org.nodes[0].log()
        assert query(other).returncode == 0
        still = network.approve(org1.org, package="03")
        assert "committed with status (VALID)" in still.stderr, still.stderr
    finally:
        stop_all(network, servers)


def test_renewing_the_org_ca_keeps_old_identities_and_adds_new_ones(fabric25, tmp_path):
    network, servers, orgs = server_network(fabric25, str(tmp_path))
    try:
        network.start()
        org1, server = orgs[1], servers[1]
        old = open(server.ca_file).read()
        server.stop()
        charter("server", "renew-ca", "-H", server.home, "-b", "admin:adminpw")
        server.start()
        renewed = open(server.ca_file).read()
        assert renewed != old
        cacerts = os.path.join(org1.org.channel_msp, "cacerts")
        with open(os.path.join(cacerts, "renewed.pem"), "w") as f:
            f.write(renewed)
        # same key and subject: the renewed certificate replaces the old as the root (both would give
        # every identity two chains, which an MSP refuses), and what the old one issued still verifies
        new = pem_base64(os.path.join(cacerts, "renewed.pem"))

        def swap_root(msp):
            msp["root_certs"] = [new]
            for role in msp["fabric_node_ous"].values():
                if isinstance(role, dict) and role.get("certificate"):
                    role["certificate"] = new

        network.update_org_msp(org1.org, swap_root)
        fresh = org1.enroll_identity("orgadmin2", "admin")
        assert open(os.path.join(fresh, "cacerts", os.listdir(os.path.join(fresh, "cacerts"))[0])).read() == renewed
        for package, env in [("05", {}), ("06", {"CORE_PEER_MSPCONFIGPATH": fresh})]:
            result = network.approve(org1.org, package=package, env=env)
            assert "committed with status (VALID)" in result.stderr, result.stderr
    finally:
        stop_all(network, servers)
