# Shared by bench-slo.sh and bench-eval.sh: `specs N DIR` writes N ratio SLOs
# over one counter for obspec (DIR/obspec, rules only; DIR/obspec-tests, with
# promtool tests) and the same SLOs for Sloth/slokit (DIR/sloth.yml).
specs() { # N DIR
  local n=$1 d=$2
  mkdir -p "$d/obspec" "$d/obspec-tests"
  cat > "$d/obspec/obspec.yaml" <<YAML
obspec: 1
conventions: {max_series_per_metric: 1000000, max_series_per_service: 1000000}
prometheus: {unit_tests: false}
YAML
  cat > "$d/obspec-tests/obspec.yaml" <<YAML
obspec: 1
conventions: {max_series_per_metric: 1000000, max_series_per_service: 1000000}
YAML
  {
    echo "obspec: 1"
    echo "service: bench"
    echo "namespace: bench"
    echo "labels:"
    echo "  route: {max_cardinality: $n}"
    echo "  code: {values: [\"200\", \"500\"]}"
    echo "metrics:"
    echo "  bench_requests_total: {type: counter, help: Requests., labels: [route, code]}"
    echo "slos:"
    for i in $(seq 1 "$n"); do
      echo "  slo-$i:"
      echo "    objective: 99.9"
      echo "    window: 30d"
      echo "    sli: {errors: 'bench_requests_total{route=\"r$i\", code=\"500\"}', total: 'bench_requests_total{route=\"r$i\"}'}"
    done
  } > "$d/obspec/bench.yaml"
  cp "$d/obspec/bench.yaml" "$d/obspec-tests/bench.yaml"
  {
    echo 'version: "prometheus/v1"'
    echo "service: bench"
    echo "slos:"
    for i in $(seq 1 "$n"); do
      echo "  - name: slo-$i"
      echo "    objective: 99.9"
      echo "    sli:"
      echo "      events:"
      echo "        error_query: sum(rate(bench_requests_total{route=\"r$i\",code=\"500\"}[{{.window}}]))"
      echo "        total_query: sum(rate(bench_requests_total{route=\"r$i\"}[{{.window}}]))"
      echo "    alerting:"
      echo "      name: Slo${i}Burn"
      echo "      page_alert: {labels: {severity: critical}}"
      echo "      ticket_alert: {labels: {severity: warning}}"
    done
  } > "$d/sloth.yml"
}
