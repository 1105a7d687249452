#!/usr/bin/env bash
# Builds Charter in release mode, starts a server in a temporary home on loopback, and runs the
# enrollment load generator against it. Usage: Benchmarks/enroll.sh [seconds-per-phase]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE="${1:-5}"
swift build -c release --product charter
swift build -c release --product EnrollBenchmark
BIN="$(swift build -c release --show-bin-path)"
HOME_DIR="$(mktemp -d)"
PORT="${CHARTER_BENCH_PORT:-17154}"
"$BIN/charter" server start -b admin:adminpw -H "$HOME_DIR" -p "$PORT" --address 127.0.0.1 \
    --operations.listenaddress "127.0.0.1:$((PORT + 1))" > "$HOME_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 1 100); do
    curl -sf --cacert "$HOME_DIR/ca-cert.pem" "https://localhost:$PORT/cainfo" >/dev/null 2>&1 && break
    sleep 0.2
done
"$BIN/EnrollBenchmark" --url "https://localhost:$PORT" --ca "$HOME_DIR/ca-cert.pem" --pid "$SERVER" \
    --seconds "$SECONDS_PER_PHASE" --durability "sqlite-wal-synchronous-full"
