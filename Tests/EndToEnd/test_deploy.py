"""The Kubernetes manifests in deploy/: valid against the Kubernetes schema, and clean under checkov."""
import glob
import json
import os
import subprocess

import pytest

from harness import ROOT

TOOLS = os.path.join(ROOT, ".venv-deploy", "bin")
MANIFESTS = sorted(glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*", "*.yaml")))


def test_there_are_single_ha_and_gateway_manifests():
    names = {os.path.relpath(path, os.path.join(ROOT, "deploy", "kubernetes")) for path in MANIFESTS}
    assert {"single/charter.yaml", "ha/charter.yaml", "gateway/peers.yaml"} <= names


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
