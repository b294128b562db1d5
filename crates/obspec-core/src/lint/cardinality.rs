//! Bounded cardinality: every label has a domain, and series counts stay within
//! the project's limits. Findings show the computation.

use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{Service, Specs};

pub const CODE_DOMAIN: &str = "OBS207";
pub const CODE_METRIC_SERIES: &str = "OBS301";
pub const CODE_SERVICE_SERIES: &str = "OBS302";

use crate::expr::series::estimate;
use crate::lint::examples::spec;
use obspec_spec::catalog::Rule;

pub fn check_service(specs: &Specs, svc: &Service, diags: &mut Diagnostics) {
    // An external catalog's labels are the exporter's: open, and outside
    // the project's series budget.
    if svc.is_external() {
        return;
    }
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

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS207",
        title: "label without a bounded domain",
        severity: "error",
        explanation: "Each declared label has exactly one of `values` (its closed value set, non-empty) or `max_cardinality` (a bound of at least 1 on the distinct values it takes). Without one, the series count of the metrics that use it cannot be bounded.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  country: {description: Billing country} # <- OBS207"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  country: {description: Billing country, max_cardinality: 250}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
        ))],
    },
    Rule {
        code: "OBS301",
        title: "too many series for one metric",
        severity: "error",
        explanation: "A metric's series count is the product of its labels' domain sizes, times `buckets + 3` for a histogram (one series per bucket, `+Inf`, `_sum` and `_count`). It must stay within `conventions.max_series_per_metric` (default 1000). The finding shows the computation.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_metric: 100}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  country: {max_cardinality: 250}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]} # <- OBS301"
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_metric: 100}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  region: {values: [eu, us, apac]}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [region]}"
            )),
        ],
    },
    Rule {
        code: "OBS302",
        title: "too many series for one service",
        severity: "error",
        explanation: "The series counts of all metrics of a service add up to at most `conventions.max_series_per_service` (default 10000). The help line lists the largest metrics.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_service: 300}\n"),
            ("shop.yaml", concat!(
                "obspec: 1\nservice: shop # <- OBS302\nnamespace: shop\n",
                "labels:\n  country: {max_cardinality: 200}\n",
                "metrics:\n",
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}\n",
                "  shop_refunds_total: {type: counter, help: Refunds., labels: [country]}\n",
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_service: 300}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  country: {max_cardinality: 100}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
                "  shop_refunds_total: {type: counter, help: Refunds., labels: [country]}"
            )),
        ],
    },
];
