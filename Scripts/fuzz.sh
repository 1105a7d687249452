#!/usr/bin/env bash
# Fuzzes every parser that reads attacker-controlled bytes with libFuzzer.
#   bash Scripts/fuzz.sh [seconds-per-target] [target …]
# Builds `charter-fuzz` with -sanitize=fuzzer into .build-fuzz (a separate build folder), then runs
# each target (all by default) for the given time (default 180 s), starting from the seed corpus in
# Fuzz/Corpus/<target>. New interesting inputs go to .build-fuzz/corpus/<target>; an input that
# crashes, hangs (10 s) or exceeds 2 GB is written to Fuzz/Crashes/<target>-…: move it into
# Fuzz/Corpus/<target>/ once fixed, and the corpus test replays it forever after.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-180}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(csr pem token bodies time server-config crypto-config transparency idemix acme route import)
fi

swift build --scratch-path .build-fuzz --product charter-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DCHARTER_LIBFUZZER -Xswiftc -use-ld=lld
binary="$(swift build --scratch-path .build-fuzz --show-bin-path)/charter-fuzz"

mkdir -p Fuzz/Crashes
status=0
for target in "${targets[@]}"; do
    work=".build-fuzz/corpus/$target"
    mkdir -p "$work"
    echo "== $target: $seconds s"
    CHARTER_FUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="Fuzz/Crashes/$target-" \
        "$work" "Fuzz/Corpus/$target" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==|SUMMARY|artifact_prefix|Test unit written)" \
        || true
    if ls Fuzz/Crashes/"$target"-* >/dev/null 2>&1; then
        echo "!! $target: crash inputs in Fuzz/Crashes/" >&2
        status=1
    fi
done
exit $status
