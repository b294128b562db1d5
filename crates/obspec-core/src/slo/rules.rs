//! The SLO engine and the service's alerting rules, as data: rule groups that
//! the `prometheus` and `kubernetes` targets render, and that the generated
//! promtool tests exercise.
//!
//! For each SLO (see docs/slo.md):
//! - one error-ratio recording per window the alerts need, shared by the alert
//!   pairs (`slo:sli_error:ratio_rate<w>`); windows under a day are computed from
//!   the raw metrics, windows of a day or more are chained, event-weighted, from
//!   5-minute recordings of the error and total rates (no raw multi-day ranges);
//! - metadata recordings: objective, error budget, time period, current and
//!   period burn rate, remaining budget;
//! - four burn-rate alerts (SRE Workbook: 14.4×/1h+5m and 6×/6h+30m page,
//!   3×/1d+2h and 1×/3d+6h ticket, windows scaled for other periods), labelled
//!   with the window pair, thresholds printed exactly;
//! - an alert for a missing SLI metric.
//!
//! Zero traffic yields no sample (never NaN or Inf): every ratio divides by
//! `(total > 0)`.

use serde::Serialize;

use crate::expr::promql::{selector_name, selectors, Registry};
use crate::format::decimal::{fmt_f64, Decimal};
use crate::slo::windows::error_budget_percent;
use crate::slo::windows::{
    alert_name, error_ratio_rule, record_windows, windows_for, BurnWindow, THRESHOLD_RULE,
    TIMESLICE_RATIO_RULE, TIMESLICE_RULE,
};
use obspec_spec::duration::{format_duration, parse_duration};
use obspec_spec::model::{Service, Slo};

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// `record` name, for a recording rule.
    pub record: Option<String>,
    /// `alert` name, for an alerting rule.
    pub alert: Option<String>,
    pub expr: String,
    pub r#for: Option<String>,
    /// `keep_firing_for`, for an alerting rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<String>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// A rule group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    /// The group's own evaluation interval (`none`: the global one).
    pub interval: Option<String>,
    pub rules: Vec<Rule>,
}

/// Everything the SLO engine decided for one SLO; the promtool tests use it.
#[derive(Debug, Clone)]
pub struct SloPlan {
    pub name: String,
    pub alert: String,
    pub budget: Decimal,
    pub windows: Vec<BurnWindow>,
    pub page_severity: String,
    pub ticket_severity: String,
    pub page_for_ms: u64,
    pub ticket_for_ms: u64,
    /// Labels on every burn alert (slo, service, team, extra labels).
    pub labels: Vec<(String, String)>,
    pub page_labels: Vec<(String, String)>,
    pub ticket_labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub grouping: Vec<String>,
    pub sli: SliPlan,
    pub period_ms: u64,
    /// Every window the error-ratio recordings cover (the alert windows of
    /// both classes, disabled or not, and the period), shortest first.
    pub record_windows: Vec<u64>,
    pub disabled: bool,
    pub sli_missing_for_ms: u64,
    /// Whether the SLI-missing alert is generated: it goes with the ticket
    /// class (a ticket, never a page), so it is off when tickets are.
    pub sli_missing: bool,
    /// Time-slice budgeting: the error ratio is the share of bad slices.
    pub timeslice: Option<TimeslicePlan>,
    /// Calendar alignment of the period rules.
    pub calendar: Option<Calendar>,
    /// A threshold SLI: the recorded 0/1 expression and the query it
    /// judges (its SLI is then the raw mean of that recording).
    pub threshold: Option<(String, String)>,
}

/// Time-slice budgeting: a slice of `slice_ms` is bad when its own error
/// ratio exceeds `bad_above` (`1 - target`); without a target, the SLO's
/// error ratio is the mean of the slices' error ratios.
#[derive(Debug, Clone, Copy)]
pub struct TimeslicePlan {
    pub slice_ms: u64,
    pub bad_above: Option<Decimal>,
}

impl TimeslicePlan {
    /// The name of the slice recording.
    pub fn rule(&self) -> &'static str {
        if self.bad_above.is_some() {
            TIMESLICE_RULE
        } else {
            TIMESLICE_RATIO_RULE
        }
    }
}

/// A calendar period (UTC) the period rules count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Day,
    Week,
    Month,
}

impl Calendar {
    pub fn parse(s: &str) -> Option<Calendar> {
        match s {
            "day" => Some(Calendar::Day),
            "week" => Some(Calendar::Week),
            "month" => Some(Calendar::Month),
            _ => None,
        }
    }

    /// The nominal lengths (ms) a `window` of this calendar may have.
    pub fn lengths(self) -> std::ops::RangeInclusive<u64> {
        const DAY: u64 = 86_400_000;
        match self {
            Calendar::Day => DAY..=DAY,
            Calendar::Week => 7 * DAY..=7 * DAY,
            Calendar::Month => 28 * DAY..=31 * DAY,
        }
    }

    /// The step of the period rules' subquery: each step reads one
    /// recording over exactly that window, so the steps tile the period
    /// (and stay within promtool's sample limit for a month).
    pub fn step_ms(self) -> u64 {
        match self {
            Calendar::Day => 300_000,
            Calendar::Week | Calendar::Month => 1_800_000,
        }
    }

    /// The longest period: the range the period rules look back over.
    fn range(self) -> &'static str {
        match self {
            Calendar::Day => "1d",
            Calendar::Week => "1w",
            Calendar::Month => "31d",
        }
    }

    /// The period a Unix timestamp (seconds, an instant vector) falls in,
    /// as one number: days since the epoch, ISO weeks (from Monday
    /// 1970-01-05), or `year × 12 + month`.
    fn index(self, ts: &str) -> String {
        match self {
            Calendar::Day => format!("floor({ts} / 86400)"),
            Calendar::Week => format!("floor(({ts} - 345600) / 604800)"),
            Calendar::Month => format!("(year({ts}) * 12 + month({ts}))"),
        }
    }

    /// A condition, evaluated at the steps of a subquery, that holds while
    /// the step is in the same period as the rule's evaluation time (read as
    /// the timestamp of `anchor`, a series recorded earlier in the group).
    fn same_period(self, anchor: &str) -> String {
        format!(
            "{} == on() {}",
            self.index("vector(time())"),
            self.index(&format!("timestamp({anchor} @ end())"))
        )
    }
}

/// How events are counted.
#[derive(Debug, Clone)]
pub enum SliPlan {
    /// Error and total counters (selectors as written).
    Events { errors: String, total: String },
    /// Histogram: total `_count`, good the `le` bucket at the threshold.
    Latency {
        metric: String,
        threshold: f64,
        matchers: String,
    },
    /// Raw error-ratio PromQL with `{{window}}`.
    Raw { expr: String },
}

/// The window below which ratios come from raw metrics; at and above it they
/// are chained from 5-minute recordings.
const CHAIN_FROM_MS: u64 = 86_400_000;
/// The window of the chained rates, and the interval of the group that
/// records them: one sample per 5 minutes, each the rate over the 5 minutes
/// before it, so the samples tile time and a 30-day window reads 8,640 of
/// them whatever the global evaluation interval is.
const BASE: &str = "5m";

/// `sum` or `sum by (a, b) `, to be followed by `(`.
fn by(grouping: &[String]) -> String {
    if grouping.is_empty() {
        "sum".to_string()
    } else {
        format!("sum by ({}) ", grouping.join(", "))
    }
}

/// `le` values a bucket bound may be exported as (`1` and `1.0`).
fn le_matcher(threshold: f64) -> String {
    let s = fmt_f64(threshold);
    if s.contains('.') || s.contains('e') {
        format!("le=\"{s}\"")
    } else {
        format!("le=~\"{s}|{s}\\\\.0\"")
    }
}

/// `{a="b"}` → `a="b"` (the matchers of a latency selector).
fn inner_matchers(selector: &str) -> String {
    selector
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .to_string()
}

fn with_matchers(metric: &str, extra: &[&str]) -> String {
    let m: Vec<&str> = extra.iter().copied().filter(|s| !s.is_empty()).collect();
    if m.is_empty() {
        metric.to_string()
    } else {
        format!("{metric}{{{}}}", m.join(", "))
    }
}

impl SliPlan {
    /// Errors per second over `w`, or `None` for raw SLIs.
    fn errors_rate(&self, w: &str, g: &str) -> Option<String> {
        match self {
            SliPlan::Events { errors, total } => Some(format!(
                "({g}(rate({errors}[{w}])) or 0 * {g}(rate({total}[{w}])))"
            )),
            SliPlan::Latency {
                metric,
                threshold,
                matchers,
            } => {
                let count = with_matchers(&format!("{metric}_count"), &[matchers]);
                let good = with_matchers(
                    &format!("{metric}_bucket"),
                    &[&le_matcher(*threshold), matchers],
                );
                Some(format!(
                    "({g}(rate({count}[{w}])) - {g}(rate({good}[{w}])))"
                ))
            }
            SliPlan::Raw { .. } => None,
        }
    }

    /// Events per second over `w`.
    fn total_rate(&self, w: &str, g: &str) -> Option<String> {
        match self {
            SliPlan::Events { total, .. } => Some(format!("{g}(rate({total}[{w}]))")),
            SliPlan::Latency {
                metric, matchers, ..
            } => {
                let count = with_matchers(&format!("{metric}_count"), &[matchers]);
                Some(format!("{g}(rate({count}[{w}]))"))
            }
            SliPlan::Raw { .. } => None,
        }
    }

    /// The error ratio over `w` from the raw metrics.
    fn raw_ratio(&self, w: &str, g: &str) -> String {
        match self {
            SliPlan::Raw { expr } => {
                let e = crate::slo::windows::WINDOW_PLACEHOLDERS
                    .iter()
                    .fold(expr.clone(), |t, p| t.replace(p, w));
                format!("({e})")
            }
            _ => format!(
                "{} / ({} > 0)",
                self.errors_rate(w, g).expect("not raw"),
                self.total_rate(w, g).expect("not raw")
            ),
        }
    }

    /// The labels `absent()` gives its result: the equality matchers of the
    /// selector it watches.
    pub fn absent_labels(&self) -> Vec<(String, String)> {
        let sel = match self {
            SliPlan::Events { total, .. } => total.clone(),
            SliPlan::Latency {
                metric, matchers, ..
            } => with_matchers(&format!("{metric}_count"), &[matchers]),
            SliPlan::Raw { .. } => return Vec::new(),
        };
        match promql_parser::parser::parse(&sel) {
            Ok(promql_parser::parser::Expr::VectorSelector(vs)) => vs
                .matchers
                .matchers
                .iter()
                .filter(|m| m.op == promql_parser::label::MatchOp::Equal && m.name != "__name__")
                .map(|m| (m.name.clone(), m.value.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// What `absent()` watches for the SLI-missing alert.
    fn absent_expr(&self) -> String {
        match self {
            SliPlan::Events { total, .. } => format!("absent({total})"),
            SliPlan::Latency {
                metric, matchers, ..
            } => {
                format!(
                    "absent({})",
                    with_matchers(&format!("{metric}_count"), &[matchers])
                )
            }
            SliPlan::Raw { expr } => {
                let e = crate::slo::windows::WINDOW_PLACEHOLDERS
                    .iter()
                    .fold(expr.clone(), |t, p| t.replace(p, "5m"));
                let mut names: Vec<String> = promql_parser::parser::parse(&e)
                    .ok()
                    .map(|x| {
                        selectors(&x)
                            .into_iter()
                            .filter_map(selector_name)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names.dedup();
                names
                    .iter()
                    .map(|n| format!("absent({n})"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            }
        }
    }
}

fn scaled(ms: u64, period_ms: u64) -> u64 {
    let v = (ms as u128 * period_ms as u128 / (30 * 86_400_000u128)) as u64;
    (v / 1000).max(1) * 1000
}

// Long: an SloPlan's fields computed in order, each from the spec's keys.
/// The plan of one SLO.
pub fn plan(svc: &Service, name: &str, slo: &Slo) -> Option<SloPlan> {
    let period_ms = parse_duration(&slo.window)?;
    let budget = error_budget_percent(slo.objective.value)?.shift(2);
    let a = &slo.alerting;
    let sli = sli_plan(svc, name, slo)?;
    let kv = |m: &obspec_spec::model::NamedMap<obspec_spec::model::Spanned<String>>| {
        m.iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect::<Vec<_>>()
    };
    let mut labels = vec![
        ("slo".to_string(), name.to_string()),
        ("service".to_string(), svc.service.value.clone()),
    ];
    if let Some(t) = &svc.team {
        labels.push(("team".into(), t.value.clone()));
    }
    let labels = merge(&labels, &kv(&a.labels));
    let mut annotations = Vec::new();
    let objective = fmt_f64(slo.objective.value);
    annotations.push((
        "description".to_string(),
        format!(
            "{} of {}: objective {objective}% over {}{}",
            name,
            svc.service.value,
            slo.window.value,
            slo.description
                .as_ref()
                .map(|d| format!(" ({})", d.value))
                .unwrap_or_default()
        ),
    ));
    if let Some(r) = &a.runbook {
        annotations.push(("runbook_url".into(), r.value.clone()));
    }
    if let Some(d) = &a.dashboard {
        annotations.push(("dashboard".into(), d.value.clone()));
    }
    let annotations = merge(&annotations, &kv(&a.annotations));
    let for_ms = |b: &obspec_spec::model::BurnAlert, default: u64| {
        b.for_
            .as_ref()
            .and_then(|f| parse_duration(f).or(if f.value == "0s" { Some(0) } else { None }))
            .unwrap_or_else(|| scaled(default, period_ms))
    };
    let all_windows = windows_for(period_ms, slo);
    let calendar = match &slo.calendar {
        Some(c) => Some(Calendar::parse(c)?),
        None => None,
    };
    let mut windows = record_windows(period_ms, &all_windows);
    // Ratio SLIs (raw, time slices) read the calendar step's error ratio.
    if let Some(c) = calendar {
        if matches!(sli, SliPlan::Raw { .. }) || slo.timeslice.is_some() {
            windows.push(c.step_ms());
            windows.sort_unstable();
            windows.dedup();
        }
    }
    Some(SloPlan {
        record_windows: windows,
        name: name.to_string(),
        alert: alert_name(name, slo),
        budget,
        windows: all_windows
            .iter()
            .copied()
            .filter(|w| {
                let class = if w.kind == "page" { &a.page } else { &a.ticket };
                !class.disabled.as_ref().is_some_and(|d| d.value)
            })
            .collect(),
        page_severity: a
            .page
            .severity
            .as_ref()
            .map_or("critical".into(), |s| s.value.clone()),
        ticket_severity: a
            .ticket
            .severity
            .as_ref()
            .map_or("warning".into(), |s| s.value.clone()),
        page_for_ms: for_ms(&a.page, 120_000),
        ticket_for_ms: for_ms(&a.ticket, 900_000),
        labels,
        page_labels: kv(&a.page.labels),
        ticket_labels: kv(&a.ticket.labels),
        annotations,
        grouping: slo.grouping.iter().map(|g| g.value.clone()).collect(),
        sli,
        period_ms,
        // Every class off is the same as the whole alerting off.
        disabled: a.disabled.as_ref().is_some_and(|d| d.value)
            || [&a.page, &a.ticket]
                .iter()
                .all(|c| c.disabled.as_ref().is_some_and(|d| d.value)),
        sli_missing: !a.ticket.disabled.as_ref().is_some_and(|d| d.value),
        timeslice: match &slo.timeslice {
            Some(t) => Some(TimeslicePlan {
                slice_ms: parse_duration(&t.window)?,
                bad_above: match &t.target {
                    Some(target) => Some(error_budget_percent(target.value)?.shift(2)),
                    None => None,
                },
            }),
            None => None,
        },
        calendar,
        threshold: match &slo.sli.threshold {
            Some(t) => Some((
                format!(
                    "({}) {} bool {}",
                    t.query.value.trim(),
                    crate::slo::windows::threshold_bad_op(&t.op)?,
                    fmt_f64(t.value.value)
                ),
                t.query.value.trim().to_string(),
            )),
            None => None,
        },
        sli_missing_for_ms: a
            .sli_missing_for
            .as_ref()
            .and_then(|f| parse_duration(f))
            .unwrap_or(600_000),
    })
}

/// What an SLO's SLI counts: events, a latency histogram, or a raw ratio.
fn sli_plan(svc: &Service, name: &str, slo: &Slo) -> Option<SliPlan> {
    Some(
        if let (Some(e), Some(t)) = (&slo.sli.errors, &slo.sli.total) {
            SliPlan::Events {
                errors: e.value.trim().to_string(),
                total: t.value.trim().to_string(),
            }
        } else if let Some(l) = &slo.sli.latency {
            SliPlan::Latency {
                metric: l.metric.value.clone(),
                threshold: l.threshold.value,
                matchers: l
                    .selector
                    .as_ref()
                    .map(|s| inner_matchers(s))
                    .unwrap_or_default(),
            }
        } else if slo.sli.threshold.is_some() {
            SliPlan::Raw {
                expr: format!(
                    "avg_over_time({THRESHOLD_RULE}{{slo={}, service={}}}[{{{{window}}}}])",
                    crate::format::escape::promql_str(name),
                    crate::format::escape::promql_str(&svc.service.value)
                ),
            }
        } else {
            SliPlan::Raw {
                expr: slo.sli.error_ratio.as_ref()?.value.trim().to_string(),
            }
        },
    )
}

/// The burn factor of a window pair (14.4 for 2% of a 30-day budget in 1h).
pub fn burn_factor(w: &BurnWindow) -> Decimal {
    w.factor
}

/// Label or annotation values that are plain text, written so that Prometheus's
/// template expansion yields exactly that text (SLO alerts' labels and
/// annotations are static: their generated tests compare them exactly).
fn as_text(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            let v = crate::format::gotmpl::escape_text(&v).into_owned();
            (k, v)
        })
        .collect()
}

/// `base` with `extra` added; a key of `extra` replaces the same key of `base`.
pub fn merge(base: &[(String, String)], extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut v = base.to_vec();
    for (k, val) in extra {
        v.retain(|(key, _)| key != k);
        v.push((k.clone(), val.clone()));
    }
    v
}

fn selector(plan: &SloPlan, service: &str) -> String {
    format!(
        "{{slo={}, service={}}}",
        crate::format::escape::promql_str(&plan.name),
        crate::format::escape::promql_str(service)
    )
}

fn labels_with(base: &[(String, String)], extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut v = base.to_vec();
    for (k, val) in extra {
        v.retain(|(key, _)| key != k);
        v.push((k.to_string(), val.clone()));
    }
    v
}

/// The three rule groups of a service: SLO recordings, SLO alerts, the
/// service's alerts. `registry` says which labels each alert's series carry:
/// obspec's own labels are not added where they would replace them.
pub fn service_groups(svc: &Service, registry: &Registry) -> Vec<Group> {
    let service = svc.service.value.as_str();
    let mut recordings = Vec::new();
    let mut base_rates = Vec::new();
    let mut slo_alerts = Vec::new();
    for (name, slo) in svc.slos.iter() {
        let Some(p) = plan(svc, name, slo) else {
            continue;
        };
        slo_recordings(&p, slo, service, &mut recordings, &mut base_rates);
        if !p.disabled {
            burn_alerts(&p, slo, service, &mut slo_alerts);
        }
    }
    let alerts = service_alerts(svc, registry);

    let mut groups = Vec::new();
    if !svc.recordings.is_empty() {
        groups.push(Group {
            name: format!("{service}-recordings"),
            interval: None,
            rules: svc
                .recordings
                .iter()
                .map(|(name, r)| Rule {
                    record: Some(name.value.clone()),
                    alert: None,
                    expr: r.expr.value.trim().to_string(),
                    r#for: None,
                    keep_firing_for: None,
                    labels: r
                        .labels
                        .iter()
                        .map(|(k, v)| (k.value.clone(), v.value.clone()))
                        .collect(),
                    annotations: Vec::new(),
                })
                .collect(),
        });
    }
    if !base_rates.is_empty() {
        groups.push(Group {
            name: format!("{service}-slo-rates"),
            interval: Some(BASE.to_string()),
            rules: base_rates,
        });
    }
    if !recordings.is_empty() {
        groups.push(Group {
            name: format!("{service}-slo-recordings"),
            interval: None,
            rules: recordings,
        });
    }
    if !slo_alerts.is_empty() {
        groups.push(Group {
            name: format!("{service}-slo-alerts"),
            interval: None,
            rules: slo_alerts,
        });
    }
    if !alerts.is_empty() {
        groups.push(Group {
            name: format!("{service}-alerts"),
            interval: None,
            rules: alerts,
        });
    }
    groups
}

/// The recordings of one SLO: its threshold or time-slice series, the base
/// rates the long windows chain from (into `base_rates`), the calendar
/// step's event rates, the error ratio of every window and the SLO's
/// metadata series.
fn slo_recordings(
    p: &SloPlan,
    slo: &Slo,
    service: &str,
    recordings: &mut Vec<Rule>,
    base_rates: &mut Vec<Rule>,
) {
    let g = by(&p.grouping);
    let sel = selector(p, service);
    let id = vec![
        ("slo".to_string(), p.name.clone()),
        ("service".to_string(), service.to_string()),
    ];
    let windows = &p.record_windows;
    let chain = !matches!(p.sli, SliPlan::Raw { .. })
        && p.timeslice.is_none()
        && windows.iter().any(|w| *w >= CHAIN_FROM_MS);
    if let Some((bad, _)) = &p.threshold {
        recordings.push(Rule {
            record: Some(THRESHOLD_RULE.to_string()),
            alert: None,
            expr: bad.clone(),
            r#for: None,
            keep_firing_for: None,
            labels: id.clone(),
            annotations: vec![],
        });
    }
    if let Some(ts) = &p.timeslice {
        let slice = format_duration(ts.slice_ms);
        recordings.push(Rule {
            record: Some(ts.rule().to_string()),
            alert: None,
            expr: match ts.bad_above {
                Some(b) => format!("{} > bool {b}", p.sli.raw_ratio(&slice, &g)),
                None => p.sli.raw_ratio(&slice, &g),
            },
            r#for: None,
            keep_firing_for: None,
            labels: labels_with(&id, &[("window", slice.clone())]),
            annotations: vec![],
        });
    }
    if chain {
        base_rates.push(Rule {
            record: Some(format!("slo:sli_errors:rate{BASE}")),
            alert: None,
            expr: p.sli.errors_rate(BASE, &g).expect("not raw"),
            r#for: None,
            keep_firing_for: None,
            labels: id.clone(),
            annotations: vec![],
        });
        base_rates.push(Rule {
            record: Some(format!("slo:sli_total:rate{BASE}")),
            alert: None,
            expr: p.sli.total_rate(BASE, &g).expect("not raw"),
            r#for: None,
            keep_firing_for: None,
            labels: id.clone(),
            annotations: vec![],
        });
    }
    // Event rates over the calendar step, which the period rules sum.
    let calendar_rates = p
        .calendar
        .filter(|_| !matches!(p.sli, SliPlan::Raw { .. }) && p.timeslice.is_none());
    if let Some(c) = calendar_rates {
        let step = format_duration(c.step_ms());
        if !(chain && step == BASE) {
            for (what, expr) in [
                ("errors", p.sli.errors_rate(&step, &g)),
                ("total", p.sli.total_rate(&step, &g)),
            ] {
                recordings.push(Rule {
                    record: Some(format!("slo:sli_{what}:rate{step}")),
                    alert: None,
                    expr: expr.expect("not raw"),
                    r#for: None,
                    keep_firing_for: None,
                    labels: id.clone(),
                    annotations: vec![],
                });
            }
        }
    }
    for w in windows {
        let ws = format_duration(*w);
        let expr = if let Some(ts) = &p.timeslice {
            format!("avg_over_time({}{sel}[{ws}])", ts.rule())
        } else if chain && *w >= CHAIN_FROM_MS {
            format!(
                "sum_over_time(slo:sli_errors:rate{BASE}{sel}[{ws}]) / (sum_over_time(slo:sli_total:rate{BASE}{sel}[{ws}]) > 0)"
            )
        } else {
            p.sli.raw_ratio(&ws, &g)
        };
        recordings.push(Rule {
            record: Some(error_ratio_rule(*w)),
            alert: None,
            expr,
            r#for: None,
            keep_firing_for: None,
            labels: labels_with(&id, &[("window", ws.clone())]),
            annotations: vec![],
        });
    }
    metadata_recordings(p, slo, &sel, calendar_rates.is_some(), &id, recordings);
}

/// The SLO's metadata series: objective, budget, period, burn rates and the
/// budget remaining (the constant three carry the SLO's info labels).
fn metadata_recordings(
    p: &SloPlan,
    slo: &Slo,
    sel: &str,
    step_rates: bool,
    id: &[(String, String)],
    recordings: &mut Vec<Rule>,
) {
    let budget = p.budget.to_string();
    let windows = &p.record_windows;
    let shortest = format_duration(windows[0]);
    let period = format_duration(p.period_ms);
    let meta = [
        (
            "slo:objective:ratio",
            format!(
                "vector({})",
                Decimal::from_int(1).checked_sub(p.budget).expect("small")
            ),
        ),
        ("slo:error_budget:ratio", format!("vector({budget})")),
        (
            "slo:time_period:days",
            format!("vector({})", fmt_f64(p.period_ms as f64 / 86_400_000.0)),
        ),
        (
            "slo:current_burn_rate:ratio",
            format!("max without (window) (slo:sli_error:ratio_rate{shortest}{sel}) / {budget}"),
        ),
        (
            "slo:period_burn_rate:ratio",
            match p.calendar {
                None => format!(
                    "max without (window) (slo:sli_error:ratio_rate{period}{sel}) / {budget}"
                ),
                Some(c) => {
                    let same = c.same_period(&format!("slo:objective:ratio{sel}"));
                    let range = c.range();
                    let step = format_duration(c.step_ms());
                    let to_date = |series: &str, f: &str| {
                        format!("{f}(({series}{sel} and on() {same})[{range}:{step}])")
                    };
                    let ratio = if step_rates {
                        format!(
                            "{} / ({} > 0)",
                            to_date(&format!("slo:sli_errors:rate{step}"), "sum_over_time"),
                            to_date(&format!("slo:sli_total:rate{step}"), "sum_over_time")
                        )
                    } else {
                        // Time slices: the share of bad slices; raw
                        // ratios: the mean of the steps' ratios.
                        to_date(&error_ratio_rule(c.step_ms()), "avg_over_time")
                    };
                    format!("max without (window) ({ratio}) / {budget}")
                }
            },
        ),
        (
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{sel}"),
        ),
    ];
    // Info labels never replace the SLO's identity (lint refuses them).
    let mut info = id.to_vec();
    info.extend(
        slo.info_labels
            .iter()
            .filter(|(k, _)| !id.iter().any(|(i, _)| *i == k.value))
            .map(|(k, v)| (k.value.clone(), v.value.clone())),
    );
    for (i, (record, expr)) in meta.into_iter().enumerate() {
        recordings.push(Rule {
            record: Some(record.to_string()),
            alert: None,
            expr,
            r#for: None,
            keep_firing_for: None,
            // The three constant series carry the info labels.
            labels: if i < 3 { info.clone() } else { id.to_vec() },
            annotations: vec![],
        });
    }
}

/// The burn-rate alerts of one SLO (one per window pair) and its
/// `…SLIMissing` alert, into `slo_alerts`.
fn burn_alerts(p: &SloPlan, slo: &Slo, service: &str, slo_alerts: &mut Vec<Rule>) {
    let g = by(&p.grouping);
    let sel = selector(p, service);
    for w in &p.windows {
        let factor = burn_factor(w);
        let threshold = factor.checked_mul(p.budget).expect("small");
        let (long, short) = (format_duration(w.long_ms), format_duration(w.short_ms));
        let mut expr = format!(
            "max without (window) (slo:sli_error:ratio_rate{long}{sel}) > {threshold}\nand\nmax without (window) (slo:sli_error:ratio_rate{short}{sel}) > {threshold}"
        );
        if let (Some(min), Some(total)) = (&slo.alerting.min_events, p.sli.total_rate(&long, &g)) {
            let on = format!("on({})", p.grouping.join(", "));
            expr = format!(
                "({expr})\nand {on}\n({total} * {} >= {})",
                w.long_ms / 1000,
                min.value
            );
        }
        let (severity, class_labels, for_ms) = if w.kind == "page" {
            (&p.page_severity, &p.page_labels, p.page_for_ms)
        } else {
            (&p.ticket_severity, &p.ticket_labels, p.ticket_for_ms)
        };
        let mut labels = labels_with(
            &p.labels,
            &[
                ("severity", severity.clone()),
                ("long_window", long.clone()),
                ("short_window", short.clone()),
                ("burn_rate", factor.to_string()),
            ],
        );
        for (k, v) in class_labels {
            labels.retain(|(key, _)| key != k);
            labels.push((k.clone(), v.clone()));
        }
        let annotations = merge(
            &[(
                "summary".to_string(),
                format!(
                    "{} of {} burns its error budget {factor}× too fast ({long} and {short} windows)",
                    p.name, service
                ),
            )],
            &p.annotations,
        );
        slo_alerts.push(Rule {
            record: None,
            alert: Some(p.alert.clone()),
            expr,
            r#for: Some(format_duration(for_ms)),
            keep_firing_for: None,
            labels: as_text(labels),
            annotations: as_text(annotations),
        });
    }
    if !p.sli_missing {
        return;
    }
    let missing_for = p.sli_missing_for_ms;
    let annotations = crate::slo::rules::merge(
        &[(
            "summary".to_string(),
            format!(
                "The SLI of {} of {} has no data: its burn-rate alerts cannot fire",
                p.name, service
            ),
        )],
        &p.annotations,
    );
    slo_alerts.push(Rule {
        record: None,
        alert: Some(format!("{}SLIMissing", p.alert)),
        expr: match &p.threshold {
            // The threshold's query, not the recording built from it.
            Some((_, query)) => SliPlan::Raw {
                expr: query.clone(),
            }
            .absent_expr(),
            None => p.sli.absent_expr(),
        },
        r#for: Some(format_duration(missing_for)),
        keep_firing_for: None,
        labels: as_text(labels_with(
            &p.labels,
            &[("severity", p.ticket_severity.clone())],
        )),
        annotations: as_text(annotations),
    });
}

/// The labels an alert expression's series carry (an open, empty set when
/// it does not parse: lint reports that).
fn carried(expr: &str, registry: &Registry) -> crate::expr::promql::LabelSet {
    match promql_parser::parser::parse(expr) {
        Ok(e) => crate::expr::promql::analyze(&e, registry, &mut Vec::new()).labels,
        Err(_) => crate::expr::promql::LabelSet {
            labels: Default::default(),
            open: true,
        },
    }
}

/// The static labels of one of the service's alerts as the rule file gives
/// them (severity, team and service where the result does not carry them,
/// then the alert's own), and the labels its expression's result carries.
pub fn alert_labels(
    svc: &Service,
    a: &obspec_spec::model::Alert,
    registry: &Registry,
) -> (Vec<(String, String)>, crate::expr::promql::LabelSet) {
    // Severity, team and service are plain text; the alert's own labels and
    // annotations are templates (checked by lint, OBS706).
    let text = |s: &str| crate::format::gotmpl::escape_text(s).into_owned();
    let has = carried(&a.expr.value, registry);
    let mut labels = vec![("severity".to_string(), text(&a.severity.value))];
    if let Some(t) = svc.team.as_ref().filter(|_| !has.labels.contains("team")) {
        labels.push(("team".into(), text(&t.value)));
    }
    if !has.labels.contains("service") {
        labels.push(("service".into(), text(&svc.service.value)));
    }
    for (k, v) in a.labels.iter() {
        labels.retain(|(key, _)| key != &k.value);
        labels.push((k.value.clone(), v.value.clone()));
    }
    (labels, has)
}

/// The service's own alerts, with severity, team and service labels. The
/// team and service labels are identity the series may already carry (a
/// `service` target label, `by (service)`): where the expression's result
/// is known to carry one, obspec leaves it as the series has it, never replacing it
/// (two series differing only there would collide at every evaluation).
fn service_alerts(svc: &Service, registry: &Registry) -> Vec<Rule> {
    let mut alerts = Vec::new();
    for (name, a) in svc.alerts.iter() {
        let (labels, _) = alert_labels(svc, a, registry);
        let mut annotations = Vec::new();
        if let Some(s) = &a.summary {
            annotations.push(("summary".to_string(), s.value.clone()));
        }
        if let Some(d) = &a.description {
            annotations.push(("description".to_string(), d.value.clone()));
        }
        if let Some(r) = &a.runbook {
            annotations.push(("runbook_url".to_string(), r.value.clone()));
        }
        for (k, v) in a.annotations.iter() {
            annotations.retain(|(key, _)| key != &k.value);
            annotations.push((k.value.clone(), v.value.clone()));
        }
        alerts.push(Rule {
            record: None,
            alert: Some(name.value.clone()),
            expr: a.expr.value.trim().to_string(),
            r#for: a.for_.as_ref().map(|f| f.value.clone()),
            keep_firing_for: a.keep_firing_for.as_ref().map(|f| f.value.clone()),
            labels,
            annotations,
        });
    }
    alerts
}

/// The rule groups in the layout of `prometheus/rules.yml.j2`, indented by
/// `indent` spaces: what the default templates print, written directly (a
/// template that renders 20,000 rules field by field is ten times slower).
pub fn groups_yaml(groups: &[Group], indent: usize) -> String {
    use crate::format::escape::{push_yaml_block, push_yaml_key, push_yaml_scalar};
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(groups.iter().map(|g| g.rules.len() * 400).sum());
    let line = |out: &mut String, prefix: &str, value: &str| {
        out.push_str(&pad);
        out.push_str(prefix);
        push_yaml_scalar(out, value);
        out.push('\n');
    };
    for g in groups {
        line(&mut out, "- name: ", &g.name);
        if let Some(i) = &g.interval {
            line(&mut out, "  interval: ", i);
        }
        out.push_str(&pad);
        out.push_str("  rules:\n");
        for r in &g.rules {
            match (&r.record, &r.alert) {
                (Some(rec), _) => line(&mut out, "    - record: ", rec),
                (None, Some(a)) => line(&mut out, "    - alert: ", a),
                (None, None) => continue,
            }
            out.push_str(&pad);
            out.push_str("      expr: ");
            push_yaml_block(&mut out, &r.expr, indent + 8);
            out.push('\n');
            if let Some(f) = &r.r#for {
                line(&mut out, "      for: ", f);
            }
            if let Some(k) = &r.keep_firing_for {
                line(&mut out, "      keep_firing_for: ", k);
            }
            for (title, pairs) in [("labels", &r.labels), ("annotations", &r.annotations)] {
                if pairs.is_empty() {
                    continue;
                }
                out.push_str(&pad);
                out.push_str("      ");
                out.push_str(title);
                out.push_str(":\n");
                for (k, v) in pairs {
                    out.push_str(&pad);
                    out.push_str("        ");
                    push_yaml_key(&mut out, k);
                    out.push_str(": ");
                    push_yaml_scalar(&mut out, v);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Rule groups as a template value: a sequence whose items are converted only
/// when a template reads them (the default templates print `rules_yaml`, the
/// same groups already written in the default layout).
#[derive(Debug)]
pub struct GroupsValue(pub Vec<Group>);

impl minijinja::value::Object for GroupsValue {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.0
            .get(key.as_usize()?)
            .map(|g| minijinja::Value::from(minijinja::value::Serde(g)))
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.len())
    }
}

#[cfg(test)]
mod generated_rules_analysis {
    use crate::expr::promql::{analyze, Registry};

    /// Every rule obspec generates for the bundled specs is clean under the
    /// same analysis, and every generated alert has a condition.
    #[test]
    fn generated_rules_of_the_bundled_specs_are_clean() {
        let loaded = crate::testing::bundled();
        assert!(!loaded.diagnostics.has_errors());
        let registry = Registry::new(&loaded.specs);
        let mut checked = 0;
        for svc in &loaded.specs.services {
            for group in crate::slo::rules::service_groups(svc, &registry) {
                for rule in &group.rules {
                    let e = promql_parser::parser::parse(&rule.expr)
                        .unwrap_or_else(|err| panic!("{}: {err}", rule.expr));
                    let mut problems = Vec::new();
                    let info = analyze(&e, &registry, &mut problems);
                    assert!(problems.is_empty(), "{}: {problems:?}", rule.expr);
                    if rule.alert.is_some() {
                        assert!(info.condition, "alert without a condition: {}", rule.expr);
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked} rules");
    }

    /// The 5-minute rates the long windows read are recorded only in a group
    /// evaluated every 5 minutes, so a 30-day window reads 8,640 samples per
    /// series whatever the global interval; every rule that reads them sits
    /// in another group.
    #[test]
    fn chained_rates_are_recorded_every_five_minutes() {
        let loaded = crate::testing::bundled();
        let registry = Registry::new(&loaded.specs);
        let mut chained = 0;
        for svc in &loaded.specs.services {
            let groups = crate::slo::rules::service_groups(svc, &registry);
            for g in &groups {
                for r in &g.rules {
                    let record = r.record.as_deref().unwrap_or("");
                    let base = record.starts_with("slo:sli_") && record.ends_with(":rate5m");
                    assert_eq!(
                        base,
                        g.interval.as_deref() == Some("5m"),
                        "{record} in {} every {:?}",
                        g.name,
                        g.interval
                    );
                    if r.expr.contains(":rate5m{") {
                        assert!(
                            g.interval.is_none(),
                            "{record} reads the rates in {}",
                            g.name
                        );
                        assert!(r.expr.contains("sum_over_time("), "{}", r.expr);
                        chained += 1;
                    }
                }
            }
        }
        assert!(chained >= 10, "{chained} chained windows");
    }
}
