#!/usr/bin/env bash
# What the transparency log costs a reenroll. Runs the reenroll load against a release server in a
# temporary home while `perf record` samples the server's call stacks, then prints the share of the
# server's CPU spent in the log (appending leaves and subtree nodes, hashing, reading siblings:
# every sample under the log's code, the certificate row's own insert excepted) and the share spent
# writing and syncing the WAL (every table's pages, the log's among them): their sum bounds the
# log's cost from above. Sampling shares, unlike differences of two noisy runs, are stable to a
# few tenths of a percent. Needs `perf` (Debian's linux-perf).
#   bash Benchmarks/log_cost.sh [seconds] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD="${1:-20}"
CLIENTS="${2:-8}"
command -v perf >/dev/null || { echo "log_cost.sh needs perf (apt-get install linux-perf)" >&2; exit 1; }
source Benchmarks/common.sh
PORT="${CHARTER_BENCH_PORT:-17354}"
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN/charter" server start -b admin:adminpw -H "$WORK/home" -p "$PORT" --address 127.0.0.1 \
    --operations.listenaddress "127.0.0.1:$((PORT + 1))" > "$WORK/server.log" 2>&1 &
SERVER=$!
wait_for "$PORT" "$WORK/home/ca-cert.pem"
"$BIN/EnrollBenchmark" --url "https://localhost:$PORT" --ca "$WORK/home/ca-cert.pem" --pid "$SERVER" \
    --seconds "$SECONDS_OF_LOAD" --clients "$CLIENTS" --modes reenroll \
    --durability "$(commits_of "$WORK/server.log")-group-commit" > "$WORK/load.log" &
LOAD=$!
# Sample the middle of the load: past the identity's setup, before the load ends.
sleep "$(( SECONDS_OF_LOAD / 4 ))"
perf record -q -F 1999 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep "$(( SECONDS_OF_LOAD / 2 ))" 2>/dev/null
wait "$LOAD"
cat "$WORK/load.log"
perf script -i "$WORK/perf.data" -F ip,sym 2>/dev/null | python3 -c '
import re, sys
log = re.compile(r"SQLiteLog|PostgresLog")
row = re.compile(r"insertCached")
wal = re.compile(r"pwrite|fdatasync|fsync")
total = in_log = in_wal = 0
stack = []
def count():
    global total, in_log, in_wal
    if not stack:
        return
    total += 1
    frames = " ".join(stack)
    if log.search(frames) and not row.search(frames):
        in_log += 1
    elif wal.search(frames):
        in_wal += 1
for line in sys.stdin:
    if line.strip():
        stack.append(line.strip())
    else:
        count()
        stack = []
count()
cpu = float(re.search(r"server_cpu_ms_per_op=([0-9.]+)", open(sys.argv[1]).read()).group(1))
share = lambda n: 100.0 * n / max(total, 1)
print("log-cost: samples=%d server_cpu_ms_per_op=%.3f log_share=%.1f%% log_ms_per_op=%.3f "
      "wal_write_share=%.1f%% upper_bound=%.1f%% upper_bound_ms_per_op=%.3f target<=10%%" % (
    total, cpu, share(in_log), cpu * share(in_log) / 100, share(in_wal),
    share(in_log + in_wal), cpu * share(in_log + in_wal) / 100))
' "$WORK/load.log"
