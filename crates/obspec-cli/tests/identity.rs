//! Generated rules never overwrite a series' identity. kube-prometheus's
//! `TargetDown` keeps `service` in its `by (…)`: obspec must not add its own
//! `service` label there (two down services of one job would then share a
//! label set, and Prometheus fails the rule at every evaluation). promtool
//! evaluates the generated rule and sees both alerts. The overwrites a user
//! writes are located lint errors.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

fn obspec(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
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

const PROJECT: &str = "obspec: 1\nconventions:\n  required_target_labels: [namespace, service]\n";

const TARGET_DOWN: &str = "obspec: 1
service: kube-platform
namespace: kube_platform
team: platform
alerts:
  TargetDown:
    expr: 100 * (count by (job, namespace, service) (up == 0) / count by (job, namespace, service) (up)) > 10
    for: 10m
    severity: warning
    summary: \"{{ $value }}% of the {{ $labels.job }}/{{ $labels.service }} targets in {{ $labels.namespace }} are down.\"
  KubeletDown:
    expr: sum(up{job=\"kubelet\"}) == 0
    for: 10m
    severity: critical
    summary: All kubelets are down.
";

const PROMTOOL_TEST: &str = "rule_files: [kube-platform.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job=\"kubelet\", namespace=\"kube-system\", service=\"kubelet\", instance=\"a\"}'
        values: '0x20'
      - series: 'up{job=\"kubelet\", namespace=\"kube-system\", service=\"kubelet-cadvisor\", instance=\"a\"}'
        values: '0x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: TargetDown
        exp_alerts:
          - exp_labels: {job: kubelet, namespace: kube-system, service: kubelet, severity: warning, team: platform}
            exp_annotations: {summary: '100% of the kubelet/kubelet targets in kube-system are down.'}
          - exp_labels: {job: kubelet, namespace: kube-system, service: kubelet-cadvisor, severity: warning, team: platform}
            exp_annotations: {summary: '100% of the kubelet/kubelet-cadvisor targets in kube-system are down.'}
      - eval_time: 15m
        alertname: KubeletDown
        exp_alerts:
          - exp_labels: {severity: critical, team: platform, service: kube-platform}
            exp_annotations: {summary: All kubelets are down.}
";

#[test]
fn target_down_keeps_the_series_service_and_fires_twice_in_promtool() {
    let dir = obspec_test_support::scratch("identity-target-down");
    let specs = dir.join("specs");
    write(
        &specs,
        &[
            ("obspec.yaml", PROJECT),
            ("kube-platform.yaml", TARGET_DOWN),
        ],
    );
    let (code, out) = obspec(&["lint", specs.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
    let gen = dir.join("gen");
    let (code, out) = obspec(&[
        "generate",
        specs.to_str().unwrap(),
        "--out",
        gen.to_str().unwrap(),
        "--target",
        "prometheus",
    ]);
    assert_eq!(code, 0, "{out}");
    let prom = gen.join("prometheus");
    let rules = std::fs::read_to_string(prom.join("kube-platform.rules.yml")).unwrap();
    let target_down = &rules[..rules.find("KubeletDown").unwrap()];
    assert!(!target_down.contains("service: kube-platform"), "{rules}");
    // Where the result carries no `service`, obspec still adds its own.
    assert!(rules[rules.find("KubeletDown").unwrap()..].contains("service: kube-platform"));
    std::fs::write(prom.join("target_down_test.yml"), PROMTOOL_TEST).unwrap();
    if obspec_test_support::require(
        "promtool",
        obspec_test_support::has_command("promtool", &["--version"]),
        "apt-get install prometheus",
    ) {
        let out = Command::new("promtool")
            .args(["test", "rules", "target_down_test.yml"])
            .current_dir(&prom)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_overwrite_is_a_located_error() {
    let dir = obspec_test_support::scratch("identity-overwrites");
    write(
        &dir,
        &[
            (
                "obspec.yaml",
                "obspec: 1\nconventions:\n  required_target_labels: [environment]\nenvironments: [prod, staging]\n",
            ),
            (
                "shop.yaml",
                "obspec: 1
service: shop
namespace: shop
labels:
  outcome: {values: [good, bad]}
functions:
  names: [pay]
alerts:
  ShopDown:
    expr: sum by (environment) (up{job=\"shop\"}) == 0
    for: 5m
    severity: critical
    summary: Shop down in {{ $labels.environment }}.
    labels:
      environment: prod
  ShopDownProd:
    expr: sum by (environment) (up{job=\"shop\", environment=\"prod\"}) == 0
    for: 5m
    severity: critical
    summary: Shop down.
    labels:
      environment: prod
      severity: warning
",
            ),
        ],
    );
    let (code, out) = obspec(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    for (code, at) in [
        ("OBS206", "shop.yaml:5:3"),
        ("OBS712", "shop.yaml:15:7"),
        ("OBS713", "shop.yaml:23:7"),
    ] {
        assert!(
            out.lines()
                .zip(out.lines().skip(1))
                .any(|(a, b)| a.contains(&format!("[{code}]")) && b.contains(at)),
            "{code} at {at}:\n{out}"
        );
    }
    // The filtered alert keeps its meaning: no OBS712 on it.
    assert_eq!(out.matches("[OBS712]").count(), 1, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
