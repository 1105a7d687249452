# Shared by the benchmark runners (sourced, not run): release binaries and a wait for a server.

# Builds the server and the load generator in release mode; sets BIN to their folder.
swift build -c release --product charter
swift build -c release --product EnrollBenchmark
BIN="$(swift build -c release --show-bin-path)"

# wait_for PORT CA_FILE: until the server on PORT answers cainfo over TLS (30 s at most).
wait_for() {
    for _ in $(seq 1 150); do
        curl -sf --cacert "$2" "https://localhost:$1/cainfo" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "server on port $1 did not start" >&2
    return 1
}
