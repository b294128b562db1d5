#!/usr/bin/env bash
# obspec against slokit (a Rust port of Sloth, from crates.io) on equivalent SLOs:
#  1. generation time for 1,000 SLOs (one run of each tool per sample);
#  2. rule count and rule evaluation time in a real Prometheus for 100 SLOs.
#
#   cargo install slokit --root target/slokit   # once
#   bash scripts/bench-slo.sh                    # prints Markdown tables
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/bench-slo"
slokit="${SLOKIT:-$root/target/slokit/bin/slokit}"
rm -rf "$work"
mkdir -p "$work"
cargo build --release -q -p obspec-cli --manifest-path "$root/Cargo.toml"
obspec="$root/target/release/obspec"

# shellcheck source=scripts/slo-specs.sh
. "$(dirname "$0")/slo-specs.sh"

now() { date +%s.%N; }
mean_ms() { # command... ; runs 5 times
  local total=0 s e
  for _ in 1 2 3 4 5; do
    s=$(now); "$@" >/dev/null 2>&1; e=$(now)
    total=$(echo "$total + ($e - $s)" | bc)
  done
  echo "scale=1; $total * 1000 / 5" | bc
}

specs 1000 "$work/s1000"
ob() { rm -rf "$work/o1000"; "$obspec" generate "$work/s1000/obspec" --target prometheus --out "$work/o1000"; }
obt() { rm -rf "$work/o1000t"; "$obspec" generate "$work/s1000/obspec-tests" --target prometheus --out "$work/o1000t"; }
sk() { "$slokit" generate -i "$work/s1000/sloth.yml" -o "$work/s1000/slokit.yml"; }
ob; obt; sk
ob_ms=$(mean_ms ob)
obt_ms=$(mean_ms obt)
sk_ms=$(mean_ms sk)
ob_rules=$(grep -cE '^ +- (record|alert):' "$work/o1000/prometheus/bench.rules.yml")
sk_rules=$(grep -cE '^ +- (record|alert):' "$work/s1000/slokit.yml")
echo "### Generating rules for 1,000 SLOs (mean of 5 runs, wall time)"
echo
echo "| tool | time | rules | output |"
echo "|---|---|---|---|"
echo "| obspec generate --target prometheus (lint, then rules) | ${ob_ms} ms | $ob_rules | $(du -k "$work/o1000/prometheus" | cut -f1) KiB |"
echo "| obspec, also writing the promtool unit tests (10 test groups per SLO) | ${obt_ms} ms | $ob_rules | $(du -k "$work/o1000t/prometheus" | cut -f1) KiB |"
echo "| slokit generate | ${sk_ms} ms | $sk_rules | $(du -k "$work/s1000/slokit.yml" | cut -f1) KiB |"
echo
echo "speed-up (rules): $(echo "scale=1; $sk_ms / $ob_ms" | bc)×"
echo

# --- 100 SLOs in a real Prometheus -------------------------------------------
specs 100 "$work/s100"
"$obspec" generate "$work/s100/obspec" --target prometheus --out "$work/o100" >/dev/null 2>&1
"$slokit" generate -i "$work/s100/sloth.yml" -o "$work/s100/slokit.yml" >/dev/null 2>&1

# A tiny exporter: 100 routes × 2 codes, counters growing every scrape.
cat > "$work/exporter.py" <<'PY'
import http.server, sys, time
start = time.time()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        t = time.time() - start
        lines = ["# TYPE bench_requests_total counter"]
        for i in range(1, 101):
            lines.append('bench_requests_total{route="r%d",code="200"} %d' % (i, int(t * 100)))
            lines.append('bench_requests_total{route="r%d",code="500"} %d' % (i, int(t * (i % 7))))
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200); self.send_header("Content-Type", "text/plain"); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
eport=$(free_port)
python3 "$work/exporter.py" "$eport" & epid=$!
ppid_=""
trap 'kill $epid $ppid_ 2>/dev/null || true' EXIT

measure() { # NAME RULES_FILE
  local name=$1 rules=$2 port dir pid
  port=$(free_port); dir="$work/prom-$name"; mkdir -p "$dir"
  cat > "$dir/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 2s}
rule_files: ["$rules"]
scrape_configs:
  - job_name: bench
    static_configs: [{targets: ["127.0.0.1:$eport"]}]
  - job_name: self
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 & pid=$!
  ppid_=$pid
  sleep 50
  local q='avg_over_time(sum(prometheus_rule_group_last_duration_seconds)[30s:2s])'
  local dur rules_n
  dur=$(curl -s "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$q" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(float(r[0]["value"][1])*1000 if r else float("nan"))')
  rules_n=$(curl -s "http://127.0.0.1:$port/api/v1/query" --data-urlencode 'query=sum(prometheus_rule_group_rules)' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")')
  kill $pid; wait $pid 2>/dev/null || true
  printf '| %s | %s | %.2f ms |\n' "$name" "$rules_n" "$dur"
}
echo "### 100 SLOs in Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') (all groups, mean of the last 30 s)"
echo
echo "| rules from | rules loaded | evaluation time per round |"
echo "|---|---|---|"
measure obspec "$work/o100/prometheus/bench.rules.yml"
measure slokit "$work/s100/slokit.yml"
