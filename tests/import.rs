//! `obspec import sloth|openslo`: the printed spec keeps objective, window and
//! SLI, lints clean, and generates rules promtool accepts; what cannot be
//! converted is a clear error with exit code 1.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use obspec_codegen::yaml::{parse_all, Limits, Node, NodeKind};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn import(kind: &str, file: &Path) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", kind])
        .arg(file)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs `promtool test rules` on generated test files in `dir`; promtool is
/// required under `CI=true`.
fn promtool_test(dir: &Path, files: &[&str]) {
    if !Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "promtool is required under CI=true"
        );
        return;
    }
    let o = Command::new("promtool")
        .args(["test", "rules"])
        .args(files)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// `obspec generate specs --target prometheus --out out` in `dir`.
fn generate_prometheus(dir: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args([
            "generate",
            "specs",
            "--target",
            "prometheus",
            "--out",
            "out",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn lints_clean(spec: &str) -> obspec_codegen::Loaded {
    let loaded = obspec_codegen::check_texts([("imported.yaml", spec)]);
    let d: Vec<_> = loaded.diagnostics.iter().cloned().collect();
    assert!(
        d.is_empty(),
        "{}",
        obspec_codegen::report::render(
            obspec_codegen::report::Format::Human,
            &d,
            &loaded.sources,
            false
        )
    );
    loaded
}

#[test]
fn sloth_spec_converts() {
    let (code, out, err) = import("sloth", &fixtures().join("sloth.yml"));
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let svc = &loaded.specs.services[0];
    assert_eq!(svc.service.value, "myservice");
    let avail = svc.slos.get("requests-availability").unwrap();
    assert_eq!(avail.objective.value, 99.9);
    assert_eq!(avail.window.value, "30d");
    // Events over a histogram's `_count` are events: errors/total selectors.
    let errors = &avail.sli.errors.as_ref().unwrap().value;
    assert!(errors.contains(r#"code=~"(5..|429)""#), "{errors}");
    assert!(
        errors.starts_with("http_request_duration_seconds_count"),
        "{errors}"
    );
    assert_eq!(
        avail.alerting.name.as_ref().unwrap().value,
        "MyServiceHighErrorRate"
    );
    assert_eq!(
        avail.alerting.page.severity.as_ref().unwrap().value,
        "critical"
    );
    let latency = svc.slos.get("requests-latency").unwrap();
    assert_eq!(latency.objective.value, 99.0);
    assert!(latency
        .sli
        .error_ratio
        .as_ref()
        .unwrap()
        .starts_with("1 - (sum(rate(http_request_duration_seconds_bucket"));
    // Sloth disabled the page alert of this SLO: it stays off.
    assert_eq!(
        latency.alerting.page.disabled.as_ref().map(|d| d.value),
        Some(true),
        "{out}"
    );
    assert_eq!(latency.alerting.ticket.disabled, None);
}

/// Disabled Sloth alerts stay disabled through import and generate: an SLO
/// with its page alert off gets ticket alerts only, one with both off gets no
/// burn-rate alert; the rules and their tests pass promtool.
#[test]
fn import_never_adds_pages() {
    let sloth = r#"version: "prometheus/v1"
service: checkout
slos:
  - name: tickets-only
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(checkout_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(checkout_requests_total[{{.window}}]))
    alerting:
      name: CheckoutTicketsOnly
      page_alert: {disable: true}
      ticket_alert: {labels: {severity: warning}}
  - name: silent
    objective: 99
    sli:
      events:
        error_query: sum(rate(checkout_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(checkout_requests_total[{{.window}}]))
    alerting:
      name: CheckoutSilent
      page_alert: {disable: true}
      ticket_alert: {disable: true}
"#;
    let dir = std::env::temp_dir().join(format!("obspec-import-pages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("sloth.yml"), sloth).unwrap();
    let (code, out, err) = import("sloth", &dir.join("sloth.yml"));
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("specs/checkout.yaml"), &out).unwrap();
    std::fs::write(dir.join("specs/obspec.yaml"), "obspec: 1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args([
            "generate",
            "specs",
            "--target",
            "prometheus",
            "--out",
            "out",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rules = std::fs::read_to_string(dir.join("out/prometheus/checkout.rules.yml")).unwrap();
    let alert_blocks: Vec<&str> = rules.split("- alert: ").skip(1).collect();
    assert!(!alert_blocks.is_empty());
    for b in &alert_blocks {
        let name = b.lines().next().unwrap().trim().trim_matches('\'');
        assert!(
            !name.starts_with("CheckoutSilent") || name.ends_with("SLIMissing"),
            "the silent SLO alerts: {name}"
        );
        if name == "CheckoutTicketsOnly" {
            assert!(!b.contains("severity: critical"), "a page was added: {b}");
            assert!(b.contains("severity: warning"), "{b}");
        }
    }
    assert!(alert_blocks
        .iter()
        .any(|b| b.starts_with("CheckoutTicketsOnly")));
    assert!(!alert_blocks
        .iter()
        .any(|b| b.starts_with("CheckoutSilent\n") || b.starts_with("'CheckoutSilent'")));
    promtool_test(&dir.join("out/prometheus"), &["checkout.test.yml"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn openslo_converts() {
    let (code, out, err) = import("openslo", &fixtures().join("openslo.yaml"));
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let slo = loaded.specs.services[0]
        .slos
        .get("api-availability")
        .unwrap();
    assert_eq!(slo.objective.value, 99.5);
    assert_eq!(slo.window.value, "28d");
    assert_eq!(
        slo.sli.errors.as_ref().unwrap().value,
        r#"http_requests_total{service="api", code=~"5.."}"#
    );
    assert_eq!(
        slo.sli.total.as_ref().unwrap().value,
        r#"http_requests_total{service="api"}"#
    );
}

#[test]
fn what_cannot_be_converted_is_an_error() {
    let dir = std::env::temp_dir().join(format!("obspec-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    sli:\n      plugin: {id: \"sloth-common/x\"}\n", "plugin"),
        ("sloth", "version: \"prometheus/v2\"\nservice: x\nslos: []\n", "version"),
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    info_labels: {owner: me}\n    sli: {raw: {error_ratio_query: x}}\n", "info_labels"),
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    sli: {raw: {error_ratio_query: x}}\n    alerting: {name: A, page_alert: {disabled: true}}\n", "disabled"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  budgetingMethod: Timeslices\n  timeWindow: [{duration: 30d, isRolling: true}]\n  objectives: [{target: 0.9}]\n", "Timeslices"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  timeWindow: [{duration: 1M, calendar: {startTime: 2020-01-01}, isRolling: false}]\n  objectives: [{target: 0.9}]\n", "calendar"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  timeWindow: [{duration: 30d, isRolling: true}]\n  indicator: {spec: {thresholdMetric: {metricSource: {type: Prometheus, spec: {query: x}}}}}\n  objectives: [{target: 0.9}]\n", "thresholdMetric"),
    ];
    for (i, (kind, text, word)) in cases.iter().enumerate() {
        let f = dir.join(format!("case{i}.yaml"));
        std::fs::write(&f, text).unwrap();
        let (code, out, err) = import(kind, &f);
        assert_eq!(code, 1, "case {i}: {out}{err}");
        assert!(
            err.contains(word) && err.contains("cannot") || err.contains(word),
            "case {i}: {err}"
        );
        assert!(out.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sloth's Kubernetes form (`PrometheusServiceLevel`, camelCase fields) and
/// multi-document files: one spec per service, SLOs of one service merged,
/// `--out` writes a file each; the specs lint and generate rules promtool
/// accepts.
#[test]
fn sloth_kubernetes_and_multi_document_files() {
    let dir = std::env::temp_dir().join(format!("obspec-import-k8s-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "sloth"])
        .arg(fixtures().join("sloth-k8s-multi.yml"))
        .arg("--out")
        .arg(dir.join("specs"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let wifi = std::fs::read_to_string(dir.join("specs/home-wifi.yaml")).unwrap();
    let loaded = lints_clean(&wifi);
    let svc = &loaded.specs.services[0];
    assert_eq!(svc.slos.len(), 2, "the two resources of home-wifi merge");
    let first = svc.slos.get("good-wifi-client-satisfaction").unwrap();
    assert_eq!(
        first.sli.errors.as_ref().unwrap().value,
        "wifi_client_errors_total"
    );
    assert_eq!(
        first.alerting.page.disabled.as_ref().map(|d| d.value),
        Some(true)
    );
    let second = svc.slos.get("second").unwrap();
    assert_eq!(
        second.alerting.ticket.disabled.as_ref().map(|d| d.value),
        Some(true)
    );
    // Events over a histogram's `_count` stay events (errors/total), so they
    // get zero-traffic safety and tests, with a regex on an open label.
    let mine = std::fs::read_to_string(dir.join("specs/myservice.yaml")).unwrap();
    let loaded = lints_clean(&mine);
    let avail = loaded.specs.services[0]
        .slos
        .get("requests-availability")
        .unwrap();
    assert_eq!(
        avail.sli.errors.as_ref().unwrap().value,
        r#"http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}"#
    );
    // Printed without --out: the documents in one stream.
    let (code, out, _) = import("sloth", &fixtures().join("sloth-k8s-multi.yml"));
    assert_eq!(code, 0);
    assert_eq!(out.matches("\nservice: ").count(), 2, "{out}");
    // Import does not overwrite.
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "sloth"])
        .arg(fixtures().join("sloth-k8s-multi.yml"))
        .arg("--out")
        .arg(dir.join("specs"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(dir.join("specs/obspec.yaml"), "obspec: 1\n").unwrap();
    generate_prometheus(&dir);
    promtool_test(
        &dir.join("out/prometheus"),
        &["home-wifi.test.yml", "myservice.test.yml"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Plugins are refused by name, at the service and at the SLO.
#[test]
fn sloth_plugins_are_refused_by_name() {
    let dir = std::env::temp_dir().join(format!("obspec-import-plugins-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (text, name)) in [
        ("version: \"prometheus/v1\"\nservice: x\nslo_plugins:\n  chain:\n    - id: sloth.dev/core/debug/v1\nslos:\n  - name: a\n    objective: 99\n    sli: {raw: {error_ratio_query: x}}\n", "sloth.dev/core/debug/v1"),
        ("version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    plugins:\n      chain:\n        - id: sloth.dev/contrib/validate/v1\n    sli: {raw: {error_ratio_query: x}}\n", "sloth.dev/contrib/validate/v1"),
    ]
    .iter()
    .enumerate()
    {
        let f = dir.join(format!("p{i}.yml"));
        std::fs::write(&f, text).unwrap();
        let (code, out, err) = import("sloth", &f);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains(name) && err.contains("plugin"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// OpenSLO documents written as one YAML list, and `counter: true` queries that
/// aggregate raw counters: read as rates over the window, they become events.
#[test]
fn openslo_list_and_counter_queries() {
    let (code, out, err) = import("openslo", &fixtures().join("openslo-list-counter.yaml"));
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let slo = loaded.specs.services[0]
        .slos
        .get("web-availability")
        .unwrap();
    assert_eq!(slo.window.value, "28d");
    assert_eq!(
        slo.sli.errors.as_ref().unwrap().value,
        r#"http_requests_total{code=~"5..",service="web"}"#
    );
}

/// Alert names Sloth accepts, obspec's rules need unique identifiers: shared
/// names get the SLO's name, others become CamelCase, and the note says so.
#[test]
fn sloth_alert_names_become_unique_identifiers() {
    let dir = std::env::temp_dir().join(format!("obspec-import-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("s.yml");
    std::fs::write(
        &f,
        "version: \"prometheus/v1\"\nservice: shop\nslos:\n  - name: checkout\n    objective: 99.9\n    sli: {events: {error_query: 'sum(rate(shop_errors_total[{{.window}}]))', total_query: 'sum(rate(shop_requests_total[{{.window}}]))'}}\n    alerting: {name: ShopBurn}\n  - name: search\n    objective: 99\n    sli: {events: {error_query: 'sum(rate(shop_errors_total[{{.window}}]))', total_query: 'sum(rate(shop_requests_total[{{.window}}]))'}}\n    alerting: {name: ShopBurn}\n  - name: cart\n    objective: 99\n    sli: {events: {error_query: 'sum(rate(shop_errors_total[{{.window}}]))', total_query: 'sum(rate(shop_requests_total[{{.window}}]))'}}\n    alerting: {name: shop-cart-burn}\n",
    )
    .unwrap();
    let (code, out, err) = import("sloth", &f);
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let svc = &loaded.specs.services[0];
    let name = |slo: &str| {
        svc.slos
            .get(slo)
            .unwrap()
            .alerting
            .name
            .as_ref()
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(name("checkout"), "ShopBurnCheckout");
    assert_eq!(name("search"), "ShopBurnSearch");
    assert_eq!(name("cart"), "ShopCartBurn");
    assert!(out.contains("renamed `ShopCartBurn`"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An existing Prometheus rule file: alerts (with `for`, `keep_firing_for`,
/// labels, annotations), recording rules, and the metrics they read, which lint
/// clean against a project allowing the severities the import names, and
/// generate rules promtool accepts.
#[test]
fn prometheus_rule_file_imports() {
    let (code, out, err) = import("prometheus", &fixtures().join("checkout.rules.yml"));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("must allow the severities [page, none, ticket]"),
        "{out}"
    );
    let loaded = obspec_codegen::check_texts([
        ("checkout.yaml", out.as_str()),
        (
            "obspec.yaml",
            "obspec: 1\nconventions:\n  severities: [page, ticket, none]\n",
        ),
    ]);
    assert!(
        !loaded.diagnostics.has_errors() && loaded.diagnostics.iter().next().is_none(),
        "{}",
        obspec_codegen::report::render(
            obspec_codegen::report::Format::Human,
            &loaded.diagnostics.clone().into_sorted(),
            &loaded.sources,
            false
        )
    );
    let svc = &loaded.specs.services[0];
    assert_eq!(svc.service.value, "checkout");
    let high = svc.alerts.get("CheckoutErrorsHigh").unwrap();
    assert_eq!(high.for_.as_ref().unwrap().value, "10m");
    assert_eq!(high.keep_firing_for.as_ref().unwrap().value, "5m");
    assert_eq!(high.severity.value, "page");
    assert_eq!(high.labels.get("team").unwrap().value, "payments");
    assert!(high.runbook.is_some() && high.annotations.get("dashboard").is_some());
    assert!(
        svc.alerts.get("CheckoutQueueDeep").is_some(),
        "renamed to an identifier"
    );
    assert!(svc.recordings.get("job:checkout_requests:rate5m").is_some());
    let kinds: Vec<(String, obspec_codegen::model::MetricType)> = svc
        .metrics
        .iter()
        .map(|(k, m)| (k.value.clone(), m.kind.value))
        .collect();
    assert!(kinds.contains(&(
        "checkout_queue_depth".into(),
        obspec_codegen::model::MetricType::Gauge
    )));
    assert!(kinds.contains(&(
        "checkout_requests_total".into(),
        obspec_codegen::model::MetricType::Counter
    )));
    // Groups with their own interval are refused by name.
    let dir = std::env::temp_dir().join(format!("obspec-import-prom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("x.rules.yml");
    std::fs::write(&f, "groups:\n  - name: g\n    interval: 30s\n    rules:\n      - alert: A\n        expr: up == 0\n").unwrap();
    let (code, _, err) = import("prometheus", &f);
    assert_eq!(code, 1);
    assert!(err.contains("interval"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

// Conformance with Sloth: for Sloth specs, the burn-rate alerts obspec
// generates after `obspec import sloth` use the same windows and the same
// thresholds, per alert class, as the rules Sloth itself generates (slokit, a
// port of Sloth on crates.io, installed by `.ci/run`); a class Sloth disables
// has no obspec alert. obspec's own promtool tests of the imported spec pass.

const SLOTH: &str = r#"version: "prometheus/v1"
service: "shop"
labels:
  owner: "storefront"
slos:
  - name: "checkout-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(shop_checkout_requests_total{code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(shop_checkout_requests_total[{{.window}}]))
    alerting:
      name: ShopCheckoutAvailability
      page_alert:
        labels: {severity: pager}
      ticket_alert:
        labels: {severity: chat}
  - name: "search-latency"
    objective: 99
    sli:
      events:
        error_query: sum(rate(shop_search_duration_seconds_count{le_class="slow"}[{{.window}}]))
        total_query: sum(rate(shop_search_duration_seconds_count[{{.window}}]))
    alerting:
      name: ShopSearchLatency
      page_alert:
        disable: true
      ticket_alert:
        labels: {severity: chat}
  - name: "cart-availability"
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(shop_cart_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(shop_cart_requests_total[{{.window}}]))
    alerting:
      name: ShopCartAvailability
      page_alert:
        labels: {severity: pager}
      ticket_alert:
        disable: true
"#;

fn slokit() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/slokit/bin/slokit");
    let candidates = [
        std::env::var_os("SLOKIT").map(PathBuf::from),
        Some(root),
        Some("slokit".into()),
    ];
    for c in candidates.into_iter().flatten() {
        if Command::new(&c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(c);
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("slokit is required under CI=true (`cargo install slokit --root target/slokit`)");
    }
    eprintln!("slokit not installed: skipping");
    None
}

fn field<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    match &n.kind {
        NodeKind::Map(e) => e
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Every alerting rule of a rules file: its labels and expression.
fn alerts(text: &str) -> Vec<(Vec<(String, String)>, String)> {
    let docs = parse_all(obspec_codegen::source::FileId(0), text, Limits::default()).unwrap();
    let mut out = Vec::new();
    for d in &docs {
        let Some(NodeKind::Seq(groups)) = field(d, "groups").map(|n| &n.kind) else {
            continue;
        };
        for g in groups {
            let Some(NodeKind::Seq(rules)) = field(g, "rules").map(|n| &n.kind) else {
                continue;
            };
            for r in rules {
                if field(r, "alert").is_none() {
                    continue;
                }
                let expr = field(r, "expr")
                    .and_then(Node::as_scalar)
                    .unwrap_or("")
                    .to_string();
                let labels = match field(r, "labels").map(|n| &n.kind) {
                    Some(NodeKind::Map(e)) => e
                        .iter()
                        .filter_map(|(k, v)| {
                            Some((k.as_scalar()?.to_string(), v.as_scalar()?.to_string()))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                out.push((labels, expr));
            }
        }
    }
    out
}

/// A threshold rounded so that float noise (`0.0009999999999999432`) compares equal.
fn round(x: f64) -> String {
    format!("{:.6e}", x)
}

/// `(severity, long window, short window, threshold)` of Sloth's alerts: each
/// expression is `(short > f * b and long > f * b) or (…)`.
fn sloth_pairs(text: &str) -> BTreeSet<(String, String, String, String)> {
    let re = regex::Regex::new(r"ratio_rate(\w+)\{[^}]*\}\s*>\s*\(([\d.]+)\s*\*\s*([\d.eE-]+)\)")
        .unwrap();
    let mut out = BTreeSet::new();
    for (labels, expr) in alerts(text) {
        let severity = labels
            .iter()
            .find(|(k, _)| k == "severity")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let found: Vec<(String, f64)> = re
            .captures_iter(&expr)
            .map(|c| {
                (
                    c[1].to_string(),
                    c[2].parse::<f64>().unwrap() * c[3].parse::<f64>().unwrap(),
                )
            })
            .collect();
        for pair in found.chunks(2) {
            // Either order: the longer window is the long one.
            let ms = |w: &str| obspec_codegen::duration::parse_duration(w).unwrap_or(0);
            let (a, b) = (&pair[0], &pair[1]);
            let (long, short) = if ms(&a.0) >= ms(&b.0) { (a, b) } else { (b, a) };
            out.insert((
                severity.clone(),
                long.0.clone(),
                short.0.clone(),
                round(short.1),
            ));
        }
    }
    out
}

/// The same of obspec's burn-rate alerts, from their labels and thresholds.
fn obspec_pairs(text: &str) -> BTreeSet<(String, String, String, String)> {
    let re = regex::Regex::new(r">\s*([\d.eE-]+)").unwrap();
    let mut out = BTreeSet::new();
    for (labels, expr) in alerts(text) {
        let get = |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
        let (Some(long), Some(short)) = (get("long_window"), get("short_window")) else {
            continue;
        };
        let threshold: f64 = re.captures(&expr).unwrap()[1].parse().unwrap();
        out.insert((
            get("severity").unwrap_or_default(),
            long,
            short,
            round(threshold),
        ));
    }
    out
}

#[test]
fn imported_burn_alerts_match_sloth() {
    let Some(slokit) = slokit() else { return };
    let dir = std::env::temp_dir().join(format!("obspec-sloth-conf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shop.sloth.yml"), SLOTH).unwrap();
    let o = Command::new(&slokit)
        .args(["generate", "-i", "shop.sloth.yml", "-o", "sloth.rules.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "slokit: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let theirs = sloth_pairs(&std::fs::read_to_string(dir.join("sloth.rules.yml")).unwrap());
    assert!(theirs.len() >= 6, "{theirs:?}");

    let obspec = env!("CARGO_BIN_EXE_obspec");
    let o = Command::new(obspec)
        .args(["import", "sloth", "shop.sloth.yml", "--out", "specs"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(
        dir.join("specs/obspec.yaml"),
        "obspec: 1\nconventions:\n  severities: [pager, chat]\n",
    )
    .unwrap();
    generate_prometheus(&dir);
    let ours =
        obspec_pairs(&std::fs::read_to_string(dir.join("out/prometheus/shop.rules.yml")).unwrap());
    assert_eq!(
        ours, theirs,
        "obspec (left) and Sloth (right) burn-rate alerts differ"
    );

    // obspec's own tests of the imported rules pass.
    promtool_test(&dir.join("out/prometheus"), &["shop.test.yml"]);
    let _ = std::fs::remove_dir_all(&dir);
}
