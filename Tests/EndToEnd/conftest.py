import pytest

from harness import Server

GATEWAY_CONFIG = """
cfg:
  identities:
    passwordattempts: 3
gateways:
  - profile: tls
    type: peer
    affiliation: org1
    services: [org1-peer-gateway-svc]
    namespace: fabric
"""


@pytest.fixture(scope="session")
def server():
    s = Server(GATEWAY_CONFIG).start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def admin(server):
    result = server.enroll("admin", "adminpw")
    assert result.status == 201, result.raw
    return result.identity
