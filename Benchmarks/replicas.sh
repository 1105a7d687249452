#!/usr/bin/env bash
# The enrollment benchmark on PostgreSQL: one Charter replica on a private PostgreSQL cluster, then
# two replicas behind HAProxy (TCP mode, health checks on /healthz), same load generator.
# Prints, per phase, the servers' CPU per operation (replicas and balancer) and the database's
# (PostgreSQL and its backends) apart. Needs PostgreSQL's initdb and haproxy (Scripts/bootstrap.sh).
#   bash Benchmarks/replicas.sh [seconds-per-phase]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE="${1:-5}"
source Benchmarks/common.sh
PORT="${CHARTER_BENCH_PORT:-17254}"
PG_BIN="$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")"
use_work_folder

# PostgreSQL refuses to run as root: under root the cluster belongs to nobody.
AS_OWNER=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$WORK"
    AS_OWNER=(runuser -u nobody --)
fi
"${AS_OWNER[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U charter -A trust -E UTF8 >/dev/null
"${AS_OWNER[@]}" "$PG_BIN/postgres" -D "$WORK/pg" -p "$((PORT + 9))" -k "$WORK" \
    -c listen_addresses=127.0.0.1 -c max_connections=200 > "$WORK/postgres.log" 2>&1 &
PG_PID=$!
PIDS+=("$PG_PID")
for _ in $(seq 1 100); do "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$((PORT + 9))" && break; sleep 0.1; done
"$PG_BIN/createdb" -h 127.0.0.1 -p "$((PORT + 9))" -U charter ca

start_replica() { # home port
    mkdir -p "$1"
    "$BIN/charter" server start -b admin:adminpw -H "$1" -p "$2" --address 127.0.0.1 \
        --operations.listenaddress "127.0.0.1:$(($2 + 1))" > "$1/server.log" 2>&1 &
    PIDS+=($!)
    wait_for "$2" "$1/ca-cert.pem"
}

mkdir -p "$WORK/r1"
printf 'db:\n  type: postgres\n  datasource: host=127.0.0.1 port=%s user=charter dbname=ca sslmode=disable\n' \
    "$((PORT + 9))" > "$WORK/r1/charter-server-config.yaml"
start_replica "$WORK/r1" "$PORT"
R1=${PIDS[-1]}
echo "== Charter, one replica on PostgreSQL"
"$BIN/EnrollBenchmark" --url "https://localhost:$PORT" --ca "$WORK/r1/ca-cert.pem" --pid "$R1" --db-pid "$PG_PID" \
    --seconds "$SECONDS_PER_PHASE" --durability "$(commits_of "$WORK/r1/server.log")"

# The second replica: a copy of the first home (CA key, TLS pair, secret key), same database.
cp -a "$WORK/r1" "$WORK/r2"
rm -f "$WORK/r2/server.log"
start_replica "$WORK/r2" "$((PORT + 2))"
R2=${PIDS[-1]}
cat > "$WORK/haproxy.cfg" <<EOF
global
    maxconn 1024
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend charter
    bind 127.0.0.1:$((PORT + 4))
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    server r1 127.0.0.1:$PORT check port $((PORT + 1)) inter 1s
    server r2 127.0.0.1:$((PORT + 2)) check port $((PORT + 3)) inter 1s
EOF
haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
HAPROXY=$!
PIDS+=("$HAPROXY")
wait_for "$((PORT + 4))" "$WORK/r1/ca-cert.pem"
echo "== Charter, two replicas behind HAProxy (server CPU: both replicas and HAProxy)"
"$BIN/EnrollBenchmark" --url "https://localhost:$((PORT + 4))" --ca "$WORK/r1/ca-cert.pem" \
    --pid "$R1,$R2,$HAPROXY" --db-pid "$PG_PID" --seconds "$SECONDS_PER_PHASE" \
    --durability "$(commits_of "$WORK/r2/server.log")"
