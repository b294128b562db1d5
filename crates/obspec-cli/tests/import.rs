//! `obspec import sloth|openslo`: the printed spec keeps objective, window and
//! SLI, lints clean, and generates rules promtool accepts; what cannot be
//! converted is a clear error with exit code 1.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use obspec_spec::yaml::{parse_all, Limits, Node, NodeKind};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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
        obspec_test_support::skip_or_fail(
            "promtool is required under CI=true",
            "promtool not installed",
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

fn lints_clean(spec: &str) -> obspec_spec::load::Loaded {
    let loaded = obspec_core::lint::check_texts([("imported.yaml", spec)]);
    let d: Vec<_> = loaded.diagnostics.iter().cloned().collect();
    assert!(
        d.is_empty(),
        "{}",
        obspec_core::lint::report::render(
            obspec_core::lint::report::Format::Human,
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
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    interval: {all: 5m}\n    sli: {raw: {error_ratio_query: x}}\n", "interval"),
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    time_window: 7d\n    sli: {raw: {error_ratio_query: x}}\n", "time_window"),
        ("sloth", "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: 99\n    sli: {raw: {error_ratio_query: x}}\n    alerting: {name: A, page_alert: {disabled: true}}\n", "disabled"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  budgetingMethod: Weighted\n  timeWindow: [{duration: 30d, isRolling: true}]\n  objectives: [{target: 0.9}]\n", "Weighted"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  timeWindow: [{duration: 1Y, calendar: {startTime: 2020-01-01}, isRolling: false}]\n  objectives: [{target: 0.9}]\n", "calendar-aligned window of `1Y`"),
        ("openslo", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  timeWindow: [{duration: 30d, isRolling: true}]\n  indicator: {spec: {thresholdMetric: {metricSource: {type: Prometheus, spec: {query: x}}}}}\n  objectives: [{target: 0.9}]\n", "thresholdMetric"),
    ];
    for (i, (kind, text, word)) in cases.iter().enumerate() {
        let f = dir.join(format!("case{i}.yaml"));
        std::fs::write(&f, text).unwrap();
        let (code, out, err) = import(kind, &f);
        assert_eq!(code, 1, "case {i}: {out}{err}");
        assert!(err.contains(word), "case {i}: {err}");
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
    let loaded = obspec_core::lint::check_texts([
        ("checkout.yaml", out.as_str()),
        (
            "obspec.yaml",
            "obspec: 1\nconventions:\n  severities: [page, ticket, none]\n",
        ),
    ]);
    assert!(
        !loaded.diagnostics.has_errors() && loaded.diagnostics.iter().next().is_none(),
        "{}",
        obspec_core::lint::report::render(
            obspec_core::lint::report::Format::Human,
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
    let kinds: Vec<(String, obspec_spec::model::MetricType)> = svc
        .metrics
        .iter()
        .map(|(k, m)| (k.value.clone(), m.kind.value))
        .collect();
    assert!(kinds.contains(&(
        "checkout_queue_depth".into(),
        obspec_spec::model::MetricType::Gauge
    )));
    assert!(kinds.contains(&(
        "checkout_requests_total".into(),
        obspec_spec::model::MetricType::Counter
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/slokit/bin/slokit");
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
    obspec_test_support::skip_or_fail(
        "slokit is required under CI=true (`cargo install slokit --root target/slokit`)",
        "slokit not installed: skipping",
    );
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
    let docs = parse_all(obspec_spec::source::FileId(0), text, Limits::default()).unwrap();
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
            let ms = |w: &str| obspec_spec::duration::parse_duration(w).unwrap_or(0);
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

// Conformance in behaviour: Sloth's rules (slokit) and obspec's rules after
// import are evaluated by promtool on the same synthetic series, and the same
// burn-rate alerts fire at the same evaluation times, SLO by SLO and class
// by class (severity). Scenarios: steady error rates that cross the page and
// ticket thresholds or stay under them, a short burst that pages and then
// resolves, and clean traffic.

/// `(name, error fraction per minute at minute m)` of each scenario.
/// The error fraction of the traffic at minute `m`.
type ErrorShare = fn(u32) -> f64;

fn scenarios() -> Vec<(&'static str, ErrorShare)> {
    vec![
        ("steady-2pct", |_| 0.02),
        ("steady-half-pct", |_| 0.005),
        ("burst", |m| if (5..20).contains(&m) { 0.3 } else { 0.0 }),
        ("clean", |_| 0.0),
    ]
}

const EVAL_TIMES: [&str; 7] = ["10m", "18m", "30m", "50m", "2h", "4h", "7h"];
const MINUTES: u32 = 7 * 60 + 5;

/// Counter samples, one a minute: `total` events a minute, a share `f(m)` of
/// them errors.
fn counter_values(f: ErrorShare, errors: bool) -> String {
    let total = 1000.0;
    let mut acc = 0.0;
    let mut out = Vec::with_capacity(MINUTES as usize + 1);
    out.push("0".to_string());
    for m in 0..MINUTES {
        let e = (f(m) * total).round();
        acc += if errors { e } else { total - e };
        out.push(format!("{acc}"));
    }
    out.join(" ")
}

/// Which burn alerts fire: `(scenario, eval time, slo, severity)`, read from
/// promtool's report of test cases that expect no alert.
fn fired(
    dir: &Path,
    rules: &str,
    alertnames: &[&str],
    slo_label: &str,
) -> BTreeSet<(String, String, String, String)> {
    // Groups in file order at every step (recordings before the alerts
    // that read them), for both rule sets.
    let text = std::fs::read_to_string(dir.join(rules)).unwrap();
    let docs = parse_all(obspec_spec::source::FileId(0), &text, Limits::default()).unwrap();
    let mut order = String::new();
    if let Some(NodeKind::Seq(groups)) = docs
        .first()
        .and_then(|d| field(d, "groups"))
        .map(|n| &n.kind)
    {
        for g in groups {
            order.push_str(&format!(
                "  - {}\n",
                field(g, "name").and_then(Node::as_scalar).unwrap()
            ));
        }
    }
    let mut files = Vec::new();
    for (name, f) in scenarios() {
        let mut t = format!(
            "rule_files: [{rules}]\nevaluation_interval: 1m\ngroup_eval_order:\n{order}tests:\n  - interval: 1m\n    input_series:\n"
        );
        for (metric, bad, good) in [
            (
                "shop_checkout_requests_total",
                r#"{code="500"}"#,
                r#"{code="200"}"#,
            ),
            (
                "shop_cart_requests_total",
                r#"{code="503"}"#,
                r#"{code="200"}"#,
            ),
            (
                "shop_search_duration_seconds_count",
                r#"{le_class="slow"}"#,
                r#"{le_class="fast"}"#,
            ),
        ] {
            for (sel, errors) in [(bad, true), (good, false)] {
                t.push_str(&format!(
                    "      - series: '{metric}{sel}'\n        values: '{}'\n",
                    counter_values(f, errors)
                ));
            }
        }
        t.push_str("    alert_rule_test:\n");
        for time in EVAL_TIMES {
            for a in alertnames {
                t.push_str(&format!(
                    "      - {{eval_time: {time}, alertname: {a}, exp_alerts: []}}\n"
                ));
            }
        }
        let file = format!("{name}.{rules}.test.yml");
        std::fs::write(dir.join(&file), t).unwrap();
        files.push((name, file));
    }
    // One promtool run per scenario, two at a time.
    let reports: Vec<(&str, String)> = std::thread::scope(|scope| {
        let runs: Vec<_> = files
            .chunks(2)
            .map(|pair| {
                pair.iter()
                    .map(|(name, file)| {
                        let handle = scope.spawn(move || {
                            let o = Command::new("promtool")
                                .args(["test", "rules", file])
                                .current_dir(dir)
                                .output()
                                .unwrap();
                            let report = String::from_utf8_lossy(&o.stdout).into_owned()
                                + &String::from_utf8_lossy(&o.stderr);
                            assert!(
                                o.status.success() || report.contains("got:["),
                                "promtool could not run {file}: {report}"
                            );
                            report
                        });
                        (*name, handle)
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|(n, h)| (n, h.join().unwrap()))
                    .collect::<Vec<_>>()
            })
            .collect();
        runs.into_iter().flatten().collect()
    });
    let header = regex::Regex::new(r"alertname: (\w+), time: (\w+),").unwrap();
    let label = |labels: &str, k: &str| {
        regex::Regex::new(&format!(r#"[{{ ]{k}="([^"]*)""#))
            .unwrap()
            .captures(labels)
            .map(|c| c[1].to_string())
            .unwrap_or_default()
    };
    let mut out = BTreeSet::new();
    for (name, report) in reports {
        let mut time = String::new();
        for line in report.lines() {
            if let Some(c) = header.captures(line) {
                time = c[2].to_string();
            } else if let Some(labels) = line.trim().strip_prefix("Labels:") {
                out.insert((
                    name.to_string(),
                    time.clone(),
                    label(labels, slo_label),
                    label(labels, "severity"),
                ));
            }
        }
    }
    out
}

/// Generates Sloth's rules (slokit, with `extra` arguments) and obspec's rules
/// after `obspec import sloth` (with the same arguments), and compares what
/// fires.
fn sloth_and_obspec_fire_alike(tag: &str, extra: &[&str], windows: Option<&str>) {
    let Some(slokit) = slokit() else { return };
    if !Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        obspec_test_support::skip_or_fail(
            "promtool is required under CI=true",
            "promtool not installed",
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-sloth-fire-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shop.sloth.yml"), SLOTH).unwrap();
    let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    if let Some(w) = windows {
        std::fs::write(dir.join("windows.yml"), w).unwrap();
    }
    let mut slokit_args = args.clone();
    if windows.is_some() {
        slokit_args.extend(["--alert-windows".to_string(), "windows.yml".to_string()]);
        args.extend(["--windows".to_string(), "windows.yml".to_string()]);
    }
    let o = Command::new(&slokit)
        .args(["generate", "-i", "shop.sloth.yml", "-o", "sloth.rules.yml"])
        .args(&slokit_args)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "slokit: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "sloth", "shop.sloth.yml", "--out", "specs"])
        .args(&args)
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
    std::fs::copy(
        dir.join("out/prometheus/shop.rules.yml"),
        dir.join("obspec.rules.yml"),
    )
    .unwrap();
    let names = [
        "ShopCheckoutAvailability",
        "ShopSearchLatency",
        "ShopCartAvailability",
    ];
    let theirs = fired(&dir, "sloth.rules.yml", &names, "sloth_slo");
    let ours = fired(&dir, "obspec.rules.yml", &names, "slo");
    // The scenarios do exercise both classes, and quiet times.
    for (scenario, severity) in [
        ("steady-2pct", "pager"),
        ("steady-2pct", "chat"),
        ("steady-half-pct", "chat"),
        ("burst", "pager"),
    ] {
        assert!(
            theirs
                .iter()
                .any(|(s, _, _, sev)| s == scenario && sev == severity),
            "{scenario}: Sloth raised no {severity} alert: {theirs:?}"
        );
    }
    assert!(!theirs.iter().any(|(s, _, _, _)| s == "clean"));
    assert!(!theirs
        .iter()
        .any(|(s, t, _, sev)| s == "burst" && t == "50m" && sev == "pager"));
    let only_theirs: Vec<_> = theirs.difference(&ours).collect();
    let only_ours: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        only_theirs.is_empty() && only_ours.is_empty(),
        "fired only with Sloth's rules: {only_theirs:?}\nfired only with obspec's rules: {only_ours:?}"
    );
    // obspec's own tests of the imported rules pass.
    promtool_test(&dir.join("out/prometheus"), &["shop.test.yml"]);
    if std::env::var_os("OBSPEC_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn imported_alerts_fire_like_sloth() {
    sloth_and_obspec_fire_alike("30d", &[], None);
}

/// Sloth run with a 7-day period and its own windows catalogue
/// (`--slo-period-windows-path`): the import carries the windows.
#[test]
fn imported_alerts_fire_like_sloth_with_custom_windows() {
    sloth_and_obspec_fire_alike(
        "7d",
        &["--period", "7d"],
        Some(concat!(
            "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: 7d\n",
            "  page:\n    quick: {errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h}\n",
            "    slow: {errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h}\n",
            "  ticket:\n    quick: {errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d}\n",
            "    slow: {errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d}\n",
        )),
    );
}

/// Sloth's `info_labels` label the SLO's metadata series; Sloth's period and
/// windows catalogue (command-line settings of Sloth) come in as `--period`
/// and `--windows`, or as AlertWindows documents in the file; Sloth's 28-day
/// built-in windows are written out (obspec would scale its own); a period
/// Sloth has no windows for is refused.
#[test]
fn sloth_info_labels_periods_and_windows() {
    let dir = std::env::temp_dir().join(format!("obspec-import-win-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = "version: prometheus/v1\nservice: shop\nslos:\n  - name: orders\n    objective: 99.9\n    info_labels: {tier: gold, owner: checkout-team}\n    sli:\n      events:\n        error_query: sum(rate(shop_orders_total{status=\"failed\"}[{{.window}}]))\n        total_query: sum(rate(shop_orders_total[{{.window}}]))\n";
    std::fs::write(dir.join("shop.yml"), spec).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
            .args(["import", "sloth", "shop.yml"])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // info_labels, default period: no windows written.
    let (code, out, err) = run(&[]);
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let slo = loaded.specs.services[0].slos.get("orders").unwrap();
    let info: Vec<_> = slo
        .info_labels
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect();
    assert_eq!(
        info,
        [
            ("tier".to_string(), "gold".to_string()),
            ("owner".to_string(), "checkout-team".to_string())
        ]
    );
    assert!(slo.alerting.page.windows.is_empty() && slo.alerting.ticket.windows.is_empty());
    let rules = obspec_core::slo::rules::groups_yaml(
        &obspec_core::slo::rules::service_groups(
            &loaded.specs.services[0],
            &obspec_core::expr::promql::Registry::new(&loaded.specs),
        ),
        2,
    );
    let objective = rules
        .split("- record: 'slo:objective:ratio'")
        .nth(1)
        .unwrap();
    let objective = &objective[..objective.find("- record").unwrap_or(objective.len())];
    assert!(
        objective.contains("tier: gold") && objective.contains("owner: checkout-team"),
        "{objective}"
    );

    // 28 days: Sloth's built-in catalogue keeps the 30-day windows.
    let (code, out, err) = run(&["--period", "28d"]);
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let slo = loaded.specs.services[0].slos.get("orders").unwrap();
    assert_eq!(slo.window.value, "4w");
    let windows = obspec_core::slo::windows::slo_burn_windows(slo).unwrap();
    let got: Vec<_> = windows
        .iter()
        .map(|w| {
            (
                w.kind,
                obspec_spec::duration::format_duration(w.long_ms),
                obspec_spec::duration::format_duration(w.short_ms),
                w.factor.to_string(),
            )
        })
        .collect();
    let want = [
        ("page", "1h", "5m", "13.44"),
        ("page", "6h", "30m", "5.6"),
        ("ticket", "1d", "2h", "2.8"),
        ("ticket", "3d", "6h", "0.933333"),
    ];
    assert_eq!(
        got,
        want.map(|(k, l, s, f)| (k, l.to_string(), s.to_string(), f.to_string()))
    );

    // A period Sloth has no windows for is refused, naming the way out.
    let (code, out, err) = run(&["--period", "14d"]);
    assert_eq!(code, 1);
    assert!(out.is_empty() && err.contains("--windows"), "{err}");

    // AlertWindows in the file itself, for the period given.
    let with_windows = format!(
        "{spec}---\napiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: 14d\n  page:\n    quick: {{errorBudgetPercent: 4, shortWindow: 5m, longWindow: 1h}}\n    slow: {{errorBudgetPercent: 10, shortWindow: 30m, longWindow: 6h}}\n  ticket:\n    quick: {{errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d}}\n    slow: {{errorBudgetPercent: 20, shortWindow: 6h, longWindow: 3d}}\n"
    );
    std::fs::write(dir.join("shop.yml"), with_windows).unwrap();
    let (code, out, err) = run(&["--period", "14d"]);
    assert_eq!(code, 0, "{err}");
    let loaded = lints_clean(&out);
    let slo = loaded.specs.services[0].slos.get("orders").unwrap();
    assert_eq!(slo.window.value, "2w");
    let factors: Vec<String> = obspec_core::slo::windows::slo_burn_windows(slo)
        .unwrap()
        .iter()
        .map(|w| w.factor.to_string())
        .collect();
    // 4% of 14d in 1h: 13.44; 10% in 6h: 5.6; 20% in 1d: 2.8; 20% in 3d: 0.933333.
    assert_eq!(factors, ["13.44", "5.6", "2.8", "0.933333"]);
    // A windows file that is not AlertWindows is refused.
    std::fs::write(dir.join("w.yml"), "kind: Other\n").unwrap();
    let (code, _, err) = run(&["--windows", "w.yml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("AlertWindows"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Rule files written to inject into the spec import writes: each is
/// written escaped (what it says stays a value, never a key or a line of its
/// own) or refused, and what is written reads back.
#[test]
fn hostile_rule_files_cannot_inject_into_the_spec() {
    let dir = obspec_test_support::scratch("import-inject");
    let f = dir.join("rules.yml");
    let read = |out: &str| obspec_core::lint::check_texts([("imported.yaml", out)]);
    // A severity holding a line break and a key.
    std::fs::write(
        &f,
        "groups:\n  - name: g\n    rules:\n      - alert: HighErrors\n        expr: up == 0\n        labels:\n          severity: \"critical\\nconst_labels: {team: evil}\"\n",
    )
    .unwrap();
    let (code, out, err) = import("prometheus", &f);
    assert_eq!(code, 0, "{err}");
    assert!(!out.lines().any(|l| l.starts_with("const_labels")), "{out}");
    let loaded = read(&out);
    assert!(loaded.specs.services[0].const_labels.is_empty(), "{out}");
    // A carriage return in an alert name: one alert, the rest in the comment.
    std::fs::write(
        &f,
        "groups:\n  - name: g\n    rules:\n      - alert: \"Bad name\\r  Hidden:\\r    expr: vector(1)\"\n        expr: up == 0\n",
    )
    .unwrap();
    let (code, out, err) = import("prometheus", &f);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\r'), "{out:?}");
    let loaded = read(&out);
    let names: Vec<String> = loaded.specs.services[0]
        .alerts
        .iter()
        .map(|(k, _)| k.value.clone())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}\n{out}");
    assert!(out.contains("renamed from `Bad name\\r  Hidden:"), "{out}");
    // A name longer than a YAML key may be.
    std::fs::write(
        &f,
        format!(
            "groups:\n  - name: g\n    rules:\n      - alert: A{}\n        expr: up == 0\n",
            "b".repeat(1100)
        ),
    )
    .unwrap();
    let (code, out, err) = import("prometheus", &f);
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("has 1101 characters") && err.len() < 1000,
        "{err}"
    );
    // A Sloth alert name with a line break.
    std::fs::write(
        &f,
        "version: \"prometheus/v1\"\nservice: shop\nslos:\n  - name: checkout\n    objective: 99.9\n    sli: {events: {error_query: 'sum(rate(shop_errors_total[{{.window}}]))', total_query: 'sum(rate(shop_requests_total[{{.window}}]))'}}\n    alerting: {name: \"Shop\\nBurn: {x: 1}\"}\n",
    )
    .unwrap();
    let (code, out, err) = import("sloth", &f);
    assert_eq!(code, 0, "{err}");
    assert!(
        parse_all(obspec_spec::source::FileId(0), &out, Limits::default()).is_ok(),
        "{out}"
    );
    assert_eq!(read(&out).specs.services[0].slos.iter().count(), 1, "{out}");
}

/// Many rules of one name get unique names, numbered in order, in one pass.
#[test]
fn many_alerts_of_one_name_are_numbered() {
    let dir = obspec_test_support::scratch("import-many");
    let f = dir.join("rules.yml");
    let mut text = String::from("groups:\n  - name: g\n    rules:\n");
    for _ in 0..3000 {
        text.push_str("      - alert: Same\n        expr: up == 0\n");
    }
    text.push_str("      - alert: Same2\n        expr: up == 0\n");
    std::fs::write(&f, text).unwrap();
    let (code, out, err) = import("prometheus", &f);
    assert_eq!(code, 0, "{err}");
    let names: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  Same"))
        .map(|l| l.trim().trim_end_matches(':'))
        .collect();
    assert_eq!(names.len(), 3001);
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), 3001);
    assert_eq!(&names[..3], ["Same", "Same2", "Same3"]);
    assert_eq!(names[3000], "Same3001");
}

/// `--out DIR` writes regular files inside DIR: never through a link (a
/// dangling one included), never over a file, named as the spec names the
/// service.
#[test]
fn import_out_writes_only_new_regular_files() {
    let dir = obspec_test_support::scratch("import-out");
    let rules = dir.join("my checkout.rules.yml");
    std::fs::write(
        &rules,
        "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n",
    )
    .unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let outside = dir.join("outside.yaml");
    std::os::unix::fs::symlink(&outside, out.join("my-checkout.yaml")).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_obspec"))
            .args(["import", "prometheus"])
            .arg(&rules)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("exists"),
        "{o:?}"
    );
    assert!(!outside.exists(), "written through the link");
    std::fs::remove_file(out.join("my-checkout.yaml")).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let meta = std::fs::symlink_metadata(out.join("my-checkout.yaml")).unwrap();
    assert!(meta.file_type().is_file());
    let text = std::fs::read_to_string(out.join("my-checkout.yaml")).unwrap();
    assert!(text.contains("service: my-checkout"), "{text}");
}
