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
    duplicates(specs, &index.registry, diags);
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

/// Cross-file duplicates: services and owned metrics are unique across the
/// specs; alerts are told apart by name and labels.
fn duplicates(specs: &Specs, registry: &crate::expr::promql::Registry, diags: &mut Diagnostics) {
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
    // SLO names are scoped to their service (the loader reported a name
    // twice in one file): the generated series carry `slo` and `service`.
    duplicate_alerts(specs, registry, diags);
}

/// Alert names are scoped like Prometheus scopes them: a name may repeat
/// (severity tiers, one name in several services) as long as the label sets
/// keep the alerts apart. Two alerts of one name and one static label set
/// collide in one service always, and across services when nothing in their
/// results can tell them apart (no result labels, or the same expression).
/// Inside a service, the burn-rate alerts generated for its SLOs keep their
/// names to themselves: their tests and routes would see the other alert.
fn duplicate_alerts(
    specs: &Specs,
    registry: &crate::expr::promql::Registry,
    diags: &mut Diagnostics,
) {
    struct Seen {
        service: usize,
        expr: String,
        alone: bool,
        span: Span,
    }
    let code = obspec_spec::load::CODE_DUP_ALERT;
    // (name, sorted static labels) → the rules seen with them.
    type Identity = (String, Vec<(String, String)>);
    let mut seen: HashMap<Identity, Vec<Seen>> = HashMap::new();
    for (i, svc) in specs.services.iter().enumerate() {
        let mut generated: HashMap<String, (Span, &str)> = HashMap::new();
        for (k, slo) in svc.slos.iter() {
            let name = crate::slo::windows::alert_name(k, slo);
            let span = slo.alerting.name.as_ref().map_or(k.span, |n| n.span);
            for n in [format!("{name}SLIMissing"), name] {
                match generated.get(&n) {
                    Some((f, other)) => diags.push(
                        Diagnostic::error(code, span, format!("the burn-rate alert `{n}` of SLO `{}` is also generated for SLO `{other}`", k.value))
                            .note(*f, "first generated here")
                            .help("give one of the SLOs `alerting.name`: each SLO's alerts are tested and routed by their name"),
                    ),
                    None => {
                        generated.insert(n, (span, &k.value));
                    }
                }
            }
        }
        for (name, a) in svc.alerts.iter() {
            if let Some((f, slo)) = generated.get(&name.value) {
                diags.push(
                    Diagnostic::error(code, name.span, format!("alert `{}` has the name of a burn-rate alert generated for SLO `{slo}`", name.value))
                        .note(*f, "generated for this SLO")
                        .help("rename the alert, or the SLO's alerts with `alerting.name`"),
                );
                continue;
            }
            let (mut labels, result) = crate::slo::rules::alert_labels(svc, a, registry);
            labels.sort();
            let expr: String = a
                .expr
                .value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let alone = !result.open && result.labels.is_empty();
            let entry = seen.entry((name.value.clone(), labels)).or_default();
            let clash = entry
                .iter()
                .find(|e| e.service == i || (e.alone && alone) || e.expr == expr);
            if let Some(first) = clash {
                let why = if first.service == i {
                    "two rules of one name and one label set in a service fire as one alert"
                } else {
                    "in two services, with nothing in their results to tell them apart"
                };
                diags.push(
                    Diagnostic::error(code, a.severity.span, format!("alert `{}` is defined twice with the same labels: {why}", name.value))
                        .note(first.span, "first defined here")
                        .help("give each rule of the name its own `severity` or `labels:` (severity tiers), or rename one"),
                );
                continue;
            }
            entry.push(Seen {
                service: i,
                expr,
                alone,
                span: a.severity.span,
            });
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
