"""The cryptogen path: a network of an orderer organisation and two peer organisations whose every
identity comes from `charter cryptogen` (NodeOUs on). The channel is made with configtxgen and
`osnadmin channel join`, the peers join, and each organisation's admin commits a transaction."""
import os
import subprocess

from fabric import Network, assert_every_org_commits, charter, cryptogen_config, cryptogen_orgs


def cryptogen_network(fabric, folder, algorithm=None):
    config = os.path.join(folder, "crypto-config.yaml")
    with open(config, "w") as f:
        f.write(cryptogen_config(algorithm=algorithm))
    charter("cryptogen", "generate", "--config", config, "--output", os.path.join(folder, "crypto"))
    orderer_org, peer_orgs = cryptogen_orgs(os.path.join(folder, "crypto"))
    return Network(fabric, folder, orderer_org, peer_orgs)


def openssl_text(path):
    return subprocess.run(["openssl", "x509", "-noout", "-text", "-in", path], capture_output=True, text=True,
                          check=True).stdout


def test_a_fabric_2_5_network_runs_on_charter_cryptogen(fabric25, tmp_path):
    network = cryptogen_network(fabric25, str(tmp_path))
    try:
        network.start()
        assert_every_org_commits(network)
        assert "Beginning to serve requests" in network.orderer.log()
    finally:
        network.stop()


def test_a_fabric_3_1_network_runs_on_charter_cryptogen_ed25519(fabric31, tmp_path):
    network = cryptogen_network(fabric31, str(tmp_path), algorithm="ed25519")
    assert network.capability == "V3_0"
    try:
        network.start()
        assert_every_org_commits(network)
    finally:
        network.stop()
    # the peers, the orderer and their CAs were Ed25519; the Admin@ user ECDSA, as Fabric 3.1's cryptogen makes it
    tree = os.path.join(str(tmp_path), "crypto", "peerOrganizations", "org1.example.com")
    assert "ED25519" in openssl_text(os.path.join(tree, "peers", "peer0.org1.example.com", "msp", "signcerts",
                                                  "peer0.org1.example.com-cert.pem"))
    assert "ED25519" in openssl_text(os.path.join(tree, "ca", "ca.org1.example.com-cert.pem"))
    assert "ED25519" in openssl_text(os.path.join(tree, "users", "User1@org1.example.com", "msp", "signcerts",
                                                  "User1@org1.example.com-cert.pem"))
