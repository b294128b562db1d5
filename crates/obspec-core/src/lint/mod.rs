//! `obspec lint`: every rule over the loaded model. Each finding carries a
//! stable code; its entry (what it means, a failing and a passing example)
//! is the `CATALOG` of the module that reports it, assembled in [`crate::catalog`].

pub mod alerts;
pub mod cardinality;
pub(crate) mod examples;
pub mod http;
pub mod kubernetes;
pub mod logs;
pub mod names;
pub mod promql;
pub mod report;
pub mod routing;
pub mod slos;
pub mod suppress;
pub mod tz;

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS804",
        title: "service defined twice",
        severity: "error",
        explanation: "Two spec files declare the same `service`. Each service has one spec file; generated artifacts are named after it.",
        bad: &[
            ("a.yaml", "obspec: 1\nservice: shop\nnamespace: a\n"),
            ("b.yaml", "obspec: 1\nservice: shop # <- OBS804\nnamespace: b\n"),
        ],
        good: &[
            ("a.yaml", "obspec: 1\nservice: shop\nnamespace: a\n"),
            ("b.yaml", "obspec: 1\nservice: billing\nnamespace: b\n"),
        ],
    },
];

use std::collections::HashMap;

use std::path::PathBuf;

use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::load::{self, Loaded};
use obspec_spec::model::{Metric, MetricType, Service, Specs};
use obspec_spec::source::{Sources, Span};

pub const CODE_DUP_SERVICE: &str = "OBS804";

/// Loads the specs under `paths` and lints them: every finding of the run.
pub fn check_paths(paths: &[PathBuf]) -> Result<Loaded, load::IoError> {
    let mut loaded = load::load_paths(paths)?;
    lint(&loaded.specs, &loaded.sources, &mut loaded.diagnostics);
    Ok(loaded)
}

/// Loads in-memory spec files `(name, text)` and lints them.
pub fn check_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut loaded = load::load_texts(files);
    lint(&loaded.specs, &loaded.sources, &mut loaded.diagnostics);
    loaded
}

/// Runs every lint over `specs`, adding findings to `diags`.
pub fn lint(specs: &Specs, sources: &Sources, diags: &mut Diagnostics) {
    let index = Index::new(specs, sources);
    // Services are checked on all cores; their findings are taken in
    // service order.
    let per_service = obspec_spec::par::map(&specs.services, |svc| {
        let mut d = Diagnostics::default();
        names::check_service(specs, svc, &mut d);
        http::check_service(svc, &mut d);
        logs::check_service(specs, svc, &mut d);
        cardinality::check_service(specs, svc, &mut d);
        slos::check_service(&index, svc, &mut d);
        alerts::check_service(&index, svc, &mut d);
        d
    });
    for d in per_service {
        diags.append(d);
    }
    duplicates(specs, diags);
    logs::check_targets(specs, diags);
    routing::check(specs, diags);
    kubernetes::check(specs, diags);
    dependencies(specs, diags);
    // Last: the ignores see every finding.
    suppress::apply(specs, sources, diags);
}

/// `depends_on` names services of the specs.
fn dependencies(specs: &Specs, diags: &mut Diagnostics) {
    let names: Vec<&str> = specs.services.iter().map(|s| s.service.as_str()).collect();
    for svc in &specs.services {
        for d in &svc.depends_on {
            if !names.contains(&d.as_str()) {
                let mut diag = Diagnostic::error(
                    routing::CODE_ROUTE,
                    d.span,
                    format!(
                        "`depends_on` names `{}`, which is not a service of the specs",
                        d.value
                    ),
                );
                diag = match obspec_spec::load::did_you_mean(d, &names) {
                    Some(s) => diag.help(format!("did you mean `{s}`?")),
                    None => diag.help("name a service declared in the specs"),
                };
                diags.push(diag);
            }
        }
    }
}

/// What a PromQL expression may reference.
pub struct Index<'a> {
    pub specs: &'a Specs,
    /// The files, to locate findings inside expressions.
    pub sources: &'a Sources,
    /// Every series name the specs define, with the metric it comes from.
    pub series: HashMap<String, Series<'a>>,
    /// Names of metrics whose definition failed to load: not reported again.
    pub broken: Vec<&'a str>,
    /// What the specs declare, for expression analysis.
    pub registry: crate::expr::promql::Registry,
}

/// A series name that the specs define.
#[derive(Clone, Copy)]
pub enum Series<'a> {
    /// A declared metric or one of its histogram series (`_bucket` has `le`).
    Metric {
        service: &'a Service,
        name: &'a str,
        metric: &'a Metric,
        bucket: bool,
    },
    /// A recording rule obspec itself generates for SLOs.
    Recording,
    /// A series Prometheus itself produces for every target (`up`...): only
    /// target labels.
    Scrape,
    /// A series Prometheus produces for alerts (`ALERTS`): any labels.
    Alerts,
}

use crate::expr::promql::SCRAPE_SERIES;
use obspec_spec::catalog::Rule;

impl<'a> Index<'a> {
    pub fn new(specs: &'a Specs, sources: &'a Sources) -> Self {
        let mut series = HashMap::new();
        let mut broken = Vec::new();
        for svc in &specs.services {
            broken.extend(svc.broken.iter().map(String::as_str));
            for (name, metric) in svc.metrics.iter() {
                let mut add = |n: String, bucket: bool| {
                    series.entry(n).or_insert(Series::Metric {
                        service: svc,
                        name: &name.value,
                        metric,
                        bucket,
                    });
                };
                add(name.value.clone(), false);
                if metric.kind.value == MetricType::Histogram {
                    add(format!("{}_bucket", name.value), true);
                }
                if matches!(
                    metric.kind.value,
                    MetricType::Histogram | MetricType::Summary
                ) {
                    add(format!("{}_sum", name.value), false);
                    add(format!("{}_count", name.value), false);
                }
            }
        }
        for name in SCRAPE_SERIES {
            series.entry(name.to_string()).or_insert(Series::Scrape);
        }
        for name in ["ALERTS", "ALERTS_FOR_STATE"] {
            series.entry(name.to_string()).or_insert(Series::Alerts);
        }
        for name in crate::slo::windows::recording_rule_names(specs) {
            series.entry(name).or_insert(Series::Recording);
        }
        for svc in &specs.services {
            for (name, _) in svc.recordings.iter() {
                series
                    .entry(name.value.clone())
                    .or_insert(Series::Recording);
            }
        }
        Index {
            specs,
            sources,
            series,
            broken,
            registry: crate::expr::promql::Registry::new(specs),
        }
    }
}

/// Cross-file duplicates: services, metrics, SLOs and alerts are unique across the specs.
fn duplicates(specs: &Specs, diags: &mut Diagnostics) {
    let mut check = |code: &'static str, what: &str, items: Vec<(&str, Span)>| {
        let mut first: HashMap<&str, Span> = HashMap::new();
        for (name, span) in items {
            match first.get(name) {
                // Same file duplicates were reported by the loader.
                Some(f) if f.file == span.file => {}
                Some(f) => diags.push(
                    Diagnostic::error(code, span, format!("{what} `{name}` is defined twice"))
                        .note(*f, "first defined here")
                        .help(format!(
                            "{what} names are unique across all specs; rename one of them"
                        )),
                ),
                None => {
                    first.insert(name, span);
                }
            }
        }
    };
    let svcs = &specs.services;
    check(
        CODE_DUP_SERVICE,
        "service",
        svcs.iter()
            .map(|s| (s.service.value.as_str(), s.service.span))
            .collect(),
    );
    // External catalogs may share a metric (every exporter exposes
    // `process_*`) when they agree on its type; only the first is compared
    // with the specs that own metrics.
    let mut external: HashMap<&str, MetricType> = HashMap::new();
    check(
        obspec_spec::load::CODE_DUP_METRIC,
        "metric",
        svcs.iter()
            .flat_map(|s| s.metrics.iter().map(move |(k, m)| (s, k, m)))
            .filter(|(s, k, m)| {
                if !s.is_external() {
                    return true;
                }
                match external.get(k.value.as_str()) {
                    Some(t) => *t != m.kind.value,
                    None => {
                        external.insert(&k.value, m.kind.value);
                        true
                    }
                }
            })
            .map(|(_, k, _)| (k.value.as_str(), k.span))
            .collect(),
    );
    check(
        obspec_spec::load::CODE_DUP_SLO,
        "SLO",
        svcs.iter()
            .flat_map(|s| s.slos.iter().map(|(k, _)| (k.value.as_str(), k.span)))
            .collect(),
    );
    // Alert names include the burn-rate alerts generated for SLOs; two declared
    // alerts of one file were reported by the loader already.
    let mut first: HashMap<String, (Span, bool)> = HashMap::new();
    let declared = svcs.iter().flat_map(|s| {
        s.alerts
            .iter()
            .map(|(k, _)| (k.value.clone(), k.span, false))
    });
    let generated = svcs
        .iter()
        .flat_map(|s| s.slos.iter())
        .flat_map(|(k, slo)| {
            let name = crate::slo::windows::alert_name(k, slo);
            let span = slo.alerting.name.as_ref().map_or(k.span, |n| n.span);
            [
                (name.clone(), span, true),
                (format!("{name}SLIMissing"), span, true),
            ]
        });
    for (name, span, gen) in declared.chain(generated) {
        match first.get(&name) {
            Some((f, fgen)) if f.file == span.file && !gen && !fgen => {}
            Some((f, _)) => diags.push(
                Diagnostic::error(obspec_spec::load::CODE_DUP_ALERT, span, format!("alert `{name}` is defined twice"))
                    .note(*f, "first defined here")
                    .help("alert names are unique across all specs, including the burn-rate alerts generated for SLOs (`alerting.name` renames them)"),
            ),
            None => {
                first.insert(name, (span, gen));
            }
        }
    }
}

#[cfg(test)]
mod location_tests {
    use crate::lint::check_texts;

    const SPEC: &str = "obspec: 1
service: shop
namespace: shop
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders., labels: [status]}
alerts:
  ShopFailing:
    expr: |
      sum(rate(shop_orders_total{status=\"failed\"}[5m]))
        / sum(rate(shop_order_total[5m])) > 0.1
    severity: warning
    summary: Failing
  ShopFailing2:
    expr: \"sum(rate(shop_orders_total{status=\\\"fail\\\"}[5m])) > 1\"
    severity: warning
    summary: Failing
";

    #[test]
    fn findings_inside_expressions_are_exact() {
        let l = check_texts([("shop.yaml", SPEC)]);
        let at = |code: &str| {
            let d = l.diagnostics.iter().find(|d| d.code == code).unwrap();
            let s = d.span.unwrap();
            (s.line, s.col, s.end_col)
        };
        // In a block scalar, on its second line.
        assert_eq!(at("OBS502"), (12, 20, 36));
        // In a double-quoted scalar with escapes.
        assert_eq!(at("OBS504"), (16, 48, 52));
    }
}
