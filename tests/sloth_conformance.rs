//! Conformance with Sloth: for Sloth specs, the burn-rate alerts obspec
//! generates after `obspec import sloth` use the same windows and the same
//! thresholds, per alert class, as the rules Sloth itself generates (slokit, a
//! port of Sloth on crates.io, installed by `.ci/run`); a class Sloth disables
//! has no obspec alert. obspec's own promtool tests of the imported spec pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use obspec_codegen::yaml::{parse_all, Limits, Node, NodeKind};

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

fn scalar<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
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
        let Some(NodeKind::Seq(groups)) = scalar(d, "groups").map(|n| &n.kind) else {
            continue;
        };
        for g in groups {
            let Some(NodeKind::Seq(rules)) = scalar(g, "rules").map(|n| &n.kind) else {
                continue;
            };
            for r in rules {
                if scalar(r, "alert").is_none() {
                    continue;
                }
                let expr = scalar(r, "expr")
                    .and_then(Node::as_scalar)
                    .unwrap_or("")
                    .to_string();
                let labels = match scalar(r, "labels").map(|n| &n.kind) {
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
    let o = Command::new(obspec)
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
    let ours =
        obspec_pairs(&std::fs::read_to_string(dir.join("out/prometheus/shop.rules.yml")).unwrap());
    assert_eq!(
        ours, theirs,
        "obspec (left) and Sloth (right) burn-rate alerts differ"
    );

    // obspec's own tests of the imported rules pass.
    let promtool = Command::new("promtool").arg("--version").output();
    if promtool.is_ok_and(|o| o.status.success()) {
        let o = Command::new("promtool")
            .args(["test", "rules", "shop.test.yml"])
            .current_dir(dir.join("out/prometheus"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    } else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "promtool is required under CI=true"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
