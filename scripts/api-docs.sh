#!/usr/bin/env bash
# Builds the API reference from the public headers' comments (Doxygen, from Debian) into
# build/api/html (open build/api/html/index.html). Fails when Doxygen warns: a public class,
# function or member without a comment, or a comment that names a parameter that is not there.
# The test suite runs it too (ctest -R api_reference).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${1:-$root/build/api}"
if ! command -v doxygen >/dev/null; then
  bash "$root/scripts/install-deps.sh"
fi
mkdir -p "$out"
cd "$root"
warnings="$out/warnings.txt"
if ! (cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $out"; echo "WARN_LOGFILE = $warnings") | doxygen - >/dev/null; then
  echo "API reference: Doxygen warned (every public declaration needs a comment):" >&2
  cat "$warnings" >&2
  exit 1
fi
if [ -s "$warnings" ]; then
  cat "$warnings" >&2
  exit 1
fi
echo "API reference: $out/html/index.html"
