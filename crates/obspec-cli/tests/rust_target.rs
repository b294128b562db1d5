//! The `rust` target, compiled for real: a spec written here (not a bundled
//! one) is generated, included in a fresh crate that depends only on `obspec`,
//! built under `#![deny(warnings)]`, run, and its exposition checked.

use std::path::PathBuf;
use std::process::Command;

use obspec_test_support::repo_root as repo;

const SPEC: &str = r#"obspec: 1
service: checkout
namespace: checkout
const_labels: {tier: gold}
labels:
  status: {values: [ok, failed, "timed-out"]}
  method: {values: [GET, POST]}
  type: {values: [a, b]}
  country: {max_cardinality: 2, overflow_value: other, description: "Billing country"}
  result: {values: [ok, err]}
  box: {values: [small, large]}
  string: {values: [a-b, a_b]}
metrics:
  checkout_shadowing_total:
    type: counter
    help: Labels whose enums shadow prelude names (Result, Box, String).
    labels: [result, box, string]
  checkout_orders_total:
    type: counter
    help: "Orders by \"outcome\"."
    labels: [status, country]
  checkout_requests_total:
    type: counter
    help: Requests by method and status.
    labels: [method, status, type]
  checkout_duration_seconds:
    type: histogram
    unit: seconds
    help: Checkout duration.
    labels: [method]
    buckets: [0.1, 0.5, 1, 5]
  checkout_sent_bytes_total:
    type: counter
    unit: bytes
    help: Bytes sent.
  checkout_queue_depth:
    type: gauge
    help: Queued checkouts.
  checkout_build_info:
    type: info
    help: Build information.
"#;

const MAIN: &str = r#"#![deny(warnings)]

#[allow(clippy::all)]
mod metrics {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/gen/rust/checkout.rs"));
}

#[allow(clippy::all)]
mod empty {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/gen/rust/empty.rs"));
}

use metrics::{Method, Status, Type};

fn main() {
    let registry = obspec::prometheus::Registry::new();
    let m = metrics::CheckoutMetrics::register(&registry).expect("register");
    empty::EmptyMetrics::register(&registry).expect("register an empty service");
    m.checkout_shadowing_total.with(metrics::Result::Err, metrics::Box::Large, metrics::String::AB1).inc();
    assert_eq!(metrics::String::AB.as_str(), "a-b");
    m.checkout_requests_total.with(Method::Post, Status::TimedOut, Type::B).inc();
    m.checkout_duration_seconds.with(Method::Get).observe(0.3);
    m.checkout_orders_total.with(Status::Ok, "de").inc();
    m.checkout_orders_total.with(Status::Ok, "fr").inc();
    m.checkout_orders_total.with(Status::Ok, "us").inc();
    m.checkout_sent_bytes_total.inc_by(10.0);
    m.checkout_queue_depth.set(3.0);
    assert_eq!("timed-out".parse::<Status>().unwrap(), Status::TimedOut);
    assert!("nope".parse::<Status>().is_err());
    assert_eq!(Status::ALL.len(), 3);
    assert_eq!(Method::Post.to_string(), "POST");
    let mut out = Vec::new();
    obspec::prometheus::Encoder::encode(&obspec::prometheus::TextEncoder::new(), &registry.gather(), &mut out).unwrap();
    print!("{}", String::from_utf8(out).unwrap());
}
"#;

#[test]
fn generated_rust_compiles_and_exports_every_child() {
    let dir = std::env::temp_dir().join(format!("obspec-rust-target-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("specs/checkout.yaml"), SPEC).unwrap();
    std::fs::write(
        dir.join("specs/empty.yaml"),
        "obspec: 1\nservice: empty\nnamespace: empty\n",
    )
    .unwrap();

    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["generate", "specs", "--target", "rust", "--out", "gen"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let manifest = format!(
        "[package]\nname = \"scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nobspec = {{ path = {:?} }}\n\n[workspace]\n",
        repo().join("crates/obspec").display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    // Same dependency versions as the workspace, no registry round trip.
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let o = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", repo().join("target/scratch"))
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(&dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "scratch crate failed:\n{}\n{out}",
        String::from_utf8_lossy(&o.stderr)
    );

    // HELP texts from the spec, escaped as the exposition format wants.
    assert!(
        out.contains("# HELP checkout_orders_total Orders by \"outcome\"."),
        "{out}"
    );
    assert!(
        out.contains("# HELP checkout_duration_seconds Checkout duration."),
        "{out}"
    );
    assert!(
        out.contains("# TYPE checkout_requests_total counter"),
        "{out}"
    );
    // Every closed-domain child exists, at 0 unless touched: 2 × 3 × 2 = 12.
    let requests: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("checkout_requests_total{"))
        .collect();
    assert_eq!(requests.len(), 12, "{out}");
    assert!(
        out.contains(
            "checkout_requests_total{method=\"GET\",status=\"ok\",tier=\"gold\",type=\"a\"} 0"
        ),
        "{out}"
    );
    assert!(out.contains("checkout_requests_total{method=\"POST\",status=\"timed-out\",tier=\"gold\",type=\"b\"} 1"), "{out}");
    // Histogram children for both methods, with the spec's buckets.
    assert!(
        out.contains("checkout_duration_seconds_bucket{method=\"GET\",tier=\"gold\",le=\"0.5\"} 1"),
        "{out}"
    );
    assert!(
        out.contains("checkout_duration_seconds_count{method=\"POST\",tier=\"gold\"} 0"),
        "{out}"
    );
    // The open label admitted 2 values; the third became the overflow value and was counted.
    assert!(
        out.contains("checkout_orders_total{country=\"other\",status=\"ok\",tier=\"gold\"} 1"),
        "{out}"
    );
    assert!(
        out.contains("checkout_obspec_label_overflow_total{label=\"country\",tier=\"gold\"} 1"),
        "{out}"
    );
    assert!(
        out.contains("checkout_sent_bytes_total{tier=\"gold\"} 10"),
        "{out}"
    );
    assert!(
        out.contains("# HELP checkout_build_info Build information."),
        "{out}"
    );
    assert!(
        out.contains("checkout_build_info{tier=\"gold\"} 1"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// A snake_case name of about `min + below(spread)` characters.
    fn words(&mut self, min: usize, spread: usize) -> String {
        let len = min + self.below(spread);
        const W: &[&str] = &[
            "request",
            "queue",
            "db",
            "io",
            "payment",
            "retry",
            "x",
            "workflow",
            "agent",
            "tool",
            "cache",
            "upstream",
            "ab",
            "connection",
            "pool",
            "step",
        ];
        let mut s = String::new();
        while s.len() < len {
            if !s.is_empty() {
                s.push('_');
            }
            s.push_str(W[self.below(W.len())]);
        }
        s
    }
    /// A label value of `min + below(spread)` characters, some of them punctuation.
    fn value(&mut self, min: usize, spread: usize) -> String {
        let len = min + self.below(spread);
        const C: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-_.";
        (0..len.max(1))
            .map(|i| {
                let c = C[self.below(if i == 0 { 26 } else { C.len() })];
                c as char
            })
            .collect()
    }
}

/// One service spec of random shape: names, values and bucket lists from
/// tiny to long, so every layout rule (one line, one item per line, filled
/// lines, right-hand side on the next line, match arm blocks) comes up.
fn random_spec(rng: &mut Rng, i: usize) -> String {
    let ns = format!("ns{i}");
    let mut s = format!("obspec: 1\nservice: svc-{i}\nnamespace: {ns}\n");
    if rng.below(2) == 0 {
        s += &format!(
            "const_labels: {{team: {}, region: {}}}\n",
            rng.words(3, 30).replace('_', "-"),
            rng.value(2, 8)
        );
    }
    let mut labels: Vec<(String, usize)> = Vec::new();
    s += "labels:\n";
    for l in 0..1 + rng.below(7) {
        let name = format!("l{l}_{}", rng.words(1, 35));
        let size;
        if rng.below(4) == 0 {
            size = 1 + rng.below(50);
            s += &format!("  {name}: {{max_cardinality: {size}}}\n");
        } else {
            let spread = if rng.below(3) == 0 { 14 } else { 4 };
            let n = 1 + rng.below(spread);
            let mut values: Vec<String> = Vec::new();
            while values.len() < n {
                let long = rng.below(5) == 0;
                let v = if long {
                    rng.words(10, 50).replace('_', "-") + "." + &rng.value(1, 3)
                } else {
                    rng.value(1, 9)
                };
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            s += &format!("  {name}: {{values: [{}]}}\n", quoted.join(", "));
            size = n;
        }
        labels.push((name, size));
    }
    if rng.below(3) == 0 {
        let routes: Vec<String> = (0..1 + rng.below(5))
            .map(|r| format!("\"/r{r}/{}\"", rng.words(1, 30).replace('_', "/")))
            .collect();
        let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
        let n = 1 + rng.below(methods.len());
        s += &format!(
            "http:\n  routes: [{}]\n  methods: [{}]\n  in_flight: {}\n",
            routes.join(", "),
            methods[..n].join(", "),
            rng.below(2) == 0
        );
    }
    if rng.below(3) == 0 {
        let names: Vec<String> = (0..1 + rng.below(8))
            .map(|f| format!("f{f}_{}", rng.words(1, 30)))
            .collect();
        s += &format!("functions:\n  names: [{}]\n", names.join(", "));
    }
    s += "metrics:\n";
    for m in 0..1 + rng.below(6) {
        let base = format!("{ns}_m{m}_{}", rng.words(0, 60));
        let kind = rng.below(4);
        let buckets = 1 + rng.below(40);
        // Within the default series limit (OBS301).
        let mut series = if kind == 2 { buckets + 3 } else { 1 };
        let mut picked: Vec<&String> = Vec::new();
        for _ in 0..rng.below(5) {
            let (l, size) = &labels[rng.below(labels.len())];
            if !picked.contains(&l) && series * size <= 1000 {
                picked.push(l);
                series *= size;
            }
        }
        let label_list = picked
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let help = "Help text. ".repeat(1 + rng.below(12));
        match kind {
            0 => s += &format!("  {base}_total:\n    type: counter\n"),
            1 => s += &format!("  {base}:\n    type: gauge\n"),
            2 => {
                let buckets: Vec<String> = (1..=buckets)
                    .map(|k| match rng.below(3) {
                        0 => format!("{k}"),
                        1 => format!("{}.{k:03}", k * 3),
                        _ => format!("{}e-{}", k, 1 + rng.below(6)),
                    })
                    .collect();
                let mut vals: Vec<f64> = buckets.iter().map(|b| b.parse().unwrap()).collect();
                vals.sort_by(f64::total_cmp);
                vals.dedup();
                let text: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
                s += &format!(
                    "  {base}_seconds:\n    type: histogram\n    unit: seconds\n    buckets: [{}]\n",
                    text.join(", ")
                );
            }
            _ => s += &format!("  {base}_bytes_total:\n    type: counter\n    unit: bytes\n"),
        }
        s += &format!("    help: {help:?}\n    labels: [{label_list}]\n");
    }
    s
}

#[test]
fn generated_rust_is_rustfmt_stable() {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into());
    if Command::new(&rustfmt).arg("--version").output().is_err() {
        obspec_test_support::skip_or_fail(
            "rustfmt is required under CI=true (rustup component rustfmt)",
            "rustfmt not installed",
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-rustfmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/checkout.yaml"), SPEC).unwrap();
    let seed = std::env::var("OBSPEC_RUSTFMT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    for i in 0..300 {
        std::fs::write(
            dir.join(format!("specs/svc-{i}.yaml")),
            random_spec(&mut rng, i),
        )
        .unwrap();
    }
    let mut bundled = Command::new(env!("CARGO_BIN_EXE_obspec"));
    bundled
        .args(["generate", "--target", "rust", "--out"])
        .arg(dir.join("bundled"))
        .current_dir(repo());
    for (cmd_dir, cmd) in [
        (dir.clone(), {
            let mut c = Command::new(env!("CARGO_BIN_EXE_obspec"));
            c.args(["generate", "specs", "--target", "rust", "--out", "gen"]);
            c
        }),
        (repo(), bundled),
    ] {
        let mut cmd = cmd;
        let o = cmd.current_dir(&cmd_dir).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["gen/rust", "bundled/rust"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    assert!(files.len() > 300, "{} files", files.len());
    files.sort();
    let o = Command::new(&rustfmt)
        .args(["--edition", "2021", "--check", "--color", "never"])
        .args(&files)
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "rustfmt would change generated Rust:\n{}",
        diff.chars().take(6000).collect::<String>()
    );
}
