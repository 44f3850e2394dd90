#!/usr/bin/env bash
# P5: what `#include <centrali/client.hpp>` costs the compiler, against a TU that includes only
# what any libcurl + nlohmann client includes anyway (<nlohmann/json.hpp> and <curl/curl.h>).
#
#   tests/bench/header_cost.sh [RUNS] [TRACE_MARKDOWN_OUT]
#
# g++ -std=c++17 -O0 -c, RUNS (3) runs of each, interleaved, median. The compared figure is the
# compiler's CPU time (user + sys): on a 2-core machine shared with other builds, wall time
# mostly measures who else is compiling. Goal: ratio <= 1.5. Over it, clang's -ftime-trace of
# both TUs is summarised (tests/bench/time_trace_summary.mjs) into TRACE_MARKDOWN_OUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs="${1:-3}"
trace_out="${2:-}"
goal=1.5

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <centrali/client.hpp>\n' >"$work/sdk.cpp"
printf '#include <nlohmann/json.hpp>\n#include <curl/curl.h>\n' >"$work/baseline.cpp"

# Prints "CPU_SECONDS WALL_SECONDS" of one compile of $1.
compile() {
  local TIMEFORMAT='%U %S %R' times
  if ! times=$( { time g++ -std=c++17 -O0 -I"$root/include" -c "$work/$1.cpp" -o "$work/$1.o" 2>"$work/err"; } 2>&1 ); then
    echo "error: g++ failed on $1.cpp:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' <<<"$times"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/sdk.times"
: >"$work/baseline.times"
for ((i = 0; i < runs; i++)); do
  # Alternate the order, so that neither always compiles with a cache warmed by the other.
  if ((i % 2 == 0)); then order="sdk baseline"; else order="baseline sdk"; fi
  for tu in $order; do compile "$tu" >>"$work/$tu.times"; done
done
sdk_cpu=$(cut -d' ' -f1 "$work/sdk.times" | median)
base_cpu=$(cut -d' ' -f1 "$work/baseline.times" | median)
sdk_wall=$(cut -d' ' -f2 "$work/sdk.times" | median)
base_wall=$(cut -d' ' -f2 "$work/baseline.times" | median)
ratio=$(awk -v a="$sdk_cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f", a / b }')

echo "P5 header cost: g++ $(g++ -dumpfullversion) -std=c++17 -O0 -c, $runs runs each, medians of compiler CPU time:"
echo "  #include <centrali/client.hpp>                   ${sdk_cpu} s (wall ${sdk_wall} s)"
echo "  #include <nlohmann/json.hpp> + <curl/curl.h>     ${base_cpu} s (wall ${base_wall} s)"
echo "client.hpp/baseline = $ratio (goal <= $goal)"
echo "result p5.sdk_s $sdk_cpu"
echo "result p5.baseline_s $base_cpu"
echo "result p5.sdk_over_baseline $ratio"

if [ -n "$trace_out" ]; then
  if awk -v r="$ratio" -v g="$goal" 'BEGIN { exit !(r > g) }'; then
    if command -v clang++ >/dev/null && command -v node >/dev/null; then
      # -ftime-trace writes <object>.json beside the object file.
      for tu in sdk baseline; do
        clang++ -std=c++17 -O0 -I"$root/include" -ftime-trace -c "$work/$tu.cpp" -o "$work/$tu.clang.o"
      done
      node "$here/time_trace_summary.mjs" "$work/sdk.clang.json" "$work/baseline.clang.json" 10 >"$trace_out"
      echo "  over the goal: clang -ftime-trace summary written to ${trace_out#"$root"/}"
    else
      echo "  over the goal, but clang++ or node is missing: no -ftime-trace summary" | tee "$trace_out"
    fi
  else
    : >"$trace_out"
  fi
fi
