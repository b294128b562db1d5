//! SLO vocabulary shared by the linter and the rule emitters: the burn-rate
//! windows of an SLO and the names of the recording rules obspec generates.
//!
//! Windows follow the SRE Workbook's multi-window multi-burn-rate alerts, defined
//! for a 30-day period and scaled linearly for other periods.

use crate::format::decimal::Decimal;
use obspec_spec::duration::parse_duration;
use obspec_spec::model::{Slo, Specs};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
pub const PERIOD_30D: u64 = 30 * DAY;

/// One alert condition: burning `budget_percent` of the budget over `long`,
/// confirmed on `short`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurnWindow {
    /// `page` or `ticket`.
    pub kind: &'static str,
    pub long_ms: u64,
    pub short_ms: u64,
    /// Share of the period's error budget, in percent.
    pub budget_percent: Decimal,
    /// The burn rate that spends `budget_percent` in the long window: the
    /// alert threshold is `factor × error budget`.
    pub factor: Decimal,
}

/// The four SRE Workbook conditions for a 30-day period.
const WORKBOOK: [(&str, u64, u64, i64, &str); 4] = [
    ("page", HOUR, 5 * MINUTE, 2, "14.4"),
    ("page", 6 * HOUR, 30 * MINUTE, 5, "6"),
    ("ticket", DAY, 2 * HOUR, 10, "3"),
    ("ticket", 3 * DAY, 6 * HOUR, 10, "1"),
];

/// Decimals kept in a burn factor computed from custom windows.
const FACTOR_DIGITS: u32 = 6;

/// The burn-rate windows for an SLO period (`period_ms`), scaled from 30 days
/// and rounded to whole seconds.
pub fn burn_windows(period_ms: u64) -> Vec<BurnWindow> {
    let scale = |w: u64| -> u64 {
        let v = (w as u128 * period_ms as u128 / PERIOD_30D as u128) as u64;
        (v / 1000).max(1) * 1000
    };
    WORKBOOK
        .iter()
        .map(|&(kind, long, short, budget, factor)| BurnWindow {
            kind,
            long_ms: scale(long),
            short_ms: scale(short),
            budget_percent: Decimal::from_int(budget),
            factor: Decimal::parse(factor).expect("workbook factors are decimals"),
        })
        .collect()
}

/// A custom window pair: the factor spends `budget_percent` of the period's
/// budget over `long` (`budget_percent / 100 × period / long`).
pub fn custom_window(
    kind: &'static str,
    period_ms: u64,
    long_ms: u64,
    short_ms: u64,
    budget_percent: f64,
) -> Option<BurnWindow> {
    let budget = Decimal::from_f64(budget_percent)?;
    let factor = budget
        .shift(2)
        .mul_ratio(period_ms, long_ms, FACTOR_DIGITS)?;
    Some(BurnWindow {
        kind,
        long_ms,
        short_ms,
        budget_percent: budget,
        factor,
    })
}

/// The burn windows of an SLO: each class's custom `windows`, or the
/// workbook's scaled for its period. `None` when the SLO window is not a
/// duration; custom windows that do not parse are left out (lint reports them).
pub fn slo_burn_windows(slo: &Slo) -> Option<Vec<BurnWindow>> {
    let period = parse_duration(&slo.window)?;
    Some(windows_for(period, slo))
}

/// [`slo_burn_windows`] for a known period.
pub fn windows_for(period_ms: u64, slo: &Slo) -> Vec<BurnWindow> {
    let defaults = burn_windows(period_ms);
    let mut out = Vec::new();
    for (kind, class) in [
        ("page", &slo.alerting.page),
        ("ticket", &slo.alerting.ticket),
    ] {
        if class.windows.is_empty() {
            out.extend(defaults.iter().filter(|w| w.kind == kind));
            continue;
        }
        for w in &class.windows {
            let (Some(long), Some(short)) = (parse_duration(&w.long), parse_duration(&w.short))
            else {
                continue;
            };
            if let Some(b) = custom_window(kind, period_ms, long, short, w.budget_percent.value) {
                out.push(b);
            }
        }
    }
    out
}

use obspec_spec::duration::format_duration;

/// Every window an SLO's recording rules cover: its alert windows and its period.
pub fn record_windows(period_ms: u64, windows: &[BurnWindow]) -> Vec<u64> {
    let mut w: Vec<u64> = windows
        .iter()
        .flat_map(|b| [b.long_ms, b.short_ms])
        .chain([period_ms])
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// The recorded windows of the workbook's alerts for a period.
pub fn slo_windows(period_ms: u64) -> Vec<u64> {
    record_windows(period_ms, &burn_windows(period_ms))
}

/// The error-ratio recording rule of one window.
pub fn error_ratio_rule(window_ms: u64) -> String {
    format!("slo:sli_error:ratio_rate{}", format_duration(window_ms))
}

/// The recording of time-slice SLOs: 1 while the slice ending now is bad,
/// 0 while it is good, nothing without traffic.
pub const TIMESLICE_RULE: &str = "slo:sli_timeslice_bad:bool";

/// The recording of threshold SLIs: 1 while the query misses its
/// threshold, 0 while it meets it.
pub const THRESHOLD_RULE: &str = "slo:sli_threshold_bad:bool";

/// The comparison that makes a threshold SLI's value bad: the negation of
/// its `op` (`lt` is good below the value, so bad at or above it).
pub fn threshold_bad_op(op: &str) -> Option<&'static str> {
    match op {
        "lt" => Some(">="),
        "lte" => Some(">"),
        "gt" => Some("<="),
        "gte" => Some("<"),
        _ => None,
    }
}

/// The recording of ratio time-slice SLOs: the error ratio of the slice
/// ending now.
pub const TIMESLICE_RATIO_RULE: &str = "slo:sli_timeslice_error:ratio";

/// Metadata recording rules, one series per SLO.
pub const METADATA_RULES: [&str; 8] = [
    "slo:objective:ratio",
    "slo:error_budget:ratio",
    "slo:time_period:days",
    "slo:sli_errors:rate5m",
    "slo:sli_total:rate5m",
    "slo:period_error_budget_remaining:ratio",
    "slo:current_burn_rate:ratio",
    "slo:period_burn_rate:ratio",
];

/// The burn-rate alert name of an SLO: `alerting.name`, or the SLO name in
/// UpperCamelCase followed by `BudgetBurn`.
pub fn alert_name(name: &str, slo: &obspec_spec::model::Slo) -> String {
    match &slo.alerting.name {
        Some(n) => n.value.clone(),
        None => format!("{}BudgetBurn", crate::format::case::upper_camel(name)),
    }
}

/// Names of all recording rules generated for the SLOs of `specs`: expressions
/// in specs may use them.
pub fn recording_rule_names(specs: &Specs) -> Vec<String> {
    let mut names: Vec<String> = METADATA_RULES.iter().map(|s| s.to_string()).collect();
    names.push(TIMESLICE_RULE.to_string());
    names.push(TIMESLICE_RATIO_RULE.to_string());
    names.push(THRESHOLD_RULE.to_string());
    for svc in &specs.services {
        for (_, slo) in svc.slos.iter() {
            if let Some(period) = parse_duration(&slo.window) {
                let windows = windows_for(period, slo);
                names.extend(
                    record_windows(period, &windows)
                        .into_iter()
                        .map(error_ratio_rule),
                );
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The `{{window}}` placeholder of raw error-ratio SLIs, in its accepted spellings.
pub const WINDOW_PLACEHOLDERS: [&str; 2] = ["{{window}}", "{{ window }}"];

/// The error budget of an objective in percent: `100 - objective`, exactly.
pub fn error_budget_percent(objective: f64) -> Option<Decimal> {
    Decimal::from_int(100).checked_sub(Decimal::from_f64(objective)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_windows_for_30d() {
        let w = burn_windows(PERIOD_30D);
        let f: Vec<_> = w
            .iter()
            .map(|b| (format_duration(b.long_ms), format_duration(b.short_ms)))
            .collect();
        assert_eq!(
            f,
            [
                ("1h".into(), "5m".into()),
                ("6h".into(), "30m".into()),
                ("1d".into(), "2h".into()),
                ("3d".into(), "6h".into())
            ] as [(String, String); 4]
        );
    }

    #[test]
    fn scaled_windows() {
        let w = burn_windows(7 * DAY);
        assert_eq!(format_duration(w[0].long_ms), "14m");
        assert_eq!(format_duration(w[0].short_ms), "1m10s");
        assert_eq!(format_duration(28 * DAY), "4w");
        assert_eq!(format_duration(30 * DAY), "30d");
        assert_eq!(format_duration(5_400_000), "1h30m");
    }

    #[test]
    fn custom_window_factors() {
        // The workbook's own windows give the workbook's factors.
        for w in burn_windows(PERIOD_30D) {
            let c = custom_window(
                w.kind,
                PERIOD_30D,
                w.long_ms,
                w.short_ms,
                w.budget_percent.to_f64(),
            )
            .unwrap();
            assert_eq!(c.factor, w.factor, "{w:?}");
        }
        // Sloth's 28-day catalogue keeps the 30-day windows: 2% in 1h of 28d.
        let c = custom_window("page", 28 * DAY, HOUR, 5 * MINUTE, 2.0).unwrap();
        assert_eq!(c.factor.to_string(), "13.44");
        // Not a terminating decimal: rounded to six places.
        let c = custom_window("page", 30 * DAY, 7 * HOUR, 35 * MINUTE, 2.0).unwrap();
        assert_eq!(c.factor.to_string(), "2.057143");
    }
}
