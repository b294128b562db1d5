//! Bounded cardinality: every label has a domain, and series counts stay within
//! the project's limits. Findings show the computation.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Metric, MetricType, Service, Specs};

pub const CODE_DOMAIN: &str = "OBS207";
pub const CODE_METRIC_SERIES: &str = "OBS301";
pub const CODE_SERVICE_SERIES: &str = "OBS302";

/// The series estimate of one metric, with its factors for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub series: u64,
    /// `region(3) × status(2) × 10 histogram series`.
    pub computation: String,
}

/// Series per histogram child: one per finite bucket, `+Inf`, `_sum` and `_count`.
pub fn histogram_series(m: &Metric) -> u64 {
    m.buckets.as_ref().map_or(0, |b| b.len() as u64) + 3
}

/// Estimates a metric's series count. Labels without a known domain count as 1
/// (they are reported on their own).
pub fn estimate(svc: &Service, m: &Metric) -> Estimate {
    let mut series: u64 = 1;
    let mut parts = Vec::new();
    for l in &m.labels {
        let n = svc.labels.get(l).and_then(|d| d.cardinality()).unwrap_or(1);
        series = series.saturating_mul(n);
        parts.push(format!("{}({n})", l.value));
    }
    if m.kind.value == MetricType::Histogram {
        let h = histogram_series(m);
        series = series.saturating_mul(h);
        let b = m.buckets.as_ref().map_or(0, |b| b.len());
        parts.push(format!(
            "{h} histogram series ({b} buckets, +Inf, sum, count)"
        ));
    }
    let computation = if parts.is_empty() {
        "1 (no labels)".to_string()
    } else {
        format!("{} = {series}", parts.join(" × "))
    };
    Estimate {
        series,
        computation,
    }
}

pub fn check_service(specs: &Specs, svc: &Service, diags: &mut Diagnostics) {
    let conv = &specs.project.conventions;
    for (name, dom) in svc.labels.iter() {
        match (&dom.values, &dom.max_cardinality) {
            (None, None) => diags.push(
                Diagnostic::error(CODE_DOMAIN, name.span, format!("label `{}` has no bounded domain", name.value))
                    .help("give its closed value set (`values: [...]`) or a bound (`max_cardinality: N`); an unbounded label can explode the series count"),
            ),
            (Some(_), Some(m)) => diags.push(
                Diagnostic::error(CODE_DOMAIN, m.span, format!("label `{}` has both `values` and `max_cardinality`", name.value))
                    .help("a closed value set already bounds the label: keep one of the two"),
            ),
            (Some(v), None) if v.is_empty() => diags.push(
                Diagnostic::error(CODE_DOMAIN, name.span, format!("label `{}` has an empty value set", name.value))
                    .help("list the values the label takes"),
            ),
            (None, Some(m)) if m.value == 0 => diags.push(
                Diagnostic::error(CODE_DOMAIN, m.span, format!("label `{}` has `max_cardinality: 0`", name.value))
                    .help("the bound is the most distinct values the label takes: at least 1"),
            ),
            _ => {}
        }
        if let (Some(o), Some(_)) = (&dom.overflow_value, &dom.values) {
            diags.push(
                Diagnostic::error(
                    CODE_DOMAIN,
                    o.span,
                    format!(
                        "`overflow_value` on label `{}`, which has a closed value set",
                        name.value
                    ),
                )
                .help("`overflow_value` applies to open domains (`max_cardinality`) only"),
            );
        }
    }

    let max_metric = conv.max_series_per_metric.value;
    let mut total: u64 = 0;
    let mut per_metric = Vec::new();
    for (name, m) in svc.metrics.iter() {
        let e = estimate(svc, m);
        total = total.saturating_add(e.series);
        if e.series > max_metric {
            diags.push(
                Diagnostic::error(
                    CODE_METRIC_SERIES,
                    name.span,
                    format!("metric `{}` may produce {} series, more than the limit of {max_metric}", name.value, e.series),
                )
                .help(format!("series = {}; drop a label, bound its domain more tightly, or use fewer buckets", e.computation)),
            );
        }
        per_metric.push((e.series, name.value.as_str()));
    }
    let max_service = conv.max_series_per_service.value;
    if total > max_service {
        per_metric.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let top = per_metric
            .iter()
            .take(5)
            .map(|(n, name)| format!("{name}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        diags.push(
            Diagnostic::error(
                CODE_SERVICE_SERIES,
                svc.service.span,
                format!(
                    "service `{}` may produce {total} series, more than the limit of {max_service}",
                    svc.service.value
                ),
            )
            .help(format!("largest metrics: {top}")),
        );
    }
}
