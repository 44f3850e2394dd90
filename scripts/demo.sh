#!/usr/bin/env bash
# The README's demo: installs what is missing, builds the emulator and the quick start, starts
# the emulator on a loopback port and runs the quick start against it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${CENTRALI_DEMO_BUILD_DIR:-$root/build/demo}"

bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCENTRALI_BUILD_TESTS=OFF \
  -DCENTRALI_BUILD_EXAMPLES=ON -DCENTRALI_INSTALL=OFF >/dev/null
cmake --build "$build" --target centrali-emulator quickstart -j "$(nproc)" >/dev/null
# --exec: the emulator runs the quick start with CENTRALI_URL, CENTRALI_WORKSPACE and
# CENTRALI_TOKEN in its environment, then stops.
"$build/tests/emulator/centrali-emulator" --workspace demo --token "demo-token-$RANDOM$RANDOM" \
  --exec "$build/examples/quickstart"
