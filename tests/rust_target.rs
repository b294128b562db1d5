//! The `rust` target, compiled for real: a spec written here (not a bundled
//! one) is generated, included in a fresh crate that depends only on `obspec`,
//! built under `#![deny(warnings)]`, run, and its exposition checked.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

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
        repo().display().to_string()
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
