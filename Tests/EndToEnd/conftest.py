import pytest

from harness import LEGACY_TOKENS, Server
from services import Challenges

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


LIFECYCLE_CONFIG = """
cfg:
  identities:
    allowremove: true
  affiliations:
    allowremove: true
"""


@pytest.fixture(scope="session")
def lc():
    """A server that allows identity and affiliation removal."""
    s = Server(LIFECYCLE_CONFIG).start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def lc_admin(lc):
    return lc.enroll("admin", "adminpw").identity


@pytest.fixture(scope="session")
def legacy_server():
    """The gateway configuration with legacy tokens accepted, for fabric-sdk-py."""
    s = Server(GATEWAY_CONFIG, env=LEGACY_TOKENS).start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def legacy_lc():
    """The lifecycle configuration with legacy tokens accepted, for fabric-sdk-py."""
    s = Server(LIFECYCLE_CONFIG, env=LEGACY_TOKENS).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def challenges():
    """pebble-challtestsrv: the DNS server ACME validation resolves through."""
    c = Challenges()
    yield c
    c.stop()
