#!/usr/bin/env bash
# Runs every Charter check: the code style lint, the Swift unit and in-process suites, then the
# end-to-end suite that starts the real `charter` binary and drives it with openssl, Python
# cryptography, fabric-sdk-py and headless Chromium, then the interoperability suite with real
# Fabric peers, orderers and fabric-ca (skipped, in one line, where no Fabric binaries are found).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/bootstrap.sh
swift format lint --strict -r Sources Tests Benchmarks Fuzz
swift build --build-tests
swift test --skip-build
CHARTER_BIN="$(swift build --show-bin-path)/charter" .venv/bin/python -m pytest -q Tests/EndToEnd
CHARTER_BIN="$(swift build --show-bin-path)/charter" bash Scripts/interop.sh
