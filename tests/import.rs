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
    let ratio = &avail.sli.error_ratio.as_ref().unwrap().value;
    assert!(
        ratio.contains(r#"code=~"(5..|429)"}[{{window}}]"#),
        "{ratio}"
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
    assert!(
        out.contains("# TODO: Sloth disabled the page_alert"),
        "{out}"
    );
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
