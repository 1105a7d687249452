"""Idemix from Charter on a real Fabric network: an organisation of anonymous members whose channel
MSP is Charter's issuer key (MSPType idemix), a member enrolled with `charter enroll --enrollment.type
idemix --idemix.fabricmsp`, whose folder the peer CLI loads as it is; the orderer serves that member
a `peer channel fetch` and refuses a credential from another CA's issuer under the same MSP ID."""
import os
import shutil

from fabric import CHANNEL, Org, charter
from test_server_network import server_network, stop_all


def idemix_member(server, folder, name):
    """Registers `name` at `server` and enrolls an Idemix credential; returns the Fabric MSP folder."""
    ca = ["--tls.certfiles", server.ca_file]
    registrar = os.path.join(folder, f"registrar-{server.port}")
    charter("enroll", "-u", f"https://admin:adminpw@localhost:{server.port}", "-H", registrar, *ca)
    charter("register", "-u", f"https://localhost:{server.port}", "-H", registrar, "--id.name", name,
            "--id.secret", name + "pw", "--id.affiliation", "org1", *ca)
    fabric_msp = os.path.join(folder, f"{name}-fabric-msp")
    charter("enroll", "-u", f"https://{name}:{name}pw@localhost:{server.port}", "-H", os.path.join(folder, name),
            "--enrollment.type", "idemix", "--idemix.fabricmsp", fabric_msp, *ca)
    return fabric_msp


def test_an_orderer_serves_a_member_with_a_charter_idemix_credential(fabric25, tmp_path):
    folder = str(tmp_path)
    network, servers, orgs = server_network(fabric25, folder)
    try:
        member = idemix_member(servers[1], folder, "anon")
        # The channel gets the issuer and revocation public keys only (no user/ folder).
        channel_msp = os.path.join(folder, "IdemixOrg")
        shutil.copytree(os.path.join(member, "msp"), os.path.join(channel_msp, "msp"))
        network.peer_orgs.append(Org("IdemixOrg", "IdemixMSP", channel_msp, member, servers[1].ca_file,
                                     msp_type="idemix"))
        network.start()
        env = {"CORE_PEER_LOCALMSPID": "IdemixMSP", "CORE_PEER_LOCALMSPTYPE": "idemix",
               "CORE_PEER_MSPCONFIGPATH": member, "CORE_PEER_TLS_ENABLED": "true"}
        block = os.path.join(folder, "config.block")
        network.retry(lambda: fabric25.run("peer", "channel", "fetch", "config", block, "-c", CHANNEL,
                                           *network.orderer_args(), env=env))
        assert os.path.getsize(block) > 0

        # Org2's CA has another issuer key: its credential, presented as IdemixMSP, is refused.
        stranger = idemix_member(servers[2], folder, "stranger")
        refused = fabric25.run("peer", "channel", "fetch", "config", os.path.join(folder, "refused.block"), "-c",
                               CHANNEL, *network.orderer_args(), env={**env, "CORE_PEER_MSPCONFIGPATH": stranger},
                               check=False)
        assert refused.returncode != 0
        assert "FORBIDDEN" in refused.stderr or "forbidden" in refused.stderr.lower(), refused.stderr
    finally:
        stop_all(network, servers)
