#!/usr/bin/env bash
# Builds Charter in release mode, starts a server in a temporary home on loopback, and runs the
# enrollment load generator against it. With FABRIC_CA_SERVER=<path to a fabric-ca-server binary>,
# runs the same load against fabric-ca-server (TLS on, its defaults otherwise) in the same run, so
# both are measured on the same machine state.
#   bash Benchmarks/enroll.sh [seconds-per-phase]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE="${1:-5}"
source Benchmarks/common.sh
PORT="${CHARTER_BENCH_PORT:-17154}"
HOMES=()
SERVERS=()
cleanup() {
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for home in "${HOMES[@]}"; do rm -rf "$home"; done
}
trap cleanup EXIT

# Charter
HOME_DIR="$(mktemp -d)"
HOMES+=("$HOME_DIR")
"$BIN/charter" server start -b admin:adminpw -H "$HOME_DIR" -p "$PORT" --address 127.0.0.1 \
    --operations.listenaddress "127.0.0.1:$((PORT + 1))" > "$HOME_DIR/server.log" 2>&1 &
SERVERS+=($!)
wait_for "$PORT" "$HOME_DIR/ca-cert.pem"
echo "== Charter"
"$BIN/EnrollBenchmark" --url "https://localhost:$PORT" --ca "$HOME_DIR/ca-cert.pem" --pid "${SERVERS[0]}" \
    --seconds "$SECONDS_PER_PHASE" --durability "$(commits_of "$HOME_DIR/server.log")-group-commit"

# Charter again with its CA and TLS keys in a SoftHSM2 token (bccsp PKCS11), when SoftHSM2 is
# installed: what signing through a token costs. CHARTER_BENCH_HSM=0 skips it.
if [ "${CHARTER_BENCH_HSM:-1}" != 0 ] && [ -e /usr/lib/softhsm/libsofthsm2.so ]; then
    HSM_DIR="$(mktemp -d)"
    HOMES+=("$HSM_DIR")
    mkdir -p "$HSM_DIR/tokens" "$HSM_DIR/home"
    printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$HSM_DIR" \
        > "$HSM_DIR/softhsm2.conf"
    export SOFTHSM2_CONF="$HSM_DIR/softhsm2.conf"
    softhsm2-util --init-token --free --label Bench --pin 98765432 --so-pin 1234 > /dev/null
    "$BIN/charter" server start -b admin:adminpw -H "$HSM_DIR/home" -p "$((PORT + 4))" --address 127.0.0.1 \
        --operations.listenaddress "127.0.0.1:$((PORT + 5))" --bccsp.default PKCS11 \
        --bccsp.pkcs11.library /usr/lib/softhsm/libsofthsm2.so --bccsp.pkcs11.label Bench \
        --bccsp.pkcs11.pin 98765432 > "$HSM_DIR/server.log" 2>&1 &
    SERVERS+=($!)
    wait_for "$((PORT + 4))" "$HSM_DIR/home/ca-cert.pem"
    echo "== Charter, keys in SoftHSM2"
    "$BIN/EnrollBenchmark" --url "https://localhost:$((PORT + 4))" --ca "$HSM_DIR/home/ca-cert.pem" \
        --pid "${SERVERS[-1]}" --seconds "$SECONDS_PER_PHASE" \
        --durability "$(commits_of "$HSM_DIR/server.log")-group-commit-softhsm2"
fi

# fabric-ca-server, when given
if [ -n "${FABRIC_CA_SERVER:-}" ]; then
    FABRIC_HOME="$(mktemp -d)"
    HOMES+=("$FABRIC_HOME")
    "$FABRIC_CA_SERVER" start -b admin:adminpw --home "$FABRIC_HOME" -p "$((PORT + 2))" --address 127.0.0.1 \
        --tls.enabled --operations.listenaddress "127.0.0.1:$((PORT + 3))" > "$FABRIC_HOME/server.log" 2>&1 &
    SERVERS+=($!)
    wait_for "$((PORT + 2))" "$FABRIC_HOME/ca-cert.pem"
    echo "== fabric-ca-server ($("$FABRIC_CA_SERVER" version | awk '/Version/ {print $2}'))"
    "$BIN/EnrollBenchmark" --url "https://localhost:$((PORT + 2))" --ca "$FABRIC_HOME/ca-cert.pem" \
        --pid "${SERVERS[-1]}" --seconds "$SECONDS_PER_PHASE" --durability "fabric-ca-sqlite-default"
fi
