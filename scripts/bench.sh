#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them against the in-process emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${CENTRALI_BENCH_BUILD_DIR:-$root/build/bench}"
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCENTRALI_BUILD_TESTS=OFF -DCENTRALI_BUILD_EXAMPLES=OFF \
  -DCENTRALI_INSTALL=OFF -DCENTRALI_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target bench_get -j "$(nproc)" >/dev/null
"$build/tests/bench/bench_get" "$@"
