"""The edges of the API tried as a hostile client would: integers in paths and queries that would
overflow, identity records beyond the input rules, and HTTP framing the decoder cannot read. Each
case must be answered with a 4xx envelope, and the server must still serve /cainfo after it."""
import base64
import json
import re
import socket
import ssl

import pytest

from harness import Server, alive


@pytest.fixture(scope="module")
def edge():
    s = Server().start()
    s.admin = s.enroll("admin", "adminpw").identity
    yield s
    s.stop()


# 1. Integers from paths and queries ---------------------------------------------------------------

OVERFLOWING_PATHS = [
    # index groups whose value overflows 64 bits, and indices whose ×256 or +256 would
    "/log/tile/0/x999/x999/x999/x999/x999/x999/999",
    "/log/tile/0/x999/x999/x999/x999/x999/x999/x999/999",
    "/log/tile/entries/x999/x999/x999/x999/x999/x999/999",
    "/log/tile/entries/x999/x999/x999/x999/x999/x999/x999/999.p/255",
    "/log/tile/7/x036/x028/x797/x018/x963/x967/999",
    "/log/tile/entries/x036/x028/x797/x018/x963/x968/000",
    "/log/tile/0/x072/x057/x594/x037/x927/935.p/1",
    "/api/v1/log/tile/entries/x009/x223/x372/x036/x854/x775/807",
    # levels, widths and groups out of their bounds
    "/log/tile/64/000",
    "/log/tile/99999999999999999999999/000",
    "/log/tile/0/000.p/256",
    "/log/tile/0/000.p/99999999999999999999",
    "/log/tile/0/-01",
    "/log/tile/0/+01",
    "/log/tile/0/x" + "9" * 300 + "/000",
    "/log/consistency?old=1&new=99999999999999999999999",
    "/log/consistency?old=-1&new=2",
    "/log/consistency?old=9223372036854775807&new=9223372036854775807",
    "/log/consistency?old=1&new=72057594037927936",
]


@pytest.mark.parametrize("path", OVERFLOWING_PATHS)
def test_integers_beyond_their_bounds_are_400_not_a_crash(edge, path):
    status, raw, _ = edge.request("GET", path)
    assert 400 <= status < 500, (status, raw)
    envelope = json.loads(raw)
    assert envelope["success"] is False and envelope["errors"], raw
    assert alive(edge)


def test_tiles_inside_the_bounds_still_serve(edge):
    # the admin's enrollment made the log's first entries
    status, raw, response = edge.request("GET", "/log/tile/0/000.p/1")
    assert status == 200 and len(raw) == 32
    assert response.getheader("Cache-Control") == "no-cache"
    status, raw, _ = edge.request("GET", "/log/tile/63/x281/x474/x976/x710/655")
    assert status == 404, raw  # the largest index a path may name: in bounds, and absent


# 2. Identity records beyond the input rules -------------------------------------------------------

@pytest.mark.parametrize("attrs", [
    [{"name": "app.x", "value": "v" * 4097}],
    [{"name": "n" * 129, "value": "1"}],
    [{"name": "app.with space", "value": "1"}],
    [{"name": "app.ctl", "value": "a\u0007b"}],
    [{"name": f"app.a{i}", "value": "1"} for i in range(65)],
    [{"name": "hf.Revoker", "value": "maybe"}],
])
def test_attributes_beyond_the_rules_are_refused(edge, attrs):
    before = edge.db_rows("SELECT COUNT(*) FROM identities")
    result = edge.register(edge.admin, id="attr-user", secret="pw", affiliation="org1", attrs=attrs)
    assert (result.status, result.error_code) == (400, 0), result.raw
    assert edge.db_rows("SELECT COUNT(*) FROM identities") == before
    assert alive(edge)


def test_affiliations_deeper_than_the_rules_are_refused(edge):
    result = edge.token_call("POST", "/affiliations?force=true", edge.admin, {"name": ".".join(["a"] * 33)})
    assert (result.status, result.error_code) == (400, 0), result.raw
    assert edge.db_rows("SELECT COUNT(*) FROM affiliations WHERE name LIKE 'a.%' OR name = 'a'") == [(0,)]


def test_deep_affiliation_trees_list_whole(edge):
    for top in range(30):
        result = edge.token_call("POST", "/affiliations?force=true", edge.admin,
                                 {"name": ".".join([f"t{top}"] + [f"l{level}" for level in range(31)])})
        assert result.status == 201, result.raw
    result = edge.token_call("GET", "/affiliations", edge.admin)
    assert result.status == 200

    def depth(node):
        return 1 + max((depth(child) for child in node.get("affiliations") or []), default=0)
    tree = result.json["result"]
    assert depth(tree) == 33  # the root, then 32 levels


# 3. HTTP framing -----------------------------------------------------------------------------------

def raw_exchange(server, payload, read_until_close=True):
    """Sends bytes over TLS and returns everything the server sends until it closes (or 10 s)."""
    context = server.ssl_context()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as conn:
            conn.sendall(payload)
            received = b""
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return received, True
                    received += chunk
                    if not read_until_close and b"\r\n\r\n" in received:
                        return received, False
            except socket.timeout:
                return received, False
            except (ssl.SSLError, ConnectionResetError):
                return received, True


def split(response):
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return lines[0], headers, body


def basic_admin():
    return "Basic " + base64.b64encode(b"admin:adminpw").decode()


def test_malformed_chunk_size_is_400_with_the_envelope_and_closes(edge):
    payload = (b"POST /enroll HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic_admin().encode()
               + b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    response, closed = raw_exchange(edge, payload)
    status, headers, body = split(response)
    assert status.startswith("HTTP/1.1 400"), response
    envelope = json.loads(body[: int(headers["content-length"])])
    assert envelope["success"] is False and envelope["errors"][0]["code"] == 0
    assert headers.get("connection") == "close"
    assert closed
    assert alive(edge)


def test_malformed_request_line_is_400_with_the_envelope_and_closes(edge):
    response, closed = raw_exchange(edge, b"GET /cainfo HTTP/1.1 extra\r\nHost: x\r\n\r\n")
    status, headers, body = split(response)
    assert status.startswith("HTTP/1.1 400"), response
    assert json.loads(body)["success"] is False
    assert closed
    assert alive(edge)


def test_a_bad_chunk_after_an_answered_request_closes_without_a_second_answer(edge):
    # cainfo does not read its body: it is answered, then the broken framing closes the connection.
    payload = b"GET /cainfo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    response, closed = raw_exchange(edge, payload)
    status_lines = [line for line in response.split(b"\r\n") if re.match(rb"HTTP/1\.[01] \d{3} ", line)]
    assert len(status_lines) == 1, response
    assert closed
    assert alive(edge)


def test_http_1_0_is_answered_as_1_0_and_closed(edge):
    response, closed = raw_exchange(edge, b"GET /cainfo HTTP/1.0\r\nHost: localhost\r\n\r\n")
    status, headers, body = split(response)
    assert status.startswith("HTTP/1.0 200"), status
    assert headers.get("connection") == "close"
    assert json.loads(body)["success"] is True
    assert closed


def test_http_1_0_keep_alive_is_kept_alive(edge):
    response, closed = raw_exchange(edge, b"GET /cainfo HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n",
                                    read_until_close=False)
    status, headers, _ = split(response)
    assert status.startswith("HTTP/1.0 200"), status
    assert headers.get("connection") == "keep-alive"
    assert not closed


def test_http_1_1_stays_open_between_requests(edge):
    one = b"GET /cainfo HTTP/1.1\r\nHost: localhost\r\n\r\n"
    response, closed = raw_exchange(edge, one + one, read_until_close=False)
    assert response.startswith(b"HTTP/1.1 200")
    assert not closed
