//! The `logs` target and `obspec live-check --logs`, judged by tools written
//! elsewhere: the JSON Schemas by `jsonschema` (PyPI: the draft 2020-12
//! meta-schema, then line validation with format checks), the Loki rules by
//! Grafana's LogQL grammar (`@grafana/lezer-logql`, tests/logql_check.mjs;
//! Loki itself cannot be installed from the registries here), the generated
//! Rust by rustfmt. The schema and the live check agree on every line: both
//! accept a line of each event, both refuse each broken variant of it.
//! Without the tools the tests skip, except under `CI=true`, where they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use obspec_test_support::repo_root as repo;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("obspec-logs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn obspec(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

fn generate(out: &Path) {
    let o = obspec(&[
        "generate",
        "specs",
        "--target",
        "logs",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Whether `python3 -c 'import jsonschema'` works; panics under CI if not.
fn have_jsonschema() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema, rfc3339_validator"])
        .status()
        .is_ok_and(|s| s.success());
    obspec_test_support::require(
        "PyPI jsonschema and rfc3339-validator",
        ok,
        "pip install jsonschema rfc3339-validator",
    )
}

/// Runs tests/jsonschema_check.py on `schema` with `lines` on stdin: the
/// line numbers it refuses.
fn schema_refuses(schema: &Path, lines: &str) -> Vec<u64> {
    let mut child = Command::new("python3")
        .arg(repo().join("crates/obspec-cli/tests/jsonschema_check.py"))
        .arg(schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut v: Vec<u64> = text
        .lines()
        .filter_map(|l| l.split(':').next()?.parse().ok())
        .collect();
    v.dedup();
    v
}

/// `obspec live-check --logs` over `lines`: (line, code, field) per finding.
fn live_findings(lines: &str, dir: &Path) -> Vec<(u64, String, String)> {
    let file = dir.join("lines.jsonl");
    std::fs::write(&file, lines).unwrap();
    let o = obspec(&[
        "live-check",
        "specs",
        "--logs",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--max-findings",
        "100000",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    assert_eq!(
        o.status.code(),
        Some(u8::from(v["errors"].as_u64() != Some(0)).into())
    );
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A line of each event of each service, with a value of each field.
fn sample_lines(
    loaded: &obspec_spec::load::Loaded,
) -> Vec<(String, String, serde_json::Map<String, Value>)> {
    use obspec_spec::model::LogFieldType as T;
    let mut out = Vec::new();
    for svc in &loaded.specs.services {
        let Some(logs) = &svc.logs else { continue };
        for (name, e) in logs.events.iter() {
            let mut m = serde_json::Map::new();
            m.insert("timestamp".into(), json!("2026-12-02T16:40:00.123456Z"));
            m.insert("level".into(), json!(e.level.value.as_line()));
            m.insert(
                "target".into(),
                json!(obspec_core::expr::logs::target_of(svc)),
            );
            m.insert("event".into(), json!(name.value));
            m.insert("message".into(), json!(e.message.value));
            m.insert("trace_id".into(), json!("4bf92f3577b34da6a3ce929d0e0e4736"));
            m.insert("span_id".into(), json!("00f067aa0ba902b7"));
            for (f, fd) in e.fields.iter() {
                let v = match fd.kind.value {
                    T::String => json!("text"),
                    T::Int => json!(42),
                    T::Float => json!(0.5),
                    T::Bool => json!(true),
                    T::Duration => json!(0.25),
                    T::Enum => json!(fd.values.as_ref().unwrap()[0].value),
                };
                m.insert(f.value.clone(), v);
            }
            out.push((svc.service.value.clone(), name.value.clone(), m));
        }
    }
    out
}

#[test]
fn schemas_and_live_check_agree_on_good_and_broken_lines() {
    let out = tmp("agree");
    generate(&out);
    let loaded = obspec_core::lint::check_paths(&[repo().join("specs")]).unwrap();
    let samples = sample_lines(&loaded);
    assert!(samples.len() >= 8, "{} events", samples.len());
    // Every good line, then its broken variants, each with what breaks it.
    let mut lines = String::new();
    // (line, the code and field that break it, service).
    type Expect = (u64, Option<(&'static str, String)>, String);
    let mut expect: Vec<Expect> = Vec::new();
    let mut n = 0u64;
    let mut push = |lines: &mut String,
                    m: &serde_json::Map<String, Value>,
                    svc: &str,
                    want: Option<(&'static str, String)>| {
        n += 1;
        lines.push_str(&serde_json::to_string(m).unwrap());
        lines.push('\n');
        expect.push((n, want, svc.to_string()));
    };
    for (svc, event, m) in &samples {
        push(&mut lines, m, svc, None);
        // A required field of the event.
        let ev = loaded
            .specs
            .services
            .iter()
            .find(|s| s.service.value == *svc)
            .and_then(|s| s.logs.as_ref())
            .and_then(|l| l.events.get(event))
            .unwrap();
        let field = ev
            .fields
            .iter()
            .find(|(_, f)| !f.is_optional())
            .map(|(n, _)| n.value.clone());
        if let Some(f) = field {
            // Renamed: the declared field is missing, an undeclared one appears.
            let mut r = m.clone();
            let v = r.remove(&f).unwrap();
            r.insert(format!("{f}_renamed"), v.clone());
            push(&mut lines, &r, svc, Some(("OBS613", f.clone())));
            // Wrong type: an object where a scalar belongs.
            let mut t = m.clone();
            t.insert(f.clone(), json!({"nested": 1}));
            push(&mut lines, &t, svc, Some(("OBS614", f.clone())));
        }
        let mut p = m.clone();
        p.insert("email".into(), json!("jane@example.com"));
        push(&mut lines, &p, svc, Some(("OBS616", "email".into())));
        let mut u = m.clone();
        u.insert("event".into(), json!("no_such_event"));
        push(&mut lines, &u, svc, Some(("OBS612", "event".into())));
        let mut ts = m.clone();
        ts.insert("timestamp".into(), json!("yesterday"));
        push(&mut lines, &ts, svc, Some(("OBS614", "timestamp".into())));
    }
    // An enum value outside its domain.
    for (svc, _e, m) in &samples {
        let ev = loaded
            .specs
            .services
            .iter()
            .find(|s| s.service.value == *svc)
            .and_then(|s| s.logs.as_ref())
            .and_then(|l| l.events.get(m["event"].as_str().unwrap()))
            .unwrap();
        if let Some((f, _)) = ev
            .fields
            .iter()
            .find(|(_, f)| f.kind.value == obspec_spec::model::LogFieldType::Enum)
        {
            let mut d = m.clone();
            d.insert(f.value.clone(), json!("outside_the_domain"));
            push(&mut lines, &d, svc, Some(("OBS615", f.value.clone())));
        }
    }
    // An integer written with a zero fraction is one (JSON Schema's
    // `integer`); with another fraction it is not.
    let (svc, ev, m) = samples
        .iter()
        .find(|(s, e, _)| {
            let ev = loaded.specs.services.iter().find(|x| x.service.value == *s);
            ev.and_then(|x| x.logs.as_ref())
                .and_then(|l| l.events.get(e.as_str()))
                .is_some_and(|e| {
                    e.fields
                        .iter()
                        .any(|(_, f)| f.kind.value == obspec_spec::model::LogFieldType::Int)
                })
        })
        .expect("an event with an int field");
    let int_field = loaded
        .specs
        .services
        .iter()
        .find(|x| x.service.value == *svc)
        .and_then(|x| x.logs.as_ref())
        .and_then(|l| l.events.get(ev.as_str()))
        .and_then(|e| {
            e.fields
                .iter()
                .find(|(_, f)| f.kind.value == obspec_spec::model::LogFieldType::Int)
        })
        .map(|(n, _)| n.value.clone())
        .unwrap();
    let mut whole = m.clone();
    whole.insert(int_field.clone(), json!(1904.0));
    push(&mut lines, &whole, svc, None);
    let mut frac = m.clone();
    frac.insert(int_field.clone(), json!(1904.5));
    push(&mut lines, &frac, svc, Some(("OBS614", int_field)));
    // A field another event of the service declares hashed is still
    // forbidden on an event that does not.
    let (svc, _, m) = samples
        .iter()
        .find(|(s, e, _)| s == "api-gateway" && e == "request_finished")
        .unwrap();
    let mut h = m.clone();
    h.insert("user_id".into(), json!("9f86d081884c7d65"));
    push(&mut lines, &h, svc, Some(("OBS616", "user_id".into())));
    lines.push_str("not json at all\n");
    n += 1;
    expect.push((n, Some(("OBS611", String::new())), String::new()));

    let found = live_findings(&lines, &out);
    for (line, want, _) in &expect {
        let at: Vec<&(u64, String, String)> = found.iter().filter(|f| f.0 == *line).collect();
        match want {
            None => assert!(at.is_empty(), "line {line} is good: {at:?}"),
            Some((code, field)) => assert!(
                at.iter()
                    .any(|f| f.1 == *code && (field.is_empty() || f.2 == *field)),
                "line {line}: no {code} on `{field}`: {at:?}"
            ),
        }
    }
    if !have_jsonschema() {
        return;
    }
    let all = out.join("logs/all.schema.json");
    let refused = schema_refuses(&all, &lines);
    for (line, want, _) in &expect {
        assert_eq!(
            refused.contains(line),
            want.is_some(),
            "line {line}: the combined schema {} it, the live check {} it",
            if refused.contains(line) {
                "refuses"
            } else {
                "accepts"
            },
            if want.is_some() { "refuses" } else { "accepts" },
        );
    }
    // Each service's own schema accepts its own good lines.
    for (svc, _, m) in &samples {
        let one = serde_json::to_string(m).unwrap() + "\n";
        let schema = out.join(format!("logs/{svc}.schema.json"));
        assert!(schema_refuses(&schema, &one).is_empty(), "{svc}: {one}");
    }
}

#[test]
fn schemas_are_draft_2020_12() {
    let out = tmp("meta");
    generate(&out);
    if !have_jsonschema() {
        return;
    }
    let mut n = 0;
    for e in std::fs::read_dir(out.join("logs")).unwrap() {
        let p = e.unwrap().path();
        if !p.to_string_lossy().ends_with(".schema.json") {
            continue;
        }
        let o = Command::new("python3")
            .arg(repo().join("crates/obspec-cli/tests/jsonschema_check.py"))
            .arg(&p)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}: {}{}",
            p.display(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        n += 1;
    }
    assert_eq!(n, 4, "three services and the combined schema");
    // The checker refuses a schema that is not 2020-12.
    let bad = out.join("old.schema.json");
    std::fs::write(
        &bad,
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}"#,
    )
    .unwrap();
    let o = Command::new("python3")
        .arg(repo().join("crates/obspec-cli/tests/jsonschema_check.py"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn loki_rules_parse_as_logql_metric_queries() {
    let out = tmp("loki");
    generate(&out);
    let modules = repo().join("target/logql/node_modules");
    if !modules.join("@grafana/lezer-logql").exists() {
        obspec_test_support::skip_or_fail(
            "@grafana/lezer-logql is required under CI=true (npm install --prefix target/logql @grafana/lezer-logql yaml)",
            "@grafana/lezer-logql not installed",
        );
        return;
    }
    let files: Vec<PathBuf> = std::fs::read_dir(out.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".loki.rules.yml"))
        .collect();
    assert_eq!(files.len(), 3);
    let run = |files: &[PathBuf]| {
        Command::new("node")
            .arg(repo().join("crates/obspec-cli/tests/logql_check.mjs"))
            .args(files)
            .env("NODE_PATH", &modules)
            .output()
            .unwrap()
    };
    let o = run(&files);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // The checker fails on a broken expression and on a log (not metric) query.
    let broken = out.join("broken.loki.rules.yml");
    std::fs::write(&broken, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate({a=\"b\"} | json [5m]) >\n      - alert: B\n        expr: '{a=\"b\"} | json'\n").unwrap();
    let o = run(&[broken]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success());
    assert!(
        text.contains("rule A: syntax error") && text.contains("rule B: not a metric query"),
        "{text}"
    );
    // The expressions count the declared events of their service.
    let rules = std::fs::read_to_string(out.join("logs/payment-gateway.loki.rules.yml")).unwrap();
    assert!(
        rules.contains(r#"rate({service="payment-gateway", event="payment_failed"} [10m])"#),
        "{rules}"
    );
}

/// A spec whose generated code needs every layout: long value lists, long
/// signatures, optional fields of each type, a message with braces and
/// quotes, a field shared with different domains.
const WIDE: &str = r#"obspec: 1
service: wide
namespace: wide
logs:
  events:
    an_event_with_a_rather_long_name_for_layout:
      level: warn
      message: 'A "quoted" {message} with braces: {}'
      fields:
        status_code_of_the_upstream_dependency_call: {type: enum, values: [continue_status, switching_protocols, processing_request, early_hints_sent, accepted_for_later]}
        a_long_optional_duration_field: {type: duration, optional: true}
        an_optional_integer_field_too: {type: int, optional: true}
        optional_flag: {type: bool, optional: true}
        kind: {type: enum, values: [a, b]}
        kind_note: {type: string, optional: true}
    short:
      level: trace
      message: Short.
      fields:
        kind: {type: enum, values: [a, b, c]}
    empty: {level: debug, message: Nothing.}
"#;

#[test]
fn generated_rust_is_rustfmt_stable() {
    let out = tmp("rustfmt");
    generate(&out);
    let wide = tmp("rustfmt-wide");
    std::fs::write(wide.join("wide.yaml"), WIDE).unwrap();
    let o = obspec(&[
        "generate",
        wide.to_str().unwrap(),
        "--target",
        "logs",
        "--out",
        wide.join("out").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert_eq!(files.len(), 3);
    let w = wide.join("out/logs/wide.rs");
    let text = std::fs::read_to_string(&w).unwrap();
    // `kind` has two domains: one enum per event; braces stay literal.
    assert!(
        text.contains("pub enum AnEventWithARatherLongNameForLayoutKind")
            && text.contains("pub enum ShortKind"),
        "{text}"
    );
    assert!(
        text.contains(r#""A \"quoted\" {{message}} with braces: {{}}""#),
        "{text}"
    );
    files.push(w);
    let o = Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .args(&files)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn lint_locates_unbounded_stream_labels_and_forbidden_fields() {
    let dir = tmp("lint");
    std::fs::write(
        dir.join("shop.yaml"),
        "obspec: 1\nservice: shop\nnamespace: shop\nlogs:\n  stream_labels: [level, order_id]\n  events:\n    order_placed:\n      level: info\n      message: Order placed.\n      fields:\n        order_id: string\n        email: string\n",
    )
    .unwrap();
    let o = obspec(&["lint", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let at = |code: &str| -> Vec<(u64, u64)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("OBS954"), vec![(5, 26)], "{v}");
    assert_eq!(at("OBS953"), vec![(12, 9)], "{v}");
}

/// The wide spec's events, compiled with `-D warnings` against the `obspec`
/// crate in a scratch crate and run: every event writes one JSONL line that
/// `live-check --logs` finds clean.
#[test]
fn generated_events_compile_and_write_clean_lines() {
    let dir = tmp("scratch");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("specs/wide.yaml"), WIDE).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["generate", "specs", "--target", "logs", "--out", "gen"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = format!(
        "[package]\nname = \"scratch-logs\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nobspec = {{ path = {:?}, features = [\"logs\"] }}\ntracing-subscriber = {{ version = \"0.3\", default-features = false, features = [\"registry\", \"std\"] }}\n\n[workspace]\n",
        repo().join("crates/obspec").display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        r#"#[allow(dead_code)]
mod wide {
    include!("../gen/logs/wide.rs");
}
use tracing_subscriber::layer::SubscriberExt;
fn main() {
    let subscriber = tracing_subscriber::registry().with(obspec::logs::JsonLayer::stdout());
    obspec::logs::tracing::subscriber::set_global_default(subscriber).unwrap();
    use wide::*;
    AnEventWithARatherLongNameForLayout {
        status_code_of_the_upstream_dependency_call: StatusCodeOfTheUpstreamDependencyCall::AcceptedForLater,
        a_long_optional_duration_field: Some(std::time::Duration::from_millis(3)),
        an_optional_integer_field_too: None,
        optional_flag: Some(true),
        kind: AnEventWithARatherLongNameForLayoutKind::B,
        kind_note: Some("a \"note\""),
    }
    .emit();
    Short { kind: ShortKind::C }.emit();
    Empty.emit();
}
"#,
    )
    .unwrap();
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
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.contains(r#""message":"A \"quoted\" {message} with braces: {}""#),
        "{out}"
    );
    assert!(!out.contains("an_optional_integer_field_too"), "{out}");
    std::fs::write(dir.join("lines.jsonl"), &out).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["live-check", "specs", "--logs", "lines.jsonl"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("3 checked, 0 of other targets; 0 errors, 0 warnings"));
}
