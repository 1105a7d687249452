"""fabric-ca's attribute-based access rules as a table: for every rule one caller is allowed and
one is refused with 403 / code 71, and a refusal changes nothing in the database."""
import pytest

from harness import Server


@pytest.fixture(scope="module")
def acl():
    s = Server("cfg:\n  identities:\n    allowremove: true\n").start()
    admin = s.enroll("admin", "adminpw").identity

    def make(name, affiliation, type_="client", attrs=()):
        assert s.register(admin, id=name, secret="pw", type=type_, affiliation=affiliation, attrs=list(attrs)).status == 201
        return s.enroll(name, "pw").identity

    callers = {
        "admin": admin,
        "registrar": make("reg-org1", "org1", attrs=[
            {"name": "hf.Registrar.Roles", "value": "peer,client"},
            {"name": "hf.Registrar.DelegateRoles", "value": "client"},
            {"name": "hf.Registrar.Attributes", "value": "app.*,hf.Registrar.Roles,hf.Registrar.DelegateRoles,hf.Revoker,hf.IntermediateCA"},
            {"name": "hf.Revoker", "value": "true"},
            {"name": "hf.AffiliationMgr", "value": "true"},
        ]),
        "plain": make("plain-org1", "org1"),
    }
    for name, affiliation, type_ in [("t-org1-peer", "org1", "peer"), ("t-org1-peer2", "org1", "peer"),
                                     ("t-org2-peer", "org2", "peer"), ("t-org1-orderer", "org1", "orderer")]:
        make(name, affiliation, type_)
    s.callers = callers
    yield s
    s.stop()


def snapshot(server):
    return [server.db_rows(f"SELECT * FROM {table} ORDER BY 1, 2") for table in ("identities", "certificates", "affiliations")]


def reg(id_, type_="client", affiliation="org1", attrs=()):
    return ("POST", "/register", {"id": id_, "type": type_, "affiliation": affiliation, "secret": "pw", "attrs": list(attrs)})


RULES = [
    # rule, allowed (caller, request), refused (caller, request)
    ("hf.Registrar.Roles limits types", ("registrar", reg("a1", "peer")), ("registrar", reg("r1", "orderer"))),
    ("registration stays in the affiliation scope", ("registrar", reg("a2", affiliation="org1.department1")),
     ("registrar", reg("r2", affiliation="org2"))),
    ("registration needs hf.Registrar.Roles at all", ("registrar", reg("a3")), ("plain", reg("r3"))),
    ("hf.Registrar.Attributes patterns", ("registrar", reg("a4", attrs=[{"name": "app.color", "value": "red"}])),
     ("registrar", reg("r4", attrs=[{"name": "other", "value": "x"}]))),
    ("hf.Registrar.DelegateRoles bounds delegation",
     ("registrar", reg("a5", attrs=[{"name": "hf.Registrar.Roles", "value": "client"}, {"name": "hf.Registrar.DelegateRoles", "value": "client"}])),
     ("registrar", reg("r5", attrs=[{"name": "hf.Registrar.Roles", "value": "peer"}, {"name": "hf.Registrar.DelegateRoles", "value": "peer"}]))),
    ("hf.IntermediateCA can only be granted by its holder", ("admin", reg("a6", attrs=[{"name": "hf.IntermediateCA", "value": "true"}])),
     ("registrar", reg("r6", attrs=[{"name": "hf.IntermediateCA", "value": "true"}]))),
    ("hf.Revoker is needed to revoke", ("registrar", ("POST", "/revoke", {"id": "t-org1-peer"})),
     ("plain", ("POST", "/revoke", {"id": "t-org1-peer2"}))),
    ("revocation stays in the affiliation scope", ("admin", ("POST", "/revoke", {"id": "t-org1-peer2"})),
     ("registrar", ("POST", "/revoke", {"id": "t-org2-peer"}))),
    ("revocation is limited to the roles it may register", ("admin", ("POST", "/revoke", {"id": "t-org1-orderer"})),
     ("registrar", ("POST", "/revoke", {"id": "t-org1-orderer"}))),
    ("hf.GenCRL is needed for a CRL", ("admin", ("POST", "/gencrl", {})), ("registrar", ("POST", "/gencrl", {}))),
    ("hf.AffiliationMgr is needed to add affiliations", ("registrar", ("POST", "/affiliations", {"name": "org1.newdept"})),
     ("plain", ("POST", "/affiliations", {"name": "org1.other"}))),
    ("affiliation management stays in scope", ("admin", ("POST", "/affiliations?force=true", {"name": "org7"})),
     ("registrar", ("POST", "/affiliations?force=true", {"name": "org2.x"}))),
    ("identities are visible in scope only", ("registrar", ("GET", "/identities/t-org1-peer", None)),
     ("registrar", ("GET", "/identities/t-org2-peer", None))),
    ("identities of other types cannot be modified", ("registrar", ("PUT", "/identities/t-org1-peer", {"max_enrollments": 4})),
     ("registrar", ("PUT", "/identities/t-org1-orderer", {"max_enrollments": 4}))),
    ("identities cannot be moved out of scope", ("admin", ("PUT", "/identities/plain-org1", {"affiliation": "org1.department1"})),
     ("registrar", ("PUT", "/identities/plain-org1", {"affiliation": "org2"}))),
    ("others' certificates need hf.Registrar.Roles or hf.Revoker", ("registrar", ("GET", "/certificates?id=t-org1-peer", None)),
     ("plain", ("GET", "/certificates?id=t-org1-peer", None))),
    ("identity removal stays in scope", ("admin", ("DELETE", "/identities/t-org2-peer", None)),
     ("registrar", ("DELETE", "/identities/t-org1-orderer", None))),
]


@pytest.mark.parametrize("rule,allowed,refused", RULES, ids=[r[0] for r in RULES])
def test_rule(acl, rule, allowed, refused):
    caller, (method, path, body) = refused
    before = snapshot(acl)
    result = acl.token_call(method, path, acl.callers[caller], body)
    assert result.status == 403 and result.error_code == 71, result.raw
    assert snapshot(acl) == before
    caller, (method, path, body) = allowed
    result = acl.token_call(method, path, acl.callers[caller], body)
    assert 200 <= result.status < 300, result.raw


def test_anyone_may_list_their_own_certificates(acl):
    plain = acl.callers["plain"]
    own = acl.token_call("GET", "/certificates?id=plain-org1", plain)
    assert own.status == 200 and len(own.json["result"]["certs"]) == 1


def test_certificate_listing_is_scoped(acl):
    registrar = acl.callers["registrar"]
    own = acl.token_call("GET", "/certificates?id=t-org1-peer", registrar).json["result"]["certs"]
    other = acl.token_call("GET", "/certificates?id=t-org2-peer", registrar).json["result"]["certs"]
    assert own and other == []
