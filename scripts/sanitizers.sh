#!/usr/bin/env bash
# Builds the whole suite under AddressSanitizer+UndefinedBehaviorSanitizer, then under
# ThreadSanitizer (the `asan` and `tsan` presets of CMakePresets.json, clang, Debug), and runs
# ctest for each, except the `consumer` tests (they configure and build separate projects,
# which the sanitizer flags are not meant for). Pass `asan` or `tsan` to run only one; any
# further arguments go to ctest (e.g. `bash scripts/sanitizers.sh tsan -L realtime`).
# Slow on 2 cores: expect 20-40 minutes for both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

which=(asan tsan)
if [[ $# -gt 0 && ( "$1" == asan || "$1" == tsan ) ]]; then
  which=("$1")
  shift
fi

supp="$root/tests/sanitizers"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
asan_options="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
tsan_options="halt_on_error=1:second_deadlock_stack=1"
[[ -f "$supp/tsan.supp" ]] && tsan_options="suppressions=$supp/tsan.supp:$tsan_options"
# The suppressions match function names, so reports must be symbolized. Debian's clang package
# brings llvm-symbolizer only under /usr/lib/llvm-N/bin (the unversioned name comes with `llvm`,
# which a minimal machine lacks): without it a suppressed false positive fails the run.
symbolizer=$(command -v llvm-symbolizer || ls -1 /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -n "$symbolizer" ]]; then
  export ASAN_SYMBOLIZER_PATH="$symbolizer"
  tsan_options="external_symbolizer_path=$symbolizer:$tsan_options"
  asan_options="external_symbolizer_path=$symbolizer:$asan_options"
else
  echo "warning: no llvm-symbolizer found; sanitizer reports will not be symbolized" >&2
fi
[[ -f "$supp/lsan.supp" ]] && export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"

status=0
for preset in "${which[@]}"; do
  echo "=== $preset: configure + build ==="
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: ctest (without the consumer label) ==="
  if [[ "$preset" == asan ]]; then
    env ASAN_OPTIONS="$asan_options" \
      ctest --test-dir "build-$preset" --output-on-failure -j "$jobs" -LE consumer "$@" || status=1
  else
    env TSAN_OPTIONS="$tsan_options" \
      ctest --test-dir "build-$preset" --output-on-failure -j "$jobs" -LE consumer "$@" || status=1
  fi
done
exit $status
