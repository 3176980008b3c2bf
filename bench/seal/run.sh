#!/usr/bin/env bash
# Usage: bench/seal/run.sh BUILD_DIR   (configure with -DMPYSEAL_BUILD_BENCH=ON, Release or RelWithDebInfo)
set -euo pipefail
build=${1:?build dir}
cmake --build "$build" --target seal_bench -j2
"$build/bench/seal/seal_bench"
