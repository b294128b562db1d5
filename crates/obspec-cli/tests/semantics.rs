//! The expression mistakes that page nobody, each in its own spec: `obspec lint
//! --deny-warnings` fails with a finding on the offending line; the correct
//! forms of the same alerts lint clean.

use std::process::Command;

const SERVICE: &str = "obspec: 1
service: api
namespace: api
labels:
  code: {values: ['200', '500']}
  route: {max_cardinality: 50}
metrics:
  api_requests_total: {type: counter, help: Requests., labels: [code, route]}
  api_queue_depth: {type: gauge, help: Queued jobs.}
  api_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.1, 0.5, 1]}
alerts:
  ApiAlert:
";

/// Lints the service with one alert body (its lines after `ApiAlert:`);
/// returns the exit code and the findings as `code line`.
fn lint(body: &str) -> (i32, Vec<String>) {
    let dir = std::env::temp_dir().join(format!(
        "obspec-semantics-{}-{:x}",
        std::process::id(),
        body.len() * 31 + body.bytes().map(usize::from).sum::<usize>()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/obspec.yaml"), "obspec: 1\n").unwrap();
    std::fs::write(dir.join("specs/api.yaml"), format!("{SERVICE}{body}")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["lint", "specs", "--deny-warnings", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap(), f["line"]))
        .collect();
    (o.status.code().unwrap(), found)
}

/// The line of the alert body's `expr` (or `description`) in the spec.
const EXPR_LINE: u32 = 13;

#[test]
fn each_mistake_is_found_on_its_line() {
    let cases: &[(&str, &str, u32)] = &[
        (
            "    expr: 'sum(rate(api_requests_total{code=\"500\"}[5m])) > 1'\n    severity: warning\n    summary: Failing.\n    description: 'Route {{ $labels.route }} fails'\n",
            "OBS709",
            EXPR_LINE + 3,
        ),
        (
            "    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m]))'\n    severity: warning\n    summary: Failing.\n",
            "OBS708",
            EXPR_LINE,
        ),
        (
            "    expr: 'sum(rate(api_requests_total{code=\"500\", code=\"200\"}[5m])) > 1'\n    severity: warning\n    summary: Failing.\n",
            "OBS505",
            EXPR_LINE,
        ),
        (
            "    expr: 'rate(api_queue_depth[10m]) > 1'\n    severity: warning\n    summary: Growing.\n",
            "OBS506",
            EXPR_LINE,
        ),
        (
            "    expr: 'sum(api_requests_total) > 100'\n    severity: warning\n    summary: Many.\n",
            "OBS506",
            EXPR_LINE,
        ),
        (
            "    expr: 'histogram_quantile(0.95, sum by (instance) (rate(api_latency_seconds_bucket[5m]))) > 1'\n    severity: warning\n    summary: Slow.\n",
            "OBS507",
            EXPR_LINE,
        ),
        (
            "    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) / sum by (instance) (rate(api_requests_total[5m])) > 0.1'\n    severity: warning\n    summary: Failing.\n",
            "OBS508",
            EXPR_LINE,
        ),
        (
            "    expr: 'rate(api_requests_total[10s]) > 1'\n    severity: warning\n    summary: Busy.\n",
            "OBS510",
            EXPR_LINE,
        ),
        (
            "    expr: 'sum by (route, code) (rate(api_requests_total[5m])) / on(route) sum by (route) (rate(api_requests_total[5m])) > 0.1'\n    severity: warning\n    summary: Failing.\n",
            "OBS508",
            EXPR_LINE,
        ),
    ];
    for (body, code, line) in cases {
        let (exit, found) = lint(body);
        assert_eq!(exit, 1, "{body}: {found:?}");
        assert!(
            found.contains(&format!("{code} {line}")),
            "{body}: expected {code} on line {line}, found {found:?}"
        );
    }
}

#[test]
fn correct_forms_lint_clean() {
    for body in [
        "    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 1'\n    severity: warning\n    summary: Failing.\n    description: 'Route {{ $labels.route }} fails'\n",
        "    expr: 'histogram_quantile(0.95, sum by (le, instance) (rate(api_latency_seconds_bucket[5m]))) > 1'\n    severity: warning\n    summary: Slow on {{ $labels.instance }}.\n",
        "    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) / on() group_left sum(rate(api_requests_total[5m])) > 0.1'\n    severity: warning\n    summary: '{{ $labels.route }} fails {{ $value | humanizePercentage }}'\n",
        "    expr: 'absent(api_queue_depth{job=\"api\"}) or sum by (job) (api_queue_depth) == 0'\n    severity: warning\n    summary: 'Queue of {{ $labels.job }} empty'\n",
        "    expr: 'deriv(api_queue_depth[10m]) > 1'\n    severity: warning\n    summary: Growing on {{ $labels.instance }}.\n",
        "    expr: 'sum by (route) (increase(api_requests_total{code=~\"500|200\"}[1h])) > 100'\n    severity: warning\n    summary: Busy.\n",
        "    expr: 'sum by (route, code) (rate(api_requests_total[5m])) / on(route) group_left sum by (route) (rate(api_requests_total[5m])) > 0.1'\n    severity: warning\n    summary: '{{ $labels.code }} on {{ $labels.route }}'\n",
    ] {
        let (exit, found) = lint(body);
        assert_eq!((exit, found.clone()), (0, vec![]), "{body}: {found:?}");
    }
}
