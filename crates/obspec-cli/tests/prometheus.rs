//! The `prometheus` and `kubernetes` targets judged by promtool, for the
//! bundled specs and for specs written here: rules load, every expression
//! parses, and the generated unit tests (burns above and below every
//! threshold, zero traffic, missing SLI) pass.
//!
//! promtool comes from the Debian `prometheus` package. Without it these tests
//! fail under `CI=true` and are skipped (with a message) elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use obspec_test_support::repo_root as repo;

/// The promtool binary, or `None` outside CI when it is not installed.
fn promtool() -> Option<&'static str> {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("promtool");
    }
    obspec_test_support::skip_or_fail(
        "promtool is required under CI=true (Debian package `prometheus`)",
        "promtool not installed: skipping (install the Debian package `prometheus`)",
    );
    None
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn generate(specs: &Path, out: &Path) {
    run(Command::new(env!("CARGO_BIN_EXE_obspec"))
        .arg("generate")
        .arg(specs)
        .args(["--target", "prometheus", "--target", "kubernetes", "--out"])
        .arg(out));
}

fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// Every `expr:` of a rules file parses as PromQL.
fn parse_all_exprs(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let tree = obspec_spec::yaml::parse(obspec_spec::source::FileId(0), &text, Default::default())
        .unwrap()
        .unwrap();
    let json = obspec_core::targets::schema::yaml_to_json(&tree);
    let mut n = 0;
    let groups = json["groups"]
        .as_array()
        .or_else(|| json["spec"]["groups"].as_array())
        .unwrap();
    for g in groups {
        for r in g["rules"].as_array().unwrap() {
            let expr = r["expr"].as_str().unwrap();
            promql_parser::parser::parse(expr)
                .unwrap_or_else(|e| panic!("{}: `{expr}`: {e}", path.display()));
            n += 1;
        }
    }
    n
}

fn check_dir(out: &Path) {
    let rules = files(&out.join("prometheus"), ".rules.yml");
    assert!(!rules.is_empty());
    let mut exprs = 0;
    for r in &rules {
        exprs += parse_all_exprs(r);
    }
    for m in files(&out.join("kubernetes"), ".prometheusrule.yml") {
        exprs += parse_all_exprs(&m);
    }
    assert!(exprs > 0);
    let Some(promtool) = promtool() else { return };
    let text = run(Command::new(promtool).args(["check", "rules"]).args(&rules));
    assert!(!text.contains("FAILED"), "{text}");
    let tests = files(&out.join("prometheus"), ".test.yml");
    assert!(!tests.is_empty(), "no promtool tests generated");
    let text = run(Command::new(promtool)
        .args(["test", "rules"])
        .args(&tests)
        .current_dir(out.join("prometheus")));
    assert!(!text.contains("FAILED"), "{text}");
}

#[test]
fn bundled_specs_rules_pass_promtool() {
    let out = std::env::temp_dir().join(format!("obspec-prom-bundled-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    generate(&repo().join("specs"), &out);
    check_dir(&out);
    let _ = std::fs::remove_dir_all(&out);
}

const PROJECT: &str = "obspec: 1
project: shop
conventions:
  severities: [page, ticket, info]
  required_target_labels: [environment]
kubernetes:
  namespace: monitoring
  labels: {release: kube-prometheus}
environments: [dev, prod]
";

const SHOP: &str = r#"obspec: 1
service: shop
namespace: shop
team: storefront
labels:
  region: {values: [eu, us]}
  code: {values: ["200", "404", "500", "503"]}
  route: {max_cardinality: 20}
metrics:
  shop_requests_total:
    type: counter
    help: Requests by region, route and status code.
    labels: [region, route, code]
  shop_request_duration_seconds:
    type: histogram
    unit: seconds
    help: Request duration.
    labels: [region]
    buckets: [0.1, 0.25, 0.5, 1, 2.5]
  shop_checkout_errors_total:
    type: counter
    help: Failed checkouts.
  shop_checkouts_total:
    type: counter
    help: Checkouts.
slos:
  availability:
    description: Requests succeed, per region.
    objective: 99.5
    window: 28d
    grouping: [region]
    sli:
      errors: shop_requests_total{code=~"500|503"}
      total: shop_requests_total{code!="404"}
    alerting:
      page: {severity: page, for: 5m, labels: {escalation: sre}}
      ticket: {severity: ticket}
      runbook: https://runbooks.example.com/shop/availability
      min_events: 100
  latency:
    objective: 95
    window: 7d
    sli:
      latency: {metric: shop_request_duration_seconds, threshold: 0.5, selector: '{region="eu"}'}
    alerting:
      name: ShopSlowRequests
      page: {severity: page}
      ticket: {severity: ticket}
  checkout:
    objective: 99.9
    window: 30d
    sli:
      errors: shop_checkout_errors_total
      total: shop_checkouts_total
    alerting:
      page: {severity: page}
      ticket: {severity: ticket}
  raw:
    objective: 99
    window: 30d
    sli:
      error_ratio: sum(rate(shop_checkout_errors_total[{{window}}])) / sum(rate(shop_checkouts_total[{{window}}]))
    alerting:
      page: {severity: page}
      ticket: {severity: ticket}
alerts:
  ShopDown:
    expr: up{job="shop", environment="prod"} == 0
    for: 2m
    severity: page
    summary: "Shop target {{ $labels.instance }} is down"
    labels: {component: web}
"#;

#[test]
fn foreign_specs_rules_pass_promtool() {
    let dir = std::env::temp_dir().join(format!("obspec-prom-foreign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/obspec.yaml"), PROJECT).unwrap();
    std::fs::write(dir.join("specs/shop.yaml"), SHOP).unwrap();
    let out = dir.join("out");
    generate(&dir.join("specs"), &out);
    let rules = std::fs::read_to_string(out.join("prometheus/shop.rules.yml")).unwrap();
    // Grouping is kept through every rule; thresholds are exact.
    assert!(
        rules.contains("sum by (region) (rate(shop_requests_total{code=~\"500|503\"}[5m]))"),
        "{rules}"
    );
    assert!(
        rules.contains("> 0.072"),
        "14.4 × 0.005 printed exactly:\n{rules}"
    );
    assert!(!rules.contains("0.07199"), "{rules}");
    // The low-traffic guard.
    assert!(rules.contains(">= 100"), "{rules}");
    // Latency buckets match either spelling of the bound.
    assert!(
        rules.contains(r#"le=~"0.5""#) || rules.contains(r#"le="0.5""#),
        "{rules}"
    );
    let manifest = std::fs::read_to_string(out.join("kubernetes/shop.prometheusrule.yml")).unwrap();
    assert!(manifest.contains("kind: PrometheusRule"), "{manifest}");
    assert!(manifest.contains("namespace: monitoring"), "{manifest}");
    assert!(manifest.contains("release: kube-prometheus"), "{manifest}");
    check_dir(&out);
    let _ = std::fs::remove_dir_all(&dir);
}

/// obspec's template check agrees with promtool's on valid and invalid alert
/// templates, so that lint refuses exactly what `promtool check rules` refuses.
#[test]
fn template_check_agrees_with_promtool() {
    let Some(promtool) = promtool() else { return };
    let cases = [
        "plain text with } and { and $dollar",
        "{{ $value }}",
        "{{ $value | humanizePercentage }} of {{ $labels.route }} fail",
        "{{ .Labels.instance }} is {{ .Value | printf \"%.2f\" }}",
        "{{- if gt $value 0.5 -}} high {{- else if gt $value 0.1 }} mid {{ else }} low {{ end -}}",
        "{{ range $i, $s := query \"up\" }}{{ $s.Labels.job }}{{ break }}{{ end }}",
        "{{ with $x := $labels.job }}{{ $x }}{{ end }}",
        "{{/* a comment */}}x",
        "{{- /* trimmed */ -}}",
        "{{ index $labels \"a-b\" }}",
        "{{ $externalLabels.cluster }} {{ $externalURL }}",
        "{{ `raw {{ }}` }}",
        "{{ humanizeDuration 3.5e2 }} {{ -1 }} {{ 0x1F }} {{ .5 }} {{ 1. }}",
        "{{ query \"up\" | first | value }}",
        "{{ 'a' }} {{ true | not }} {{ nil }}",
        "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
        "{{ define \"x\" }}a{{ end }}{{ template \"x\" }}",
        "{{ parseDuration \"1h\" }} {{ toTime 3 }} {{ stripPort \"a:1\" }}",
        "a{{`{{`}}b",
        "{{ printf \"%.2f\" $value }} {{ $value | printf \"%.0f\" }}%",
        "{{ $labels.instance | reReplaceAll \":.*\" \"\" }}",
        "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}",
        "{{ if and (gt $value 1.0) (lt $value 5.0) }}mid{{ end }}",
        "{{ len $labels }} {{ index .Labels \"foo\" }} {{ .Labels.foo | toUpper }}",
        "{{ (index $labels \"a\") | toUpper }} {{ $labels.severity | title }}",
        "{{ 1e-3 }} {{ 0.5 }} {{ -0.5 }} {{ +1 }} {{ '\\n' }} {{ 'é' }}",
        "{{ if $value }}a{{ else with $labels.x }}b{{ else }}c{{ end }}",
        "{{ $value := 1 }}{{ $value }}",
        "{{ \"{{\" }} {{ .Labels.a.b }} {{ (query \"up\").x }}",
        "{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ continue }}{{ end }}",
        "{{- range query \"up\" -}}{{ .Labels.job }}{{- end -}}",
        "{{ $value | humanize1024 }} {{ $value | humanizeTimestamp }} {{ stripDomain \"a.b:1\" }}",
        "{{ graphLink \"up\" }} {{ tableLink \"up\" }} {{ args 1 2 }} {{ safeHtml \"x\" }} {{ externalURL }} {{ pathPrefix }}",
        "{{ $labels.é }}",
        "{{ .Value | 1 }}",
        "{{ nosuch.field }}",
        "{{ $labels.x $labels.y }}",
        "{{ if }}{{ end }}",
        "{{ range $a, $b, $c := $labels }}{{ end }}",
        "{{ \"x\" := 1 }}",
        "{{ define }}",
        "{{/* unclosed comment }}",
        "{{ 'ab' }}",
        "{{ 1.2.3 }}",
        "{{ 7*191 }}",
        "{{ $value | nosuchfunc }}",
        "{{ $foo }}",
        "{{ if $value }}x",
        "x {{ end }}",
        "{{ $value ",
        "{{ }}",
        "{{ \"abc }}",
        "{{ $value | }}",
        "{{ break }}",
        "{{ ( $value }}",
        "{{ 12abc }}",
        "{{ else }}",
        "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
        "{{ with $x := 1 }}{{ end }}{{ $x }}",
        "{{ 1 | 2 }}",
        "{{ /* spaced comment */ }}",
        "{{ $labels.x | toUpper | }}",
        "{{ | toUpper }}",
        "{{ $value | | toUpper }}",
        "{{ () }}",
        "{{ ($value | humanize) }}",
        "{{ ( $value | ) }}",
    ];
    let dir = std::env::temp_dir().join(format!("obspec-tmpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut disagree = Vec::new();
    for (i, t) in cases.iter().enumerate() {
        let file = dir.join(format!("r{i}.yml"));
        std::fs::write(
            &file,
            format!(
                "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      d: {}\n",
                serde_json::to_string(t).unwrap()
            ),
        )
        .unwrap();
        let theirs = Command::new(promtool)
            .args(["check", "rules"])
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success();
        let ours = obspec_core::format::gotmpl::check(t).is_ok();
        if theirs != ours {
            disagree.push(format!("{t:?}: promtool {theirs}, obspec {ours}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(disagree.is_empty(), "{disagree:#?}");
}
