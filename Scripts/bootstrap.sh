#!/usr/bin/env bash
# Installs what building Charter and running its tests need on a fresh Debian machine:
# SQLite headers for GRDB, OpenLDAP's client library and slapd for the LDAP registry and its tests,
# MariaDB's client library and server for the MySQL registry and its tests, SoftHSM2 for the HSM tests,
# openssl for the end-to-end checks, lego, certbot and pebble's challtestsrv for the ACME tests, chromium for the audit report test,
# PostgreSQL and HAProxy for the registry and replica tests (the tests start their own private
# instances; nothing here runs as a service), and a Python virtualenv with the real clients the end-to-end tests drive (cryptography,
# fabric-sdk-py).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need_apt+=(libsqlite3-dev)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
# The audit's HTML report is checked in a real headless browser.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The PostgreSQL registry tests create a private cluster with initdb; the replica test puts
# HAProxy in front of two servers.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
# The LDAP registry links OpenLDAP's client library; its tests start a private slapd.
dpkg -s libldap-dev >/dev/null 2>&1 || need_apt+=(libldap-dev)
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || need_apt+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need_apt+=(ldap-utils)
# Keys in an HSM are tested against SoftHSM2 (pkcs11-tool from opensc inspects its tokens).
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need_apt+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need_apt+=(opensc)
# The MySQL registry links MariaDB Connector/C; its tests start a private MariaDB server.
dpkg -s libmariadb-dev >/dev/null 2>&1 || need_apt+=(libmariadb-dev)
[ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need_apt+=(mariadb-client)
# ACME is tested with the real lego and certbot clients; pebble's challtestsrv answers their DNS.
command -v lego >/dev/null 2>&1 || need_apt+=(lego)
command -v certbot >/dev/null 2>&1 || need_apt+=(certbot)
command -v pebble-challtestsrv >/dev/null 2>&1 || need_apt+=(pebble)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    # Packages with a service (mariadb-server) are installed without starting it: the tests
    # run their own private instances.
    made_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
    [ -z "$made_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import hfc, cryptography, pytest, yaml' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    # fabric-sdk-py 1.0.0 pins packages that no longer build on Python 3.11 (pysha3, rx); the CA
    # client needs neither, so install it without dependencies and add what it does use.
    "$VENV/bin/pip" install -q --no-deps fabric-sdk-py==1.0.0
    "$VENV/bin/pip" install -q 'requests==2.20.0' six 'cryptography<46' pycryptodomex hkdf pytest pyyaml
fi

# The deployment manifests are checked with kubernetes-validate and checkov, in their own
# virtualenv (checkov's dependencies would clash with fabric-sdk-py's pins).
DEPLOY_VENV=.venv-deploy
if [ ! -x "$DEPLOY_VENV/bin/checkov" ] || [ ! -x "$DEPLOY_VENV/bin/kubernetes-validate" ]; then
    python3 -m venv "$DEPLOY_VENV"
    "$DEPLOY_VENV/bin/pip" install -q --upgrade pip
    "$DEPLOY_VENV/bin/pip" install -q 'kubernetes-validate==1.37.*' 'checkov==3.*'
fi

# docs/openapi.yaml is validated and the running server checked against it with schemathesis,
# in a third virtualenv (schemathesis needs newer requests than fabric-sdk-py allows).
API_VENV=.venv-api
if [ ! -x "$API_VENV/bin/python" ] || ! "$API_VENV/bin/python" -c 'import schemathesis, openapi_spec_validator, cryptography' 2>/dev/null; then
    python3 -m venv "$API_VENV"
    "$API_VENV/bin/pip" install -q --upgrade pip
    "$API_VENV/bin/pip" install -q 'schemathesis==4.*' 'openapi-spec-validator==0.9.*' 'cryptography<47'
fi
