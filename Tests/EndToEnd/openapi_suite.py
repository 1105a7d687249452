"""Property-based checks of the running server against docs/openapi.yaml, with schemathesis.

Run by test_openapi.py in its own virtualenv (.venv-api: schemathesis needs newer packages than
fabric-sdk-py allows). Every generated request is authenticated as the server's admin where the
operation asks for it; every response must be no server error (5xx) and match the spec: a
declared status, a declared content type, a body valid against its schema.
"""
import os

import requests
import schemathesis
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from harness import ROOT, Identity, token

BASE = os.environ["CHARTER_API"]
CA_FILE = os.environ["CHARTER_CA"]
ADMIN = Identity(
    open(os.environ["CHARTER_ADMIN_CERT"], "rb").read(),
    serialization.load_pem_private_key(open(os.environ["CHARTER_ADMIN_KEY"], "rb").read(), password=None),
)
EXAMPLES = int(os.environ.get("CHARTER_API_EXAMPLES", "30"))

schema = schemathesis.openapi.from_path(os.path.join(ROOT, "docs", "openapi.yaml"))


class FabricToken(requests.auth.AuthBase):
    """fabric-ca's token over the request exactly as it is sent."""

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        request.headers["Authorization"] = token(ADMIN, request.method, request.path_url, body)
        return request


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_response_matches_the_spec(case):
    security = [name for requirement in (case.operation.definition.raw.get("security") or []) for name in requirement]
    auth = ("admin", "adminpw") if "basic" in security else FabricToken() if "fabricToken" in security else None
    response = case.call(base_url=BASE, verify=CA_FILE, auth=auth, timeout=30)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
