//! `external: true` catalogs: node_exporter's and kube-state-metrics'
//! metrics, named as the exporters name them, read by another service's
//! alerts. They lint clean, nothing but docs is generated for them, the
//! reading rules pass promtool, and mistakes in those rules are still found.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external")
}

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

#[test]
fn external_catalogs_lint_clean_and_generate_only_docs() {
    let dir = specs();
    let (code, out) = obspec(&["lint", dir.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(code, 0, "{out}");

    let gen = obspec_test_support::scratch("external-gen");
    let _ = std::fs::remove_dir_all(&gen);
    let (code, out) = obspec(&[
        "generate",
        dir.to_str().unwrap(),
        "--out",
        gen.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    for catalog in ["node-exporter", "kube-state-metrics"] {
        assert!(gen.join(format!("docs/{catalog}.md")).is_file());
        for none in [
            format!("grafana/{catalog}.json"),
            format!("rust/{catalog}.rs"),
            format!("prometheus/{catalog}.rules.yml"),
        ] {
            assert!(!gen.join(&none).exists(), "{none} generated");
        }
    }
    let docs = std::fs::read_to_string(gen.join("docs/node-exporter.md")).unwrap();
    assert!(docs.contains("`node_memory_MemAvailable_bytes`") && docs.contains("| summary |"));
    let rules = gen.join("prometheus/platform.rules.yml");
    let rules_text = std::fs::read_to_string(&rules).unwrap();
    assert!(rules_text.contains("node_filesystem_avail_bytes"));
    if obspec_test_support::require(
        "promtool",
        obspec_test_support::has_command("promtool", &["--version"]),
        "apt-get install prometheus",
    ) {
        let out = Command::new("promtool")
            .args(["check", "rules"])
            .arg(&rules)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&gen);
}

#[test]
fn expressions_over_external_metrics_are_checked() {
    let dir = obspec_test_support::scratch("external-bad");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["node-exporter.yaml", "kube-state-metrics.yaml"] {
        std::fs::copy(specs().join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("platform.yaml"),
        "obspec: 1
service: platform
namespace: platform
metrics:
  platform_latency_seconds: {type: summary, unit: seconds, help: Latency.}
alerts:
  LoadRising:
    expr: rate(node_load1[5m]) > 1
    severity: warning
    summary: Load rising.
  DiskFull:
    expr: sum by (disk) (node_filesystem_avail_bytes) < 1
    severity: warning
    summary: Disk full.
  CpuSteal:
    expr: rate(node_cpu_seconds_total{mode=\"stolen\"}[5m]) > 0.1
    severity: warning
    summary: Steal.
",
    )
    .unwrap();
    let (code, out) = obspec(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    for (code, line) in [
        ("OBS109", "platform.yaml:5"),
        ("OBS506", "platform.yaml:8"),
        ("OBS509", "platform.yaml:12"),
        ("OBS504", "platform.yaml:16"),
    ] {
        assert!(
            out.lines()
                .zip(out.lines().skip(1))
                .any(|(a, b)| a.contains(&format!("[{code}]")) && b.contains(line)),
            "{code} at {line}:\n{out}"
        );
    }
    // A catalog holds metrics only; two catalogs disagreeing on a type clash.
    std::fs::write(
        dir.join("platform.yaml"),
        "obspec: 1\nservice: platform\nnamespace: platform\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cadvisor.yaml"),
        "obspec: 1\nservice: cadvisor\nexternal: true\nmetrics:\n  process_cpu_seconds_total: {type: gauge}\nrecordings:\n  job:x:sum: {expr: sum(process_cpu_seconds_total)}\n",
    )
    .unwrap();
    let (code, out) = obspec(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("[OBS801]") && out.contains("[OBS110]"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
