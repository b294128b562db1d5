//! `obspec live-check`: a service's spec held against what the service
//! exposes (an exposition) or what a Prometheus stores for it. Findings are
//! coded in the lint catalog (OBS311–OBS320) and located at the spec line
//! they contradict: the metric, its label, the label's domain, its buckets.
//!
//! The comparison works on metric families summarised by
//! [`crate::expr::exposition`]; the Prometheus mode builds the same summaries from
//! the HTTP API, so both modes share every check.

use std::collections::{BTreeMap, BTreeSet};

use crate::expr::exposition::{Exposition, Family};
use crate::expr::series::estimate;
use crate::ops::series::Series;
use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics, Severity};
use obspec_spec::model::{Metric, MetricType, Service, Specs};

pub const CODE_ABSENT: &str = "OBS311";
pub const CODE_UNDECLARED: &str = "OBS312";
pub const CODE_TYPE: &str = "OBS313";
pub const CODE_METADATA: &str = "OBS314";
pub const CODE_EXTRA_LABEL: &str = "OBS315";
pub const CODE_MISSING_LABEL: &str = "OBS316";
pub const CODE_DOMAIN_VALUE: &str = "OBS317";
pub const CODE_SERIES: &str = "OBS318";
pub const CODE_BUCKETS: &str = "OBS319";
pub const CODE_NO_SERIES: &str = "OBS320";

/// Metric name prefixes of well-known client libraries and exporters'
/// own process metrics: not the service's, not findings.
pub const CLIENT_LIBRARY_PREFIXES: [&str; 12] = [
    "process_",
    "go_",
    "promhttp_",
    "python_",
    "jvm_",
    "nodejs_",
    "dotnet_",
    "tokio_",
    "scrape_",
    "otel_scope_",
    "target_info",
    "up",
];

/// What the check was given besides the exposition.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--service`: the service to check (else the only one, or the one whose
    /// namespace the exposition uses).
    pub service: Option<String>,
    /// Labels the scrape adds (`job`, `instance`, the project's required
    /// target labels): expected, never findings.
    pub target_labels: Vec<String>,
    /// Most findings kept per code (the rest are counted):
    /// [`FINDINGS_PER_CODE`] when not given.
    pub max_findings_per_code: Option<usize>,
}

/// Findings kept per code by default: an exposition of millions of
/// undeclared families reports 100 and counts the rest.
pub const FINDINGS_PER_CODE: usize = 100;

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct Report {
    pub service: String,
    pub diagnostics: Diagnostics,
    /// Declared metrics compared.
    pub metrics_checked: usize,
    /// Series of the service's families.
    pub series_seen: usize,
}

impl Report {
    /// `obspec live-check: payment-gateway: 3 metrics checked, 57 series seen, 0 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "obspec live-check: {}: {} checked, {} seen, {}, {}",
            self.service,
            plural(self.metrics_checked, "metric"),
            plural(self.series_seen, "series").replace("seriess", "series"),
            plural(self.diagnostics.count(Severity::Error), "error"),
            plural(self.diagnostics.count(Severity::Warning), "warning"),
        )
    }
}

/// Picks the service: by name, the only one, or the one whose namespace most
/// families start with.
pub fn select_service<'a>(
    specs: &'a Specs,
    wanted: Option<&str>,
    expo: &Exposition,
) -> Result<&'a Service, String> {
    if let Some(w) = wanted {
        return specs
            .services
            .iter()
            .find(|s| s.service.value == w)
            .ok_or_else(|| {
                format!(
                    "no service `{w}` in the specs (there are: {})",
                    specs
                        .services
                        .iter()
                        .map(|s| s.service.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
    }
    match specs.services.as_slice() {
        [] => Err("the specs declare no service".into()),
        [only] => Ok(only),
        many => {
            let score = |s: &Service| {
                let prefix = format!("{}_", s.namespace.value);
                expo.families
                    .iter()
                    .filter(|f| f.name.starts_with(&prefix))
                    .count()
            };
            let best = many.iter().map(score).max().unwrap_or(0);
            let top: Vec<&Service> = many.iter().filter(|s| score(s) == best).collect();
            match top.as_slice() {
                [one] if best > 0 => Ok(one),
                _ => Err(format!(
                    "several services could be meant ({}): pass --service",
                    top.iter()
                        .map(|s| s.service.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// The family a declared metric is exposed as: its own name, or (counters
/// and infos in OpenMetrics) the name without `_total` / `_info`.
fn family_for<'e>(expo: &'e Exposition, name: &str, m: &Metric) -> Option<&'e Family> {
    expo.family(name).or_else(|| match m.kind.value {
        MetricType::Counter => name.strip_suffix("_total").and_then(|b| expo.family(b)),
        MetricType::Info => name.strip_suffix("_info").and_then(|b| expo.family(b)),
        _ => None,
    })
}

/// `a, b, c` and `… and 7 more`.
fn some(values: &[&str], limit: usize) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(limit)
        .map(|v| format!("`{v}`"))
        .collect();
    if values.len() > limit {
        format!("{} and {} more", shown.join(", "), values.len() - limit)
    } else {
        shown.join(", ")
    }
}

fn same_bound(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Compares the service `svc` of `specs` with `expo`.
pub fn check(specs: &Specs, svc: &Service, expo: &Exposition, opts: &Options) -> Report {
    let mut diags = Diagnostics::capped(opts.max_findings_per_code.unwrap_or(FINDINGS_PER_CODE));
    let conv = &specs.project.conventions;
    let mut expected_extra: BTreeSet<&str> =
        opts.target_labels.iter().map(String::as_str).collect();
    for l in &conv.required_target_labels {
        expected_extra.insert(l.value.as_str());
    }
    let mut claimed: BTreeSet<&str> = BTreeSet::new();
    let mut series_seen = 0usize;
    let mut checked = 0usize;
    for (name, m) in svc.metrics.iter() {
        checked += 1;
        let Some(f) = family_for(expo, name, m) else {
            diags.push(
                Diagnostic::error(CODE_ABSENT, name.span, format!("`{}` is declared but not exposed", name.value))
                    .help("the service does not create it (not rebuilt, renamed, or no label set used yet): a labelled metric appears once a label set is used; pre-create its closed-domain series at start"),
            );
            continue;
        };
        claimed.insert(f.name.as_str());
        series_seen += f.series;
        check_family(specs, svc, name, m, f, &expected_extra, &mut diags);
    }
    // Families nobody declared.
    let prefix = format!("{}_", svc.namespace.value);
    let mut foreign = Vec::new();
    for f in &expo.families {
        if claimed.contains(f.name.as_str()) {
            continue;
        }
        if f.name.starts_with(&prefix) {
            series_seen += f.series;
            diags.push(
                Diagnostic::error(
                    CODE_UNDECLARED,
                    svc.namespace.span,
                    format!(
                        "`{}` ({}, {} series) is exposed in the namespace `{}` but not declared",
                        f.name,
                        f.kind.as_deref().unwrap_or("untyped"),
                        f.series,
                        svc.namespace.value
                    ),
                )
                .help("declare it in the spec (type, help, labels with bounded domains), or stop exposing it: dashboards and SLOs built on the spec never read it"),
            );
        } else if !CLIENT_LIBRARY_PREFIXES
            .iter()
            .any(|p| f.name.starts_with(p))
        {
            foreign.push(f);
        }
    }
    if !foreign.is_empty() {
        let names: Vec<&str> = foreign.iter().map(|f| f.name.as_str()).collect();
        diags.push(
            Diagnostic::warning(
                CODE_UNDECLARED,
                svc.namespace.span,
                format!(
                    "{} metric{} outside the namespace `{}` and not from a known client library: {}",
                    foreign.len(),
                    if foreign.len() == 1 { "" } else { "s" },
                    svc.namespace.value,
                    some(&names, 5)
                ),
            )
            .help("hand-written metrics next to the generated ones: declare them in this or another service's spec"),
        );
    }
    let budget = conv.max_series_per_service.value;
    if series_seen as u64 > budget {
        diags.push(
            Diagnostic::error(
                CODE_SERIES,
                svc.service.span,
                format!("the service exposes {series_seen} series, over the project's `max_series_per_service` of {budget}"),
            )
            .help("find the metric whose labels grow (the findings above name them) before the TSDB pays for it"),
        );
    }
    Report {
        service: svc.service.value.clone(),
        diagnostics: diags,
        metrics_checked: checked,
        series_seen,
    }
}

fn check_family(
    specs: &Specs,
    svc: &Service,
    name: &obspec_spec::model::Spanned<String>,
    m: &Metric,
    f: &Family,
    expected_extra: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) {
    check_type_help_unit(name, m, f, diags);
    // Labels.
    let declared: BTreeSet<&str> = m
        .labels
        .iter()
        .map(|l| l.value.as_str())
        .chain(svc.const_labels.keys())
        .collect();
    for (label, values) in &f.labels {
        if declared.contains(label.as_str()) || expected_extra.contains(label.as_str()) {
            continue;
        }
        let v: Vec<&str> = values.iter().map(String::as_str).collect();
        diags.push(
            Diagnostic::error(
                CODE_EXTRA_LABEL,
                name.span,
                format!(
                    "`{}` is exposed with the label `{label}` ({} value{}: {}), which the spec does not give it",
                    name.value,
                    v.len(),
                    if v.len() == 1 { "" } else { "s" },
                    some(&v, 3)
                ),
            )
            .help("a library or wrapper adds it, or the code passes it by hand: declare it with a bounded domain, or drop it (target labels such as `pod` belong to service discovery)"),
        );
    }
    for l in &m.labels {
        if !f.labels.contains_key(&l.value) {
            if f.children > 0 {
                diags.push(
                    Diagnostic::error(CODE_MISSING_LABEL, l.span, format!("`{}` is exposed without its label `{}`", name.value, l.value))
                        .help("queries, SLIs and dashboards that select or group by it read nothing: pass the label when recording"),
                );
            }
        } else if !f.on_every_child.contains(&l.value) {
            diags.push(
                Diagnostic::error(CODE_MISSING_LABEL, l.span, format!("some series of `{}` lack the label `{}`", name.value, l.value))
                    .help("every series of a metric carries the same label names; mixed label sets break aggregation"),
            );
        }
    }
    check_values(svc, name, m, f, diags);
    // Series against the estimate and the project's budget.
    let est = estimate(svc, m);
    let budget = specs.project.conventions.max_series_per_metric.value;
    if f.series as u64 > budget {
        diags.push(
            Diagnostic::error(CODE_SERIES, name.span, format!("`{}` exposes {} series, over the project's `max_series_per_metric` of {budget}", name.value, f.series))
                .help("a label takes more values than its domain allows: the findings on its labels say which"),
        );
    } else if f.series as u64 > est.series {
        diags.push(
            Diagnostic::warning(CODE_SERIES, name.span, format!("`{}` exposes {} series, more than the spec's estimate of {} ({})", name.value, f.series, est.series, est.computation))
                .help("the spec's domains understate what the service records: the cardinality budget it was reviewed against is wrong"),
        );
    }
    // Buckets.
    if m.kind.value == MetricType::Histogram && f.kind.as_deref() == Some("histogram") {
        if let Some(want) = &m.buckets {
            let mut got = f.buckets.clone();
            got.sort_by(f64::total_cmp);
            let want_v: Vec<f64> = want.value.iter().map(|b| b.value).collect();
            let same = got.len() == want_v.len()
                && got.iter().zip(&want_v).all(|(a, b)| same_bound(*a, *b));
            if !same || !f.has_inf_bucket {
                let fmt = |v: &[f64]| {
                    v.iter()
                        .map(|x| crate::format::decimal::fmt_f64(*x))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                diags.push(
                    Diagnostic::error(
                        CODE_BUCKETS,
                        want.span,
                        if same {
                            format!("`{}` is exposed without its `+Inf` bucket", name.value)
                        } else {
                            format!("`{}` is exposed with buckets [{}], the spec says [{}]", name.value, fmt(&got), fmt(&want_v))
                        },
                    )
                    .help("latency SLIs and quantiles read `le` series by value: with other bounds they read nothing or the wrong bucket"),
                );
            }
        }
    }
}

/// A family's type, HELP and unit against the declaration.
fn check_type_help_unit(
    name: &obspec_spec::model::Spanned<String>,
    m: &Metric,
    f: &Family,
    diags: &mut Diagnostics,
) {
    // Type.
    let want = m.kind.value.as_str();
    match f.kind.as_deref() {
        // An untyped declaration takes what the exporter says.
        _ if m.kind.value == MetricType::Untyped => {}
        None | Some("untyped" | "unknown") => diags.push(
            Diagnostic::warning(CODE_TYPE, m.kind.span, format!("`{}` is declared a {want} but exposed without a type", name.value))
                .help("expose it with `# TYPE`: Prometheus then knows its type for metadata and `rate` checks"),
        ),
        // A text-format info metric is a gauge of 1.
        Some("gauge") if want == "info" => {}
        Some(k) if k != want => diags.push(
            Diagnostic::error(CODE_TYPE, m.kind.span, format!("`{}` is declared a {want} but exposed as a {k}", name.value))
                .help(match (want, k) {
                    ("histogram", "summary") => "a summary's quantiles cannot be aggregated and have no buckets: the latency SLIs and bucket queries built on the spec read nothing".to_string(),
                    ("counter", "gauge") => "`rate` of a gauge is meaningless, and a counter exposed as a gauge loses its reset handling".to_string(),
                    _ => format!("expose it as the spec says, or change the spec's type to {k} and review what reads it"),
                }),
        ),
        _ => {}
    }
    // HELP and unit.
    if let (Some(want), Some(got)) = (&m.help, &f.help) {
        if want.value.trim() != got.trim() {
            diags.push(
                Diagnostic::warning(CODE_METADATA, want.span, format!("HELP of `{}` differs: exposed `{}`", name.value, got.trim()))
                    .help("the running binary was built from another version of the spec: rebuild, or update the help text"),
            );
        }
    }
    if let (Some(want), Some(got)) = (&m.unit, &f.unit) {
        if want.value != *got {
            diags.push(
                Diagnostic::warning(
                    CODE_METADATA,
                    want.span,
                    format!("unit of `{}` differs: exposed `{got}`", name.value),
                )
                .help("the unit in the name and the metadata must agree with the spec"),
            );
        }
    }
}

/// The values a family exposes against the label domains and the const labels.
fn check_values(
    svc: &Service,
    name: &obspec_spec::model::Spanned<String>,
    m: &Metric,
    f: &Family,
    diags: &mut Diagnostics,
) {
    // Values against domains.
    for l in &m.labels {
        let (Some((dname, dom)), Some(seen)) = (
            svc.labels.iter().find(|(k, _)| k.value == l.value),
            f.labels.get(&l.value),
        ) else {
            continue;
        };
        if let Some(values) = &dom.values {
            let allowed: BTreeSet<&str> = values.iter().map(|v| v.value.as_str()).collect();
            let outside: Vec<&str> = seen
                .iter()
                .map(String::as_str)
                .filter(|v| !allowed.contains(v))
                .collect();
            if !outside.is_empty() {
                diags.push(
                    Diagnostic::error(
                        CODE_DOMAIN_VALUE,
                        dname.span,
                        format!(
                            "`{}` is exposed with `{}` values outside its closed domain: {}",
                            name.value,
                            l.value,
                            some(&outside, 5)
                        ),
                    )
                    .help("a value built from input or a renamed case: map it onto the declared values, or add it to the domain (and to the queries that enumerate them)"),
                );
            }
        } else if let Some(max) = &dom.max_cardinality {
            let overflow = dom
                .overflow_value
                .as_ref()
                .map_or("__overflow__", |v| v.value.as_str());
            let distinct = seen.iter().filter(|v| v.as_str() != overflow).count() as u64;
            if distinct > max.value {
                let v: Vec<&str> = seen.iter().map(String::as_str).collect();
                diags.push(
                    Diagnostic::error(
                        CODE_SERIES,
                        max.span,
                        format!(
                            "`{}` is exposed with {distinct} distinct `{}` values, over its `max_cardinality` of {}: {}",
                            name.value,
                            l.value,
                            max.value,
                            some(&v, 5)
                        ),
                    )
                    .help("the label is fed something unbounded (ids, paths, user input): cap it in code (the generated types overflow to `__overflow__`) or raise the bound"),
                );
            }
        }
    }
    for (k, v) in svc.const_labels.iter() {
        if let Some(seen) = f.labels.get(&k.value) {
            let other: Vec<&str> = seen
                .iter()
                .map(String::as_str)
                .filter(|s| *s != v.value)
                .collect();
            if !other.is_empty() {
                diags.push(
                    Diagnostic::error(
                        CODE_DOMAIN_VALUE,
                        v.span,
                        format!(
                            "`{}` is exposed with the constant label `{}` = {}",
                            name.value,
                            k.value,
                            some(&other, 3)
                        ),
                    )
                    .help("the running service was configured with another value"),
                );
            }
        }
    }
}

/// Families built from what a Prometheus stores (series by label set, the
/// metadata it scraped): the same summaries as an exposition's, so the same
/// checks apply. `series` are the label sets of one metric name each, with
/// `__name__`.
pub fn families_from_series(
    series: &Series,
    metadata: &BTreeMap<String, (String, String, String)>,
) -> Exposition {
    use std::collections::{HashMap, HashSet};
    use std::hash::{Hash, Hasher};
    // Per family: its summary, the hashes of its children, its bounds.
    let mut by_family: HashMap<String, (Family, HashSet<u64>, HashSet<u64>)> = HashMap::new();
    for s in series.iter() {
        let Some(name) = s.get("__name__") else {
            continue;
        };
        // Fold `_bucket`/`_sum`/`_count` into a histogram or summary family
        // when the metadata names the base.
        let (family, suffix) = ["_bucket", "_sum", "_count", "_created"]
            .iter()
            .find_map(|suf| {
                let base = name.strip_suffix(suf)?;
                let kind = metadata.get(base).map(|m| m.0.as_str());
                matches!(kind, Some("histogram" | "summary" | "gaugehistogram"))
                    .then_some((base, *suf))
            })
            .unwrap_or((name, ""));
        let (f, children, bounds) = by_family.entry(family.to_string()).or_insert_with(|| {
            let meta = metadata.get(family);
            let f = Family {
                name: family.to_string(),
                kind: meta.map(|m| m.0.clone()),
                help: meta.map(|m| m.1.clone()).filter(|h| !h.is_empty()),
                unit: meta.map(|m| m.2.clone()).filter(|u| !u.is_empty()),
                ..Family::default()
            };
            (f, HashSet::new(), HashSet::new())
        });
        f.series += 1;
        if suffix == "_bucket" {
            match s.get("le") {
                Some("+Inf") => f.has_inf_bucket = true,
                Some(le) => {
                    if let Ok(x) = le.parse::<f64>() {
                        let x = if x == 0.0 { 0.0 } else { x };
                        if bounds.insert(x.to_bits()) {
                            f.buckets.push(x);
                        }
                    }
                }
                None => {}
            }
        }
        let child = s
            .iter()
            .filter(|(k, _)| !matches!(*k, "__name__" | "le" | "quantile"));
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (k, v) in child.clone() {
            (k, v).hash(&mut h);
        }
        let first = children.is_empty();
        if !children.insert(h.finish()) {
            continue;
        }
        if first {
            f.on_every_child = child.clone().map(|(k, _)| k.to_string()).collect();
        } else if !f.on_every_child.is_empty() {
            f.on_every_child.retain(|k| s.contains(k));
        }
        for (k, v) in child {
            if !f.labels.contains_key(k) {
                f.labels.insert(k.to_string(), Default::default());
            }
            if let Some(set) = f.labels.get_mut(k) {
                if !set.contains(v) {
                    set.insert(v.to_string());
                }
            }
        }
    }
    let mut families: Vec<Family> = by_family
        .into_values()
        .map(|(mut f, children, _)| {
            f.children = children.len();
            f
        })
        .collect();
    families.sort_by(|a, b| a.name.cmp(&b.name));
    let series = families.iter().map(|f| f.series).sum();
    Exposition { families, series }
}

/// A selector an expression of the spec reads, and where.
#[derive(Debug, Clone)]
pub struct SelectorUse {
    /// The selector as PromQL prints it, offsets and ranges left out.
    pub selector: String,
    pub metric: String,
    /// `(label, op, value)` of every matcher but the name.
    pub matchers: Vec<(String, String, String)>,
    pub span: obspec_spec::source::Span,
    /// `alert \`X\``, `SLO \`y\``, `recording \`z\``.
    pub what: String,
}

/// Every raw-series selector the service's alerts, SLIs and recordings read
/// (recorded series, with a `:` in their names, are left out: they exist only
/// where the rules are loaded).
pub fn selector_uses(svc: &Service) -> Vec<SelectorUse> {
    let mut exprs: Vec<(String, obspec_spec::source::Span, String)> = Vec::new();
    for (name, a) in svc.alerts.iter() {
        exprs.push((
            a.expr.value.clone(),
            a.expr.span,
            format!("alert `{}`", name.value),
        ));
    }
    for (name, r) in svc.recordings.iter() {
        exprs.push((
            r.expr.value.clone(),
            r.expr.span,
            format!("recording `{}`", name.value),
        ));
    }
    for (name, slo) in svc.slos.iter() {
        let what = format!("SLO `{}`", name.value);
        let sli = &slo.sli;
        for e in [&sli.errors, &sli.total].into_iter().flatten() {
            exprs.push((e.value.clone(), e.span, what.clone()));
        }
        if let Some(l) = &sli.latency {
            let sel = l
                .selector
                .as_ref()
                .map_or(String::new(), |s| s.value.clone());
            exprs.push((
                format!("{}_count{sel}", l.metric.value),
                l.metric.span,
                what.clone(),
            ));
        }
        if let Some(r) = &sli.error_ratio {
            let text = crate::slo::windows::WINDOW_PLACEHOLDERS
                .iter()
                .fold(r.value.clone(), |t, p| t.replace(p, "5m"));
            exprs.push((text, r.span, what.clone()));
        }
        if let Some(t) = &sli.threshold {
            exprs.push((t.query.value.clone(), t.query.span, what.clone()));
        }
    }
    let mut out = Vec::new();
    for (text, span, what) in exprs {
        let Ok(e) = promql_parser::parser::parse(&text) else {
            continue;
        };
        for vs in crate::expr::promql::selectors(&e) {
            let Some(metric) = crate::expr::promql::selector_name(vs) else {
                continue;
            };
            if metric.contains(':') || metric == "ALERTS" || metric == "ALERTS_FOR_STATE" {
                continue;
            }
            let matchers: Vec<(String, String, String)> = vs
                .matchers
                .matchers
                .iter()
                .filter(|m| m.name != "__name__")
                .map(|m| (m.name.clone(), m.op.to_string(), m.value.clone()))
                .collect();
            let inner: Vec<String> = matchers
                .iter()
                .map(|(k, op, v)| format!("{k}{op}{}", crate::format::escape::promql_str(v)))
                .collect();
            let selector = if inner.is_empty() {
                metric.to_string()
            } else {
                format!("{metric}{{{}}}", inner.join(", "))
            };
            out.push(SelectorUse {
                selector,
                metric: metric.to_string(),
                matchers,
                span,
                what: what.clone(),
            });
        }
    }
    out
}

/// A matcher (`=`, `!=`, `=~`, `!~`; regexes anchored as PromQL anchors
/// them) as a test on label values, its regex compiled once.
fn matcher(op: &str, pattern: &str) -> impl Fn(&str) -> bool {
    let regex = matches!(op, "=~" | "!~")
        .then(|| regex::Regex::new(&format!("^(?:{pattern})$")).ok())
        .flatten();
    let (op, pattern) = (op.to_string(), pattern.to_string());
    move |value: &str| match op.as_str() {
        "=" => value == pattern,
        "!=" => value != pattern,
        "=~" | "!~" => (op == "=~") == regex.as_ref().is_some_and(|r| r.is_match(value)),
        _ => true,
    }
}

/// Reports the selectors that return no series in a Prometheus, explained
/// against what it does store for the metric. `count_of` answers how many
/// series a selector matches, `series_of` with their label sets (`__name__`
/// included): it is asked only for the metrics of selectors matching none.
pub fn check_selectors<E: std::fmt::Display>(
    uses: &[SelectorUse],
    mut count_of: impl FnMut(&str) -> Result<usize, E>,
    mut series_of: impl FnMut(&str) -> Result<Series, E>,
    diags: &mut Diagnostics,
) -> Result<usize, E> {
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    let mut of_metric: BTreeMap<String, Series> = BTreeMap::new();
    for u in uses {
        let n = match answers.get(&u.selector) {
            Some(n) => *n,
            None => {
                let n = count_of(&u.selector)?;
                answers.insert(u.selector.clone(), n);
                n
            }
        };
        if n > 0 {
            continue;
        }
        if !of_metric.contains_key(&u.metric) {
            let all = series_of(&format!(
                "{{__name__={}}}",
                crate::format::escape::promql_str(&u.metric)
            ))?;
            of_metric.insert(u.metric.clone(), all);
        }
        let all = &of_metric[&u.metric];
        let why = if all.is_empty() {
            format!("Prometheus stores no series of `{}` at all", u.metric)
        } else {
            // The first matcher no stored series satisfies, with the values seen.
            let failing = u.matchers.iter().find(|(k, op, v)| {
                let test = matcher(op, v);
                !all.iter().any(|s| test(s.get(k).unwrap_or("")))
            });
            match failing {
                Some((k, op, v)) => {
                    let mut seen: Vec<&str> = all.iter().filter_map(|s| s.get(k)).collect();
                    seen.sort_unstable();
                    seen.dedup();
                    if seen.is_empty() {
                        format!("`{}` has {} series, none with the label `{k}` (matcher `{k}{op}\"{v}\"`)", u.metric, all.len())
                    } else {
                        format!("`{}` has {} series, but its `{k}` values ({}) never satisfy `{k}{op}\"{v}\"`", u.metric, all.len(), some(&seen, 5))
                    }
                }
                None => format!(
                    "`{}` has {} series, but none satisfies all of the matchers together",
                    u.metric,
                    all.len()
                ),
            }
        };
        diags.push(
            Diagnostic::warning(CODE_NO_SERIES, u.span, format!("{} reads `{}`, which returns no series: {why}", u.what, u.selector))
                .help("the rule evaluates to nothing and its alert can never fire: fix the matcher, or the label value the service exposes"),
        );
    }
    Ok(answers.len())
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS311",
        title: "declared metric not exposed",
        severity: "error",
        explanation: "`obspec live-check` found no series of a metric the spec declares: the running service was not rebuilt, the metric was renamed in code, or a labelled metric was never used (it appears once a label set is used). SLOs, alerts and dashboards built on the spec read nothing. The finding points at the metric in the spec.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS311\n")), ("metrics.prom", "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS312",
        title: "exposed metric not declared",
        severity: "error",
        explanation: "A metric in the service's namespace is exposed but not in the spec (an error), or metrics outside the namespace that no known client library produces are exposed (a warning): hand-written metrics next to the generated ones, which no review bounded. Metrics of client libraries (`process_*`, `go_*`, `promhttp_*`, `python_*`, `jvm_*`...) are not findings.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop # <- OBS312\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n# TYPE shop_retries_total counter\nshop_retries_total 3\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS313",
        title: "exposed with another type",
        severity: "error",
        explanation: "The service exposes a metric with another type than the spec's: a counter as a gauge loses `rate`'s reset handling, a histogram as a summary has no buckets for the latency SLIs. A metric exposed without `# TYPE` is a warning.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter # <- OBS313\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total gauge\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS314",
        title: "HELP or unit differs",
        severity: "warning",
        explanation: "The exposed HELP text (or OpenMetrics unit) is not the spec's: the running binary was built from another version of the spec.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed. # <- OBS314\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS315",
        title: "exposed label the spec does not give the metric",
        severity: "error",
        explanation: "A series carries a label the spec does not give its metric (service const labels and the scrape's target labels excepted): a wrapper library adds `pod`, or code passes a label by hand. Its values are unbounded as far as the review knows.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS315\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\",pod=\"web-1\"} 5\nshop_orders_total{status=\"failed\",pod=\"web-1\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS316",
        title: "declared label not exposed",
        severity: "error",
        explanation: "A metric is exposed without a label the spec gives it (or only some of its series carry it): queries, SLIs and dashboards that select or group by it read nothing.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels:\n      - status # <- OBS316\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total 6\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels:\n      - status\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS317",
        title: "exposed value outside a closed domain",
        severity: "error",
        explanation: "A label with a closed domain (`values:`) is exposed with a value outside it (the finding lists a few), or a const label with another value: a value built from input, or a case the code renamed. SLIs that enumerate the values miss it.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]} # <- OBS317\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"FAILED\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS318",
        title: "more series than the spec allows",
        severity: "error",
        explanation: "An open label takes more distinct values than its `max_cardinality` (an error at the bound), a metric exposes more series than the project's `max_series_per_metric` or the service more than `max_series_per_service` (errors), or a metric more than the spec's own estimate (a warning): the cardinality the spec was reviewed against is not what the TSDB pays.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  route: {max_cardinality: 2} # <- OBS318\nmetrics:\n", "  shop_requests_total: {type: counter, help: Requests., labels: [route]}\n")), ("metrics.prom", "# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\nshop_requests_total{route=\"/a\"} 1\nshop_requests_total{route=\"/b\"} 1\nshop_requests_total{route=\"/c/42\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  route: {max_cardinality: 2}\nmetrics:\n", "  shop_requests_total: {type: counter, help: Requests., labels: [route]}\n")), ("metrics.prom", "# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\nshop_requests_total{route=\"/a\"} 1\nshop_requests_total{route=\"/b\"} 1\n")],
    },
    Rule {
        code: "OBS319",
        title: "exposed buckets differ",
        severity: "error",
        explanation: "A histogram is exposed with other bucket bounds than the spec's (or without `+Inf`): latency SLIs and bucket queries select `le` by value, so they read nothing or the wrong bucket.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n", "  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.25] # <- OBS319\n")), ("metrics.prom", "# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{le=\"0.1\"} 1\nshop_latency_seconds_bucket{le=\"0.5\"} 2\nshop_latency_seconds_bucket{le=\"+Inf\"} 2\nshop_latency_seconds_sum 0.4\nshop_latency_seconds_count 2\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n", "  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n")), ("metrics.prom", "# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{le=\"0.1\"} 1\nshop_latency_seconds_bucket{le=\"0.5\"} 2\nshop_latency_seconds_bucket{le=\"+Inf\"} 2\nshop_latency_seconds_sum 0.4\nshop_latency_seconds_count 2\n")],
    },
    Rule {
        code: "OBS320",
        title: "selector that returns no series in Prometheus",
        severity: "warning",
        explanation: "`obspec live-check --prometheus` asks the server for every raw-series selector of the service's alerts, SLIs and recordings. One that returns nothing makes its rule evaluate to nothing, and its alert never fires; the finding says why, against what the server stores (no series of the metric at all, or which matcher no stored value satisfies). The example's `.series` file stands for what the Prometheus stores.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n", "alerts:\n  ShopOrdersFailing:\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1 # <- OBS320\n    severity: warning\n    summary: Orders fail.\n")), ("stored.series", "shop_orders_total{status=\"ok\"} 5\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n", "alerts:\n  ShopOrdersFailing:\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1\n    severity: warning\n    summary: Orders fail.\n")), ("stored.series", "shop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::exposition::{parse, Format};

    const SPEC: &str = "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  route: {max_cardinality: 2}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.1, 0.5]}\n";

    fn run(expo: &str) -> Report {
        let loaded = crate::lint::check_texts([("shop.yaml", SPEC)]);
        assert!(loaded.diagnostics.is_empty());
        let e = parse(expo, Format::Text).unwrap();
        let svc = select_service(&loaded.specs, None, &e).unwrap();
        check(&loaded.specs, svc, &e, &Options::default())
    }

    fn codes(r: &Report) -> Vec<&'static str> {
        r.diagnostics.iter().map(|d| d.code).collect()
    }

    const GOOD: &str = "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 3\nshop_orders_total{status=\"failed\"} 1\n# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{route=\"a\",le=\"0.1\"} 1\nshop_latency_seconds_bucket{route=\"a\",le=\"0.5\"} 1\nshop_latency_seconds_bucket{route=\"a\",le=\"+Inf\"} 1\nshop_latency_seconds_sum{route=\"a\"} 0.05\nshop_latency_seconds_count{route=\"a\"} 1\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n";

    #[test]
    fn conforming_exposition_is_clean() {
        let r = run(GOOD);
        assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
        assert_eq!(r.metrics_checked, 2);
        assert_eq!(r.series_seen, 7);
    }

    #[test]
    fn deviations_are_reported() {
        let bad = GOOD
            .replace("status=\"failed\"", "status=\"FAILED\"")
            .replace("le=\"0.5\"", "le=\"1\"")
            .replace(
                "# TYPE shop_orders_total counter",
                "# TYPE shop_orders_total gauge",
            )
            + "# TYPE shop_carts gauge\nshop_carts{pod=\"a\"} 1\nhandmade_total 2\n";
        let r = run(&bad);
        let c = codes(&r);
        for want in [CODE_DOMAIN_VALUE, CODE_BUCKETS, CODE_TYPE, CODE_UNDECLARED] {
            assert!(c.contains(&want), "{want} missing in {c:?}");
        }
        let text: Vec<String> = r.diagnostics.iter().map(|d| d.message.clone()).collect();
        assert!(text.iter().any(|m| m.contains("`FAILED`")), "{text:?}");
        assert!(
            text.iter().any(|m| m.contains("handmade_total")),
            "{text:?}"
        );
    }

    #[test]
    fn labels_and_cardinality() {
        let bad = GOOD.replace(
            "shop_orders_total{status=\"ok\"} 3",
            "shop_orders_total{status=\"ok\",pod=\"p1\"} 3",
        ) + "";
        let r = run(&bad);
        assert!(codes(&r).contains(&CODE_EXTRA_LABEL), "{:?}", codes(&r));
        let mut many = String::from("# TYPE shop_latency_seconds histogram\n");
        for route in ["a", "b", "c"] {
            for le in ["0.1", "0.5", "+Inf"] {
                many.push_str(&format!(
                    "shop_latency_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} 1\n"
                ));
            }
        }
        let r = run(&many);
        let c = codes(&r);
        assert!(c.contains(&CODE_SERIES), "{c:?}");
        assert!(c.contains(&CODE_ABSENT), "{c:?}");
    }

    #[test]
    fn selectors_without_series_are_explained() {
        let spec = format!("{SPEC}alerts:\n  ShopFailing:\n    expr: 'sum(rate(shop_orders_total{{status=\"failed\"}}[5m])) > 1'\n    severity: warning\n    summary: Orders fail.\n");
        let loaded = crate::lint::check_texts([("shop.yaml", spec.as_str())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let uses = selector_uses(&loaded.specs.services[0]);
        assert_eq!(uses.len(), 1);
        let mut diags = Diagnostics::default();
        let stored: Series = [[("__name__", "shop_orders_total"), ("status", "ok")]]
            .into_iter()
            .collect();
        let answer = |sel: &str| {
            if sel.contains("failed") {
                Series::default()
            } else {
                stored.clone()
            }
        };
        let n = check_selectors(
            &uses,
            |sel| -> Result<_, String> { Ok(answer(sel).len()) },
            |sel| -> Result<_, String> { Ok(answer(sel)) },
            &mut diags,
        )
        .unwrap();
        assert_eq!(n, 1);
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("`status` values (`ok`)"),
            "{}",
            d[0].message
        );
    }
}
