//! `obspec import sloth|openslo`: the printed spec keeps objective, window and
//! SLI, lints clean, and generates rules promtool accepts; what cannot be
//! converted is a clear error with exit code 1.

use std::path::{Path, PathBuf};
use std::process::Command;

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
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
