#!/usr/bin/env bash
# The README's test command (and all that CI runs): installs what is missing, builds everything
# with warnings as errors, and runs the whole ctest suite. Pass ctest arguments to narrow it,
# e.g. `bash scripts/test.sh -L records`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${CENTRALI_TEST_BUILD_DIR:-$root/build/test}"
jobs=$(nproc)

bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCENTRALI_BUILD_TESTS=ON -DCENTRALI_BUILD_EXAMPLES=ON
cmake --build "$build" -j "$jobs"
cd "$build"
ctest --output-on-failure -j "$jobs" "$@"
