#!/usr/bin/env bash
# The README's test command (and all that CI runs): installs what is missing, then
#   1. builds everything with g++ as C++17 (warnings are errors) and runs the whole ctest suite;
#   2. builds it again with g++ as C++20, with the transport's code paths for the oldest
#      supported libcurl (7.68), and runs it (without the consumer projects);
#   3. builds and runs the suite under AddressSanitizer+UBSan (clang, C++20), then
#      ThreadSanitizer (clang, C++17): so g++ and clang each compile both standards;
#   4. runs each libFuzzer target for a short bounded time, and replays every past finding.
# With arguments, only step 1 runs and the arguments go to ctest, e.g.
# `bash scripts/test.sh -L records`. CENTRALI_QUICK=1 also stops after step 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${CENTRALI_TEST_BUILD_DIR:-$root/build/test}"
jobs=$(nproc)
started=$SECONDS

bash "$root/scripts/install-deps.sh"

echo "=== 1/4 the suite (g++, C++17) ==="
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCENTRALI_BUILD_TESTS=ON -DCENTRALI_BUILD_EXAMPLES=ON
cmake --build "$build" -j "$jobs"
(cd "$build" && ctest --output-on-failure -j "$jobs" "$@")
if [ $# -gt 0 ] || [ "${CENTRALI_QUICK:-0}" = 1 ]; then
  exit 0
fi

echo "=== 2/4 the suite as C++20, with libcurl 7.68's code paths (g++) === ($((SECONDS - started)) s so far)"
# No build type: -O0 without debug information, the quickest build (this stage is about
# compiling as C++20 and the old libcurl paths; stage 1 has the debug build).
cmake -S "$root" -B "$build-cxx20" -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_STANDARD=20 \
  "-DCMAKE_CXX_FLAGS=-DCENTRALI_LIBCURL_VERSION_NUM=0x074400 -DCURL_DISABLE_DEPRECATION" -DCENTRALI_BUILD_TESTS=ON -DCENTRALI_BUILD_EXAMPLES=ON
cmake --build "$build-cxx20" -j "$jobs"
(cd "$build-cxx20" && ctest --output-on-failure -j "$jobs" -LE consumer)

echo "=== 3/4 sanitizers (clang) === ($((SECONDS - started)) s so far)"
bash "$root/scripts/sanitizers.sh"

echo "=== 4/4 fuzzing (clang libFuzzer) === ($((SECONDS - started)) s so far)"
CENTRALI_FUZZ_SECONDS="${CENTRALI_FUZZ_SECONDS:-10}" bash "$root/scripts/fuzz.sh" --regressions
echo "all stages passed in $((SECONDS - started)) s"
