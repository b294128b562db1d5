//! Bounded cardinality: every label has a domain, and series counts stay within
//! the project's limits. Findings show the computation.

use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{Service, Specs};

pub const CODE_DOMAIN: &str = "OBS207";
pub const CODE_METRIC_SERIES: &str = "OBS301";
pub const CODE_SERVICE_SERIES: &str = "OBS302";

use crate::expr::series::estimate;

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
