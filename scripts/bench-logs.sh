#!/usr/bin/env bash
# `obspec live-check --logs` on a large JSONL file: lines per second, bytes
# per second and peak memory (streaming: it must not grow with the file).
#
#   SIZE_MB=1024 bash scripts/bench-logs.sh     # prints a Markdown row
#
# The file repeats lines of the bundled payment-gateway events (the
# example service's own output shape, trace context included), one line in
# a thousand broken (a renamed field), so findings are counted all along.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SIZE_MB=${SIZE_MB:-1024}
work="$root/target/bench-logs"
mkdir -p "$work"
cargo build --release -q -p obspec-cli --manifest-path "$root/Cargo.toml"
obspec="$root/target/release/obspec"
file="$work/lines-$SIZE_MB.jsonl"
if [ ! -f "$file" ]; then
  python3 - "$file" "$SIZE_MB" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
lines = [
    '{"timestamp":"2026-12-02T16:42:26.721635Z","level":"INFO","target":"payment","event":"payment_authorized","message":"Payment authorized.","trace_id":"4bf92f3577b34da60000000000000001","span_id":"9e3779b97f4a7c15","region":"cn","payment_channel":"card","amount_cents":1904,"latency":0.135904514}',
    '{"timestamp":"2026-12-02T16:42:26.722239Z","level":"INFO","target":"payment","event":"request_finished","message":"Request finished.","trace_id":"4bf92f3577b34da60000000000000001","span_id":"9e3779b97f4a7c15","method":"POST","route":"/payments","status":201,"duration":0.136841329}',
    '{"timestamp":"2026-12-02T16:42:26.740241Z","level":"ERROR","target":"payment","event":"payment_failed","message":"Payment failed.","trace_id":"4bf92f3577b34da60000000000000002","span_id":"3c6ef372fe94f82b","region":"us","payment_channel":"wallet","reason":"bank_error","bank_code":"B042"}',
]
block = "\n".join(lines * 333) + "\n"
block += lines[0].replace('"amount_cents"', '"amount"') + "\n"
target = mb << 20
with open(path, "w") as f:
    written = 0
    while written < target:
        f.write(block)
        written += len(block)
PY
fi
bytes=$(stat -c %s "$file")
lines=$(wc -l < "$file")
/usr/bin/time -v "$obspec" live-check "$root/specs" --logs "$file" --max-findings 0 > "$work/out.txt" 2> "$work/time.txt" || true
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
tail -1 "$work/out.txt"
python3 - "$bytes" "$lines" "$secs" "$rss" <<'PY'
import sys
b, n, s, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print("| file | lines | time | lines per second | MB per second | peak memory |")
print("|---|---|---|---|---|---|")
print(f"| {b / 2**20:,.0f} MiB | {n:,} | {s:.2f} s | {n / s:,.0f} | {b / 2**20 / s:,.0f} | {rss / 1024:.1f} MiB |")
PY
