#!/usr/bin/env bash
# How every cost grows with the registry (Benchmarks/growth_benchmark.py): Charter on SQLite and
# on PostgreSQL, and fabric-ca-server on the same generated data, at each size; a Markdown table
# and a plot (PNG) at the end.
#   bash Benchmarks/growth.sh [sizes] [extra growth_benchmark.py options]   # default 10000,100000,1000000
# fabric-ca-server: FABRIC_CA_BIN (a folder), else .build-interop/fabric-ca/bin (Scripts/interop.sh
# unpacks it there); without it, Charter alone. PostgreSQL: Debian's (the test set-up installs it).
# Python: the test environment's (.venv, made by Scripts/test.sh); the plot installs matplotlib.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${1:-10000,100000,1000000}"
shift || true
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
CHARTER_BENCH_PRODUCTS="charter RegistryGenerator EnrollBenchmark" source Benchmarks/common.sh
FABRIC_CA_BIN="${FABRIC_CA_BIN:-$PWD/.build-interop/fabric-ca/bin}"
FABRIC=()
if [ -x "$FABRIC_CA_BIN/fabric-ca-server" ]; then
    FABRIC=(--fabric-ca "$FABRIC_CA_BIN/fabric-ca-server")
else
    echo "fabric-ca-server not found (FABRIC_CA_BIN or .build-interop/fabric-ca/bin): Charter alone" >&2
fi
OUT="$(mktemp -d)"
"$PYTHON" Benchmarks/growth_benchmark.py --sizes "$SIZES" "${FABRIC[@]}" --out "$OUT/growth.json" \
    --plot "$OUT/growth.png" "$@"
"$PYTHON" Benchmarks/growth_benchmark.py --table "$OUT/growth.json"
echo "results: $OUT/growth.json, plot: $OUT/growth.png"
