#!/usr/bin/env bash
# Clean build time of a crate with 100 `#[derive(Metrics)]` structs against the
# same crate written by hand against `prometheus`. Each struct has a labelled
# counter family (3 × 2 label values), a histogram and a gauge.
#
#   bash scripts/build-time.sh            # prints a Markdown table
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/build-time"
rm -rf "$work"
mkdir -p "$work"
n=100

gen_derived() {
  local d="$work/derived"
  mkdir -p "$d/src"
  cat > "$d/Cargo.toml" <<TOML
[package]
name = "derived"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
obspec = { path = "$root" }
[workspace]
TOML
  {
    echo 'use obspec::prometheus::{Gauge, Histogram, IntCounter};'
    echo 'use obspec::{Dense, LabelSet, LabelValue, Metrics};'
    echo '#[derive(LabelValue, Clone, Copy)] pub enum Region { Eu, Us, Apac }'
    echo '#[derive(LabelValue, Clone, Copy)] pub enum Status { Ok, Failed }'
    echo '#[derive(LabelSet, Clone, Copy)] pub struct L { region: Region, status: Status }'
    for i in $(seq 1 $n); do
      cat <<RS
#[derive(Metrics)]
#[metrics(namespace = "svc$i")]
pub struct Svc$i {
    #[metric(help = "Requests.")]
    pub svc${i}_requests_total: Dense<IntCounter, L>,
    #[metric(help = "Latency.", unit = "seconds", buckets = [0.1, 0.5, 1.0, 5.0])]
    pub svc${i}_latency_seconds: Histogram,
    #[metric(help = "Queue depth.")]
    pub svc${i}_queue_depth: Gauge,
}
RS
    done
  } > "$d/src/lib.rs"
}

gen_handwritten() {
  local d="$work/handwritten"
  mkdir -p "$d/src"
  cat > "$d/Cargo.toml" <<TOML
[package]
name = "handwritten"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
prometheus = { version = "0.14", default-features = false }
[workspace]
TOML
  {
    echo 'use prometheus::{Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, Opts, Registry};'
    for i in $(seq 1 $n); do
      cat <<RS
pub struct Svc$i {
    pub requests: Vec<IntCounter>,
    pub latency: Histogram,
    pub queue_depth: Gauge,
}
impl Svc$i {
    pub fn register(r: &Registry) -> prometheus::Result<Self> {
        let v = IntCounterVec::new(Opts::new("svc${i}_requests_total", "Requests."), &["region", "status"])?;
        r.register(Box::new(v.clone()))?;
        let mut requests = Vec::new();
        for region in ["eu", "us", "apac"] {
            for status in ["ok", "failed"] {
                requests.push(v.get_metric_with_label_values(&[region, status])?);
            }
        }
        let latency = Histogram::with_opts(HistogramOpts::new("svc${i}_latency_seconds", "Latency.").buckets(vec![0.1, 0.5, 1.0, 5.0]))?;
        r.register(Box::new(latency.clone()))?;
        let queue_depth = Gauge::with_opts(Opts::new("svc${i}_queue_depth", "Queue depth."))?;
        r.register(Box::new(queue_depth.clone()))?;
        Ok(Svc$i { requests, latency, queue_depth })
    }
}
RS
    done
  } > "$d/src/lib.rs"
}

gen_derived
gen_handwritten
cp "$root/Cargo.lock" "$work/derived/Cargo.lock"
cp "$root/Cargo.lock" "$work/handwritten/Cargo.lock"

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

echo "| crate | clean build, dependencies included | the crate alone (dependencies built) |"
echo "|---|---|---|"
for c in handwritten derived; do
  cd "$work/$c"
  full=$(seconds cargo build --offline --quiet)
  cargo clean --offline -p "$c" >/dev/null 2>&1
  own=$(seconds cargo build --offline --quiet)
  printf '| %s (%s structs) | %.1f s | %.2f s |\n' "$c" "$n" "$full" "$own"
done
