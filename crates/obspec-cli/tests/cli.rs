//! End-to-end tests of the `obspec` binary: lint, generate, check, explain, schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

use obspec_test_support::repo_root as repo;

fn obspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("obspec runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("obspec-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn write(&self, rel: &str, content: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    fn copy_specs(&self) {
        for e in std::fs::read_dir(repo().join("specs")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), self.0.join("specs").join(e.file_name())).unwrap_or_else(
                |_| {
                    std::fs::create_dir_all(self.0.join("specs")).unwrap();
                    std::fs::copy(e.path(), self.0.join("specs").join(e.file_name())).unwrap()
                },
            );
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

const GOOD: &str = "obspec: 1
service: checkout
namespace: checkout
team: shop
labels:
  status: {values: [ok, failed]}
  country: {max_cardinality: 50}
metrics:
  checkout_orders_total:
    type: counter
    help: Orders by outcome.
    labels: [status, country]
  checkout_duration_seconds:
    type: histogram
    unit: seconds
    help: Checkout duration.
    buckets: [0.1, 0.5, 1, 5]
slos:
  checkout-success:
    objective: 99.5
    window: 28d
    sli:
      errors: checkout_orders_total{status=\"failed\"}
      total: checkout_orders_total
alerts:
  CheckoutSlow:
    expr: histogram_quantile(0.9, sum by (le) (rate(checkout_duration_seconds_bucket[5m]))) > 1
    for: 5m
    severity: warning
    summary: Checkouts are slow
    runbook: https://runbooks.example.com/checkout
";

#[test]
fn bundled_specs_lint_clean() {
    let o = obspec(&repo(), &["lint", "specs"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("clean"), "{}", text(&o));
    let o = obspec(
        &repo(),
        &["lint", "specs", "--deny-warnings", "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn foreign_clean_spec_lints_clean() {
    let s = Scratch::new("clean");
    s.write("specs/checkout.yaml", GOOD);
    let o = obspec(&s.0, &["lint", "specs"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "obspec: 1 spec file clean\n"
    );
}

#[test]
fn broken_spec_is_located_and_explained() {
    let s = Scratch::new("broken");
    let bad = GOOD.replace(
        "labels: [status, country]",
        "labels: [status, country, user_id]",
    );
    s.write("specs/checkout.yaml", &bad);
    let o = obspec(&s.0, &["lint", "specs"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    let line = bad.lines().position(|l| l.contains("user_id")).unwrap() + 1;
    assert!(
        out.contains(&format!("specs/checkout.yaml:{line}:")),
        "{out}"
    );
    assert!(out.contains("error[OBS205]"), "{out}");
    assert!(out.contains('^'), "{out}");
    let e = obspec(&s.0, &["explain", "OBS205"]);
    assert!(e.status.success());
    assert!(text(&e).contains("forbidden label"));

    // JSON: the stable object per finding.
    let o = obspec(&s.0, &["lint", "specs", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "OBS205");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "specs/checkout.yaml");
    assert_eq!(f["line"], line as u64);
    assert!(f["column"].as_u64().unwrap() > 1);

    // GitHub workflow commands.
    let o = obspec(&s.0, &["lint", "specs", "--format", "github"]);
    let g = String::from_utf8_lossy(&o.stdout);
    assert!(
        g.starts_with(&format!(
            "::error file=specs/checkout.yaml,line={line},col="
        )),
        "{g}"
    );
}

#[test]
fn all_problems_in_one_run() {
    let s = Scratch::new("many");
    let bad = GOOD
        .replace(
            "checkout_orders_total:\n    type: counter",
            "checkout_orders:\n    type: counter",
        )
        .replace("severity: warning", "severity: page")
        .replace("objective: 99.5", "objective: 100");
    s.write("specs/checkout.yaml", &bad);
    s.write("specs/other.yaml", "obspec: 1\nservice: other\nnamespace: other\nmetrics:\n  other_x_total: {type: countr, help: x}\n");
    let o = obspec(&s.0, &["lint", "specs", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for c in ["OBS104", "OBS701", "OBS601", "OBS003"] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let s = Scratch::new("usage");
    let o = obspec(&s.0, &["lint", "does-not-exist"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = obspec(&s.0, &["explain", "OBS999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = obspec(&s.0, &["lint", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    s.write("specs/checkout.yaml", GOOD);
    let o = obspec(&s.0, &["generate", "--target", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    // With `--format json`, errors are a JSON document too.
    for (args, kind) in [
        (&["lint", "does-not-exist", "--format", "json"][..], "io"),
        (&["lint", "--format", "json", "--no-such-flag"][..], "usage"),
        (
            &["lint", "--format=json", "specs", "extra", "--bogus"][..],
            "usage",
        ),
    ] {
        let o = obspec(&s.0, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", text(&o)));
        assert_eq!(v["error"]["kind"], kind, "{v}");
        assert_eq!(v["findings"], serde_json::json!([]));
        assert!(v["error"]["message"].as_str().unwrap().len() > 5);
    }
}

#[test]
fn large_spec_without_aliases_loads() {
    // 50,000 metrics (300,000 nodes) written out in full: bounded by the file size, not by a
    // node count meant for alias bombs.
    let s = Scratch::new("large");
    let mut y = String::from("obspec: 1\nservice: big\nnamespace: big\nmetrics:\n");
    for i in 0..50_000 {
        y.push_str(&format!(
            "  big_op{i}_total: {{type: counter, help: Operation {i}.}}\n"
        ));
    }
    s.write("specs/big.yaml", &y);
    s.write(
        "specs/obspec.yaml",
        "obspec: 1\nconventions: {max_series_per_service: 100000}\n",
    );
    let o = obspec(&s.0, &["lint", "specs"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let s = Scratch::new("warn");
    s.write(
        "specs/checkout.yaml",
        &GOOD.replace(
            "buckets: [0.1, 0.5, 1, 5]",
            "buckets: [0.1, 0.5, 1, 5, 100000]",
        ),
    );
    let o = obspec(&s.0, &["lint", "specs"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("warning[OBS402]"));
    let o = obspec(&s.0, &["lint", "specs", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn alias_bomb_is_refused() {
    let s = Scratch::new("bomb");
    let mut y = String::from("obspec: 1\nservice: x\nnamespace: x\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    s.write("specs/bomb.yaml", &y);
    let o = obspec(&s.0, &["lint", "specs"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("OBS006"), "{}", text(&o));
}

#[test]
fn generate_is_deterministic_and_check_detects_drift() {
    let s = Scratch::new("gen");
    s.copy_specs();
    let o = obspec(&s.0, &["generate"]);
    assert!(o.status.success(), "{}", text(&o));
    let first = tree(&s.0.join("generated"));
    assert!(first.contains_key("docs/payment-gateway.md"));
    assert!(first.contains_key("docs/README.md"));

    // Same specs, another location, reached through another path spelling.
    let t = Scratch::new("gen2");
    t.copy_specs();
    let o = obspec(&t.0, &["generate", "./specs/", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(first, tree(&t.0.join("out")));

    // Twice: identical, nothing rewritten.
    let o = obspec(&s.0, &["generate"]);
    assert!(text(&o).contains("wrote 0 files"), "{}", text(&o));
    assert_eq!(first, tree(&s.0.join("generated")));
    assert!(obspec(&s.0, &["check"]).status.success());

    // A changed file is stale, with a diff.
    let page = s.0.join("generated/docs/payment-gateway.md");
    let orig = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        orig.replace("Payments in flight.", "Edited by hand."),
    )
    .unwrap();
    let o = obspec(&s.0, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(
        out.contains("stale: generated/docs/payment-gateway.md"),
        "{out}"
    );
    assert!(
        out.contains("-| [`payment_inflight`]") || out.contains("-Edited by hand."),
        "{out}"
    );
    assert!(out.contains("+Payments in flight."), "{out}");

    // A missing file.
    std::fs::remove_file(s.0.join("generated/docs/agent-sdk.md")).unwrap();
    let out = text(&obspec(&s.0, &["check"]));
    assert!(
        out.contains("missing: generated/docs/agent-sdk.md"),
        "{out}"
    );

    // An unexpected generated file; a hand-written file is left alone.
    std::fs::write(
        s.0.join("generated/docs/old.md"),
        "<!-- @generated by obspec from x.yaml -->\n",
    )
    .unwrap();
    std::fs::write(s.0.join("generated/docs/NOTES.md"), "mine\n").unwrap();
    let out = text(&obspec(&s.0, &["check"]));
    assert!(out.contains("unexpected: generated/docs/old.md"), "{out}");
    assert!(!out.contains("NOTES.md"), "{out}");

    // generate repairs all of it.
    let o = obspec(&s.0, &["generate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 removed"), "{}", text(&o));
    let mut now = tree(&s.0.join("generated"));
    assert_eq!(now.remove("docs/NOTES.md").as_deref(), Some(&b"mine\n"[..]));
    assert_eq!(first, now);
    assert!(obspec(&s.0, &["check"]).status.success());
}

#[test]
fn broken_spec_leaves_output_untouched() {
    let s = Scratch::new("atomic");
    s.write("specs/checkout.yaml", GOOD);
    assert!(obspec(&s.0, &["generate"]).status.success());
    let before = tree(&s.0.join("generated"));
    s.write(
        "specs/checkout.yaml",
        &GOOD.replace("help: Orders by outcome.", "help: Orders.\n    bukets: [1]"),
    );
    let o = obspec(&s.0, &["generate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("OBS002"), "{}", text(&o));
    assert_eq!(before, tree(&s.0.join("generated")));
}

#[test]
fn templates_override_file_by_file() {
    let s = Scratch::new("tpl");
    s.write("specs/checkout.yaml", GOOD);
    s.write("tpl/docs/service.md.j2", "# {{ service.name }} by {{ service.team }}\n{% for m in service.metrics %}- {{ m.name }}: {{ m.help }}\n{% endfor %}");
    let o = obspec(&s.0, &["generate", "--templates", "tpl"]);
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(s.0.join("generated/docs/checkout.md")).unwrap();
    assert!(
        page.starts_with("<!-- @generated by obspec from checkout.yaml."),
        "{page}"
    );
    assert!(
        page.contains("# checkout by shop\n- checkout\\_orders\\_total: Orders by outcome.\n"),
        "{page}"
    );
    // The index still comes from the embedded template.
    let index = std::fs::read_to_string(s.0.join("generated/docs/README.md")).unwrap();
    assert!(index.contains("metrics catalog"), "{index}");

    // A broken override fails cleanly and writes nothing.
    let before = tree(&s.0.join("generated"));
    s.write("tpl/docs/service.md.j2", "{{ service.nope.deeper }}");
    let o = obspec(&s.0, &["generate", "--templates", "tpl"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("template error"), "{}", text(&o));
    assert_eq!(before, tree(&s.0.join("generated")));
}

#[test]
fn prometheus_template_overrides_get_the_groups_and_tests() {
    let s = Scratch::new("tpl-prom");
    s.write("specs/checkout.yaml", GOOD);
    s.write(
        "tpl/prometheus/rules.yml.j2",
        "# {{ service }}\n{% for g in groups %}# group {{ g.name }} every {{ g.interval or 'global' }}: {{ g.rules | length }} rules\n{% endfor %}",
    );
    s.write(
        "tpl/prometheus/tests.yml.j2",
        "# {{ rule_file }}: {{ tests | length }} test groups\n",
    );
    let o = obspec(
        &s.0,
        &["generate", "--target", "prometheus", "--templates", "tpl"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let rules =
        std::fs::read_to_string(s.0.join("generated/prometheus/checkout.rules.yml")).unwrap();
    assert!(
        rules.contains(
            "# checkout\n# group checkout-slo-rates every 5m: 2 rules\n# group checkout-slo-recordings every global: "
        ),
        "{rules}"
    );
    let tests =
        std::fs::read_to_string(s.0.join("generated/prometheus/checkout.test.yml")).unwrap();
    assert!(tests.contains("# checkout.rules.yml: "), "{tests}");
    assert!(!tests.contains(": 0 test groups"), "{tests}");
}

#[test]
fn rust_template_override_is_parsed_and_pretty_printed() {
    let s = Scratch::new("tpl-rust");
    s.write("specs/checkout.yaml", GOOD);
    // Valid Rust on one careless line: printed properly.
    s.write(
        "tpl/rust/service.rs.j2",
        "pub struct {{ service.ident }} { {% for m in service.metrics %}pub {{ m.field }}: u64, {% endfor %} }",
    );
    let o = obspec(
        &s.0,
        &["generate", "--target", "rust", "--templates", "tpl"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let code = std::fs::read_to_string(s.0.join("generated/rust/checkout.rs")).unwrap();
    assert!(
        code.contains("pub struct CheckoutMetrics {\n    pub checkout_orders_total: u64,\n"),
        "{code}"
    );
    // Broken Rust from an override fails and writes nothing.
    let before = tree(&s.0.join("generated"));
    s.write("tpl/rust/service.rs.j2", "pub struct {{ service.ident }} {");
    let o = obspec(
        &s.0,
        &["generate", "--target", "rust", "--templates", "tpl"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("generated Rust does not parse"),
        "{}",
        text(&o)
    );
    assert_eq!(before, tree(&s.0.join("generated")));
}

#[test]
fn spec_strings_are_escaped_in_markdown() {
    let s = Scratch::new("escape");
    s.write(
        "specs/checkout.yaml",
        &GOOD.replace(
            "help: Orders by outcome.",
            "help: \"Orders | by <b>outcome</b> *now*\"",
        ),
    );
    assert!(obspec(&s.0, &["generate"]).status.success());
    let page = std::fs::read_to_string(s.0.join("generated/docs/checkout.md")).unwrap();
    assert!(
        page.contains("Orders \\| by \\<b\\>outcome\\</b\\> \\*now\\*"),
        "{page}"
    );
    assert!(!page.contains("<b>"), "{page}");
}

#[test]
fn repository_generated_is_current() {
    let o = obspec(&repo(), &["check", "specs", "--out", "generated"]);
    assert!(
        o.status.success(),
        "generated/ is stale: run `cargo run -p obspec-cli -- generate`\n{}",
        text(&o)
    );
}

#[test]
fn explain_lists_and_schema_prints() {
    let o = obspec(&repo(), &["explain"]);
    assert!(o.status.success());
    assert!(text(&o).contains("OBS001"));
    for kind in ["service", "project"] {
        let o = obspec(&repo(), &["schema", kind]);
        assert!(o.status.success());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["type"], "object");
        let committed =
            std::fs::read_to_string(repo().join(format!("docs/schema/{kind}.schema.json")))
                .unwrap();
        assert_eq!(
            committed,
            String::from_utf8_lossy(&o.stdout),
            "docs/schema/{kind}.schema.json is stale: run `obspec schema {kind} > docs/schema/{kind}.schema.json`"
        );
    }
}

#[test]
fn bundled_specs_are_used_without_a_specs_dir() {
    let s = Scratch::new("embedded");
    let o = obspec(&s.0, &["generate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("bundled example specs"));
    assert_eq!(
        tree(&s.0.join("generated")),
        tree(&repo().join("generated"))
    );
}

#[test]
fn build_rs_builder() {
    let s = Scratch::new("builder");
    s.write("specs/checkout.yaml", GOOD);
    let summary = obspec_core::ops::build::Builder::new()
        .specs(s.0.join("specs"))
        .out_dir(s.0.join("out"))
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap();
    assert_eq!(summary.written, ["rust/checkout.rs"]);
    s.write(
        "specs/checkout.yaml",
        &GOOD.replace("type: counter", "type: countre"),
    );
    let err = obspec_core::ops::build::Builder::new()
        .specs(s.0.join("specs"))
        .out_dir(s.0.join("out"))
        .emit_rerun_if_changed(false)
        .generate()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("error[OBS003]") && err.contains("checkout.yaml:"),
        "{err}"
    );
}

/// A password holding `/` cuts a URL's authority short; it is still never
/// printed, in the human error or the JSON one.
#[test]
fn a_password_with_a_slash_is_not_printed() {
    let dir = obspec_test_support::scratch("slash-password");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("specs/shop.yaml"),
        "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders.}\n",
    )
    .unwrap();
    let port = obspec_test_support::free_port();
    let url = format!("http://alice:Pw/0rd@127.0.0.1:{port}/metrics");
    for format in ["human", "json"] {
        let o = obspec(
            &dir,
            &["live-check", "specs", "--scrape", &url, "--format", format],
        );
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(2), "{format}: {all}");
        assert!(
            !all.contains("0rd") && !all.contains("alice"),
            "{format}: {all}"
        );
    }
}
