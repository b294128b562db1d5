//! The example service's JSONL logs, written through the event functions
//! generated from `specs/payment-gateway.yaml`: they validate clean with
//! `obspec live-check --logs` and with the generated JSON Schema (PyPI
//! `jsonschema`); under `--deviate` a hand-written line with a renamed field,
//! a wrong type and a forbidden field is reported at its line number with the
//! field, by both. Every process is stopped; every wait is bounded.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

use obspec_test_support::repo_root as repo;

fn obspec() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_payment-service"))
        .parent()
        .unwrap()
        .join("obspec");
    if !bin.exists() {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "obspec-cli", "--bin", "obspec"])
            .current_dir(repo())
            .status()
            .unwrap()
            .success();
        assert!(ok, "cannot build obspec");
    }
    bin
}

/// Runs the service until `log` holds at least `lines` lines (at most 30 s).
fn run_service(log: &Path, extra: &[&str], lines: usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-service"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--rate",
            "100",
            "--error-rate",
            "0.2",
        ])
        .arg("--log-file")
        .arg(log)
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let proc = Proc(child);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let n = std::fs::read_to_string(log).map_or(0, |t| t.lines().count());
        if n >= lines {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(proc);
}

/// The complete lines of `log` (a killed writer may leave half a line).
fn complete(log: &Path) -> String {
    let t = std::fs::read_to_string(log).unwrap();
    match t.rfind('\n') {
        Some(i) => t[..=i].to_string(),
        None => String::new(),
    }
}

fn live_check(file: &Path) -> serde_json::Value {
    let o = Command::new(obspec())
        .args([
            "live-check",
            "specs",
            "--service",
            "payment-gateway",
            "--format",
            "json",
            "--max-findings",
            "100000",
            "--logs",
        ])
        .arg(file)
        .current_dir(repo())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    let expected = if v["errors"] == 0 { 0 } else { 1 };
    assert_eq!(o.status.code(), Some(expected), "{v}");
    v
}

/// Line numbers the generated schema refuses, or `None` without jsonschema.
fn schema_refuses(file: &Path) -> Option<Vec<u64>> {
    let have = Command::new("python3")
        .args(["-c", "import jsonschema, rfc3339_validator"])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        obspec_test_support::skip_or_fail(
            "PyPI jsonschema and rfc3339-validator are required under CI=true",
            "jsonschema not installed: skipping the schema check",
        );
        return None;
    }
    let out = std::env::temp_dir().join(format!("obspec-logs-e2e-schema-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let g = Command::new(obspec())
        .args([
            "generate",
            "specs/payment-gateway.yaml",
            "--target",
            "logs",
            "--out",
        ])
        .arg(&out)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let o = Command::new("python3")
        .arg(repo().join("crates/obspec-cli/tests/jsonschema_check.py"))
        .arg(out.join("logs/payment-gateway.schema.json"))
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let mut v: Vec<u64> = text
        .lines()
        .filter_map(|l| l.split(':').next()?.parse().ok())
        .collect();
    v.dedup();
    let _ = std::fs::remove_dir_all(&out);
    Some(v)
}

#[test]
fn the_example_service_logs_validate_clean() {
    let dir = std::env::temp_dir().join(format!("obspec-logs-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("service.jsonl");
    run_service(&log, &[], 200);
    let lines = dir.join("clean.jsonl");
    std::fs::write(&lines, complete(&log)).unwrap();
    let text = std::fs::read_to_string(&lines).unwrap();
    let n = text.lines().count();
    assert!(n >= 100, "{n} lines");
    for event in ["payment_authorized", "payment_failed", "request_finished"] {
        assert!(
            text.contains(&format!("\"event\":\"{event}\"")),
            "no {event} line"
        );
    }
    // Request lines carry the trace context of their span.
    let finished = text
        .lines()
        .find(|l| l.contains("\"event\":\"request_finished\""))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(finished).unwrap();
    assert_eq!(v["trace_id"].as_str().unwrap().len(), 32, "{finished}");
    assert_eq!(v["span_id"].as_str().unwrap().len(), 16, "{finished}");
    let report = live_check(&lines);
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["warnings"], 0, "{report}");
    assert_eq!(report["checked"].as_u64().unwrap() as usize, n, "{report}");
    if let Some(refused) = schema_refuses(&lines) {
        assert!(refused.is_empty(), "the schema refuses lines {refused:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_deviating_line_is_reported_at_its_line_with_the_field() {
    let dir = std::env::temp_dir().join(format!("obspec-logs-e2e-dev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("service.jsonl");
    run_service(&log, &["--deviate"], 60);
    let lines = dir.join("deviate.jsonl");
    std::fs::write(&lines, complete(&log)).unwrap();
    let text = std::fs::read_to_string(&lines).unwrap();
    // The hand-written lines: where they are in the file.
    let broken: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"email\""))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert!(
        !broken.is_empty(),
        "no deviating line in {} lines",
        text.lines().count()
    );
    let report = live_check(&lines);
    let findings = report["findings"].as_array().unwrap();
    for line in &broken {
        for (code, field) in [
            ("OBS613", "amount_cents"),
            ("OBS614", "latency"),
            ("OBS616", "email"),
            ("OBS617", "amount"),
        ] {
            assert!(
                findings
                    .iter()
                    .any(|f| f["line"] == *line && f["code"] == code && f["field"] == field),
                "line {line}: no {code} on `{field}`: {report}"
            );
        }
    }
    // Every finding is on a deviating line: the generated events stay clean.
    for f in findings {
        assert!(broken.contains(&f["line"].as_u64().unwrap()), "{f}");
    }
    if let Some(refused) = schema_refuses(&lines) {
        assert_eq!(refused, broken, "the schema and the live check disagree");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
