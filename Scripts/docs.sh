#!/usr/bin/env bash
# Writes the generated reference pages from the code: docs/reference/configuration.md (the
# server's and the client's tables of configuration keys) and docs/reference/cli.md (every
# command's help). Tests/EndToEnd/test_docs.py fails when the committed pages differ.
#   bash Scripts/docs.sh            # with the debug build (built when needed); CHARTER_BIN=… for another
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CHARTER_BIN:-}" ]; then
    swift build --product charter >/dev/null
    CHARTER_BIN="$(swift build --show-bin-path)/charter"
fi
mkdir -p docs/reference
"$CHARTER_BIN" docs configuration > docs/reference/configuration.md
"$CHARTER_BIN" docs cli > docs/reference/cli.md
echo "wrote docs/reference/configuration.md and docs/reference/cli.md"
