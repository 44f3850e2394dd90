#!/usr/bin/env bash
# Configures the `fuzz` preset (clang, libFuzzer + ASan + UBSan, build-fuzz/), builds the four
# fuzz targets of tests/fuzz, and runs each one's smoke test: the target over a copy of its
# checked-in corpus for a bounded time (CENTRALI_FUZZ_SECONDS, default 20 s each).
#   bash scripts/fuzz.sh                 # smoke tests only
#   bash scripts/fuzz.sh --regressions   # also replay tests/fuzz/regressions (known findings)
# A long run of one target, for example:
#   build-fuzz/tests/fuzz/fuzz_models -runs=10000000 -max_len=4096 -timeout=10 \
#       -rss_limit_mb=2048 <a scratch copy of tests/fuzz/corpus/fuzz_models>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds="${CENTRALI_FUZZ_SECONDS:-20}"

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is needed (Debian: apt-get install clang)" >&2
  exit 1
fi
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz.sh: the libFuzzer runtime is missing (Debian: apt-get install libclang-rt-14-dev)" >&2
  exit 1
fi

cmake --preset fuzz -DCENTRALI_FUZZ_SMOKE_SECONDS="$seconds"
cmake --build --preset fuzz -j "$(nproc)"

labels=(-L fuzz -LE regression)
[[ "${1:-}" == --regressions ]] && labels=(-L fuzz)
ctest --test-dir build-fuzz --output-on-failure "${labels[@]}"
