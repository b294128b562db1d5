//! `obspec:ignore` end to end: a suppressed finding never changes the exit
//! status, `--deny-warnings` included, and `--format json` still lists it,
//! marked, with its reason.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

const SPEC: &str = "obspec: 1
service: shop
namespace: shop
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}
alerts:
  ShopOrdersFailing:
    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1
    severity: warning
    IGNORE
    summary: \"Orders failing on {{ $labels.instance }}\"
";

fn lint(ignore: &str, args: &[&str]) -> (i32, String) {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = obspec_test_support::scratch(&format!("suppress-{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shop.yaml"), SPEC.replace("IGNORE", ignore)).unwrap();
    let out = Command::new(BIN)
        .arg("lint")
        .arg(&dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_suppressed_warning_does_not_fail_deny_warnings_and_stays_in_json() {
    let (code, out) = lint("# nothing", &["--deny-warnings"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("OBS709"), "{out}");

    let ignore = "# obspec:ignore OBS709 the summary is read on the dashboard";
    let (code, out) = lint(ignore, &["--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 finding suppressed"), "{out}");

    let (code, out) = lint(ignore, &["--deny-warnings", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["suppressed"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "OBS709");
    assert_eq!(f["suppressed"], true);
    assert_eq!(f["reason"], "the summary is read on the dashboard");
    assert_eq!(f["line"], 13);

    let (_, out) = lint(ignore, &["--format", "github"]);
    assert!(!out.contains("OBS709"), "{out}");
}

#[test]
fn an_unused_or_unreasoned_ignore_is_reported() {
    let (code, out) = lint(
        "# obspec:ignore OBS709,OBS703 read on the dashboard",
        &["--deny-warnings"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("[OBS012]") && out.contains("obspec:ignore OBS703"),
        "{out}"
    );
    let (code, out) = lint("# obspec:ignore OBS709", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("[OBS011]") && out.contains("[OBS709]"),
        "{out}"
    );
}
