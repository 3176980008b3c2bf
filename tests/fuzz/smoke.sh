#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from the seed corpus.
set -euo pipefail
build=${1:?build dir}; seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for fuzzer in $(find "$build/tests/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort); do
    name=$(basename "$fuzzer")
    work=$(mktemp -d)
    seeds=()
    [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
    [ -d "$here/../../../shared/conformance/programs" ] && [ "$name" = fuzz_compiler ] && seeds+=("$here/../../../shared/conformance/programs")
    [ -d "$here/../../../shared/conformance/golden" ] && [ "$name" = fuzz_mpy_reader ] && seeds+=("$here/../../../shared/conformance/golden")
    echo "fuzz smoke: $name for ${seconds}s"
    if ! "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=0 \
          "$work" "${seeds[@]}" >"$work.log" 2>&1; then
        echo "FAILED: $name"; tail -50 "$work.log"; status=1
    else
        grep -E '^#[0-9]+.*DONE' "$work.log" | tail -1 || true
    fi
    rm -rf "$work" "$work.log"
done
exit $status
