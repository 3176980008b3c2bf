#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian 12 machine (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ clang clang-format libclang-rt-14-dev ccache pkg-config
          libgtest-dev libgmock-dev libbenchmark-dev libfmt-dev libcli11-dev libgmp-dev
          libmbedtls-dev openssl
          nlohmann-json3-dev python3-cryptography python3-cryptography-vectors)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Tools that may come from elsewhere (a nodesource nodejs bundles npm and conflicts with Debian's npm;
# python3 may be a pyenv build): install Debian's only when the command is missing.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The WebAssembly MicroPython used as the oracle (tests/oracle) and by the example runner.
if [ ! -d tests/oracle/node_modules/@micropython/micropython-webassembly-pyscript ] ||
   [ ! -d tests/oracle/node_modules/@pybricks/mpy-cross-v6 ]; then
    echo "setup: installing the WebAssembly MicroPython (npm)"
    (cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
fi
