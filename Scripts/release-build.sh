#!/usr/bin/env bash
# Builds `charter` (and the benchmark tools) the way it is deployed, into .build-release/:
#   bash Scripts/release-build.sh [product…]     # default: charter EnrollBenchmark
# and prints the folder holding the binaries on its last line.
#
# Most of a server's resident memory is code: the kernel maps executable pages 64 KB around each
# first touch, so the few thousand functions a server runs, scattered over tens of megabytes of
# code, make most of it resident. This build keeps them together:
# - The Swift runtime and Foundation are linked in (-static-stdlib), so their code is laid out with
#   Charter's; nothing to load or resolve from shared libraries at start.
# - Every function gets its own section (Swift and C), so the linker drops unused ones and places
#   those named in Scripts/symbol-order/charter.order first, in that order (lld's symbol ordering).
#   Scripts/symbol-order/symbol-order.py regenerates the list from a running server.
# - The compiler's unnamed functions, which no list can name, are gathered in one place
#   (Scripts/symbol-order/unnamed-functions.lds); identical functions whose address nothing takes
#   are folded (--icf=safe).
# - No symbol is exported (swiftc exports all of an executable's by default): a smaller table for
#   the loader to search, and public functions nothing calls can be dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-release
LAYOUT="$PWD/Scripts/symbol-order"
ORDER="$LAYOUT/charter.order"
FLAGS=(
    -c release --scratch-path "$SCRATCH" --static-swift-stdlib -Xlinker --no-export-dynamic
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
)
# The layout needs lld (shipped with Swift's Linux toolchains); without it the build is the same
# but unordered.
if [ -x "$(dirname "$(readlink -f "$(command -v swiftc)")")/ld.lld" ] || command -v ld.lld >/dev/null; then
    FLAGS+=(
        -Xswiftc -use-ld=lld -Xlinker "--symbol-ordering-file=$ORDER" -Xlinker --no-warn-symbol-ordering
        -Xlinker -T -Xlinker "$LAYOUT/unnamed-functions.lds" -Xlinker --icf=safe
    )
    # Relative relocations packed (DT_RELR, glibc 2.36 and later): a few kilobytes for the loader
    # to read at start instead of megabytes of RELA entries.
    if [ "$(printf '%s\n' 2.36 "$(ldd --version | awk 'NR == 1 {print $NF}')" | sort -V | head -1)" = 2.36 ]; then
        FLAGS+=(-Xlinker -z -Xlinker pack-relative-relocs)
    fi
fi
products=("$@")
[ ${#products[@]} -eq 0 ] && products=(charter EnrollBenchmark)
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)"
# The layout files are not inputs SwiftPM tracks: relink when one is newer than the binary.
for input in "$ORDER" "$LAYOUT/unnamed-functions.lds"; do
    if [ -e "$BIN/charter" ] && [ "$input" -nt "$BIN/charter" ]; then rm -f "$BIN/charter"; fi
done
for product in "${products[@]}"; do
    swift build "${FLAGS[@]}" --product "$product" >&2
done
echo "$BIN"
