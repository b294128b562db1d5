//! Per-environment SLOs: `grouping` names a target label of the project
//! (`required_target_labels`), every recording and burn-rate alert is per
//! environment, and a burning prod fires while a healthy dev stays silent.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

fn obspec(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const PROJECT: &str = "obspec: 1
conventions:
  required_target_labels: [environment]
environments: [dev, prod]
";

fn checkout(grouping: &str) -> String {
    format!(
        "obspec: 1
service: checkout
namespace: checkout
team: shop
labels:
  code: {{values: [\"2xx\", \"5xx\"]}}
metrics:
  checkout_requests_total: {{type: counter, help: Requests., labels: [code]}}
slos:
  availability:
    objective: 99.9
    window: 30d
    grouping: [{grouping}]
    sli:
      errors: 'checkout_requests_total{{code=\"5xx\"}}'
      total: checkout_requests_total
"
    )
}

/// prod answers 5% errors (50× the budget), dev none: only prod pages.
const PROD_BURNS: &str = "rule_files: [checkout.rules.yml]
evaluation_interval: 1m
group_eval_order: [checkout-slo-rates, checkout-slo-recordings, checkout-slo-alerts]
tests:
  - interval: 1m
    input_series:
      - series: 'checkout_requests_total{code=\"5xx\", environment=\"prod\"}'
        values: '0+5x120'
      - series: 'checkout_requests_total{code=\"2xx\", environment=\"prod\"}'
        values: '0+95x120'
      - series: 'checkout_requests_total{code=\"2xx\", environment=\"dev\"}'
        values: '0+100x120'
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate5m{slo=\"availability\"}
        eval_time: 60m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate5m{environment=\"dev\", service=\"checkout\", slo=\"availability\", window=\"5m\"}'
            value: 0
          - labels: 'slo:sli_error:ratio_rate5m{environment=\"prod\", service=\"checkout\", slo=\"availability\", window=\"5m\"}'
            value: 0.05
    alert_rule_test:
      - eval_time: 60m
        alertname: AvailabilityBudgetBurn
        exp_alerts:
          - exp_labels: {environment: prod, slo: availability, service: checkout, team: shop, severity: critical, long_window: 1h, short_window: 5m, burn_rate: '14.4'}
            exp_annotations: {summary: 'availability of checkout burns its error budget 14.4× too fast (1h and 5m windows)', description: 'availability of checkout: objective 99.9% over 30d'}
          - exp_labels: {environment: prod, slo: availability, service: checkout, team: shop, severity: critical, long_window: 6h, short_window: 30m, burn_rate: '6'}
            exp_annotations: {summary: 'availability of checkout burns its error budget 6× too fast (6h and 30m windows)', description: 'availability of checkout: objective 99.9% over 30d'}
          - exp_labels: {environment: prod, slo: availability, service: checkout, team: shop, severity: warning, long_window: 1d, short_window: 2h, burn_rate: '3'}
            exp_annotations: {summary: 'availability of checkout burns its error budget 3× too fast (1d and 2h windows)', description: 'availability of checkout: objective 99.9% over 30d'}
          - exp_labels: {environment: prod, slo: availability, service: checkout, team: shop, severity: warning, long_window: 3d, short_window: 6h, burn_rate: '1'}
            exp_annotations: {summary: 'availability of checkout burns its error budget 1× too fast (3d and 6h windows)', description: 'availability of checkout: objective 99.9% over 30d'}
";

#[test]
fn a_burning_prod_fires_and_a_healthy_dev_stays_silent() {
    let dir = obspec_test_support::scratch("per-environment");
    let specs = dir.join("specs");
    write(
        &specs,
        &[
            ("obspec.yaml", PROJECT),
            ("checkout.yaml", &checkout("environment")),
        ],
    );
    let (code, out) = obspec(&dir, &["lint", "specs", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = obspec(
        &dir,
        &[
            "generate",
            "specs",
            "--out",
            "gen",
            "--target",
            "prometheus",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let prom = dir.join("gen/prometheus");
    let rules = std::fs::read_to_string(prom.join("checkout.rules.yml")).unwrap();
    assert!(
        rules.contains("sum by (environment) (rate(checkout_requests_total[5m]))"),
        "{rules}"
    );
    // obspec's own tests feed a second, healthy group in every scenario.
    let tests = std::fs::read_to_string(prom.join("checkout.test.yml")).unwrap();
    assert!(tests.contains("environment=\"obspec_healthy\""), "{tests}");
    std::fs::write(prom.join("prod_burns_test.yml"), PROD_BURNS).unwrap();
    if obspec_test_support::require(
        "promtool",
        obspec_test_support::has_command("promtool", &["--version"]),
        "apt-get install prometheus",
    ) {
        for args in [
            &["check", "rules", "checkout.rules.yml"][..],
            &["test", "rules", "checkout.test.yml", "prod_burns_test.yml"][..],
        ] {
            let out = Command::new("promtool")
                .args(args)
                .current_dir(&prom)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "promtool {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn grouping_by_a_label_obspec_sets_or_nobody_carries_is_located() {
    let dir = obspec_test_support::scratch("per-environment-refused");
    for (grouping, message) in [
        ("service", "is a label obspec sets"),
        ("region", "is not a label of the SLI's metrics"),
    ] {
        write(
            &dir,
            &[
                ("obspec.yaml", PROJECT),
                ("checkout.yaml", &checkout(grouping)),
            ],
        );
        let (code, out) = obspec(&dir, &["lint", "."]);
        assert_eq!(code, 1, "{out}");
        let first = out.lines().next().unwrap_or("");
        assert!(
            first.contains("[OBS607]") && first.contains(message),
            "{out}"
        );
        assert!(out.contains("checkout.yaml:13:16"), "{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
