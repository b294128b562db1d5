//! promtool unit tests for the SLO rules of a service (`<service>.test.yml`).
//!
//! For every SLO whose SLI obspec can feed (error/total counters, latency
//! histograms; raw `error_ratio` SLIs are skipped), synthetic series are built
//! that match the SLI's selectors, and scenarios assert which burn-rate alerts
//! fire: no errors (none), a burn just above and just below each window pair's
//! threshold (exactly the pairs whose threshold is below the burn), zero
//! traffic (none, and no ratio sample at all: never NaN), and no SLI series
//! (the SLI-missing alert).

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;
use serde::Serialize;

use crate::format::decimal::Decimal;
use crate::slo::rules::{burn_factor, plan, SliPlan, SloPlan, TimeslicePlan};
use obspec_spec::duration::format_duration;
use obspec_spec::model::Service;

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub series: String,
    pub values: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExpAlert {
    pub exp_labels: Vec<(String, String)>,
    pub exp_annotations: Vec<(String, String)>,
    /// Its YAML in the test file, written once however many scenarios expect it.
    #[serde(skip)]
    yaml: std::sync::OnceLock<String>,
}

impl ExpAlert {
    pub fn new(exp_labels: Vec<(String, String)>, exp_annotations: Vec<(String, String)>) -> Self {
        ExpAlert {
            exp_labels,
            exp_annotations,
            yaml: std::sync::OnceLock::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertTest {
    pub eval_time: String,
    pub alertname: String,
    /// Shared between the scenarios of an SLO: one per window pair.
    pub exp_alerts: Vec<std::sync::Arc<ExpAlert>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExprTest {
    pub expr: String,
    pub eval_time: String,
    /// `(labels, value)`; empty when no sample is expected.
    pub exp_samples: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestGroup {
    pub name: String,
    pub interval: String,
    pub input_series: Vec<Series>,
    pub alert_rule_test: Vec<AlertTest>,
    pub promql_expr_test: Vec<ExprTest>,
}

/// The label sets of the synthetic series of an SLI.
struct Feed {
    /// `(series selector text, kind)`: kind `bad` increments by the error rate,
    /// `good` by the rest, `total` by everything.
    series: Vec<(String, Kind)>,
    /// With `grouping`, the same series in a second, healthy group (other
    /// grouping values, no errors): every scenario shows that one group's
    /// burn leaves the other silent.
    quiet: Vec<(String, Kind)>,
    /// Grouping label values chosen for the series.
    grouping: Vec<(String, String)>,
}

/// A series' labels, in order.
type Labels = Vec<(String, String)>;

impl Feed {
    /// A feed of `series` (name, labels, kind) under `grouping`, with its
    /// healthy twin group.
    fn new(
        svc: &Service,
        series: Vec<(String, Labels, Kind)>,
        grouping: Vec<(String, String)>,
    ) -> Feed {
        let quiet = if grouping.is_empty() {
            Vec::new()
        } else {
            series
                .iter()
                .map(|(name, labels, kind)| {
                    let other: Vec<(String, String)> = labels
                        .iter()
                        .map(|(k, v)| match grouping.iter().any(|(g, _)| g == k) {
                            true => (k.clone(), other_value(svc, k, v)),
                            false => (k.clone(), v.clone()),
                        })
                        .collect();
                    (series_text(name, &other), *kind)
                })
                .collect()
        };
        Feed {
            series: series
                .iter()
                .map(|(name, labels, kind)| (series_text(name, labels), *kind))
                .collect(),
            quiet,
            grouping,
        }
    }
}

/// A value of `label` other than `value`: another of its closed domain, or
/// an invented one.
fn other_value(svc: &Service, label: &str, value: &str) -> String {
    candidates(svc, label, &[])
        .into_iter()
        .find(|c| c != value)
        .unwrap_or_else(|| "obspec_healthy".to_string())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bad,
    Good,
    Total,
}

fn parse_selector(text: &str) -> Option<(String, Vec<Matcher>)> {
    match promql_parser::parser::parse(text).ok()? {
        Expr::VectorSelector(vs) => {
            let name = crate::expr::promql::selector_name(&vs)?.to_string();
            let matchers = vs
                .matchers
                .matchers
                .into_iter()
                .filter(|m| m.name != "__name__")
                .collect();
            Some((name, matchers))
        }
        _ => None,
    }
}

/// Values a label may take in the search: its closed domain, literals of the
/// matchers, and one value outside both.
fn candidates(svc: &Service, label: &str, matchers: &[&Matcher]) -> Vec<String> {
    let mut v: Vec<String> = svc
        .labels
        .get(label)
        .and_then(|d| d.values.as_ref())
        .map(|vals| vals.iter().map(|x| x.value.clone()).collect())
        .unwrap_or_default();
    for m in matchers.iter().filter(|m| m.name == label) {
        let mut add = |lit: String| {
            if !lit.is_empty() && !v.contains(&lit) {
                v.push(lit);
            }
        };
        if matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_)) {
            // Strings the expression matches (`5..|429` → `500`, `429`).
            for lit in regex_examples(&m.value) {
                add(lit);
            }
        } else {
            add(m.value.clone());
        }
    }
    v.push("obspec_other".to_string());
    v
}

/// A few strings that the (anchored) regular expression matches: one per
/// branch of a top-level alternation, each the shortest the branch allows.
pub fn regex_examples(pattern: &str) -> Vec<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn shortest(h: &Hir, out: &mut String) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
                Ok(s) => {
                    out.push_str(s);
                    true
                }
                Err(_) => false,
            },
            HirKind::Class(Class::Unicode(c)) => {
                // A printable member, preferring digits and letters.
                let has = |ch: char| c.iter().any(|r| r.start() <= ch && ch <= r.end());
                let pick = ['0', 'a', 'A', '_', '-', '.']
                    .into_iter()
                    .find(|&ch| has(ch))
                    .or_else(|| c.iter().next().map(|r| r.start()));
                match pick {
                    Some(ch) if !ch.is_control() => {
                        out.push(ch);
                        true
                    }
                    _ => false,
                }
            }
            HirKind::Class(Class::Bytes(_)) => false,
            HirKind::Repetition(r) => {
                for _ in 0..r.min {
                    if !shortest(&r.sub, out) {
                        return false;
                    }
                }
                true
            }
            HirKind::Capture(c) => shortest(&c.sub, out),
            HirKind::Concat(hs) => hs.iter().all(|h| shortest(h, out)),
            HirKind::Alternation(hs) => hs.first().is_some_and(|h| shortest(h, out)),
        }
    }
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return Vec::new();
    };
    // Top-level branches, through a capture group around them.
    let mut top = &hir;
    while let HirKind::Capture(c) = top.kind() {
        top = &c.sub;
    }
    let branches: Vec<&Hir> = match top.kind() {
        HirKind::Alternation(hs) => hs.iter().take(4).collect(),
        _ => vec![top],
    };
    let mut out = Vec::new();
    for b in branches {
        let mut s = String::new();
        if shortest(b, &mut s) && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A label assignment over `labels` satisfying `want` (all match) and, when
/// `avoid` is given, not satisfying it.
fn assign(
    svc: &Service,
    labels: &[String],
    want: &[&Matcher],
    avoid: Option<&[&Matcher]>,
) -> Option<Vec<(String, String)>> {
    let all: Vec<&Matcher> = want
        .iter()
        .chain(avoid.unwrap_or(&[]).iter())
        .copied()
        .collect();
    let options: Vec<Vec<String>> = labels.iter().map(|l| candidates(svc, l, &all)).collect();
    let mut idx = vec![0usize; labels.len()];
    loop {
        let assignment: Vec<(String, String)> = labels
            .iter()
            .enumerate()
            .map(|(k, l)| (l.clone(), options[k][idx[k]].clone()))
            .collect();
        let value = |name: &str| {
            assignment
                .iter()
                .find(|(l, _)| l == name)
                .map_or("", |(_, v)| v.as_str())
        };
        let ok = want.iter().all(|m| m.is_match(value(&m.name)))
            && avoid.is_none_or(|a| !a.iter().all(|m| m.is_match(value(&m.name))));
        if ok {
            return Some(assignment);
        }
        // Next combination.
        let mut k = 0;
        loop {
            if k == idx.len() {
                return None;
            }
            idx[k] += 1;
            if idx[k] < options[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

fn series_text(name: &str, labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let body: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::format::escape::promql_str(v)))
        .collect();
    format!("{name}{{{}}}", body.join(", "))
}

fn feed(svc: &Service, p: &SloPlan) -> Option<Feed> {
    let mut grouping_labels: Vec<String> = p.grouping.clone();
    grouping_labels.sort();
    match &p.sli {
        SliPlan::Events { errors, total } => {
            let (en, em) = parse_selector(errors)?;
            let (tn, tm) = parse_selector(total)?;
            let mut labels: Vec<String> = em
                .iter()
                .chain(tm.iter())
                .map(|m| m.name.clone())
                .chain(grouping_labels.clone())
                .collect();
            labels.sort();
            labels.dedup();
            let em: Vec<&Matcher> = em.iter().collect();
            let tm: Vec<&Matcher> = tm.iter().collect();
            if en == tn {
                let both: Vec<&Matcher> = em.iter().chain(tm.iter()).copied().collect();
                let bad = assign(svc, &labels, &both, None)?;
                let grouping: Vec<(String, String)> = bad
                    .iter()
                    .filter(|(l, _)| p.grouping.contains(l))
                    .cloned()
                    .collect();
                // The good series keeps the grouping values of the bad one.
                let mut good_want: Vec<Matcher> = tm.iter().map(|m| (*m).clone()).collect();
                for (l, v) in &grouping {
                    good_want.push(Matcher::new(promql_parser::label::MatchOp::Equal, l, v));
                }
                let good_want: Vec<&Matcher> = good_want.iter().collect();
                let good = assign(svc, &labels, &good_want, Some(&em))?;
                Some(Feed::new(
                    svc,
                    vec![(en, bad, Kind::Bad), (tn, good, Kind::Good)],
                    grouping,
                ))
            } else {
                let bad = assign(svc, &labels, &em, None)?;
                let grouping: Vec<(String, String)> = bad
                    .iter()
                    .filter(|(l, _)| p.grouping.contains(l))
                    .cloned()
                    .collect();
                let mut total_want: Vec<Matcher> = tm.iter().map(|m| (*m).clone()).collect();
                for (l, v) in &grouping {
                    total_want.push(Matcher::new(promql_parser::label::MatchOp::Equal, l, v));
                }
                let total_want: Vec<&Matcher> = total_want.iter().collect();
                let all = assign(svc, &labels, &total_want, None)?;
                Some(Feed::new(
                    svc,
                    vec![(en, bad, Kind::Bad), (tn, all, Kind::Total)],
                    grouping,
                ))
            }
        }
        SliPlan::Latency {
            metric,
            threshold,
            matchers,
        } => {
            let sel = if matchers.is_empty() {
                format!("{metric}_count")
            } else {
                format!("{metric}_count{{{matchers}}}")
            };
            let (_, m) = parse_selector(&sel)?;
            let mut labels: Vec<String> = m
                .iter()
                .map(|x| x.name.clone())
                .chain(grouping_labels)
                .collect();
            labels.sort();
            labels.dedup();
            let want: Vec<&Matcher> = m.iter().collect();
            let base = assign(svc, &labels, &want, None)?;
            let grouping = base
                .iter()
                .filter(|(l, _)| p.grouping.contains(l))
                .cloned()
                .collect();
            let mut le = base.clone();
            le.push(("le".into(), crate::format::decimal::fmt_f64(*threshold)));
            let mut inf = base.clone();
            inf.push(("le".into(), "+Inf".into()));
            Some(Feed::new(
                svc,
                vec![
                    (format!("{metric}_bucket"), le, Kind::Good),
                    (format!("{metric}_bucket"), inf, Kind::Total),
                    (format!("{metric}_count"), base, Kind::Total),
                ],
                grouping,
            ))
        }
        SliPlan::Raw { .. } => None,
    }
}

/// Per-interval increments for an error ratio `r` with `n` events per interval.
fn inputs(f: &Feed, r: Decimal, n: i64, samples: u64) -> Vec<Series> {
    let total = Decimal::from_int(n);
    let bad = r.checked_mul(total).expect("small");
    let good = total.checked_sub(bad).expect("small");
    let burning = f.series.iter().map(|(s, kind)| {
        let inc = match kind {
            Kind::Bad => bad,
            Kind::Good => good,
            Kind::Total => total,
        };
        (s, inc)
    });
    let healthy = f.quiet.iter().map(|(s, kind)| {
        let inc = match kind {
            Kind::Bad => Decimal::from_int(0),
            Kind::Good | Kind::Total => total,
        };
        (s, inc)
    });
    burning
        .chain(healthy)
        .map(|(s, inc)| Series {
            series: s.clone(),
            values: format!("0+{inc}x{samples}"),
        })
        .collect()
}

fn round_up(ms: u64, step: u64) -> u64 {
    ms.div_ceil(step) * step
}

/// The test groups of every SLO of `svc`, and the evaluation interval they use.
pub fn tests(svc: &Service) -> Vec<TestGroup> {
    let mut all = Vec::new();
    each_slo(svc, |groups| all.extend(groups));
    all
}

/// The test file of `svc` (as [`tests_yaml`] writes it for [`tests`]), built
/// and written one SLO at a time; `None` when no SLO has tests.
pub fn tests_yaml_streamed(
    svc: &Service,
    rule_file: &str,
    group_order: &[String],
) -> Option<String> {
    let mut out = String::new();
    each_slo(svc, |groups| {
        if out.is_empty() {
            if let Some(first) = groups.first() {
                yaml_header(&mut out, rule_file, group_order, &first.interval);
            }
        }
        yaml_groups(&mut out, &groups);
    });
    if out.is_empty() {
        return None;
    }
    out.pop();
    Some(out)
}

/// Calls `emit` with the test groups of each SLO in turn.
/// The evaluation interval an SLO's tests need: several samples in its
/// shortest window (and in a time slice).
fn eval_step(p: &SloPlan) -> u64 {
    let shortest = p
        .timeslice
        .map_or(p.record_windows[0], |t| t.slice_ms.min(p.record_windows[0]));
    (shortest / 5).clamp(1000, 60_000) / 1000 * 1000
}

// Long: the scenarios of one SLO share its step, inputs and expected alerts (closures over them).
fn each_slo(svc: &Service, mut emit: impl FnMut(Vec<TestGroup>)) {
    let plans: Vec<_> = svc
        .slos
        .iter()
        .filter_map(|(name, slo)| Some((slo, plan(svc, name, slo)?)))
        .filter(|(_, p)| !p.disabled)
        .filter_map(|(slo, p)| Some((slo, feed(svc, &p)?, p)))
        .collect();
    // One evaluation interval for the file (promtool evaluates every group at
    // it): often enough for every SLO's shortest window to hold several samples.
    let step = plans
        .iter()
        .map(|(_, _, p)| eval_step(p))
        .min()
        .unwrap_or(60_000);
    let interval = format_duration(step);
    for (slo, f, p) in plans {
        let mut groups = Vec::new();
        let windows = &p.record_windows;
        let warmup = windows[0]
            .max(3 * step)
            .max(p.timeslice.map_or(0, |t| t.slice_ms + 2 * step));
        let eval_ms = round_up(warmup + p.page_for_ms.max(p.ticket_for_ms) + 2 * step, step);
        let eval = format_duration(eval_ms);
        let samples = eval_ms / step + 5;
        let n: i64 = 1000
            * slo
                .alerting
                .min_events
                .as_ref()
                .map_or(1, |m| (m.value as i64 / 100).max(1));
        let grouping_sel: String = f
            .grouping
            .iter()
            .map(|(k, v)| format!(", {k}={}", crate::format::escape::promql_str(v)))
            .collect();
        let ratio_sel = format!(
            "slo:sli_error:ratio_rate{}{{slo={}, service={}{grouping_sel}}}",
            format_duration(windows[0]),
            crate::format::escape::promql_str(&p.name),
            crate::format::escape::promql_str(&svc.service.value)
        );
        // The SLO's error ratio under a steady share `r` of errors: `r` when
        // events are counted; with time slices every slice is bad (1) or
        // good (0).
        let slo_ratio = |r: Decimal| match p.timeslice {
            None => r,
            Some(TimeslicePlan {
                bad_above: Some(b), ..
            }) if b < r => Decimal::from_int(1),
            Some(TimeslicePlan {
                bad_above: Some(_), ..
            }) => Decimal::from_int(0),
            // The mean of steady slices' ratios is the ratio itself.
            Some(_) => r,
        };
        // Each window pair's alert, built once: a scenario expects the pairs
        // whose threshold is below its ratio.
        let fired: Vec<(Option<Decimal>, std::sync::Arc<ExpAlert>)> = p
            .windows
            .iter()
            .map(|w| window_alert(svc, &p, &f, w))
            .collect();
        let expected = |r: Decimal| -> Vec<std::sync::Arc<ExpAlert>> {
            let r = slo_ratio(r);
            fired
                .iter()
                .filter(|(t, _)| t.is_some_and(|t| dec_lt(t, r)))
                .map(|(_, a)| a.clone())
                .collect()
        };
        let burn_test = |r: Decimal| AlertTest {
            eval_time: eval.clone(),
            alertname: p.alert.clone(),
            exp_alerts: expected(r),
        };
        // The SLI-missing alert stays quiet while data flows (when it exists).
        let with_quiet = |burn: AlertTest, quiet: &Option<AlertTest>| {
            let mut v = vec![burn];
            v.extend(quiet.clone());
            v
        };
        let missing_quiet = p.sli_missing.then(|| AlertTest {
            eval_time: eval.clone(),
            alertname: format!("{}SLIMissing", p.alert),
            exp_alerts: vec![],
        });
        groups.push(TestGroup {
            name: format!("{}: no errors", p.name),
            interval: interval.clone(),
            input_series: inputs(&f, Decimal::from_int(0), n, samples),
            alert_rule_test: with_quiet(burn_test(Decimal::from_int(0)), &missing_quiet),
            promql_expr_test: vec![ExprTest {
                expr: ratio_sel.clone(),
                eval_time: eval.clone(),
                exp_samples: vec![(
                    {
                        let mut l = vec![
                            (
                                "__name__".to_string(),
                                format!("slo:sli_error:ratio_rate{}", format_duration(windows[0])),
                            ),
                            ("service".to_string(), svc.service.value.clone()),
                            ("slo".to_string(), p.name.clone()),
                            ("window".to_string(), format_duration(windows[0])),
                        ];
                        l.extend(f.grouping.iter().cloned());
                        l.sort();
                        series_text(
                            &l.iter()
                                .find(|(k, _)| k == "__name__")
                                .map(|(_, v)| v.clone())
                                .unwrap_or_default(),
                            &l.into_iter()
                                .filter(|(k, _)| k != "__name__")
                                .collect::<Vec<_>>(),
                        )
                    },
                    "0".to_string(),
                )],
            }],
        });
        let alert_tests = |r: Decimal| with_quiet(burn_test(r), &missing_quiet);
        groups.extend(threshold_groups(
            &p,
            &f,
            &interval,
            n,
            samples,
            &alert_tests,
        ));
        groups.push(TestGroup {
            name: format!("{}: zero traffic", p.name),
            interval: interval.clone(),
            input_series: inputs(&f, Decimal::from_int(0), 0, samples),
            alert_rule_test: with_quiet(burn_test(Decimal::from_int(0)), &missing_quiet),
            promql_expr_test: vec![ExprTest {
                expr: ratio_sel,
                eval_time: eval.clone(),
                exp_samples: vec![],
            }],
        });
        if p.sli_missing {
            groups.push(missing_test(svc, &p, step, &interval));
        }
        emit(groups);
    }
}

/// The alert a window pair fires, with its threshold (`None`: unreachable).
fn window_alert(
    svc: &Service,
    p: &SloPlan,
    f: &Feed,
    w: &crate::slo::windows::BurnWindow,
) -> (Option<Decimal>, std::sync::Arc<ExpAlert>) {
    let factor = burn_factor(w);
    let (severity, extra) = if w.kind == "page" {
        (&p.page_severity, &p.page_labels)
    } else {
        (&p.ticket_severity, &p.ticket_labels)
    };
    let (long, short) = (format_duration(w.long_ms), format_duration(w.short_ms));
    let mut labels = p.labels.clone();
    let mut set = |k: &str, v: String| {
        labels.retain(|(key, _)| key != k);
        labels.push((k.to_string(), v));
    };
    set("severity", severity.clone());
    set("long_window", long.clone());
    set("short_window", short.clone());
    set("burn_rate", factor.to_string());
    for (k, v) in extra {
        set(k, v.clone());
    }
    for (k, v) in &f.grouping {
        set(k, v.clone());
    }
    labels.sort();
    let annotations = crate::slo::rules::merge(
        &[(
            "summary".to_string(),
            format!(
                "{} of {} burns its error budget {factor}× too fast ({long} and {short} windows)",
                p.name, svc.service.value
            ),
        )],
        &p.annotations,
    );
    (
        factor.checked_mul(p.budget),
        std::sync::Arc::new(ExpAlert::new(labels, annotations)),
    )
}

/// The test that the SLI-missing alert fires when the SLI has no data.
fn missing_test(svc: &Service, p: &SloPlan, step: u64, interval: &str) -> TestGroup {
    let missing_for = p.sli_missing_for_ms;
    let absent_labels = p.sli.absent_labels();
    let missing_eval = format_duration(round_up(missing_for + 3 * step, step));
    let mut missing_labels = p.labels.clone();
    missing_labels.retain(|(k, _)| k != "severity");
    missing_labels.push(("severity".into(), p.ticket_severity.clone()));
    for (k, v) in absent_labels {
        missing_labels.retain(|(key, _)| *key != k);
        missing_labels.push((k, v));
    }
    missing_labels.sort();
    let missing_annotations = crate::slo::rules::merge(
        &[(
            "summary".to_string(),
            format!(
                "The SLI of {} of {} has no data: its burn-rate alerts cannot fire",
                p.name, svc.service.value
            ),
        )],
        &p.annotations,
    );
    TestGroup {
        name: format!("{}: SLI metric missing", p.name),
        interval: interval.to_string(),
        input_series: vec![],
        alert_rule_test: vec![AlertTest {
            eval_time: missing_eval,
            alertname: format!("{}SLIMissing", p.alert),
            exp_alerts: vec![std::sync::Arc::new(ExpAlert::new(
                missing_labels,
                missing_annotations,
            ))],
        }],
        promql_expr_test: vec![],
    }
}

/// The scenarios just above and just below each threshold (each slice just
/// bad or just good, for counted time slices).
fn threshold_groups(
    p: &SloPlan,
    f: &Feed,
    interval: &str,
    n: i64,
    samples: u64,
    alert_tests: &dyn Fn(Decimal) -> Vec<AlertTest>,
) -> Vec<TestGroup> {
    let one = Decimal::from_int(1);
    let mut groups = Vec::new();
    let counted = p.timeslice.and_then(|t| Some((t.slice_ms, t.bad_above?)));
    if let Some((slice_ms, bad_above)) = counted {
        // Every slice just bad: every pair fires; every slice just good: none.
        for (label, scale) in [("just bad", "1.1"), ("just good", "0.9")] {
            let r = bad_above
                .checked_mul(Decimal::parse(scale).expect("decimal"))
                .expect("small");
            if !dec_lt(r, one) {
                continue;
            }
            groups.push(TestGroup {
                name: format!(
                    "{}: every {} slice {label} (errors {r}, bad above {})",
                    p.name,
                    format_duration(slice_ms),
                    bad_above
                ),
                interval: interval.to_string(),
                input_series: inputs(f, r, n, samples),
                alert_rule_test: alert_tests(r),
                promql_expr_test: vec![],
            });
        }
    }
    for w in p.windows.iter().filter(|_| counted.is_none()) {
        let threshold = burn_factor(w).checked_mul(p.budget).expect("small");
        let (long, short) = (format_duration(w.long_ms), format_duration(w.short_ms));
        for (label, scale) in [("just above", "1.1"), ("just below", "0.9")] {
            let r = threshold
                .checked_mul(Decimal::parse(scale).expect("decimal"))
                .expect("small");
            if !dec_lt(r, one) {
                // A ratio of 1 or more cannot be produced: the threshold is unreachable.
                continue;
            }
            groups.push(TestGroup {
                name: format!(
                    "{}: burn {label} the {long}/{short} threshold ({threshold})",
                    p.name
                ),
                interval: interval.to_string(),
                input_series: inputs(f, r, n, samples),
                alert_rule_test: alert_tests(r),
                promql_expr_test: vec![],
            });
        }
    }
    groups
}

fn dec_lt(a: Decimal, b: Decimal) -> bool {
    a < b
}

/// The test file in the layout of `prometheus/tests.yml.j2`, written directly.
pub fn tests_yaml(rule_file: &str, group_order: &[String], tests: &[TestGroup]) -> String {
    let mut out = String::new();
    let interval = tests.first().map_or("1m", |t| t.interval.as_str());
    yaml_header(&mut out, rule_file, group_order, interval);
    yaml_groups(&mut out, tests);
    // The template adds the final newline.
    out.pop();
    out
}

fn yaml_header(out: &mut String, rule_file: &str, group_order: &[String], interval: &str) {
    use crate::format::escape::yaml_scalar;
    use std::fmt::Write as _;
    let _ = writeln!(out, "rule_files:\n  - {}", yaml_scalar(rule_file));
    let _ = writeln!(out, "evaluation_interval: {}", yaml_scalar(interval));
    if !group_order.is_empty() {
        let _ = writeln!(out, "group_eval_order:");
        for g in group_order {
            let _ = writeln!(out, "  - {}", yaml_scalar(g));
        }
    }
    let _ = writeln!(out, "tests:");
}

fn yaml_groups(out: &mut String, tests: &[TestGroup]) {
    use crate::format::escape::yaml_scalar;
    use std::fmt::Write as _;
    for t in tests {
        let _ = writeln!(out, "  - name: {}", yaml_scalar(&t.name));
        let _ = writeln!(out, "    interval: {}", yaml_scalar(&t.interval));
        if t.input_series.is_empty() {
            let _ = writeln!(out, "    input_series: []");
        } else {
            let _ = writeln!(out, "    input_series:");
            for s in &t.input_series {
                let _ = writeln!(out, "      - series: {}", yaml_scalar(&s.series));
                let _ = writeln!(out, "        values: {}", yaml_scalar(&s.values));
            }
        }
        if !t.alert_rule_test.is_empty() {
            let _ = writeln!(out, "    alert_rule_test:");
            for a in &t.alert_rule_test {
                let _ = writeln!(out, "      - eval_time: {}", yaml_scalar(&a.eval_time));
                let _ = writeln!(out, "        alertname: {}", yaml_scalar(&a.alertname));
                if a.exp_alerts.is_empty() {
                    let _ = writeln!(out, "        exp_alerts: []");
                    continue;
                }
                let _ = writeln!(out, "        exp_alerts:");
                for e in &a.exp_alerts {
                    out.push_str(e.yaml.get_or_init(|| exp_alert_yaml(e)));
                }
            }
        }
        if !t.promql_expr_test.is_empty() {
            let _ = writeln!(out, "    promql_expr_test:");
            for e in &t.promql_expr_test {
                let _ = writeln!(out, "      - expr: {}", yaml_scalar(&e.expr));
                let _ = writeln!(out, "        eval_time: {}", yaml_scalar(&e.eval_time));
                if e.exp_samples.is_empty() {
                    let _ = writeln!(out, "        exp_samples: []");
                } else {
                    let _ = writeln!(out, "        exp_samples:");
                    for (labels, value) in &e.exp_samples {
                        let _ = writeln!(out, "          - labels: {}", yaml_scalar(labels));
                        let _ = writeln!(out, "            value: {value}");
                    }
                }
            }
        }
    }
}

/// The lines of one expected alert under `exp_alerts:`.
fn exp_alert_yaml(e: &ExpAlert) -> String {
    use crate::format::escape::{yaml_key, yaml_scalar};
    use std::fmt::Write as _;
    let mut out = String::from("          - exp_labels:\n");
    for (k, v) in &e.exp_labels {
        let _ = writeln!(out, "              {}: {}", yaml_key(k), yaml_scalar(v));
    }
    if !e.exp_annotations.is_empty() {
        out.push_str("            exp_annotations:\n");
        for (k, v) in &e.exp_annotations {
            let _ = writeln!(out, "              {}: {}", yaml_key(k), yaml_scalar(v));
        }
    }
    out
}

/// Test groups as a template value, converted only when a template reads them.
#[derive(Debug)]
pub struct TestsValue(pub Vec<TestGroup>);

impl minijinja::value::Object for TestsValue {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.0
            .get(key.as_usize()?)
            .map(|t| minijinja::Value::from(minijinja::value::Serde(t)))
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.len())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn regex_examples_match_their_expression() {
        for (re, want) in [
            ("(5..|429)", vec!["500", "429"]),
            ("5..", vec!["500"]),
            ("a|b|c", vec!["a"]),
            ("api|web", vec!["api", "web"]),
            ("[2-3]xx", vec!["2xx"]),
            ("x+", vec!["x"]),
        ] {
            assert_eq!(super::regex_examples(re), want, "{re}");
            for ex in super::regex_examples(re) {
                assert!(regex::Regex::new(&format!("^(?:{re})$"))
                    .unwrap()
                    .is_match(&ex));
            }
        }
    }
}
