"""fabric-ca-server settings Charter does not implement stop `server init` and `server start` with a
line naming the key, before anything is written; fabric-ca's variables and flags set the keys they
name; fabric-ca's own default configuration starts as it is."""
import os
import shutil
import subprocess

import pytest

from harness import BINARY, REFERENCE, Server

FABRIC_CA_CONFIG = os.path.join(REFERENCE, "fabric-ca", "home-1.5.5", "home", "fabric-ca-server-config.yaml")


def server_command(verb, home, *args, env=None):
    return subprocess.run([BINARY, "server", verb, "-b", "admin:adminpw", "-H", str(home), *args],
                          capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


REFUSED = [
    ("cors.enabled", "cors:\n  enabled: true\n  origins: ['*']\n", {}, []),
    ("bccsp.pkcs11.altid", "bccsp:\n  default: PKCS11\n  pkcs11:\n    altid: key7\n", {}, []),
    ("idemix.curve", "idemix:\n  curve: gurvy.Bn254\n", {}, []),
    ("bccsp.pkcs11.altid", "", {"FABRIC_CA_SERVER_BCCSP_PKCS11_ALTID": "key7"}, []),
    ("cors.enabled", "", {}, ["--cors.enabled"]),
    ("tls.enable", "tls:\n  enable: false\n", {}, []),
]


@pytest.mark.parametrize("key,yaml,env,flags", REFUSED, ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSED)])
@pytest.mark.parametrize("verb", ["init", "start"])
def test_unimplemented_settings_stop_the_start_before_anything_is_written(tmp_path, verb, key, yaml, env, flags):
    home = tmp_path / "home"
    home.mkdir()
    if yaml:
        (home / "charter-server-config.yaml").write_text(yaml)
    before = sorted(os.listdir(home))
    result = server_command(verb, home, *flags, env=env)
    assert result.returncode != 0
    assert f"Configuration key '{key}'" in result.stderr, result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3, result.stderr
    assert sorted(os.listdir(home)) == before


def test_fabric_cas_own_default_configuration_starts(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FABRIC_CA_CONFIG, home / "charter-server-config.yaml")
    server = Server(home=str(home)).start()
    try:
        assert server.enroll("admin", "adminpw").status == 201
    finally:
        server.stop()


def test_fabric_ca_flags_and_variables_set_their_keys(tmp_path):
    server = Server(args=["--cfg.identities.allowremove", "--crl.expiry", "12h"],
                    env={"FABRIC_CA_SERVER_CSR_CN": "env-named-ca", "FABRIC_CA_SERVER_SERVICE_HOST": "10.0.0.1"}).start()
    try:
        admin = server.enroll("admin", "adminpw").identity
        assert server.register(admin, id="doomed", secret="pw", affiliation="org1").status == 201
        removed = server.token_call("DELETE", "/identities/doomed", admin)
        assert removed.status == 200, removed.raw  # refused unless cfg.identities.allowremove
        subject = server.ca_cert().subject.rfc4514_string()
        assert "CN=env-named-ca" in subject, subject
    finally:
        server.stop()
