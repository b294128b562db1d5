#!/usr/bin/env bash
# Clean build time of a crate with 100 `#[derive(Metrics)]` structs and 100
# `#[obspec::instrument]` functions against the same crate written by hand
# against `prometheus`. Each struct has a labelled counter family (3 × 2 label
# values), a histogram and a gauge; each function records its calls by outcome
# and its latency (by hand: `with_label_values` on every call).
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
    for i in $(seq 1 $n); do
      cat <<RS
#[obspec::instrument(spec = "spec.yaml")]
pub fn f$i(x: u64) -> Result<u64, ()> {
    if x == 0 { return Err(()); }
    Ok(x + $i)
}
RS
    done
  } > "$d/src/lib.rs"
  {
    echo 'obspec: 1'
    echo 'service: bench'
    echo 'namespace: bench'
    printf 'functions:\n  names: ['
    for i in $(seq 1 $n); do printf 'f%s, ' "$i"; done
    printf ']\n  in_flight: true\n'
  } > "$d/spec.yaml"
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
    cat <<'RS'
fn calls() -> &'static IntCounterVec {
    static C: std::sync::OnceLock<IntCounterVec> = std::sync::OnceLock::new();
    C.get_or_init(|| IntCounterVec::new(Opts::new("bench_function_calls_total", "Calls."), &["function", "outcome"]).unwrap())
}
fn duration() -> &'static prometheus::HistogramVec {
    static H: std::sync::OnceLock<prometheus::HistogramVec> = std::sync::OnceLock::new();
    H.get_or_init(|| prometheus::HistogramVec::new(HistogramOpts::new("bench_function_duration_seconds", "Duration."), &["function"]).unwrap())
}
fn in_flight() -> &'static prometheus::IntGaugeVec {
    static G: std::sync::OnceLock<prometheus::IntGaugeVec> = std::sync::OnceLock::new();
    G.get_or_init(|| prometheus::IntGaugeVec::new(Opts::new("bench_function_in_flight", "In flight."), &["function"]).unwrap())
}
RS
    for i in $(seq 1 $n); do
      cat <<RS
pub fn f$i(x: u64) -> Result<u64, ()> {
    let g = in_flight().with_label_values(&["f$i"]);
    g.inc();
    let start = std::time::Instant::now();
    let r = (|| { if x == 0 { return Err(()); } Ok(x + $i) })();
    duration().with_label_values(&["f$i"]).observe(start.elapsed().as_secs_f64());
    calls().with_label_values(&["f$i", if r.is_ok() { "ok" } else { "error" }]).inc();
    g.dec();
    r
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
  printf '| %s (%s structs, %s functions) | %.1f s | %.2f s |\n' "$c" "$n" "$n" "$full" "$own"
done
