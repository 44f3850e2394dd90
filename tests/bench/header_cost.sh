#!/usr/bin/env bash
# What compiling a translation unit that uses the SDK costs, against one that makes the same call
# by hand: the compiler's CPU time and its peak memory.
#
#   tests/bench/header_cost.sh [RUNS] [TRACE_MARKDOWN_OUT]
#
# The SDK's TU includes <centrali/client.hpp>, constructs a Client and makes one records().get
# call; the baseline TU includes <nlohmann/json.hpp> and <curl/curl.h> and makes that GET with
# libcurl and json::parse. Both are compiled with -c for every combination of g++ / clang++,
# -O0 / -O2 and, for the SDK, header-only / compiled mode (CENTRALI_SEPARATE_COMPILATION: the
# library's own TU, include/centrali/impl/src.hpp, is compiled once per build and not counted).
# RUNS (3) runs of each, all interleaved in rotating order; medians. CPU time (user + sys), not
# wall time: on a 2-core machine shared with other builds, wall time mostly measures who else is
# compiling. Peak memory is the compiler's maximum resident set size (GNU time's %M).
# Goals (issue 12): SDK / baseline <= 1.3 in compiled mode, <= 2.5 header-only.
#
# TRACE_MARKDOWN_OUT, when given, receives clang's -ftime-trace of the header-only TU and the
# baseline at -O0, summarised by tests/bench/time_trace_summary.mjs (needs node).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs="${1:-3}"
trace_out="${2:-}"
goal_compiled=1.3
goal_header_only=2.5

if [ ! -x /usr/bin/time ]; then
  echo "error: GNU time (/usr/bin/time, Debian package 'time') is needed for peak memory" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/sdk.cpp" <<'EOF'
#include <centrali/client.hpp>

#include <iostream>

int main() {
    centrali::ClientOptions options;
    options.base_url = "http://127.0.0.1:8080";
    options.workspace = "acme";
    options.token = "token";
    centrali::Client client(options);
    const centrali::Record order = client.records().get("orders", "r1");
    std::cout << order.id << '\n';
}
EOF

cat >"$work/baseline.cpp" <<'EOF'
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* body) {
    static_cast<std::string*>(body)->append(data, size * count);
    return size * count;
}

int main() {
    CURL* curl = curl_easy_init();
    std::string body;
    curl_slist* headers = curl_slist_append(nullptr, "Authorization: Bearer token");
    curl_easy_setopt(curl, CURLOPT_URL, "http://127.0.0.1:8080/data/workspace/acme/api/v1/records/slug/orders/r1");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(curl) != CURLE_OK) return 1;
    const nlohmann::json order = nlohmann::json::parse(body);
    std::cout << order["data"]["id"].get<std::string>() << '\n';
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}
EOF

compilers=()
command -v g++ >/dev/null && compilers+=(g++)
command -v clang++ >/dev/null && compilers+=(clang++)
levels=(-O0 -O2)

# A configuration: "compiler level tu mode".
configs=()
for cc in "${compilers[@]}"; do
  for level in "${levels[@]}"; do
    configs+=("$cc $level baseline -" "$cc $level sdk header-only" "$cc $level sdk compiled")
  done
done

# Compiles one configuration once; appends "CPU_SECONDS PEAK_KIB" to its file.
compile() {
  local cc=$1 level=$2 tu=$3 mode=$4 key flags=()
  key="$cc.$level.$tu.$mode"
  [ "$mode" = compiled ] && flags+=(-DCENTRALI_SEPARATE_COMPILATION)
  if ! /usr/bin/time -f '%U %S %M' -o "$work/measure" \
    "$cc" -std=c++17 "$level" "${flags[@]}" -I"$root/include" -c "$work/$tu.cpp" -o "$work/$key.o" 2>"$work/err"; then
    echo "error: $cc $level ($mode) failed on $tu.cpp:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  awk '{ printf "%.3f %d\n", $1 + $2, $3 }' "$work/measure" >>"$work/$key.times"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for ((i = 0; i < runs; i++)); do
  # Rotate the order, so that no configuration always follows the same neighbour.
  n=${#configs[@]}
  for ((j = 0; j < n; j++)); do
    # shellcheck disable=SC2086
    compile ${configs[$(((i + j) % n))]}
  done
done

stat() { # key column -> median
  cut -d' ' -f"$2" "$work/$1.times" | median
}

echo "Compile cost: a TU that constructs a Client and makes one records().get, over one making the"
echo "same GET with libcurl + nlohmann::json; -std=c++17 -c, $runs runs each interleaved, medians."
printf '  %-8s %-4s %-12s %10s %10s %8s %8s\n' compiler opt mode "CPU s" "peak MiB" "CPU ×" "memory ×"
for cc in "${compilers[@]}"; do
  name=${cc%++}
  [ "$name" = g ] && name=gcc
  for level in "${levels[@]}"; do
    base_cpu=$(stat "$cc.$level.baseline.-" 1)
    base_kib=$(stat "$cc.$level.baseline.-" 2)
    printf '  %-8s %-4s %-12s %10.2f %10.0f %8s %8s\n' "$cc" "$level" baseline "$base_cpu" \
      "$(awk -v k="$base_kib" 'BEGIN { print k / 1024 }')" "" ""
    for mode in header-only compiled; do
      cpu=$(stat "$cc.$level.sdk.$mode" 1)
      kib=$(stat "$cc.$level.sdk.$mode" 2)
      cpu_ratio=$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f", a / b }')
      mem_ratio=$(awk -v a="$kib" -v b="$base_kib" 'BEGIN { printf "%.2f", a / b }')
      printf '  %-8s %-4s %-12s %10.2f %10.0f %8s %8s\n' "$cc" "$level" "$mode" "$cpu" \
        "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$cpu_ratio" "$mem_ratio"
      tag="compile.$name.${level#-}.$mode"
      echo "result $tag.sdk_s $cpu"
      echo "result $tag.baseline_s $base_cpu"
      echo "result $tag.cpu_ratio $cpu_ratio"
      echo "result $tag.mem_ratio $mem_ratio"
    done
  done
done
echo "goals: compiled mode <= $goal_compiled, header-only <= $goal_header_only (CPU and memory)"

if [ -n "$trace_out" ]; then
  if command -v clang++ >/dev/null && command -v node >/dev/null; then
    # -ftime-trace writes <object>.json beside the object file.
    for tu in sdk baseline; do
      clang++ -std=c++17 -O0 -I"$root/include" -ftime-trace -c "$work/$tu.cpp" -o "$work/$tu.trace.o"
    done
    node "$here/time_trace_summary.mjs" "$work/sdk.trace.json" "$work/baseline.trace.json" 15 >"$trace_out"
  else
    echo "clang++ or node is missing: no -ftime-trace summary" >"$trace_out"
  fi
fi
