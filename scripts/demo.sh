#!/usr/bin/env bash
# README command 1: set up, build, compile the bundled example app and run it in real MicroPython.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
rm -rf build/example-app
build/src/cli/mpyseal build examples/app -o build/example-app
node tests/oracle/run_app.mjs build/example-app
