//! Series counts from the spec alone: a metric's label domains multiplied
//! out (and a histogram's buckets), with the computation for display. Lint
//! holds them against budgets; docs, diff and live-check show them.

use obspec_spec::model::{Metric, MetricType, Service};

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
