#!/usr/bin/env bash
# README command 1: set up, build, compile the bundled example app and run it in real MicroPython; then seal
# it (signed and encrypted for a product key), verify it, and run what a key holder opens from the image.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
rm -rf build/example-app
build/src/cli/mpyseal build examples/app -o build/example-app
node tests/oracle/run_app.mjs build/example-app

echo "--- sealing the app"
keys=build/demo-keys
rm -rf "$keys" build/example-app.img build/example-app-opened
mkdir -p "$keys"
build/src/cli/mpyseal keygen signer --type ec-p256 -o "$keys/signer.pem" --pub "$keys/signer.pub.pem"
build/src/cli/mpyseal keygen device --type aes-256 -o "$keys/product.key"
build/src/cli/mpyseal build examples/app -o build/example-app.img --sign "$keys/signer.pem" \
    --to "$keys/product.key" --counter 1
build/src/cli/mpyseal verify build/example-app.img --trust "$keys/signer.pub.pem" --min-counter 1
build/src/cli/mpyseal open build/example-app.img --trust "$keys/signer.pub.pem" --key "$keys/product.key" \
    -o build/example-app-opened
node tests/oracle/run_app.mjs build/example-app-opened
