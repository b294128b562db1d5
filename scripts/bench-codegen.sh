#!/usr/bin/env bash
# Whole-command figures of `obspec generate` at scale, as a user runs it
# (release build, wall time and peak memory from /usr/bin/time -v, median of
# 5 runs after one warm-up):
#  1. all targets, 10,000 metrics and 1,000 SLOs (10 services);
#  2. `--target rust`, the same 10,000 metrics;
#  3. `--target rust`, one service of 10,000 metrics.
#
#   bash scripts/bench-codegen.sh        # prints a Markdown table
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/bench-codegen"
rm -rf "$work"
mkdir -p "$work/ten" "$work/one"
cargo build --release -q -p obspec-cli --manifest-path "$root/Cargo.toml"
obspec="$root/target/release/obspec"

project='obspec: 1
conventions: {max_series_per_metric: 1000000, max_series_per_service: 100000000}
prometheus: {unit_tests: true}'
echo "$project" > "$work/ten/obspec.yaml"
echo "$project" > "$work/one/obspec.yaml"

# service NAME METRICS SLOS: counters, gauges and histograms in turn; one
# ratio SLO per counter until SLOS are written.
service() {
  local name=$1 n=$2 slos=$3 i
  echo "obspec: 1"
  echo "service: $name"
  echo "namespace: $name"
  echo "labels:"
  echo "  region: {values: [eu, us, apac]}"
  echo "  status: {values: [ok, failed]}"
  echo "  route: {max_cardinality: 20}"
  echo "metrics:"
  for ((i = 0; i < n; i++)); do
    case $((i % 3)) in
      0) echo "  ${name}_m${i}_total: {type: counter, help: Counter $i., labels: [region, status]}" ;;
      1) echo "  ${name}_m${i}: {type: gauge, help: Gauge $i., labels: [route]}" ;;
      2) echo "  ${name}_m${i}_seconds: {type: histogram, unit: seconds, help: Histogram $i., labels: [region], buckets: [0.1, 0.5, 1, 5]}" ;;
    esac
  done
  if [ "$slos" -gt 0 ]; then
    echo "slos:"
    for ((i = 0; i < slos; i++)); do
      echo "  $name-slo-$i: {objective: 99.9, window: 30d, sli: {errors: '${name}_m$((i * 3))_total{status=\"failed\"}', total: ${name}_m$((i * 3))_total}}"
    done
  fi
}
for s in $(seq 0 9); do service "svc$s" 1000 100 > "$work/ten/svc$s.yaml"; done
service big 10000 0 > "$work/one/big.yaml"

# median of 5 runs (after a warm-up) of wall seconds and peak MiB
measure() { # OUT ARGS...
  local out=$1; shift
  local runs=()
  if ! "$obspec" generate "$@" --out "$out" >/dev/null 2>&1; then
    echo "obspec generate $* failed" >&2
    kill -TERM $$
  fi
  for _ in 1 2 3 4 5; do
    rm -rf "$out"
    /usr/bin/time -o "$work/time" -f '%e %M' "$obspec" generate "$@" --out "$out" >/dev/null 2>&1
    runs+=("$(tail -1 "$work/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p | awk '{printf "%.2f s | %.0f MiB", $1, $2 / 1024}'
}

echo "| work | wall (median of 5) | peak memory |"
echo "|---|---|---|"
echo "| generate, all targets, 10,000 metrics / 1,000 SLOs (10 services) | $(measure "$work/out-all" "$work/ten") |"
echo "| --target rust, 10,000 metrics (10 services) | $(measure "$work/out-rust" "$work/ten" --target rust) |"
echo "| --target rust, 10,000 metrics (one service) | $(measure "$work/out-one" "$work/one" --target rust) |"
