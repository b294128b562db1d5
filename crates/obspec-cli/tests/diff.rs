//! `obspec diff`: two spec directories, and a real git repository created in
//! the test (`--base REF` reads the old version without a checkout).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use obspec_test_support::repo_root as repo;

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("obspec-diff-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn obspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn copy_specs(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(repo().join("specs")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} no longer contains {from:?}: update this test",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn codes(v: &serde_json::Value, breaking: bool) -> Vec<String> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["breaking"] == breaking && c["allowed"].is_null())
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn breaking_changes_are_classified_with_what_depends_on_them() {
    let dir = temp("dirs");
    copy_specs(&dir.join("old"));
    copy_specs(&dir.join("new"));
    let pg = dir.join("new/payment-gateway.yaml");
    // A rename, a removed bucket bound, a removed domain value, a tightened
    // objective, a renamed alert.
    edit(&pg, "  payment_inflight:\n", "  payment_in_flight:\n");
    edit(
        &pg,
        "buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]",
        "buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10]",
    );
    edit(
        &pg,
        "  payment_channel: {values: [card, wallet, bank_transfer]}",
        "  payment_channel: {values: [card, wallet]}",
    );
    edit(
        &pg,
        "    objective: 99.9          # percent",
        "    objective: 99.95          # percent",
    );
    edit(
        &pg,
        "  PaymentInflightHigh:\n    expr: payment_inflight > 500",
        "  PaymentsInFlightHigh:\n    expr: payment_in_flight > 500",
    );
    let o = obspec(&dir, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    let b = codes(&v, true);
    for want in ["OBS331", "OBS335", "OBS336", "OBS338"] {
        assert!(b.iter().any(|c| c == want), "{want} not breaking in {b:?}");
    }
    assert!(codes(&v, false).iter().any(|c| c == "OBS339"));
    let changes = v["changes"].as_array().unwrap();
    // Breaking first.
    let first_compatible = changes.iter().position(|c| c["breaking"] == false).unwrap();
    assert!(changes[first_compatible..]
        .iter()
        .all(|c| c["breaking"] == false));
    let removed = changes.iter().find(|c| c["code"] == "OBS331").unwrap();
    assert!(
        removed["message"]
            .as_str()
            .unwrap()
            .contains("likely renamed to `payment_in_flight`"),
        "{removed}"
    );
    let used: Vec<&str> = removed["used_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(
        used.iter().any(|u| u.starts_with(
            "alert `PaymentInflightHigh` of payment-gateway (old/payment-gateway.yaml:"
        )),
        "{used:?}"
    );
    assert!(
        used.iter()
            .any(|u| u.starts_with("grafana/payment-gateway.json: panel")),
        "{used:?}"
    );
    assert!(
        used.iter()
            .any(|u| u.contains("prometheus/payment-gateway.rules.yml: rule PaymentInflightHigh")),
        "{used:?}"
    );
    assert_eq!(removed["old"]["file"], "old/payment-gateway.yaml");
    let tightened = changes
        .iter()
        .find(|c| c["kind"] == "slo" && c["code"] == "OBS339")
        .unwrap();
    assert!(
        tightened["message"]
            .as_str()
            .unwrap()
            .contains("the error budget is now 0.05%"),
        "{tightened}"
    );
    let domain = changes.iter().find(|c| c["code"] == "OBS335").unwrap();
    assert!(
        domain["message"]
            .as_str()
            .unwrap()
            .contains("`bank_transfer`"),
        "{domain}"
    );
    // The pull-request comment: a table, breaking first.
    let o = obspec(&dir, &["diff", "old", "new", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.starts_with("### obspec diff: 4 breaking"), "{md}");
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ❌") || l.starts_with("| ✅"))
        .collect();
    assert!(
        rows[0].starts_with("| ❌") && rows.last().unwrap().starts_with("| ✅"),
        "{md}"
    );
    // GitHub annotations on the new version's lines.
    let o = obspec(&dir, &["diff", "old", "new", "--format", "github"]);
    let gh = String::from_utf8_lossy(&o.stdout);
    assert!(
        gh.contains("::error file=new/payment-gateway.yaml,line="),
        "{gh}"
    );
    // Nothing changed: exit 0.
    let o = obspec(&dir, &["diff", "old", "old"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 breaking, 0 allowed, 0 compatible"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn planned_removals_pass() {
    let dir = temp("deprecate");
    copy_specs(&dir.join("v1"));
    copy_specs(&dir.join("v2"));
    copy_specs(&dir.join("v3"));
    // v2 deprecates payment_inflight; v3 removes it (and its alert).
    edit(
        &dir.join("v2/payment-gateway.yaml"),
        "    help: Payments in flight.\n",
        "    help: Payments in flight.\n    deprecated: replaced by the in-flight histogram\n",
    );
    {
        let p = dir.join("v3/payment-gateway.yaml");
        edit(
            &p,
            "  payment_inflight:\n    type: gauge\n    help: Payments in flight.\n",
            "",
        );
        let text = std::fs::read_to_string(&p).unwrap();
        // The top-level `alerts:` (the last section), not `logs.alerts`.
        let start = text.find("\nalerts:\n").unwrap() + 1;
        std::fs::write(&p, &text[..start]).unwrap();
    }
    // Removing without deprecating first breaks; after a deprecation it
    // passes, though the alert's removal still needs --allow.
    let o = obspec(&dir, &["diff", "v1", "v3", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(codes(&json(&o), true).contains(&"OBS331".to_string()));
    let o = obspec(&dir, &["diff", "v2", "v3", "--format", "json"]);
    let v = json(&o);
    assert_eq!(codes(&v, true), ["OBS338"], "{v}");
    let o = obspec(&dir, &["diff", "v2", "v3", "--allow", "OBS338"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("allowed: deprecated in the old version")
            && out.contains("allowed: --allow OBS338"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn labels_added_break_only_unaggregated_readers() {
    let dir = temp("labels");
    let spec = |labels: &str, expr: &str| {
        format!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  region: {{values: [eu, us]}}\nmetrics:\n  shop_queue_depth: {{type: gauge, help: Queued orders.{labels}}}\nalerts:\n  ShopQueueDeep:\n    expr: '{expr}'\n    severity: warning\n    summary: Orders queue.\n")
    };
    for (name, labels, expr) in [
        ("old-agg", "", "sum(shop_queue_depth) > 100"),
        (
            "new-agg",
            ", labels: [region]",
            "sum(shop_queue_depth) > 100",
        ),
        ("old-raw", "", "shop_queue_depth > 100"),
        ("new-raw", ", labels: [region]", "shop_queue_depth > 100"),
    ] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(dir.join(name).join("shop.yaml"), spec(labels, expr)).unwrap();
    }
    let o = obspec(&dir, &["diff", "old-agg", "new-agg", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = obspec(&dir, &["diff", "old-raw", "new-raw", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let c = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "OBS334")
        .unwrap()
        .clone();
    assert!(
        c["used_by"][0]
            .as_str()
            .unwrap()
            .starts_with("alert `ShopQueueDeep` of shop"),
        "{c}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn base_reads_the_old_version_from_git() {
    let dir = temp("git");
    git(&dir, &["init", "-q", "-b", "main"]);
    copy_specs(&dir.join("specs"));
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    git(&dir, &["tag", "v1"]);
    // A second commit that is compatible, then a breaking working-tree edit.
    edit(
        &dir.join("specs/payment-gateway.yaml"),
        "    help: Payments in flight.\n",
        "    help: Payments currently in flight.\n",
    );
    git(&dir, &["commit", "-q", "-am", "help"]);
    let o = obspec(&dir, &["diff", "--base", "v1"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("help of `payment_inflight` changed"));
    edit(
        &dir.join("specs/payment-gateway.yaml"),
        "    labels: [region]\n    buckets:",
        "    buckets:",
    );
    let o = obspec(&dir, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let c = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "OBS333")
        .unwrap()
        .clone();
    assert_eq!(c["old"]["file"], "HEAD:specs/payment-gateway.yaml", "{c}");
    assert_eq!(c["new"]["file"], "specs/payment-gateway.yaml", "{c}");
    // From a subdirectory, naming the specs relative to it.
    let o = obspec(&dir.join("specs"), &["diff", "--base", "HEAD~1", "."]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Not a ref: a usage error.
    let o = obspec(&dir, &["diff", "--base", "no-such-ref"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not a commit"),
        "{o:?}"
    );
    let o = obspec(&dir, &["diff", "only-one"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A spec whose file name is not ASCII (which git quotes without `-z`) is
/// read at the base like any other: removing a metric from it breaks.
#[test]
fn base_reads_non_ascii_file_names() {
    let dir = temp("git-utf8");
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let spec = "obspec: 1\nservice: checkout\nnamespace: checkout\nmetrics:\n  checkout_orders_total: {type: counter, help: Orders.}\n  checkout_refunds_total: {type: counter, help: Refunds.}\n";
    std::fs::write(dir.join("specs/chéckout.yaml"), spec).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    std::fs::write(
        dir.join("specs/chéckout.yaml"),
        spec.replace(
            "  checkout_refunds_total: {type: counter, help: Refunds.}\n",
            "",
        ),
    )
    .unwrap();
    let o = obspec(&dir, &["diff", "--base", "HEAD", "--format", "json"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    let removed = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "OBS331")
        .unwrap_or_else(|| panic!("no OBS331: {out}"))
        .clone();
    assert_eq!(
        removed["old"]["file"], "HEAD:specs/chéckout.yaml",
        "{removed}"
    );
    assert!(!out.contains("service added"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn log_events_renamed_or_removed_break_their_queries() {
    let dir = temp("logs");
    copy_specs(&dir.join("old"));
    copy_specs(&dir.join("new"));
    let p = dir.join("new/payment-gateway.yaml");
    // A field renamed, an enum value dropped, an event added.
    edit(&p, "        amount_cents: int\n", "        amount: int\n");
    edit(
        &p,
        "        reason: {type: enum, values: [declined, bank_error, timeout]}\n",
        "        reason: {type: enum, values: [declined, bank_error]}\n",
    );
    edit(
        &p,
        "  alerts:\n    PaymentFailuresInLogs:\n",
        "    refund_issued: {level: info, message: Refund issued.}\n  alerts:\n    PaymentFailuresInLogs:\n",
    );
    let o = obspec(&dir, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let changes = v["changes"].as_array().unwrap();
    let find = |subject: &str, code: &str| {
        changes
            .iter()
            .find(|c| c["subject"] == subject && c["code"] == code)
            .unwrap_or_else(|| panic!("no {code} on {subject}: {v}"))
    };
    let removed = find("payment_authorized.amount_cents", "OBS340");
    assert_eq!(removed["breaking"], true);
    assert!(
        removed["used_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "log alert `PaymentFailuresInLogs`"),
        "{removed}"
    );
    let values = find("payment_failed.reason", "OBS340");
    assert!(
        values["message"]
            .as_str()
            .unwrap()
            .contains("values timeout removed"),
        "{values}"
    );
    assert_eq!(
        find("payment_authorized.amount", "OBS339")["breaking"],
        false
    );
    assert_eq!(find("refund_issued", "OBS339")["breaking"], false);
    let _ = std::fs::remove_dir_all(&dir);
}
