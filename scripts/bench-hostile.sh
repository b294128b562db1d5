#!/usr/bin/env bash
# Hostile and oversized input at live-check, the log checker, templates and
# `diff --base` (issue 24): each case is one whole command of the release
# binary under /usr/bin/time; prints a Markdown row per case with its exit
# code, wall time, peak memory and output size. Every case must end (a
# report or a located error), none may grow without bound.
#
#   bash scripts/bench-hostile.sh        # builds the inputs in target/bench-hostile
#
# Inputs are generated here, never committed; a Python server on 127.0.0.1
# answers the scrapes and the Prometheus API calls.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/bench-hostile"
rm -rf "$work/specs" "$work/templates" "$work/repo"
mkdir -p "$work/specs" "$work/templates/docs" "$work/www"
cargo build --release -q -p obspec-cli --manifest-path "$root/Cargo.toml"
obspec="$root/target/release/obspec"

cat > "$work/specs/shop.yaml" <<'YAML'
obspec: 1
service: shop
namespace: shop
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}
  shop_latency_seconds: {type: histogram, unit: seconds, help: Order latency., buckets: [0.1, 0.5, 1]}
logs:
  stream_labels: [level, event]
  events:
    order_placed:
      level: info
      message: Order placed.
      fields:
        status: {type: enum, values: [ok, failed]}
YAML

python3 - "$work/www" <<'PY'
import json, os, sys
www = sys.argv[1]
def write(name, gen):
    path = os.path.join(www, name)
    if os.path.exists(path):
        return
    with open(path, "w") as f:
        for chunk in gen():
            f.write(chunk)
# One sample with 100,000 labels (1.1 MB).
write("labels.prom", lambda: iter(["shop_orders_total{" + ",".join('l%d="v"' % i for i in range(100000)) + "} 1\n"]))
# 1.8 million histogram buckets (81 MB: read with --max-bytes 100000000).
def buckets():
    yield "# TYPE shop_latency_seconds histogram\n"
    for i in range(1800000):
        yield 'shop_latency_seconds_bucket{le="%d.5"} 1\n' % i
    yield 'shop_latency_seconds_bucket{le="+Inf"} 1\nshop_latency_seconds_count 1\nshop_latency_seconds_sum 1\n'
write("buckets.prom", buckets)
# 3.7 million undeclared families (58 MB).
write("families.prom", lambda: ("shop_m%d 1\n" % i for i in range(3700000)))
# 400,000 stored series (48 MB of JSON).
def series():
    yield '{"status":"success","data":['
    for i in range(400000):
        yield ("," if i else "") + json.dumps({
            "__name__": "shop_orders_total", "job": "shop",
            "instance": "10.0.%d.%d:9090" % (i // 250 % 250, i % 250),
            "status": "ok" if i % 2 else "failed", "pod": "shop-%d" % i})
    yield "]}"
write("series.json", series)
# Four log lines of 32 MiB each.
write("long.jsonl", lambda: ('{"msg":"' + "x" * (32 << 20) + '"}\n' for _ in range(4)))
PY

cat > "$work/serve.py" <<'PY'
import http.server, os, sys
www = sys.argv[1]
meta = b'{"status":"success","data":{"shop_orders_total":[{"type":"counter","help":"Orders placed.","unit":""}]}}'
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/api/v1/series"):
            body = open(os.path.join(www, "series.json"), "rb").read()
        elif self.path.startswith("/api/v1/metadata"):
            body = meta
        else:
            body = open(os.path.join(www, self.path.lstrip("/")), "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if "/api/" in self.path else "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
coproc SERVER { exec python3 "$work/serve.py" "$work/www" 2>/dev/null; }
read -r port <&"${SERVER[0]}"
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"

# The docs template override that never ends.
printf '%s\n' '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}' \
  > "$work/templates/docs/service.md.j2"

# 500 spec files in a git repository, one metric removed in the working tree.
mkdir -p "$work/repo/specs"
for i in $(seq 1 500); do
  sed "s/^service: shop/service: shop-$i/; s/^namespace: shop/namespace: shop$i/; s/shop_/shop${i}_/g" \
    "$work/specs/shop.yaml" > "$work/repo/specs/shop-$i.yaml"
done
git -C "$work/repo" init -q
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=b -c user.email=b@b commit -qm base
sed -i '/latency_seconds/d' "$work/repo/specs/shop-250.yaml"

echo "| case | input | exit | time | peak memory | output |"
echo "|---|---|---|---|---|---|"
row() {
  local name="$1" input="$2"
  shift 2
  local rc=0
  (cd "$work" && /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt") || rc=$?
  read -r secs kb < <(tail -1 "$work/time.txt")
  local out
  out=$(( $(stat -c %s "$work/out.txt") + $(stat -c %s "$work/err.txt") ))
  printf '| %s | %s | %s | %.2f s | %d MiB | %d bytes |\n' "$name" "$input" "$rc" "$secs" $((kb / 1024)) "$out"
}
size() { numfmt --to=iec --suffix=B "$(stat -c %s "$work/www/$1")"; }
row "one sample with 100,000 labels" "$(size labels.prom)" "$obspec" live-check specs --scrape "$base/labels.prom"
row "1.8 million histogram buckets" "$(size buckets.prom)" "$obspec" live-check specs --scrape "$base/buckets.prom" --max-bytes 100000000
row "3.7 million undeclared families, JSON" "$(size families.prom)" "$obspec" live-check specs --scrape "$base/families.prom" --format json
row "400,000 stored series (/api/v1/series)" "$(size series.json)" "$obspec" live-check specs --prometheus "$base" --max-bytes 100000000
row "four 32 MiB log lines" "$(size long.jsonl)" "$obspec" live-check specs --logs "$work/www/long.jsonl"
row "--logs /dev/zero, stopped after 10 s" "endless" timeout 10 "$obspec" live-check specs --logs /dev/zero
row "docs template looping without end" "one line" "$obspec" generate specs --templates templates --target docs --out out-docs
row "diff --base HEAD, 500 spec files" "500 files" env -C repo "$obspec" diff --base HEAD specs
