#!/usr/bin/env bash
# README command 2: build and run every test: sanitizer + libFuzzer smoke runs, then the full ctest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# 0. Formatting: the committed .clang-format, checked (not applied) on every C++ file.
find src tests bench \( -name '*.cpp' -o -name '*.h' \) -print0 | xargs -0 clang-format --dry-run -Werror

# 1. Fuzz smoke runs under ASan + UBSan (clang/libFuzzer). FUZZ_SECONDS per target (default 20).
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMPYSEAL_FUZZ=ON -DMPYSEAL_SANITIZE=ON \
      -DMPYSEAL_BUILD_TESTS=OFF -DMPYSEAL_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2
tests/fuzz/smoke.sh build-fuzz "${FUZZ_SECONDS:-20}"

# 2. Everything else: unit, golden, oracle and differential tests.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
