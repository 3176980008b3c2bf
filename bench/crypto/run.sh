#!/usr/bin/env bash
# Runs crypto_bench and `openssl speed` side by side, metric by metric (so that both see the same machine
# load), and prints the throughputs and the ratio ours/openssl. Both sides measure CPU time.
#   bench/crypto/run.sh [path/to/crypto_bench]     BENCH_SECONDS=2 by default (per side and metric)
# Build first: cmake --build build --target crypto_bench
set -euo pipefail
cd "$(dirname "$0")/../.."

bench="${1:-}"
if [ -z "$bench" ]; then
    for dir in build-crypto build; do
        if [ -x "$dir/bench/crypto/crypto_bench" ]; then bench="$dir/bench/crypto/crypto_bench"; break; fi
    done
fi
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
    echo "crypto_bench not found: cmake --build build --target crypto_bench, or pass its path" >&2
    exit 1
fi
command -v openssl >/dev/null || { echo "openssl CLI missing (scripts/setup.sh installs it)" >&2; exit 1; }

# Evidence that mbedTLS takes its AES-NI / PCLMULQDQ code: stop on those functions under gdb.
if command -v gdb >/dev/null; then
    for probe in "aes_128_ecb mbedtls_aesni_crypt_ecb" "aes_128_gcm mbedtls_aesni_gcm_mult"; do
        set -- $probe
        if gdb -batch -ex 'set breakpoint pending on' -ex "break $2" -ex run \
               --args "$bench" --benchmark_filter="$1\$" --benchmark_min_time=0.001 2>&1 \
               | grep -q "Breakpoint 1, .*$2"; then
            echo "hardware path: $1 reaches $2 (yes)"
        else
            echo "hardware path: $1 does NOT reach $2"
        fi
    done
fi

python3 - "$bench" "${BENCH_SECONDS:-2}" <<'EOF'
import json, subprocess, sys

bench, seconds = sys.argv[1], sys.argv[2]

def ours(name):
    out = subprocess.run([bench, f"--benchmark_filter=^(aesMode/|aesGcm/)?{name}$",
                          f"--benchmark_min_time={seconds}", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    run = doc["benchmarks"][0]
    return doc["context"], run

def openssl(args):
    out = subprocess.run(["openssl", "speed", "-mr", "-seconds", seconds] + args,
                         check=True, capture_output=True, text=True).stdout
    return [line.split(":") for line in out.splitlines() if line.startswith("+F")]

rows = []
context = None
for name in ["aes-128-ecb", "aes-256-ecb", "aes-128-cbc", "aes-256-cbc", "aes-128-ctr", "aes-256-ctr",
             "aes-128-gcm", "aes-256-gcm", "sha256"]:
    context, run = ours(name.replace("-", "_"))
    mine = run["bytes_per_second"] / 1e6
    theirs = float(openssl(["-bytes", "16384", "-evp", name])[0][3]) / 1e6
    rows.append((name + " (16 KiB)", "MB/s", mine, theirs))
for ours_sign, ours_verify, args, tag in [("rsa2048_sign", "rsa2048_verify", ["rsa2048"], "+F2"),
                                          ("ecdsap256_sign", "ecdsap256_verify", ["ecdsap256"], "+F4")]:
    sign = ours(ours_sign)[1]["items_per_second"]
    verify = ours(ours_verify)[1]["items_per_second"]
    fields = [f for f in openssl(args) if f[0] == tag][0]
    rows.append((ours_sign.replace("_", " "), "op/s", sign, float(fields[3])))
    rows.append((ours_verify.replace("_", " "), "op/s", verify, float(fields[4])))

print(f"mbedTLS {context.get('mbedtls')}, AES instructions: {context.get('aes_instructions')}, "
      f"GHASH carry-less multiply: {context.get('ghash_clmul')}")
print(subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip())
print(f"{'metric':<22} {'unit':<5} {'mpyseal':>12} {'openssl':>12} {'ratio':>7}")
for metric, unit, mine, theirs in rows:
    print(f"{metric:<22} {unit:<5} {mine:12.1f} {theirs:12.1f} {mine / theirs:7.2f}")
EOF
