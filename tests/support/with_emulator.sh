#!/usr/bin/env bash
# with_emulator.sh EMULATOR_BINARY COMMAND [ARGS...]
# Starts the standalone emulator on an ephemeral loopback port, runs COMMAND with CENTRALI_URL,
# CENTRALI_WORKSPACE and CENTRALI_TOKEN pointing at it, stops the emulator, and exits with
# COMMAND's status.
set -euo pipefail
emulator=$1; shift
workdir=$(mktemp -d)
token="demo-token-$RANDOM$RANDOM"
"$emulator" --host 127.0.0.1 --port 0 --workspace demo --token "$token" --port-file "$workdir/port" \
  >"$workdir/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  [ -s "$workdir/port" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$workdir/emulator.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$workdir/port" ] || { echo "emulator did not start" >&2; exit 1; }
export CENTRALI_URL="http://127.0.0.1:$(cat "$workdir/port")"
export CENTRALI_WORKSPACE=demo
export CENTRALI_TOKEN="$token"
"$@"
