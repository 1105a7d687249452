#!/usr/bin/env bash
# The interoperability suite: real Fabric peers and orderers (2.5 and 3.1) run on Charter's
# identities, and the real fabric-ca-client and fabric-ca-server drive and meet Charter.
#
# Fabric comes from the release archives in ${FABRIC_ARCHIVES:-../shared/fabric} (unpacked once
# into .build-interop/), or from binaries already installed: FABRIC_BIN (a release's bin/, with
# config/ beside it) or `peer` on PATH, and `fabric-ca-client` on PATH. Without either, the suite
# says in one line that it was skipped, and succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."

ARCHIVES="${FABRIC_ARCHIVES:-../shared/fabric}"
UNPACKED=.build-interop

unpack() { # archive glob, folder
    local archive
    archive=$(ls $ARCHIVES/$1 2>/dev/null | head -n 1 || true)
    [ -n "$archive" ] || return 0
    if [ ! -x "$UNPACKED/$2/bin/$3" ]; then
        rm -rf "${UNPACKED:?}/$2" && mkdir -p "$UNPACKED/$2"
        tar -xJf "$archive" -C "$UNPACKED/$2"
    fi
    echo "$PWD/$UNPACKED/$2"
}

FABRIC_2_5="${FABRIC_2_5:-$(unpack 'hyperledger-fabric-linux-amd64-2.5.*.tar.xz' fabric-2.5 peer)}"
FABRIC_3_1="${FABRIC_3_1:-$(unpack 'hyperledger-fabric-linux-amd64-3.*.tar.xz' fabric-3.1 peer)}"
FABRIC_CA="${FABRIC_CA:-$(unpack 'hyperledger-fabric-ca-linux-amd64-1.5.*.tar.xz' fabric-ca fabric-ca-client)}"

# Installed binaries, as a user who downloaded Fabric has them: sorted into 2.5 and 3.x by version.
installed="${FABRIC_BIN:-$(dirname "$(command -v peer 2>/dev/null || echo /nonexistent/peer)")}"
if [ -x "$installed/peer" ]; then
    release=$(cd "$installed/.." && pwd)
    case "$("$installed/peer" version 2>/dev/null | sed -n 's/^ Version: //p')" in
        2.5.*) FABRIC_2_5="${FABRIC_2_5:-$release}" ;;
        3.*) FABRIC_3_1="${FABRIC_3_1:-$release}" ;;
    esac
fi
if [ -z "$FABRIC_CA" ] && command -v fabric-ca-client >/dev/null 2>&1; then
    FABRIC_CA=$(cd "$(dirname "$(command -v fabric-ca-client)")/.." && pwd)
fi

if [ -z "$FABRIC_2_5$FABRIC_3_1$FABRIC_CA" ]; then
    echo "Interoperability suite skipped: no Fabric archives in $ARCHIVES and no Fabric binaries (FABRIC_BIN or peer on PATH)"
    exit 0
fi

bash Scripts/bootstrap.sh >/dev/null
if [ -z "${CHARTER_BIN:-}" ]; then
    swift build --product charter
    CHARTER_BIN="$(swift build --show-bin-path)/charter"
fi
export CHARTER_BIN FABRIC_2_5 FABRIC_3_1 FABRIC_CA
exec .venv/bin/python -m pytest -q Tests/Interop "$@"
