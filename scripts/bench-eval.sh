#!/usr/bin/env bash
# Rule evaluation at steady state: a real Prometheus with DAYS days of
# history for N SLOs, evaluating obspec's rules and then slokit's rules on the
# same SLIs.
#
#  1. Raw counters for DAYS days (one sample a minute) are written as
#     OpenMetrics and backfilled with `promtool tsdb create-blocks-from
#     openmetrics`; a small exporter continues the same counters live.
#  2. The recordings the long windows read (obspec: `slo:sli_errors:rate5m`
#     and `slo:sli_total:rate5m`, one sample per 5 minutes as their group's
#     interval records them; slokit: `slo:sli_error:ratio_rate5m`, one a
#     minute) are backfilled over the whole history with `promtool tsdb
#     create-blocks-from rules`, against a Prometheus serving the raw blocks.
#  3. For each rule set, Prometheus starts on raw + its recordings, scrapes the
#     exporter and evaluates every EVAL seconds; after WAIT seconds the script
#     reads `prometheus_rule_group_last_duration_seconds` over the last cycles
#     and the per-rule evaluation times from /api/v1/rules, and lists the
#     alerts pending or firing. One SLO in ten burns its budget 20x, one in
#     ten 4x: both rule sets must alert on the same SLOs with the same
#     severities.
#
# The backfills leave one block per recorded name per two hours; Prometheus
# compacts them (with the raw blocks) before the measured run.
# REUSE=1 skips to step 3 with the blocks of the last run (same N and DAYS).
#
#   cargo install slokit --root target/slokit     # once
#   N=100 DAYS=30 bash scripts/bench-eval.sh       # prints Markdown tables
set -euo pipefail
ulimit -n 1048576 2>/dev/null || ulimit -n 65536 2>/dev/null || true
root="$(cd "$(dirname "$0")/.." && pwd)"
N=${N:-100}
DAYS=${DAYS:-30}
EVAL=${EVAL:-15}
WAIT=${WAIT:-240}
work="$root/target/bench-eval"
slokit="${SLOKIT:-$root/target/slokit/bin/slokit}"
if [ "${REUSE:-0}" != 1 ]; then
  rm -rf "$work"
fi
mkdir -p "$work"
cargo build --release -q -p obspec-cli --manifest-path "$root/Cargo.toml"
obspec="$root/target/release/obspec"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# --- specs: the same N SLOs for both tools ------------------------------------
# shellcheck source=scripts/slo-specs.sh
. "$(dirname "$0")/slo-specs.sh"
specs "$N" "$work"
"$obspec" generate "$work/obspec" --target prometheus --out "$work/out" >/dev/null
"$slokit" generate -i "$work/sloth.yml" -o "$work/slokit.yml" >/dev/null 2>&1
obspec_rules="$work/out/prometheus/bench.rules.yml"

# --- raw history and the live exporter ----------------------------------------
# Route i serves 100 requests a second; its error share is 2% when i % 10 == 0
# (20x the budget), 0.4% when i % 10 == 5 (4x), 0.02% otherwise.
cat > "$work/series.py" <<'PY'
import sys, time
N = int(sys.argv[2])
def rates(i):
    share = 0.02 if i % 10 == 0 else 0.004 if i % 10 == 5 else 0.0002
    return 100.0 * (1 - share), 100.0 * share
if sys.argv[1] == "backfill":
    start, end, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    with open(out, "w") as f:
        f.write("# HELP bench_requests_total Requests.\n# TYPE bench_requests_total counter\n")
        for i in range(1, N + 1):
            for code, r in zip(("200", "500"), rates(i)):
                lab = 'bench_requests_total{route="r%d",code="%s"} ' % (i, code)
                f.write("".join("%s%.3f %d\n" % (lab, r * (t - start), t) for t in range(start, end + 1, 60)))
        f.write("# EOF\n")
else:
    import http.server
    start, port = int(sys.argv[3]), int(sys.argv[4])
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            t = time.time() - start
            lines = ["# TYPE bench_requests_total counter"]
            for i in range(1, N + 1):
                for code, r in zip(("200", "500"), rates(i)):
                    lines.append('bench_requests_total{route="r%d",code="%s"} %.3f' % (i, code, r * t))
            body = ("\n".join(lines) + "\n").encode()
            self.send_response(200); self.send_header("Content-Type", "text/plain"); self.end_headers(); self.wfile.write(body)
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
if [ "${REUSE:-0}" = 1 ]; then
  read -r start end t_raw t_rec_obspec t_rec_slokit < "$work/backfill.txt"
else
now=$(date +%s)
end=$((now / 60 * 60))
start=$((end - DAYS * 86400))
t0=$(date +%s.%N)
python3 "$work/series.py" backfill "$N" "$start" "$end" "$work/raw.om"
promtool tsdb create-blocks-from openmetrics "$work/raw.om" "$work/raw" >/dev/null
rm -f "$work/raw.om"
t_raw=$(echo "$(date +%s.%N) - $t0" | bc)
fi
eport=$(free_port)
python3 "$work/series.py" serve "$N" "$start" "$eport" & pids+=($!)

prom() { # DIR PORT RULES... : starts Prometheus on DIR/data
  local dir=$1 port=$2; shift 2
  local files=""
  for r in "$@"; do files="$files\"$r\", "; done
  cat > "$dir/prometheus.yml" <<YAML
global: {scrape_interval: 15s, evaluation_interval: ${EVAL}s}
rule_files: [${files%, }]
scrape_configs:
  - job_name: bench
    static_configs: [{targets: ["127.0.0.1:$eport"]}]
  - job_name: self
    scrape_interval: ${EVAL}s
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --storage.tsdb.retention.time=90d --web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && return 0
    sleep 1
  done
  echo "prometheus did not start: $dir/log" >&2
  return 1
}
query() { # PORT QUERY -> the first value, or nan
  curl -s "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "nan")'
}

# --- backfill of the recordings the long windows read -------------------------
if [ "${REUSE:-0}" != 1 ]; then
mkdir -p "$work/source"
cp -r "$work/raw" "$work/source/data"
sport=$(free_port)
prom "$work/source" "$sport"
python3 - "$obspec_rules" "$work/slokit.yml" "$work" <<'PY'
import json, sys, yaml
# One backfill rule per recorded name: the per-SLO rules joined with `or`,
# each wrapped in label_replace for the labels its rule adds. The recorded
# series are the same; the importer writes one block per rule per two hours,
# so per-SLO rules would leave more blocks than Prometheus can open.
def only(src, names, out):
    doc = yaml.safe_load(open(src))
    merged = {}
    for g in doc["groups"]:
        for r in g["rules"]:
            if r.get("record") not in names:
                continue
            expr = "(" + r["expr"].strip() + ")"
            for k, v in sorted((r.get("labels") or {}).items()):
                expr = "label_replace(%s, %s, %s, \"\", \"\")" % (expr, json.dumps(k), json.dumps(str(v).replace("$", "$$")))
            merged.setdefault(r["record"], []).append(expr)
    rules = [{"record": k, "expr": " or ".join(v)} for k, v in sorted(merged.items())]
    yaml.safe_dump({"groups": [{"name": "backfill", "rules": rules}]}, open(out, "w"), sort_keys=False, width=1 << 30)
only(sys.argv[1], {"slo:sli_errors:rate5m", "slo:sli_total:rate5m"}, sys.argv[3] + "/obspec-5m.yml")
only(sys.argv[2], {"slo:sli_error:ratio_rate5m"}, sys.argv[3] + "/slokit-5m.yml")
PY
backfill_rules() { # NAME INTERVAL
  local t0 s e
  t0=$(date +%s.%N)
  promtool tsdb create-blocks-from rules --start="$((start + 300))" --end="$end" \
    --eval-interval="$2" --url="http://127.0.0.1:$sport" \
    --output-dir="$work/rec-$1" "$work/$1-5m.yml" >"$work/rec-$1.log" 2>&1
  echo "$(date +%s.%N) - $t0" | bc
}
# Each at the cadence its rules record at: obspec's rates in their own group
# every 5 minutes; slokit's ratio with every evaluation, which is EVAL seconds
# live but 60 s here (a quarter of the samples it would read at steady state
# with EVAL=15: the comparison favours slokit).
t_rec_obspec=$(backfill_rules obspec 300s)
t_rec_slokit=$(backfill_rules slokit 60s)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
rm -rf "$work/source"
echo "$start $end $t_raw $t_rec_obspec $t_rec_slokit" > "$work/backfill.txt"
fi

# --- steady state --------------------------------------------------------------
# Prometheus first runs without rules until its compactor has merged the
# backfilled blocks (the block count and the compaction count unchanged for
# three minutes, at most COMPACT seconds), so that compaction does not run
# beside the evaluation that is measured.
compact() { # DIR
  local dir=$1 port last="" same=0 now_ blocks0
  port=$(free_port)
  prom "$dir" "$port"
  sleep 5
  blocks0=$(query "$port" 'prometheus_tsdb_blocks_loaded')
  for _ in $(seq 1 $((${COMPACT:-3600} / 30))); do
    sleep 30
    now_="$(query "$port" 'prometheus_tsdb_blocks_loaded') $(query "$port" 'prometheus_tsdb_compactions_total')"
    if [ "$now_" = "$last" ]; then same=$((same + 1)); else same=0; fi
    last=$now_
    [ "$same" -ge 6 ] && break
  done
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  echo "compacted $dir: $blocks0 blocks -> ${last%% *}" >&2
}
measure() { # NAME RULES
  local name=$1 rules=$2 dir="$work/prom-$1" port
  rm -rf "$dir"
  mkdir -p "$dir/data"
  cp -r "$work/raw/." "$dir/data/"
  cp -r "$work/rec-$name/." "$dir/data/"
  compact "$dir"
  port=$(free_port)
  prom "$dir" "$port" "$rules"
  sleep "$WAIT"
  local window=$((WAIT / 2))
  local per_cycle rules_n
  per_cycle=$(query "$port" "avg_over_time(sum(prometheus_rule_group_last_duration_seconds)[${window}s:${EVAL}s]) * 1000")
  rules_n=$(query "$port" 'sum(prometheus_rule_group_rules)')
  curl -s "http://127.0.0.1:$port/api/v1/rules" > "$dir/rules.json"
  curl -s "http://127.0.0.1:$port/api/v1/query" --data-urlencode 'query=ALERTS' > "$dir/alerts.json"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  printf '| %s | %s | %.1f ms |\n' "$name" "$rules_n" "$per_cycle"
}

echo "### Rule evaluation at steady state: $N SLOs, $DAYS days of history, Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}')"
echo
echo "Backfill: raw series $(printf %.0f "$t_raw") s; recordings for obspec $(printf %.0f "$t_rec_obspec") s, for slokit $(printf %.0f "$t_rec_slokit") s."
echo
echo "| rules from | rules loaded | evaluation time per cycle (mean of the last $((WAIT / 2)) s, all groups) |"
echo "|---|---|---|"
measure obspec "$obspec_rules"
measure slokit "$work/slokit.yml"
echo
python3 - "$work" <<'PY'
import json, sys, collections
work = sys.argv[1]
def costs(name):
    by = collections.defaultdict(float)
    groups = json.load(open(f"{work}/prom-{name}/rules.json"))["data"]["groups"]
    by["(all groups, last cycle)"] = sum(g.get("evaluationTime", 0) for g in groups) * 1000
    for g in groups:
        for r in g["rules"]:
            key = r.get("name", "?")
            by[key] += r.get("evaluationTime", 0) * 1000
    return by
def alerts(name, slo_label):
    out = set()
    for a in json.load(open(f"{work}/prom-{name}/alerts.json"))["data"]["result"]:
        m = a["metric"]
        out.add((m.get(slo_label, "?"), m.get("severity", "?")))
    return out
for name in ("obspec", "slokit"):
    c = costs(name)
    top = sorted(c.items(), key=lambda kv: -kv[1])[:7]
    print(f"{name}, the costliest rules by name (last evaluation, summed over SLOs): " + ", ".join(f"`{k}` {v:.1f} ms" for k, v in top))
    print()
a, b = alerts("obspec", "slo"), alerts("slokit", "sloth_slo")
print(f"Alerts pending or firing: obspec {len(a)}, slokit {len(b)}; the same (SLO, severity) pairs: {'yes' if a == b else 'no'}")
if a != b:
    print(f"only obspec: {sorted(a - b)[:10]}; only slokit: {sorted(b - a)[:10]}")
PY
