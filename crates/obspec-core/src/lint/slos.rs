//! SLO sanity: objective, window, SLI kind and the metrics it counts.

use promql_parser::parser::Expr;

use crate::expr::promql::selector_name;
use crate::lint::promql::{self, Checker};
use crate::lint::{Index, Series};
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::duration::parse_duration;
use obspec_spec::model::{MetricType, Service, Slo, Spanned};

pub const CODE_OBJECTIVE: &str = "OBS601";
pub const CODE_WINDOW: &str = "OBS602";
pub const CODE_COUNTER: &str = "OBS603";
pub const CODE_LATENCY: &str = "OBS604";
pub const CODE_SLI_KIND: &str = "OBS605";
pub const CODE_PLACEHOLDER: &str = "OBS606";
pub const CODE_GROUPING: &str = "OBS607";
pub const CODE_BURN_WINDOW: &str = "OBS608";
pub const CODE_SLO_INFO: &str = "OBS609";
pub const CODE_BUDGETING: &str = "OBS610";

use crate::slo::windows::WINDOW_PLACEHOLDERS;
use obspec_spec::catalog::Rule;

pub fn check_service(index: &Index<'_>, svc: &Service, diags: &mut Diagnostics) {
    for (name, slo) in svc.slos.iter() {
        check_slo(index, svc, name, slo, diags);
        for (k, _) in slo.info_labels.iter() {
            for v in obspec_rules::check_label_name(k) {
                diags.push(Diagnostic::from_violation(v, k.span));
            }
            if ["slo", "service", "window", "__name__"].contains(&k.as_str()) {
                diags.push(
                    Diagnostic::error(CODE_SLO_INFO, k.span, format!("info label `{}` would replace a label obspec sets on the SLO's series", k.value))
                        .help("`slo`, `service` and `window` identify the SLO's series: give the info label another name"),
                );
            }
        }
        let a = &slo.alerting;
        for (what, map) in [
            ("label", &a.labels),
            ("annotation", &a.annotations),
            ("page label", &a.page.labels),
            ("ticket label", &a.ticket.labels),
            ("info label", &slo.info_labels),
        ] {
            for (k, v) in map.iter() {
                crate::lint::alerts::check_static(&format!("SLO {what} `{}`", k.value), v, diags);
            }
        }
        for (field, v) in [
            ("SLO `runbook`", &a.runbook),
            ("SLO `dashboard`", &a.dashboard),
        ] {
            if let Some(v) = v {
                crate::lint::alerts::check_static(field, v, diags);
            }
        }
    }
}

// Long: an SLO's checks in catalog order, sharing the SLI's checker.
fn check_slo(
    index: &Index<'_>,
    svc: &Service,
    name: &Spanned<String>,
    slo: &Slo,
    diags: &mut Diagnostics,
) {
    let o = slo.objective.value;
    if !(o > 0.0 && o < 100.0) {
        diags.push(
            Diagnostic::error(CODE_OBJECTIVE, slo.objective.span, format!("objective {o} is not strictly between 0 and 100"))
                .help("the objective is the percentage of good events, e.g. 99.9; 100 leaves no error budget"),
        );
    }
    check_window(index, slo, diags);
    let checker = Checker { index };
    let sli = &slo.sli;
    let sli_span = sli.span.unwrap_or(name.span);
    let kinds = [
        sli.errors.is_some() || sli.total.is_some(),
        sli.latency.is_some(),
        sli.error_ratio.is_some(),
        sli.threshold.is_some(),
    ];
    let n = kinds.iter().filter(|k| **k).count();
    if n != 1 {
        diags.push(
            Diagnostic::error(
                CODE_SLI_KIND,
                sli_span,
                format!(
                    "SLO `{}` must have exactly one SLI kind, it has {n}",
                    name.value
                ),
            )
            .help("use `errors` with `total`, or `latency`, or `error_ratio`, or `threshold`"),
        );
    }
    // The metrics the SLI counts, for the grouping check.
    let mut sli_metrics: Vec<&obspec_spec::model::Metric> = Vec::new();
    match (&sli.errors, &sli.total) {
        (Some(e), Some(t)) => {
            for sel in [e, t] {
                if let Some(m) = counter_selector(index, &checker, sel, diags) {
                    sli_metrics.push(m);
                }
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            let missing = if sli.errors.is_none() {
                "errors"
            } else {
                "total"
            };
            diags.push(
                Diagnostic::error(
                    CODE_SLI_KIND,
                    one.span,
                    format!("SLI has no `{missing}` selector"),
                )
                .help("an error-ratio SLI needs both `errors` and `total` counter selectors"),
            );
        }
        (None, None) => {}
    }
    if let Some(lat) = &sli.latency {
        check_latency(index, &checker, lat, &mut sli_metrics, diags);
    }
    if let Some(ratio) = &sli.error_ratio {
        match WINDOW_PLACEHOLDERS.iter().find(|p| ratio.contains(*p)) {
            None => diags.push(
                Diagnostic::error(CODE_PLACEHOLDER, ratio.span, "error_ratio has no `{{window}}` placeholder")
                    .help("write the range of every rate as `[{{window}}]`: obspec evaluates the ratio over each alert window"),
            ),
            Some(_) => {
                let text = WINDOW_PLACEHOLDERS.iter().fold(ratio.value.clone(), |t, p| t.replace(p, "5m"));
                // Offsets shift where the placeholder was replaced; locations stay on the value.
                let substituted = Spanned::new(text, ratio.span);
                if let Some(e) = checker.check(&substituted, "error_ratio", diags) {
                    checker.analyze(&e, &substituted, diags);
                }
            }
        }
    }
    if let Some(t) = &sli.threshold {
        if crate::slo::windows::threshold_bad_op(&t.op).is_none() {
            diags.push(
                Diagnostic::error(CODE_SLI_KIND, t.op.span, format!("threshold op `{}` is not one of lt, lte, gt, gte", t.op.value))
                    .help("say how a good value compares with `value`: `lt` for a latency that must stay below it"),
            );
        }
        if !t.value.value.is_finite() {
            diags.push(
                Diagnostic::error(
                    CODE_SLI_KIND,
                    t.value.span,
                    "the threshold value is not a finite number",
                )
                .help("give the bound in the query's unit, e.g. 0.5"),
            );
        }
        if let Some(e) = checker.check(&t.query, "threshold query", diags) {
            checker.analyze(&e, &t.query, diags);
        }
    }
    check_alerting(index, name, slo, diags);
    check_grouping(index, svc, slo, &sli_metrics, diags);
}

/// Labels obspec sets on an SLO's series and alerts: grouping by one of them
/// would replace the series' own value.
const SLO_OWN_LABELS: [&str; 9] = [
    "slo",
    "service",
    "team",
    "window",
    "severity",
    "long_window",
    "short_window",
    "burn_rate",
    "le",
];

/// `grouping` names labels every SLI series carries: metric labels every SLI
/// metric declares (or const labels), or target labels (`job`, `instance`,
/// the project's `required_target_labels`), which every scraped series has.
fn check_grouping(
    index: &Index<'_>,
    svc: &Service,
    slo: &obspec_spec::model::Slo,
    sli_metrics: &[&obspec_spec::model::Metric],
    diags: &mut Diagnostics,
) {
    let target = |g: &str| {
        ["job", "instance"].contains(&g)
            || index
                .specs
                .project
                .conventions
                .required_target_labels
                .iter()
                .any(|l| l.value == g)
    };
    for g in &slo.grouping {
        if SLO_OWN_LABELS.contains(&g.as_str())
            || slo.alerting.labels.get(g).is_some()
            || slo.info_labels.get(g).is_some()
        {
            diags.push(
                Diagnostic::error(
                    CODE_GROUPING,
                    g.span,
                    format!(
                        "grouping label `{}` is a label obspec sets on the SLO's series and alerts",
                        g.value
                    ),
                )
                .help("the SLO's own label would replace each group's value, and the groups would collide: group by another label"),
            );
            continue;
        }
        if target(&g.value) {
            continue;
        }
        let missing = sli_metrics
            .iter()
            .any(|m| !m.labels.iter().any(|l| l.value == g.value));
        if missing || svc.labels.get(g).is_none() && svc.const_labels.get(g).is_none() {
            diags.push(
                Diagnostic::error(
                    CODE_GROUPING,
                    g.span,
                    format!(
                        "grouping label `{}` is not a label of the SLI's metrics",
                        g.value
                    ),
                )
                .help("group only by labels that every metric of the SLI carries, or by the project's `required_target_labels`"),
            );
        }
    }
}

/// A latency SLI: a histogram of the specs, with the threshold a bucket bound.
fn check_latency<'a>(
    index: &Index<'a>,
    checker: &Checker<'_, '_>,
    lat: &obspec_spec::model::LatencySli,
    sli_metrics: &mut Vec<&'a obspec_spec::model::Metric>,
    diags: &mut Diagnostics,
) {
    match index.series.get(lat.metric.as_str()) {
        Some(Series::Metric {
            metric,
            bucket: false,
            name: mname,
            ..
        }) if *mname == lat.metric.as_str() => {
            if metric.kind.value != MetricType::Histogram {
                diags.push(
                    Diagnostic::error(
                        CODE_LATENCY,
                        lat.metric.span,
                        format!(
                            "latency SLI metric `{}` is a {}, not a histogram",
                            lat.metric.value,
                            metric.kind.as_str()
                        ),
                    )
                    .help("a latency SLI counts the observations under a histogram bucket bound"),
                );
            } else {
                sli_metrics.push(metric);
                let buckets: Vec<f64> = metric
                    .buckets
                    .iter()
                    .flat_map(|b| b.iter().map(|v| v.value))
                    .collect();
                if !buckets.contains(&lat.threshold.value) {
                    let list = buckets
                        .iter()
                        .map(|b| b.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    diags.push(
                        Diagnostic::error(CODE_LATENCY, lat.threshold.span, format!("threshold {} is not a bucket bound of `{}`", lat.threshold.value, lat.metric.value))
                            .help(format!("good events are counted by the `le` bucket at the threshold: use one of {list}, or add the bound to the buckets")),
                    );
                }
                if let Some(sel) = &lat.selector {
                    let text = Spanned::new(
                        format!("{}_bucket{}", lat.metric.value, sel.value),
                        sel.span,
                    );
                    if let Some(e) = promql::parse(&text, sel.span, "latency selector", diags) {
                        match e {
                            Expr::VectorSelector(_) => {
                                for vs in crate::expr::promql::selectors(&e) {
                                    checker.check_selector(vs, &text, diags);
                                }
                            }
                            _ => diags.push(
                                Diagnostic::error(CODE_LATENCY, sel.span, "latency selector must be label matchers such as `{region=\"eu\"}`")
                                    .help("write only the `{...}` part; the metric is given by `metric`"),
                            ),
                        }
                    }
                }
            }
        }
        Some(_) => diags.push(
            Diagnostic::error(
                CODE_LATENCY,
                lat.metric.span,
                format!(
                    "latency SLI metric `{}` is not a histogram",
                    lat.metric.value
                ),
            )
            .help("name the histogram itself, without `_bucket`, `_sum` or `_count`"),
        ),
        None => {
            if !index.broken.contains(&lat.metric.as_str()) {
                diags.push(
                    Diagnostic::error(
                        promql::CODE_UNKNOWN_METRIC,
                        lat.metric.span,
                        format!("`{}` is not a metric of the specs", lat.metric.value),
                    )
                    .help("name a histogram declared under `metrics:`"),
                );
            }
        }
    }
}

/// The SLO's window: a duration, several times the shortest burn window and
/// the scrape interval.
fn check_window(index: &Index<'_>, slo: &Slo, diags: &mut Diagnostics) {
    match parse_duration(&slo.window) {
        None => diags.push(
            Diagnostic::error(
                CODE_WINDOW,
                slo.window.span,
                format!("window `{}` is not a Prometheus duration", slo.window.value),
            )
            .help("write a duration such as `30d`, `28d` or `4w`"),
        ),
        Some(period) => {
            // The burn windows scale with the SLO window: a short SLO window
            // makes the fast-burn short window shorter than two scrapes.
            check_windows(slo, period, diags);
            check_budgeting(index, slo, period, diags);
            let windows = crate::slo::windows::windows_for(period, slo);
            let shortest = crate::slo::windows::record_windows(period, &windows)[0];
            let scrape = index.registry.scrape_ms;
            if shortest < 2 * scrape {
                diags.push(
                    Diagnostic::warning(
                        crate::lint::promql::CODE_SHORT_RANGE,
                        slo.window.span,
                        format!(
                            "window `{}` scales the fast-burn short window to {}, shorter than two scrape intervals ({}): its `rate` often has too few samples and the page alert goes blind",
                            slo.window.value,
                            obspec_spec::duration::format_duration(shortest),
                            obspec_spec::duration::format_duration(scrape)
                        ),
                    )
                    .help(format!(
                        "burn windows are the SRE workbook's for 30d, scaled: use a window of at least {}, or set `prometheus.scrape_interval` to your real interval",
                        obspec_spec::duration::format_duration(
                            (2 * scrape).div_ceil(crate::slo::windows::slo_windows(crate::slo::windows::PERIOD_30D)[0])
                                * crate::slo::windows::PERIOD_30D
                        )
                    )),
                );
            }
        }
    }
}

/// The alerting section: severities, durations, URLs, the alert name.
/// Calendar alignment and time-slice budgeting that cannot work.
fn check_budgeting(index: &Index<'_>, slo: &Slo, period: u64, diags: &mut Diagnostics) {
    use obspec_spec::duration::format_duration;
    if let Some(c) = &slo.calendar {
        match crate::slo::rules::Calendar::parse(c) {
            None => diags.push(
                Diagnostic::error(CODE_BUDGETING, c.span, format!("calendar `{}` is not one of day, week, month", c.value))
                    .help("PromQL's calendar functions are UTC days, weeks and months: use one of them, or a rolling `window` alone"),
            ),
            Some(cal) if !cal.lengths().contains(&period) => diags.push(
                Diagnostic::error(CODE_BUDGETING, slo.window.span, format!("window `{}` is not the length of a calendar {}", slo.window.value, c.value))
                    .help(format!("the window is the nominal period the burn windows scale with: {}", match cal {
                        crate::slo::rules::Calendar::Day => "`1d`",
                        crate::slo::rules::Calendar::Week => "`7d`",
                        crate::slo::rules::Calendar::Month => "`30d` (28d to 31d)",
                    })),
            ),
            Some(_) => {}
        }
    }
    let Some(ts) = &slo.timeslice else { return };
    if let Some(target) = &ts.target {
        let t = target.value;
        if !(t > 0.0 && t < 100.0) {
            diags.push(
                Diagnostic::error(
                    CODE_BUDGETING,
                    target.span,
                    format!("time-slice target {t} is not strictly between 0 and 100"),
                )
                .help("the percentage of good events that makes a slice good, e.g. 95"),
            );
        }
    }
    let Some(slice) = parse_duration(&ts.window) else {
        diags.push(
            Diagnostic::error(
                CODE_BUDGETING,
                ts.window.span,
                format!("`{}` is not a Prometheus duration", ts.window.value),
            )
            .help("give the length of one slice, e.g. `1m`"),
        );
        return;
    };
    let scrape = index.registry.scrape_ms;
    if slice < 2 * scrape {
        diags.push(
            Diagnostic::error(CODE_BUDGETING, ts.window.span, format!("a slice of {} holds fewer than two scrapes ({} apart): its rate has no value and no slice is ever counted", ts.window.value, format_duration(scrape)))
                .help("make slices at least two scrape intervals long, e.g. `1m` at a 30s scrape interval"),
        );
    }
    let windows = crate::slo::windows::windows_for(period, slo);
    let shortest = crate::slo::windows::record_windows(period, &windows)[0];
    if slice > shortest {
        diags.push(
            Diagnostic::error(
                CODE_BUDGETING,
                ts.window.span,
                format!(
                    "a slice of {} is longer than the SLO's shortest burn window ({})",
                    ts.window.value,
                    format_duration(shortest)
                ),
            )
            .help("the burn windows count slices: make a slice shorter than every window"),
        );
    }
}

/// Custom burn windows that cannot work, and burn thresholds no error ratio
/// reaches (an alert that can never fire).
fn check_windows(slo: &Slo, period: u64, diags: &mut Diagnostics) {
    use obspec_spec::duration::format_duration;
    for burn in [&slo.alerting.page, &slo.alerting.ticket] {
        for w in &burn.windows {
            let (long, short) = (parse_duration(&w.long), parse_duration(&w.short));
            for (d, v) in [(&w.long, long), (&w.short, short)] {
                if v.is_none() {
                    diags.push(
                        Diagnostic::error(
                            CODE_BURN_WINDOW,
                            d.span,
                            format!("`{}` is not a Prometheus duration", d.value),
                        )
                        .help("write a duration such as `1h` or `5m`"),
                    );
                }
            }
            let b = w.budget_percent.value;
            if !(b > 0.0 && b <= 100.0) {
                diags.push(
                    Diagnostic::error(CODE_BURN_WINDOW, w.budget_percent.span, format!("`budget_percent: {b}` is not in (0, 100]"))
                        .help("the share of the SLO window's error budget the alert lets the long window spend, e.g. 2"),
                );
            }
            let (Some(long), Some(short)) = (long, short) else {
                continue;
            };
            if short >= long {
                diags.push(
                    Diagnostic::error(CODE_BURN_WINDOW, w.short.span, format!("the short window `{}` is not shorter than the long window `{}`", w.short.value, w.long.value))
                        .help("the short window confirms that a burn seen over the long window is still going on: make it about 1/12 of the long one"),
                );
            }
            if long > period {
                diags.push(
                    Diagnostic::error(
                        CODE_BURN_WINDOW,
                        w.long.span,
                        format!(
                            "the long window `{}` is longer than the SLO window `{}`",
                            w.long.value, slo.window.value
                        ),
                    )
                    .help("a burn window looks at part of the SLO window: shorten it"),
                );
            }
        }
    }
    let Some(budget) = crate::slo::windows::error_budget_percent(slo.objective.value) else {
        return;
    };
    let budget = budget.shift(2);
    let one = crate::format::decimal::Decimal::from_int(1);
    for w in crate::slo::windows::windows_for(period, slo) {
        let class = if w.kind == "page" {
            &slo.alerting.page
        } else {
            &slo.alerting.ticket
        };
        if class.disabled.as_ref().is_some_and(|d| d.value)
            || slo.alerting.disabled.as_ref().is_some_and(|d| d.value)
        {
            continue;
        }
        let Some(t) = w.factor.checked_mul(budget) else {
            continue;
        };
        if t >= one {
            let span = class
                .windows
                .iter()
                .find(|c| {
                    parse_duration(&c.long) == Some(w.long_ms)
                        && parse_duration(&c.short) == Some(w.short_ms)
                })
                .map_or(slo.objective.span, |c| c.budget_percent.span);
            diags.push(
                Diagnostic::error(
                    CODE_BURN_WINDOW,
                    span,
                    format!(
                        "the {} alert over {} and {} fires above an error ratio of {t} ({}× the {}% budget): no error ratio exceeds 1, it can never fire",
                        w.kind,
                        format_duration(w.long_ms),
                        format_duration(w.short_ms),
                        w.factor,
                        budget.checked_mul(crate::format::decimal::Decimal::from_int(100)).unwrap_or(budget)
                    ),
                )
                .help("raise the objective, give this class `windows` with a smaller `budget_percent` or longer windows, or set `disabled: true` on the class"),
            );
        }
    }
}

fn check_alerting(index: &Index<'_>, name: &Spanned<String>, slo: &Slo, diags: &mut Diagnostics) {
    use crate::lint::alerts::{is_url, CODE_ALERT_NAME, CODE_FOR, CODE_RUNBOOK, CODE_SEVERITY};
    let a = &slo.alerting;
    let severities = index.specs.project.conventions.severity_names();
    for (class, burn, default) in [
        ("page", &a.page, "critical"),
        ("ticket", &a.ticket, "warning"),
    ] {
        // A class that is off has no severity to check.
        if burn.disabled.as_ref().is_some_and(|d| d.value) {
            continue;
        }
        let sev = burn.severity.as_ref().map_or(default, |s| s.as_str());
        if !severities.contains(&sev) {
            let span = burn.severity.as_ref().map_or(name.span, |s| s.span);
            diags.push(
                Diagnostic::error(
                    CODE_SEVERITY,
                    span,
                    format!(
                        "{class} severity `{sev}` of SLO `{}` is not one of {}",
                        name.value,
                        severities.join(", ")
                    ),
                )
                .help(format!(
                    "set `alerting.{class}.severity` to one of the project's severities"
                )),
            );
        }
        if let Some(f) = &burn.for_ {
            match parse_duration(f) {
                None if f.value != "0s" => diags.push(
                    Diagnostic::error(
                        CODE_FOR,
                        f.span,
                        format!("`for: {}` is not a Prometheus duration", f.value),
                    )
                    .help("write a duration such as `2m`"),
                ),
                Some(ms) => {
                    // The short window makes the alert resolve soon after the
                    // burn stops; a `for` longer than the class's longest short
                    // window waits past that point, and makes the generated
                    // promtool tests run for minutes.
                    let period =
                        parse_duration(&slo.window).unwrap_or(crate::slo::windows::PERIOD_30D);
                    let limit = crate::slo::windows::windows_for(period, slo)
                        .iter()
                        .filter(|w| w.kind == class)
                        .map(|w| w.short_ms)
                        .max()
                        .unwrap_or(u64::MAX);
                    if ms > limit {
                        diags.push(
                            Diagnostic::error(
                                CODE_FOR,
                                f.span,
                                format!(
                                    "`for: {}` is longer than the {class} alerts' short window ({}): the alert would wait past the point where the burn it reports has already reset",
                                    f.value,
                                    obspec_spec::duration::format_duration(limit)
                                ),
                            )
                            .help("the long and short windows already smooth the burn: keep `for` to minutes (default 2m for page, 15m for ticket)"),
                        );
                    }
                }
                None => {}
            }
        }
    }
    if let Some(f) = &a.sli_missing_for {
        if parse_duration(f).is_none() {
            diags.push(
                Diagnostic::error(
                    CODE_FOR,
                    f.span,
                    format!("`{}` is not a Prometheus duration", f.value),
                )
                .help("write a duration such as `10m`"),
            );
        }
    }
    for url in [&a.runbook, &a.dashboard].into_iter().flatten() {
        if !is_url(url) {
            diags.push(
                Diagnostic::error(
                    CODE_RUNBOOK,
                    url.span,
                    format!("`{}` is not an http(s) URL", url.value),
                )
                .help("link the page with an absolute URL"),
            );
        }
    }
    if let Some(n) = &a.name {
        let ok = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            diags.push(
                Diagnostic::error(
                    CODE_ALERT_NAME,
                    n.span,
                    format!("alert name `{}` is not an identifier", n.value),
                )
                .help("name alerts in CamelCase letters and digits"),
            );
        }
    }
    if let Some(m) = &a.min_events {
        if m.value == 0 {
            diags.push(Diagnostic::error(CODE_SLI_KIND, m.span, "`min_events: 0` guards nothing").help("give the least number of events in the long window worth alerting on, or remove the key"));
        }
    }
}

/// Checks an `errors`/`total` selector: one vector selector of a counter.
fn counter_selector<'a>(
    index: &Index<'a>,
    checker: &Checker<'_, 'a>,
    sel: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<&'a obspec_spec::model::Metric> {
    let e = checker.check(sel, "SLI selector", diags)?;
    // Matchers that cannot both hold make the SLI read nothing.
    checker.analyze(&e, sel, diags);
    let Expr::VectorSelector(vs) = &e else {
        diags.push(
            Diagnostic::error(CODE_COUNTER, sel.span, "SLI `errors` and `total` must be plain counter selectors")
                .help("write `metric_total{label=\"value\"}`; obspec wraps it in `sum(rate(...[window]))` itself. Use `error_ratio` for anything else"),
        );
        return None;
    };
    if vs.offset.is_some() || vs.at.is_some() {
        diags.push(
            Diagnostic::error(
                CODE_COUNTER,
                sel.span,
                "SLI selectors take no `offset` or `@` modifier",
            )
            .help("obspec evaluates the selector over each alert window itself"),
        );
        return None;
    }
    let name = selector_name(vs)?;
    match index.series.get(name) {
        // A histogram's `_count` counts its observations: events too.
        Some(Series::Metric {
            metric,
            name: n,
            bucket: false,
            ..
        }) if metric.kind.value == MetricType::Histogram && name == format!("{n}_count") => {
            Some(metric)
        }
        Some(Series::Metric {
            metric, name: n, ..
        }) if *n == name => {
            if metric.kind.value == MetricType::Counter {
                Some(metric)
            } else {
                diags.push(
                    Diagnostic::error(CODE_COUNTER, sel.span, format!("`{name}` is a {}, not a counter", metric.kind.as_str()))
                        .help("SLI events are counted with counters: the rate of a counter over a window is the number of events"),
                );
                None
            }
        }
        Some(_) => {
            diags.push(
                Diagnostic::error(CODE_COUNTER, sel.span, format!("`{name}` is not a counter"))
                    .help("for histograms, use a `latency` SLI"),
            );
            None
        }
        None => None,
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS601",
        title: "objective out of range",
        severity: "error",
        explanation: "An SLO objective is the percentage of good events, strictly between 0 and 100 (`99.9`, not `0.999` and not `100`: an objective of 100 leaves no error budget to alert on).",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 100 # <- OBS601\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS602",
        title: "SLO window is not a duration",
        severity: "error",
        explanation: "The SLO window (compliance period) is a Prometheus duration: `30d`, `28d`, `4w`. Burn-rate alert windows are scaled from it.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30 days # <- OBS602\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS603",
        title: "SLI selector is not a counter selector",
        severity: "error",
        explanation: "`errors` and `total` are plain selectors of counters (`metric_total{label=\"v\"}`), or of a histogram's `_count` series (which counts its observations); obspec wraps them in `sum(rate(...[window]))` for every window. A gauge's rate is meaningless; for anything else use `error_ratio`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders: {type: gauge, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders # <- OBS603\n      total: shop_orders_total\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders_total\n      total: shop_orders_total\n",
        ))],
    },
    Rule {
        code: "OBS604",
        title: "latency SLI not on a histogram bucket",
        severity: "error",
        explanation: "A latency SLI counts the observations of a histogram at or under a threshold, which is exact only when the threshold is one of the histogram's bucket bounds (the `le` series). The metric must be a histogram, named without `_bucket`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_checkout_seconds: {type: histogram, unit: seconds, help: Checkout latency., buckets: [0.25, 0.5, 1]}\n",
            "slos:\n  checkout-latency:\n    objective: 99\n    window: 30d\n",
            "    sli:\n      latency: {metric: shop_checkout_seconds, threshold: 0.3} # <- OBS604\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_checkout_seconds: {type: histogram, unit: seconds, help: Checkout latency., buckets: [0.25, 0.5, 1]}\n",
            "slos:\n  checkout-latency:\n    objective: 99\n    window: 30d\n",
            "    sli:\n      latency: {metric: shop_checkout_seconds, threshold: 0.25}\n",
        ))],
    },
    Rule {
        code: "OBS605",
        title: "SLI kind missing or ambiguous",
        severity: "error",
        explanation: "An SLI has exactly one kind: `errors` with `total`, or `latency`, or `error_ratio`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      total: shop_orders_total # <- OBS605\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders_total\n      total: shop_orders_total\n",
        ))],
    },
    Rule {
        code: "OBS606",
        title: "`error_ratio` without `{{window}}`",
        severity: "error",
        explanation: "A raw `error_ratio` SLI is evaluated over every alert window: its ranges are written `[{{window}}]` and obspec substitutes each window.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      error_ratio: sum(rate(shop_failed_orders_total[5m])) / sum(rate(shop_orders_total[5m])) # <- OBS606\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      error_ratio: sum(rate(shop_failed_orders_total[{{window}}])) / sum(rate(shop_orders_total[{{window}}]))\n",
        ))],
    },
    Rule {
        code: "OBS607",
        title: "SLO grouping label not on the SLI metrics",
        severity: "error",
        explanation: "`grouping` computes the SLO per value of the listed labels (per environment, per region): every recording, burn-rate alert and generated test is then per group. Each label must be carried by every series of the SLI: a declared label of every SLI metric (or a const label), or a target label (`job`, `instance`, the project's `required_target_labels`, which every scraped series has). A label obspec sets on the SLO's series (`slo`, `service`, `team`, `window`, `severity`, the window labels, `alerting.labels`, `info_labels`) is refused: its fixed value would replace every group's own.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "  shop_carts: {type: gauge, help: Open carts., labels: [region]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n    grouping: [region] # <- OBS607\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions:\n  required_target_labels: [environment]\n"),
            ("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status, region]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n    grouping: [region, environment]\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        )),
        ],
    },
    Rule {
        code: "OBS608",
        title: "burn window that cannot work or alert that can never fire",
        severity: "error",
        explanation: "A burn-rate alert fires when the error ratio over its long and short windows exceeds `factor × error budget`, where the factor spends `budget_percent` of the SLO window's budget over the long window (2% in 1h of 30d is 14.4). No error ratio exceeds 1, so an alert whose threshold is 1 or more can never fire: with the default windows this happens below an objective of about 93%. Custom `windows` of a class need a short window shorter than the long one, a long window within the SLO window, and a `budget_percent` in (0, 100].",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 90 # <- OBS608\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        )), ("cart.yaml", concat!(
            "obspec: 1\nservice: cart\nnamespace: cart\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  cart_updates_total: {type: counter, help: Cart updates., labels: [status]}\n",
            "slos:\n  updates:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'cart_updates_total{status=\"failed\"}', total: cart_updates_total}\n",
            "    alerting:\n      page:\n        windows:\n",
            "          - long: 1h\n            short: 2h # <- OBS608\n            budget_percent: 2\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 90\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    alerting:\n      page:\n        windows:\n",
            "          - {long: 1h, short: 5m, budget_percent: 0.5}\n",
            "          - {long: 6h, short: 30m, budget_percent: 5}\n",
        ))],
    },
    Rule {
        code: "OBS609",
        title: "SLO info label that replaces an identity label",
        severity: "error",
        explanation: "`info_labels` go on the SLO's constant metadata series (`slo:objective:ratio`, `slo:error_budget:ratio`, `slo:time_period:days`) so that dashboards and reports can select SLOs by owner, tier or anything else. The series are identified by `slo` and `service` (and error ratios by `window`): an info label with one of these names would make the SLOs' series collide.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    info_labels:\n      service: checkout # <- OBS609\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    info_labels: {tier: gold, owner: checkout-team}\n",
        ))],
    },
    Rule {
        code: "OBS610",
        title: "calendar or time-slice budgeting that cannot work",
        severity: "error",
        explanation: "`calendar: day|week|month` restarts the budget at each UTC period start, and `window` must then be the calendar period's nominal length (`1d`, `7d`, `28d` to `31d`). `timeslice: {window, target}` counts good slices instead of good events: a slice is bad when its own error ratio exceeds `100 - target` percent. A slice must hold at least two scrapes (or its rate has no value), be shorter than every burn window (they count slices), and the target must be strictly between 0 and 100.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99\n    window: 30d\n",
            "    timeslice: {window: 30s, target: 95} # <- OBS610\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        )), ("cart.yaml", concat!(
            "obspec: 1\nservice: cart\nnamespace: cart\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  cart_updates_total: {type: counter, help: Cart updates., labels: [status]}\n",
            "slos:\n  updates:\n    objective: 99.9\n    window: 30d\n",
            "    calendar: quarter # <- OBS610\n",
            "    sli: {errors: 'cart_updates_total{status=\"failed\"}', total: cart_updates_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99\n    window: 30d\n    calendar: month\n",
            "    timeslice: {window: 1m, target: 95}\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
];
