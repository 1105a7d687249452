# Shared by the benchmark runners (sourced, not run): release binaries and a wait for a server.

# Builds the server and the load generator as they are deployed (Scripts/release-build.sh); sets
# BIN to their folder.
BIN="$(bash Scripts/release-build.sh ${CHARTER_BENCH_PRODUCTS:-charter EnrollBenchmark})"

# wait_for PORT CA_FILE: until the server on PORT answers cainfo over TLS (30 s at most).
wait_for() {
    for _ in $(seq 1 150); do
        curl -sf --cacert "$2" "https://localhost:$1/cainfo" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "server on port $1 did not start" >&2
    return 1
}

# commits_of LOG: the commit durability a Charter server logged at start ("Commits: sqlite
# synchronous=FULL"), as one word for the benchmark's closing line (5 s at most).
commits_of() {
    for _ in $(seq 1 25); do
        local line
        line="$(sed -n 's/.*Commits: //p' "$1" | head -1)"
        [ -n "$line" ] && { echo "${line// /-}"; return 0; }
        sleep 0.2
    done
    echo unknown
}

# use_work_folder: WORK, a temporary folder, and PIDS, the processes to stop: both are cleaned up
# when the runner exits.
use_work_folder() {
    WORK="$(mktemp -d)"
    PIDS=()
    trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
}
