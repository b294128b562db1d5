//! Calendar-aligned periods and time-slice budgeting, judged by promtool on
//! synthetic series: the period rules restart at a UTC day or ISO-week
//! boundary while the rolling ratios remember; time slices count slices, not
//! events, so the same traffic burns one SLO and not the other; OpenSLO
//! documents that use both import, lint, generate and pass their tests.

use std::path::{Path, PathBuf};
use std::process::Command;

fn has_promtool() -> bool {
    let ok = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        obspec_test_support::skip_or_fail(
            "promtool is required under CI=true",
            "promtool not installed: skipping",
        );
    }
    ok
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("obspec-budgeting-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    dir
}

fn obspec(dir: &Path, args: &[&str]) -> (bool, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

fn generate(dir: &Path) {
    let (ok, out) = obspec(
        dir,
        &[
            "generate",
            "specs",
            "--target",
            "prometheus",
            "--out",
            "out",
        ],
    );
    assert!(ok, "{out}");
}

fn promtool_test(dir: &Path, file: &str) {
    let o = Command::new("promtool")
        .args(["test", "rules", file])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{file}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `count` samples of a counter growing by `per_step(i)` at step `i`.
fn counter(count: usize, per_step: impl Fn(usize) -> u64) -> String {
    let mut v = 0u64;
    let mut out = vec!["0".to_string()];
    for i in 0..count {
        v += per_step(i);
        out.push(v.to_string());
    }
    out.join(" ")
}

const SHOP: &str = "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n";

/// The test input: `shop_orders_total` with `total` orders a step, `errors(i)`
/// of them failed.
fn orders(steps: usize, total: u64, errors: impl Fn(usize) -> u64 + Copy) -> String {
    format!(
        "      - series: 'shop_orders_total{{status=\"failed\"}}'\n        values: '{}'\n      - series: 'shop_orders_total{{status=\"ok\"}}'\n        values: '{}'\n",
        counter(steps, errors),
        counter(steps, move |i| total - errors(i))
    )
}

/// A UTC day: errors until 23h on 1970-01-01, none after. Before midnight
/// the day's budget is burning; after midnight the day's period rules start
/// from zero, while the rolling one-day ratio still holds the errors.
#[test]
fn calendar_day_restarts_the_budget_at_midnight() {
    if !has_promtool() {
        return;
    }
    let dir = temp("day");
    std::fs::write(
        dir.join("specs/shop.yaml"),
        format!("{SHOP}slos:\n  orders:\n    objective: 99\n    window: 1d\n    calendar: day\n    sli: {{errors: 'shop_orders_total{{status=\"failed\"}}', total: shop_orders_total}}\n"),
    )
    .unwrap();
    generate(&dir);
    let sel = r#"{slo="orders", service="shop"}"#;
    let test = format!(
        "rule_files: [out/prometheus/shop.rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n{}    promql_expr_test:\n\
         \x20     # 2% errors against a 1% budget: the day burns at 2.\n\
         \x20     - {{expr: 'slo:period_burn_rate:ratio{sel} > bool 1.9 and slo:period_burn_rate:ratio{sel} < bool 2.1', eval_time: 20h, exp_samples: [{{labels: '{{service=\"shop\", slo=\"orders\"}}', value: 1}}]}}\n\
         \x20     # After midnight: a new day, nothing spent yet.\n\
         \x20     - {{expr: 'slo:period_burn_rate:ratio{sel}', eval_time: 1d1h, exp_samples: [{{labels: 'slo:period_burn_rate:ratio{{service=\"shop\", slo=\"orders\"}}', value: 0}}]}}\n\
         \x20     - {{expr: 'slo:period_error_budget_remaining:ratio{sel}', eval_time: 1d1h, exp_samples: [{{labels: 'slo:period_error_budget_remaining:ratio{{service=\"shop\", slo=\"orders\"}}', value: 1}}]}}\n\
         \x20     # The rolling day still holds the errors of the last 24 hours.\n\
         \x20     - {{expr: 'slo:sli_error:ratio_rate1d{sel} > bool 0.01', eval_time: 1d1h, exp_samples: [{{labels: '{{service=\"shop\", slo=\"orders\", window=\"1d\"}}', value: 1}}]}}\n",
        orders(26 * 60, 1000, |i| if i < 23 * 60 { 20 } else { 0 })
    );
    std::fs::write(dir.join("day.test.yml"), test).unwrap();
    promtool_test(&dir, "day.test.yml");
    promtool_test(&dir.join("out/prometheus"), "shop.test.yml");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An ISO week: 1970-01-01 was a Thursday, so the first week ends on Monday
/// 1970-01-05 00:00 UTC (4 days in). Errors on the first three days only.
#[test]
fn calendar_week_restarts_on_monday() {
    if !has_promtool() {
        return;
    }
    let dir = temp("week");
    std::fs::write(
        dir.join("specs/shop.yaml"),
        format!("{SHOP}slos:\n  orders:\n    objective: 99\n    window: 7d\n    calendar: week\n    sli: {{errors: 'shop_orders_total{{status=\"failed\"}}', total: shop_orders_total}}\n"),
    )
    .unwrap();
    generate(&dir);
    let sel = r#"{slo="orders", service="shop"}"#;
    // Five-minute steps: 3 days of errors, then clean.
    let test = format!(
        "rule_files: [out/prometheus/shop.rules.yml]\nevaluation_interval: 5m\ntests:\n  - interval: 5m\n    input_series:\n{}    promql_expr_test:\n\
         \x20     - {{expr: 'slo:period_burn_rate:ratio{sel} > bool 0', eval_time: 3d23h, exp_samples: [{{labels: '{{service=\"shop\", slo=\"orders\"}}', value: 1}}]}}\n\
         \x20     - {{expr: 'slo:period_burn_rate:ratio{sel}', eval_time: 4d2h, exp_samples: [{{labels: 'slo:period_burn_rate:ratio{{service=\"shop\", slo=\"orders\"}}', value: 0}}]}}\n\
         \x20     - {{expr: 'slo:sli_error:ratio_rate1w{sel} > bool 0', eval_time: 4d2h, exp_samples: [{{labels: '{{service=\"shop\", slo=\"orders\", window=\"1w\"}}', value: 1}}]}}\n",
        orders(4 * 288 + 30, 1000, |i| if i < 3 * 288 { 20 } else { 0 })
    );
    std::fs::write(dir.join("week.test.yml"), test).unwrap();
    promtool_test(&dir, "week.test.yml");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same traffic, 3% errors every minute, against two SLOs on the same
/// events: counted as occurrences (99%), it burns the budget three times too
/// fast; counted as one-minute slices that are good at 95% (objective 99% of
/// the slices), every slice is good and nothing burns. At 6% errors every
/// slice is bad: the slice SLO's error ratio is 1 and it pages.
#[test]
fn time_slices_count_slices_not_events() {
    if !has_promtool() {
        return;
    }
    let dir = temp("slices");
    let sli =
        "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n";
    std::fs::write(
        dir.join("specs/shop.yaml"),
        format!("{SHOP}slos:\n  events:\n    objective: 99\n    window: 30d\n{sli}  slices:\n    objective: 99\n    window: 30d\n    timeslice: {{window: 1m, target: 95}}\n{sli}"),
    )
    .unwrap();
    generate(&dir);
    let ratio = |slo: &str, w: &str, t: &str, v: &str| {
        format!("      - {{expr: 'slo:sli_error:ratio_rate{w}{{slo=\"{slo}\"}}', eval_time: {t}, exp_samples: [{{labels: 'slo:sli_error:ratio_rate{w}{{service=\"shop\", slo=\"{slo}\", window=\"{w}\"}}', value: {v}}}]}}\n")
    };
    let mut test = String::from(
        "rule_files: [out/prometheus/shop.rules.yml]\nevaluation_interval: 15s\ntests:\n",
    );
    // 15-second samples of 250 orders: 7 failed (2.8%, every slice good
    // at 95%) or 14 failed (5.6%, every slice bad).
    for (errors, slices_ratio) in [(7u64, "0"), (14, "1")] {
        test.push_str(&format!(
            "  - interval: 15s\n    input_series:\n{}    promql_expr_test:\n{}{}",
            orders(4 * 90, 250, move |_| errors),
            ratio("slices", "1h", "80m", slices_ratio),
            ratio("slices", "5m", "80m", slices_ratio),
        ));
        // The event SLO sees the event error ratio itself.
        let share = errors as f64 / 250.0;
        test.push_str(&format!(
            "      - {{expr: 'slo:sli_error:ratio_rate1h{{slo=\"events\"}} > bool {} and slo:sli_error:ratio_rate1h{{slo=\"events\"}} < bool {}', eval_time: 80m, exp_samples: [{{labels: '{{service=\"shop\", slo=\"events\", window=\"1h\"}}', value: 1}}]}}\n",
            share - 0.001,
            share + 0.001
        ));
        test.push_str("    alert_rule_test:\n");
        if slices_ratio == "0" {
            // Slices all good: no alert at all for the slice SLO, though the
            // events burn the event SLO's budget almost three times too fast.
            test.push_str(
                "      - {eval_time: 80m, alertname: SlicesBudgetBurn, exp_alerts: []}\n",
            );
            continue;
        }
        // Every slice bad: the slice SLO's error ratio is 1, every pair fires.
        test.push_str(
            "      - eval_time: 80m\n        alertname: SlicesBudgetBurn\n        exp_alerts:\n",
        );
        for (severity, factor, long, short) in [
            ("critical", "14.4", "1h", "5m"),
            ("critical", "6", "6h", "30m"),
            ("warning", "3", "1d", "2h"),
            ("warning", "1", "3d", "6h"),
        ] {
            test.push_str(&format!(
                "          - exp_labels: {{slo: slices, service: shop, severity: {severity}, long_window: '{long}', short_window: '{short}', burn_rate: '{factor}'}}\n            exp_annotations: {{summary: 'slices of shop burns its error budget {factor}× too fast ({long} and {short} windows)', description: 'slices of shop: objective 99% over 30d'}}\n"
            ));
        }
    }
    std::fs::write(dir.join("slices.test.yml"), &test).unwrap();
    promtool_test(&dir, "slices.test.yml");
    promtool_test(&dir.join("out/prometheus"), "shop.test.yml");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ratio time slices (OpenSLO `RatioTimeslices`): the SLO is the mean of the
/// slices' ratios, so a quiet minute weighs as much as a busy one. Busy
/// minutes without errors alternate with quiet minutes at 50% errors: the
/// events fail at under 1% (0.8%), the mean slice at over 5% (7.3%).
#[test]
fn ratio_time_slices_weigh_quiet_minutes_equally() {
    if !has_promtool() {
        return;
    }
    let dir = temp("ratio-slices");
    let sli =
        "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n";
    std::fs::write(
        dir.join("specs/shop.yaml"),
        format!("{SHOP}slos:\n  events:\n    objective: 99\n    window: 30d\n{sli}  slices:\n    objective: 99\n    window: 30d\n    timeslice: {{window: 1m}}\n{sli}"),
    )
    .unwrap();
    generate(&dir);
    // 15-second samples; two-minute cycles: a busy minute (250 orders a
    // sample, none failed), then a quiet one (4 orders a sample, 2 failed).
    let busy = |i: usize| (i / 4).is_multiple_of(2);
    let steps = 4 * 90;
    let failed = counter(steps, |i| if busy(i) { 0 } else { 2 });
    let ok = counter(steps, |i| if busy(i) { 250 } else { 2 });
    let test = format!(
        "rule_files: [out/prometheus/shop.rules.yml]\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n      - series: 'shop_orders_total{{status=\"failed\"}}'\n        values: '{failed}'\n      - series: 'shop_orders_total{{status=\"ok\"}}'\n        values: '{ok}'\n    promql_expr_test:\n      - {{expr: 'slo:sli_error:ratio_rate1h{{slo=\"events\"}} < bool 0.01', eval_time: 80m, exp_samples: [{{labels: '{{service=\"shop\", slo=\"events\", window=\"1h\"}}', value: 1}}]}}\n      - {{expr: 'slo:sli_error:ratio_rate1h{{slo=\"slices\"}} > bool 0.05', eval_time: 80m, exp_samples: [{{labels: '{{service=\"shop\", slo=\"slices\", window=\"1h\"}}', value: 1}}]}}\n    alert_rule_test:\n      - {{eval_time: 80m, alertname: EventsBudgetBurn, exp_alerts: []}}\n"
    );
    std::fs::write(dir.join("ratio.test.yml"), test).unwrap();
    promtool_test(&dir, "ratio.test.yml");
    promtool_test(&dir.join("out/prometheus"), "shop.test.yml");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A threshold SLI (OpenSLO `thresholdMetric`): good while the query meets
/// its bound, every evaluation one event. A p99 gauge above its 0.5 s bound
/// for the last half hour: half the last hour was bad, and every pair fires.
#[test]
fn threshold_slis_count_evaluations_that_miss_the_bound() {
    if !has_promtool() {
        return;
    }
    let dir = temp("threshold");
    std::fs::write(
        dir.join("specs/shop.yaml"),
        "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_search_p99_seconds: {type: gauge, unit: seconds, help: 99th percentile search latency.}\nslos:\n  search:\n    objective: 99\n    window: 30d\n    sli:\n      threshold: {query: max(shop_search_p99_seconds), op: lt, value: 0.5}\n",
    )
    .unwrap();
    let (ok, out) = obspec(&dir, &["lint", "specs"]);
    assert!(ok && !out.contains("warning"), "{out}");
    generate(&dir);
    // One sample a minute: 0.2 s for 90 minutes, then 0.8 s for 30.
    let values: Vec<&str> = (0..=120)
        .map(|m| if m < 90 { "0.2" } else { "0.8" })
        .collect();
    let test = format!(
        "rule_files: [out/prometheus/shop.rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'shop_search_p99_seconds'\n        values: '{}'\n    promql_expr_test:\n      - {{expr: 'slo:sli_error:ratio_rate1h{{slo=\"search\"}} > bool 0.45 and slo:sli_error:ratio_rate1h{{slo=\"search\"}} < bool 0.55', eval_time: 2h, exp_samples: [{{labels: '{{service=\"shop\", slo=\"search\", window=\"1h\"}}', value: 1}}]}}\n      - {{expr: 'slo:sli_error:ratio_rate1h{{slo=\"search\"}}', eval_time: 80m, exp_samples: [{{labels: 'slo:sli_error:ratio_rate1h{{service=\"shop\", slo=\"search\", window=\"1h\"}}', value: 0}}]}}\n    alert_rule_test:\n      - eval_time: 80m\n        alertname: SearchBudgetBurn\n        exp_alerts: []\n      - eval_time: 2h\n        alertname: SearchBudgetBurn\n        exp_alerts:\n          - exp_labels: {{slo: search, service: shop, severity: critical, long_window: '1h', short_window: '5m', burn_rate: '14.4'}}\n            exp_annotations: {{summary: 'search of shop burns its error budget 14.4× too fast (1h and 5m windows)', description: 'search of shop: objective 99% over 30d'}}\n          - exp_labels: {{slo: search, service: shop, severity: critical, long_window: '6h', short_window: '30m', burn_rate: '6'}}\n            exp_annotations: {{summary: 'search of shop burns its error budget 6× too fast (6h and 30m windows)', description: 'search of shop: objective 99% over 30d'}}\n          - exp_labels: {{slo: search, service: shop, severity: warning, long_window: '1d', short_window: '2h', burn_rate: '3'}}\n            exp_annotations: {{summary: 'search of shop burns its error budget 3× too fast (1d and 2h windows)', description: 'search of shop: objective 99% over 30d'}}\n          - exp_labels: {{slo: search, service: shop, severity: warning, long_window: '3d', short_window: '6h', burn_rate: '1'}}\n            exp_annotations: {{summary: 'search of shop burns its error budget 1× too fast (3d and 6h windows)', description: 'search of shop: objective 99% over 30d'}}\n      - eval_time: 2h\n        alertname: SearchBudgetBurnSLIMissing\n        exp_alerts: []\n",
        values.join(" ")
    );
    std::fs::write(dir.join("threshold.test.yml"), test).unwrap();
    promtool_test(&dir, "threshold.test.yml");
    let _ = std::fs::remove_dir_all(&dir);
}

/// OpenSLO's own shape of a Timeslices SLO over a calendar month imports,
/// lints clean, and generates rules whose promtool tests pass; calendar
/// windows obspec cannot align are refused by name.
#[test]
fn openslo_timeslices_and_calendar_windows_import() {
    let dir = temp("openslo");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openslo-timeslices-calendar.yaml");
    let (ok, out) = obspec(
        &dir,
        &[
            "import",
            "openslo",
            fixture.to_str().unwrap(),
            "--out",
            "specs",
        ],
    );
    assert!(ok, "{out}");
    let spec = std::fs::read_to_string(dir.join("specs/web.yaml")).unwrap();
    assert!(spec.contains("calendar: month"), "{spec}");
    assert!(
        spec.contains("timeslice: {window: '1m', target: 99}"),
        "{spec}"
    );
    assert!(spec.contains("objective: 95"), "{spec}");
    let (ok, out) = obspec(&dir, &["lint", "specs"]);
    assert!(ok, "{out}");
    assert!(!out.contains("warning"), "{out}");
    if has_promtool() {
        generate(&dir);
        let o = Command::new("promtool")
            .args(["check", "rules", "out/prometheus/web.rules.yml"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
    // A threshold metric on a Prometheus source.
    let threshold = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: search}\nspec:\n  service: shop\n  indicator:\n    spec:\n      thresholdMetric:\n        metricSource: {type: Prometheus, spec: {query: 'max(shop_search_p99_seconds)'}}\n  timeWindow: [{duration: 28d, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives:\n    - {op: lte, value: 0.5, target: 0.99}\n";
    let f = dir.join("threshold.yaml");
    std::fs::write(&f, threshold).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "openslo"])
        .arg(&f)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("threshold: {query: 'max(shop_search_p99_seconds)', op: lte, value: 0.5}"),
        "{out}"
    );
    assert!(
        out.contains("type: gauge") && out.contains("unit: seconds"),
        "{out}"
    );
    // RatioTimeslices: slices without a target.
    let ratio = std::fs::read_to_string(&fixture).unwrap().replace(
        "budgetingMethod: Timeslices",
        "budgetingMethod: RatioTimeslices",
    );
    let f = dir.join("ratio.yaml");
    std::fs::write(&f, ratio).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "openslo"])
        .arg(&f)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("timeslice: {window: '1m'}\n"), "{out}");
    let refused = [
        ("duration: 1Q", "1Q"),
        ("duration: 1M\n      calendar: {startTime: 2022-01-15 00:00:00, timeZone: UTC}", "starting at"),
        ("duration: 1M\n      calendar: {startTime: 2022-01-01 00:00:00, timeZone: Europe/Paris}", "Europe/Paris"),
        ("duration: 1w\n      calendar: {startTime: 2022-01-01 00:00:00, timeZone: UTC}", "Monday"),
    ];
    for (window, word) in refused {
        let text = format!(
            "apiVersion: openslo/v1\nkind: SLO\nmetadata: {{name: a}}\nspec:\n  timeWindow:\n    - {window}\n      isRolling: false\n  objectives: [{{target: 0.9}}]\n"
        );
        let f = dir.join("refused.yaml");
        std::fs::write(&f, text).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
            .args(["import", "openslo"])
            .arg(&f)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{window}: {err}");
        assert!(err.contains(word), "{window}: {err}");
    }
    // 2024-01-01 is a Monday: a week from then aligns.
    let text = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  indicator: {spec: {ratioMetric: {bad: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(x_total{code=\"500\"}[5m]))'}}}, total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(x_total[5m]))'}}}}}}\n  timeWindow:\n    - duration: 1w\n      isRolling: false\n      calendar: {startTime: '2024-01-01T00:00:00Z', timeZone: UTC}\n  objectives: [{target: 0.99}]\n";
    let f = dir.join("week.yaml");
    std::fs::write(&f, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args(["import", "openslo"])
        .arg(&f)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("calendar: week") && out.contains("window: '7d'"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
