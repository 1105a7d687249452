#!/usr/bin/env bash
# Server CPU per Idemix credential, Charter (release build) against fabric-ca-server in the same
# run, plain HTTP on loopback so TLS handshakes do not blur the figure: first the real
# fabric-ca-client enrolls COUNT credentials from each (both rounds, the secret checked with bcrypt
# twice: what an enrollment costs), then Benchmarks/idemix_benchmark.py times the credential round
# alone (token authentication, requests computed beforehand). Server CPU is user + system from /proc.
#   bash Benchmarks/idemix.sh [credentials]      # default 100
# fabric-ca's binaries: FABRIC_CA_BIN (a folder), else .build-interop/fabric-ca/bin (Scripts/interop.sh
# unpacks them there). Python: the test environment's (.venv, made by Scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-100}"
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
CHARTER_BENCH_PRODUCTS=charter source Benchmarks/common.sh
FABRIC_CA_BIN="${FABRIC_CA_BIN:-$PWD/.build-interop/fabric-ca/bin}"
if [ ! -x "$FABRIC_CA_BIN/fabric-ca-client" ]; then
    echo "fabric-ca binaries not found (FABRIC_CA_BIN or .build-interop/fabric-ca/bin): run Scripts/interop.sh once" >&2
    exit 1
fi
use_work_folder

cpu_seconds() { awk '{ printf "%.3f", ($14 + $15) / 100 }' "/proc/$1/stat"; }

wait_http() {
    for _ in $(seq 1 150); do
        curl -sf "http://127.0.0.1:$1/cainfo" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "server on port $1 did not start" >&2
    return 1
}

# measure NAME PID PORT: COUNT enrollments, after 3 to warm up
measure() {
    local name="$1" pid="$2" port="$3" before after
    for i in 1 2 3; do
        "$FABRIC_CA_BIN/fabric-ca-client" enroll -u "http://admin:adminpw@127.0.0.1:$port" -H "$WORK/warm-$name-$i" \
            --enrollment.type idemix > /dev/null 2>&1
    done
    before="$(cpu_seconds "$pid")"
    local start=$SECONDS
    for i in $(seq 1 "$COUNT"); do
        "$FABRIC_CA_BIN/fabric-ca-client" enroll -u "http://admin:adminpw@127.0.0.1:$port" -H "$WORK/$name-$i" \
            --enrollment.type idemix > /dev/null 2>&1
    done
    after="$(cpu_seconds "$pid")"
    awk -v n="$name" -v b="$before" -v a="$after" -v c="$COUNT" -v s=$((SECONDS - start)) \
        'BEGIN { printf "%-26s %6.2f ms of server CPU per enrollment, two rounds with bcrypt (%d, %d s)\n", n, (a - b) * 1000 / c, c, s }'
    "$PYTHON" Benchmarks/idemix_benchmark.py "$name" "$port" "$pid" "$COUNT"
}

PORT=17254
"$BIN/charter" server start -b admin:adminpw -H "$WORK/charter" -p "$PORT" --address 127.0.0.1 \
    --tls.enabled false --idemix.nonceexpiration 10m --operations.listenaddress "127.0.0.1:$((PORT + 1))" > "$WORK/charter.log" 2>&1 &
PIDS+=($!)
wait_http "$PORT"
measure charter "${PIDS[0]}" "$PORT"

FPORT=17264
"$FABRIC_CA_BIN/fabric-ca-server" start -b admin:adminpw -H "$WORK/fabric-ca" -p "$FPORT" --idemix.nonceexpiration 10m \
    --operations.listenaddress "127.0.0.1:$((FPORT + 1))" > "$WORK/fabric-ca.log" 2>&1 &
PIDS+=($!)
wait_http "$FPORT"
measure "fabric-ca-server $("$FABRIC_CA_BIN/fabric-ca-server" version 2>/dev/null | sed -n 's/^ *Version: *//p')" \
    "${PIDS[1]}" "$FPORT"
