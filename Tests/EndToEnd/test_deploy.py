"""The Kubernetes manifests in deploy/: valid against the Kubernetes schema, and clean under checkov."""
import glob
import json
import os
import subprocess

import pytest

from harness import ROOT

TOOLS = os.path.join(ROOT, ".venv-deploy", "bin")
MANIFESTS = sorted(glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*", "*.yaml")))


def test_there_are_single_ha_gateway_and_acme_manifests():
    names = {os.path.relpath(path, os.path.join(ROOT, "deploy", "kubernetes")) for path in MANIFESTS}
    assert {"single/charter.yaml", "ha/charter.yaml", "gateway/peers.yaml", "acme/cert-manager.yaml"} <= names


def strict(properties, required=()):
    """An object schema that refuses fields it does not name (cert-manager v1's field names)."""
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


NAME = {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"}
SECRET_KEY_REF = strict({"name": NAME, "key": {"type": "string"}}, ["name"])
METADATA = strict({"name": NAME, "namespace": NAME, "labels": {"type": "object"}}, ["name"])
# cert-manager.io/v1, the fields these manifests use; kubernetes-validate has no schema for CRDs.
CERT_MANAGER = {
    "ClusterIssuer": strict({
        "apiVersion": {"const": "cert-manager.io/v1"}, "kind": {"const": "ClusterIssuer"}, "metadata": METADATA,
        "spec": strict({"acme": strict({
            "server": {"type": "string", "pattern": "^https://.+/acme/(.+/)?directory$"},
            "email": {"type": "string"},
            "caBundle": {"type": "string", "contentEncoding": "base64", "pattern": "^[A-Za-z0-9+/]+=*$"},
            "externalAccountBinding": strict({"keyID": {"type": "string"}, "keySecretRef": SECRET_KEY_REF},
                                             ["keyID", "keySecretRef"]),
            "privateKeySecretRef": SECRET_KEY_REF,
            "solvers": {"type": "array", "minItems": 1, "items": strict({
                "http01": strict({"ingress": strict({"ingressClassName": {"type": "string"}})}),
                "dns01": {"type": "object"},
                "selector": {"type": "object"},
            })},
        }, ["server", "privateKeySecretRef", "solvers"])}, ["acme"]),
    }, ["apiVersion", "kind", "metadata", "spec"]),
    "Certificate": strict({
        "apiVersion": {"const": "cert-manager.io/v1"}, "kind": {"const": "Certificate"}, "metadata": METADATA,
        "spec": strict({
            "secretName": NAME,
            "dnsNames": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "privateKey": strict({"algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]}, "size": {"type": "integer"},
                                  "rotationPolicy": {"enum": ["Never", "Always"]}}),
            "usages": {"type": "array", "items": {"enum": ["server auth", "client auth", "digital signature",
                                                           "key encipherment"]}},
            "issuerRef": strict({"name": NAME, "kind": {"enum": ["Issuer", "ClusterIssuer"]},
                                 "group": {"const": "cert-manager.io"}}, ["name"]),
        }, ["secretName", "issuerRef"]),
    }, ["apiVersion", "kind", "metadata", "spec"]),
}


def test_the_cert_manager_resources_hold_only_cert_manager_fields():
    schema_check = (
        "import json, sys, yaml, jsonschema\n"
        "schemas = json.loads(sys.argv[1])\n"
        "docs = [d for d in yaml.safe_load_all(open(sys.argv[2])) if d['kind'] in schemas]\n"
        "for d in docs: jsonschema.validate(d, schemas[d['kind']])\n"
        "issuer = next(d for d in docs if d['kind'] == 'ClusterIssuer')\n"
        "certificate = next(d for d in docs if d['kind'] == 'Certificate')\n"
        "assert certificate['spec']['issuerRef']['name'] == issuer['metadata']['name']\n"
        "print(len(docs))\n"
    )
    manifest = os.path.join(ROOT, "deploy", "kubernetes", "acme", "cert-manager.yaml")
    out = subprocess.run([os.path.join(TOOLS, "python"), "-c", schema_check, json.dumps(CERT_MANAGER), manifest],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "2", out.stdout + out.stderr


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: os.path.relpath(p, ROOT))
def test_the_manifest_is_valid_kubernetes(manifest):
    out = subprocess.run([os.path.join(TOOLS, "kubernetes-validate"), "--strict", manifest],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "passed" in out.stdout + out.stderr


def test_checkov_finds_nothing_to_fail():
    out = subprocess.run(
        [os.path.join(TOOLS, "checkov"), "-d", os.path.join(ROOT, "deploy", "kubernetes"), "--framework",
         "kubernetes", "--skip-download", "--quiet", "-o", "json"],
        capture_output=True, text=True, timeout=600,
    )
    report = json.loads(out.stdout)
    reports = report if isinstance(report, list) else [report]
    summary = [r["summary"] for r in reports]
    assert sum(s["passed"] for s in summary) > 50
    failed = [(c["check_id"], c["resource"]) for r in reports for c in r["results"]["failed_checks"]]
    assert failed == [], failed
    assert sum(s["skipped"] for s in summary) == 0
