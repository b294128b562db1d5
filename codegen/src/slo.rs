//! SLO vocabulary shared by the linter and the rule emitters: the burn-rate
//! windows of an SLO and the names of the recording rules obspec generates.
//!
//! Windows follow the SRE Workbook's multi-window multi-burn-rate alerts, defined
//! for a 30-day period and scaled linearly for other periods.

use crate::model::Specs;
use obspec_spec::duration::parse_duration;

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
    pub budget_percent: u64,
    /// The burn rate that spends `budget_percent` in the long window: the
    /// alert threshold is `factor × error budget`.
    pub factor: &'static str,
}

/// The four SRE Workbook conditions for a 30-day period.
const WORKBOOK: [(&str, u64, u64, u64, &str); 4] = [
    ("page", HOUR, 5 * MINUTE, 2, "14.4"),
    ("page", 6 * HOUR, 30 * MINUTE, 5, "6"),
    ("ticket", DAY, 2 * HOUR, 10, "3"),
    ("ticket", 3 * DAY, 6 * HOUR, 10, "1"),
];

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
            budget_percent: budget,
            factor,
        })
        .collect()
}

pub use obspec_spec::duration::format_duration;

/// Every window an SLO's recording rules cover: its alert windows and its period.
pub fn slo_windows(period_ms: u64) -> Vec<u64> {
    let mut w: Vec<u64> = burn_windows(period_ms)
        .iter()
        .flat_map(|b| [b.long_ms, b.short_ms])
        .chain([period_ms])
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// The error-ratio recording rule of one window.
pub fn error_ratio_rule(window_ms: u64) -> String {
    format!("slo:sli_error:ratio_rate{}", format_duration(window_ms))
}

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
pub fn alert_name(name: &str, slo: &crate::model::Slo) -> String {
    match &slo.alerting.name {
        Some(n) => n.value.clone(),
        None => format!("{}BudgetBurn", crate::case::upper_camel(name)),
    }
}

/// Names of all recording rules generated for the SLOs of `specs`: expressions
/// in specs may use them.
pub fn recording_rule_names(specs: &Specs) -> Vec<String> {
    let mut names: Vec<String> = METADATA_RULES.iter().map(|s| s.to_string()).collect();
    for svc in &specs.services {
        for (_, slo) in svc.slos.iter() {
            if let Some(period) = parse_duration(&slo.window) {
                names.extend(slo_windows(period).into_iter().map(error_ratio_rule));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The `{{window}}` placeholder of raw error-ratio SLIs, in its accepted spellings.
pub const WINDOW_PLACEHOLDERS: [&str; 2] = ["{{window}}", "{{ window }}"];

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
}
