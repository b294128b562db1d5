//! Names scoped the way Prometheus scopes them: two services may each have an
//! `availability` SLO and a `DiskFillingUp` alert; one name may hold severity
//! tiers. What Prometheus could not tell apart stays a located error.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

fn obspec(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A service `{s}` with an `availability` SLO and a tiered `DiskFillingUp`.
fn service(s: &str) -> String {
    format!(
        "obspec: 1
service: {s}
namespace: {s}
team: core
metrics:
  {s}_requests_total: {{type: counter, help: Requests.}}
  {s}_errors_total: {{type: counter, help: Failed requests.}}
  {s}_disk_free_ratio: {{type: gauge, unit: ratio, help: Free disk.}}
slos:
  availability:
    objective: 99.9
    window: 30d
    sli: {{errors: {s}_errors_total, total: {s}_requests_total}}
alerts:
  DiskFillingUp:
    - expr: {s}_disk_free_ratio < 0.1
      for: 5m
      severity: warning
      summary: Disk nearly full.
    - expr: {s}_disk_free_ratio < 0.05
      for: 5m
      severity: critical
      summary: Disk full soon.
"
    )
}

const TIERS_TEST: &str = "rule_files: [shop.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: shop_disk_free_ratio
        values: '0.03x20'
      - series: shop_requests_total
        values: '0+10x20'
      - series: shop_errors_total
        values: '0x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: DiskFillingUp
        exp_alerts:
          - exp_labels: {severity: warning, team: core, service: shop}
            exp_annotations: {summary: Disk nearly full.}
          - exp_labels: {severity: critical, team: core, service: shop}
            exp_annotations: {summary: Disk full soon.}
  - interval: 1m
    input_series:
      - series: shop_disk_free_ratio
        values: '0.08x20'
      - series: shop_requests_total
        values: '0+10x20'
      - series: shop_errors_total
        values: '0x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: DiskFillingUp
        exp_alerts:
          - exp_labels: {severity: warning, team: core, service: shop}
            exp_annotations: {summary: Disk nearly full.}
";

fn promtool(dir: &Path, args: &[&str]) {
    if !obspec_test_support::require(
        "promtool",
        obspec_test_support::has_command("promtool", &["--version"]),
        "apt-get install prometheus",
    ) {
        return;
    }
    let out = Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn two_services_share_slo_and_alert_names_and_tiers_fire_at_their_severity() {
    let dir = obspec_test_support::scratch("scoped-names");
    let specs = dir.join("specs");
    write(
        &specs,
        &[
            ("shop.yaml", &service("shop")),
            ("billing.yaml", &service("billing")),
        ],
    );
    let (code, out, err) = obspec(&dir, &["lint", "specs", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = obspec(
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
    assert_eq!(code, 0, "{out}{err}");
    let prom = dir.join("gen/prometheus");
    let shop = std::fs::read_to_string(prom.join("shop.rules.yml")).unwrap();
    // Both tiers under the one name, and the SLO's series told apart by service.
    assert_eq!(
        shop.matches("- alert: 'DiskFillingUp'").count()
            + shop.matches("- alert: DiskFillingUp").count(),
        2,
        "{shop}"
    );
    assert!(
        shop.contains("slo=\"availability\", service=\"shop\""),
        "{shop}"
    );
    let billing = std::fs::read_to_string(prom.join("billing.rules.yml")).unwrap();
    assert!(billing.contains("slo=\"availability\", service=\"billing\""));
    promtool(
        &prom,
        &["check", "rules", "shop.rules.yml", "billing.rules.yml"],
    );
    // obspec's own SLO tests of both services, and the tiers' test.
    promtool(
        &prom,
        &["test", "rules", "shop.test.yml", "billing.test.yml"],
    );
    std::fs::write(prom.join("tiers_test.yml"), TIERS_TEST).unwrap();
    promtool(&prom, &["test", "rules", "tiers_test.yml"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_prometheus_cannot_tell_apart_is_a_located_error() {
    let dir = obspec_test_support::scratch("scoped-duplicates");
    let specs = dir.join("specs");
    let shop = "obspec: 1
service: shop
namespace: shop
metrics:
  shop_requests_total: {type: counter, help: Requests.}
  shop_errors_total: {type: counter, help: Failed requests.}
  shop_queue_depth: {type: gauge, help: Queue.}
slos:
  availability:
    objective: 99.9
    window: 30d
    sli: {errors: shop_errors_total, total: shop_requests_total}
alerts:
  QueueDeep:
    - {expr: shop_queue_depth > 100, severity: warning, summary: Deep.}
    - {expr: shop_queue_depth > 1000, severity: warning, summary: Very deep.}
  AvailabilityBudgetBurn:
    expr: shop_queue_depth > 5000
    severity: critical
    summary: Not a burn alert.
  TargetsDown:
    expr: count by (service) (up == 0) > 0
    severity: warning
    summary: Down.
  JobDown:
    expr: count by (service) (up{job=\"shop\"} == 0) > 0
    severity: warning
    summary: Down.
";
    let billing = "obspec: 1
service: billing
namespace: billing
metrics:
  billing_queue_depth: {type: gauge, help: Queue.}
alerts:
  QueueDeep: {expr: billing_queue_depth > 100, severity: warning, summary: Deep.}
  AvailabilityBudgetBurn: {expr: billing_queue_depth > 5000, severity: critical, summary: Fine here.}
  TargetsDown:
    expr: count by (service) (up == 0) > 0
    severity: warning
    summary: Down.
  JobDown:
    expr: count by (service) (up{job=\"billing\"} == 0) > 0
    severity: warning
    summary: Down.
";
    write(
        &specs,
        &[
            (
                "obspec.yaml",
                "obspec: 1\nconventions:\n  required_target_labels: [service]\n",
            ),
            ("shop.yaml", shop),
            ("billing.yaml", billing),
        ],
    );
    let (code, out, err) = obspec(&dir, &["lint", "specs"]);
    assert_eq!(code, 1, "{out}{err}");
    let text = format!("{out}{err}");
    let at = |line: &str| -> Vec<String> {
        text.lines()
            .zip(text.lines().skip(1))
            .filter(|(_, b)| b.contains(line))
            .map(|(a, _)| a.to_string())
            .collect()
    };
    // The second warning tier of one service.
    assert!(
        at("shop.yaml:16:").iter().any(|l| l.contains("[OBS803]")),
        "{text}"
    );
    // A declared alert with the name of the service's own burn alert.
    assert!(
        at("shop.yaml:17:3").iter().any(|l| l.contains("[OBS803]")),
        "{text}"
    );
    // The same expression under one name in two services, no service label
    // of obspec's to separate them.
    assert!(
        at("shop.yaml:23:").iter().any(|l| l.contains("[OBS803]")),
        "{text}"
    );
    // Nothing else: a burn-alert name in another service, `QueueDeep` in
    // two services, and `JobDown` reading other jobs are all distinct.
    assert_eq!(text.matches("[OBS803]").count(), 3, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn removing_a_severity_tier_is_breaking() {
    let dir = obspec_test_support::scratch("scoped-diff");
    write(&dir.join("old"), &[("shop.yaml", &service("shop"))]);
    let one_tier = service("shop");
    let cut = one_tier
        .find("    - expr: shop_disk_free_ratio < 0.05")
        .unwrap();
    write(&dir.join("new"), &[("shop.yaml", &one_tier[..cut])]);
    let (code, out, err) = obspec(&dir, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes = v["changes"].as_array().unwrap();
    let tier: Vec<_> = changes
        .iter()
        .filter(|c| {
            c["message"]
                .as_str()
                .unwrap()
                .contains("no longer has a `critical` rule")
        })
        .collect();
    assert_eq!(tier.len(), 1, "{changes:?}");
    assert_eq!(tier[0]["breaking"], true);
    // The name itself stays: not reported as removed.
    assert!(!changes.iter().any(|c| c["message"]
        .as_str()
        .unwrap()
        .contains("`DiskFillingUp` removed")));
    let _ = std::fs::remove_dir_all(&dir);
}
