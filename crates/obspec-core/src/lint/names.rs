//! Names (service, namespace, metrics, units), help texts, labels and histogram buckets.

use std::collections::HashSet;

use obspec_rules::{check_label_name, check_metric_name, check_namespace, check_unit, MetricName};

use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{MetricType, Service, Specs};

pub const CODE_UNDECLARED_LABEL: &str = "OBS204";
pub const CODE_FORBIDDEN_LABEL: &str = "OBS205";
pub const CODE_LABEL_COLLISION: &str = "OBS206";
pub const CODE_DUP_LABEL: &str = "OBS209";
pub const CODE_BUCKETS: &str = "OBS401";
pub const CODE_BUCKET_UNIT: &str = "OBS402";
pub const CODE_BUCKETS_KIND: &str = "OBS403";

/// Longest service name: it names generated files (with suffixes such as
/// `.prometheusrule.yml`, well under the 255-byte file-name limit), Kubernetes
/// objects and label values, which are DNS labels of at most 63 characters.
pub const MAX_SERVICE_NAME: usize = 63;

/// Labels every scrape adds, whatever the project says.
pub const SCRAPE_LABELS: [&str; 2] = ["job", "instance"];

pub fn check_service(specs: &Specs, svc: &Service, diags: &mut Diagnostics) {
    let name = &svc.service;
    let kebab = !name.is_empty()
        && name.as_bytes()[0].is_ascii_lowercase()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.ends_with('-')
        && !name.contains("--");
    if kebab && name.len() > MAX_SERVICE_NAME {
        diags.push(
            Diagnostic::error(
                obspec_rules::codes::NAMESPACE_INVALID,
                name.span,
                format!(
                    "service name is {} characters long; at most {MAX_SERVICE_NAME}",
                    name.len()
                ),
            )
            .help("the service name names generated files, Kubernetes objects and label values (a DNS label: 63 characters)"),
        );
    }
    if !kebab {
        diags.push(
            Diagnostic::error(
                obspec_rules::codes::NAMESPACE_INVALID,
                name.span,
                format!("service name `{}` is not kebab-case", name.value),
            )
            .help("service names are lower-case words joined by `-`, e.g. `payment-gateway`"),
        );
    }
    for v in check_namespace("namespace", &svc.namespace) {
        diags.push(Diagnostic::from_violation(v, svc.namespace.span));
    }
    metrics(svc, diags);
    labels(specs, svc, diags);
}

fn metrics(svc: &Service, diags: &mut Diagnostics) {
    for (name, m) in svc.metrics.iter() {
        if let Some(sub) = &m.subsystem {
            for v in check_namespace("subsystem", sub) {
                diags.push(Diagnostic::from_violation(v, sub.span));
            }
        }
        if let Some(unit) = &m.unit {
            for v in check_unit(unit) {
                diags.push(Diagnostic::from_violation(v, unit.span));
            }
        }
        for v in check_metric_name(MetricName {
            name,
            kind: m.kind.kind(),
            unit: m.unit.as_ref().map(|u| u.as_str()),
            namespace: Some(&svc.namespace),
            subsystem: m.subsystem.as_ref().map(|s| s.as_str()),
        }) {
            // A unit problem is best shown on the `unit:` line when there is one.
            let span = match (&m.unit, v.code) {
                (Some(u), obspec_rules::codes::METRIC_UNIT_NOT_BASE) => u.span,
                _ => name.span,
            };
            diags.push(Diagnostic::from_violation(v, span));
        }
        if m.help.as_ref().is_none_or(|h| h.trim().is_empty()) {
            let span = m.help.as_ref().map_or(name.span, |h| h.span);
            diags.push(
                Diagnostic::error(
                    obspec_rules::codes::METRIC_HELP_MISSING,
                    span,
                    format!("metric `{}` has no help text", name.value),
                )
                .help("add `help:` with one sentence saying what is counted or measured; it becomes the HELP line"),
            );
        }
        buckets(name, m, diags);
    }
}

fn buckets(name: &str, m: &obspec_spec::model::Metric, diags: &mut Diagnostics) {
    let is_hist = m.kind.value == MetricType::Histogram;
    let Some(buckets) = &m.buckets else {
        if is_hist {
            diags.push(
                Diagnostic::error(CODE_BUCKETS_KIND, m.kind.span, format!("histogram `{name}` declares no buckets"))
                    .help("add `buckets: [...]` with upper bounds that bracket your objectives, e.g. [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] seconds"),
            );
        }
        return;
    };
    if !is_hist {
        diags.push(
            Diagnostic::error(
                CODE_BUCKETS_KIND,
                buckets.span,
                format!(
                    "`buckets` on {} `{name}`, which is not a histogram",
                    m.kind.as_str()
                ),
            )
            .help("remove `buckets`, or make the metric `type: histogram`"),
        );
        return;
    }
    if buckets.is_empty() {
        diags.push(
            Diagnostic::error(
                CODE_BUCKETS,
                buckets.span,
                format!("histogram `{name}` has an empty bucket list"),
            )
            .help("list at least one upper bound; `+Inf` is added automatically"),
        );
        return;
    }
    let mut prev: Option<f64> = None;
    for b in buckets.iter() {
        let v = b.value;
        if !v.is_finite() {
            diags.push(
                Diagnostic::error(
                    CODE_BUCKETS,
                    b.span,
                    format!("bucket bound `{v}` is not finite"),
                )
                .help("list finite bounds only; the `+Inf` bucket is always added"),
            );
        } else if v <= 0.0 {
            diags.push(
                Diagnostic::error(
                    CODE_BUCKETS,
                    b.span,
                    format!("bucket bound `{v}` is not positive"),
                )
                .help("bucket bounds are positive upper bounds"),
            );
        } else if let Some(p) = prev.filter(|p| v <= *p) {
            diags.push(
                Diagnostic::error(
                    CODE_BUCKETS,
                    b.span,
                    format!("bucket bound `{v}` does not increase (previous is `{p}`)"),
                )
                .help("list bucket bounds in strictly increasing order, each once"),
            );
        }
        if v.is_finite() {
            prev = Some(prev.map_or(v, |p| p.max(v)));
        }
        if let Some(why) = implausible(m.unit.as_ref().map(|u| u.as_str()), v) {
            diags.push(
                Diagnostic::warning(
                    CODE_BUCKET_UNIT,
                    b.span,
                    format!("bucket bound `{v}` is implausible: {why}"),
                )
                .help("check that the bucket bounds are in the metric's base unit"),
            );
        }
    }
}

fn implausible(unit: Option<&str>, v: f64) -> Option<String> {
    if !v.is_finite() || v <= 0.0 {
        return None;
    }
    match unit? {
        "seconds" if v > 86_400.0 => Some(format!(
            "{v} seconds is more than a day (were these milliseconds?)"
        )),
        "seconds" if v < 1e-6 => Some(format!("{v} seconds is less than a microsecond")),
        "bytes" if v.fract() != 0.0 => Some(format!("{v} bytes is a fraction of a byte")),
        "ratio" if v > 1.0 => Some(format!(
            "a ratio of {v} is more than 1 (was this a percentage?)"
        )),
        _ => None,
    }
}

// Long: three short loops (domains, const labels, each metric's labels) over one service's label index.
fn labels(specs: &Specs, svc: &Service, diags: &mut Diagnostics) {
    let conv = &specs.project.conventions;
    let forbidden: HashSet<&str> = conv.forbidden_labels.iter().map(|l| l.as_str()).collect();
    let target: Vec<&str> = conv
        .required_target_labels
        .iter()
        .map(|l| l.as_str())
        .chain(SCRAPE_LABELS)
        .collect();
    let forbid = |name: &str, span, diags: &mut Diagnostics| {
        if forbidden.contains(name) {
            diags.push(
                Diagnostic::error(CODE_FORBIDDEN_LABEL, span, format!("label `{name}` is forbidden by the project conventions"))
                    .help(format!("`{name}` takes a new value per user or request and explodes the series count: put it in logs or trace attributes, not on metrics")),
            );
            true
        } else {
            false
        }
    };

    for (name, dom) in svc.labels.iter() {
        for v in check_label_name(name) {
            diags.push(Diagnostic::from_violation(v, name.span));
        }
        forbid(name, name.span, diags);
        if target.contains(&name.as_str()) {
            diags.push(
                Diagnostic::error(CODE_LABEL_COLLISION, name.span, format!("label `{}` is a target label, added by the scrape", name.value))
                    .help("Prometheus renames a metric label that collides with a target label to `exported_<name>`: choose another name"),
            );
        }
        if let Some(values) = &dom.values {
            let mut seen = HashSet::new();
            for v in values {
                if !seen.insert(v.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            CODE_DUP_LABEL,
                            v.span,
                            format!(
                                "value `{}` is listed twice for label `{}`",
                                v.value, name.value
                            ),
                        )
                        .help("list each value once"),
                    );
                }
            }
        }
    }

    for (name, value) in svc.const_labels.iter() {
        for v in check_label_name(name) {
            diags.push(Diagnostic::from_violation(v, name.span));
        }
        forbid(name, name.span, diags);
        let clash = if target.contains(&name.as_str()) {
            Some("a target label, added by the scrape".to_string())
        } else if svc.labels.get(name).is_some() {
            Some("also declared under `labels:`".to_string())
        } else {
            None
        };
        if let Some(why) = clash {
            diags.push(
                Diagnostic::error(
                    CODE_LABEL_COLLISION,
                    name.span,
                    format!("const label `{}` is {why}", name.value),
                )
                .help("a label is either constant for the service or varies per series, not both"),
            );
        }
        let _ = value;
    }

    for (mname, m) in svc.metrics.iter() {
        let mut seen = HashSet::new();
        for l in &m.labels {
            if !seen.insert(l.as_str()) {
                diags.push(
                    Diagnostic::error(
                        CODE_DUP_LABEL,
                        l.span,
                        format!("label `{}` is listed twice on `{}`", l.value, mname.value),
                    )
                    .help("list each label once"),
                );
                continue;
            }
            let bad = check_label_name(l);
            let reported = !bad.is_empty();
            for v in bad {
                diags.push(Diagnostic::from_violation(v, l.span));
            }
            if reported || forbid(l, l.span, diags) {
                continue;
            }
            if svc.const_labels.get(l).is_some() {
                diags.push(
                    Diagnostic::error(CODE_LABEL_COLLISION, l.span, format!("label `{}` of `{}` collides with a const label", l.value, mname.value))
                        .help("drop it from the metric: const labels are added to every metric of the service"),
                );
            } else if target.contains(&l.as_str()) {
                diags.push(
                    Diagnostic::error(
                        CODE_LABEL_COLLISION,
                        l.span,
                        format!(
                            "label `{}` of `{}` is a target label, added by the scrape",
                            l.value, mname.value
                        ),
                    )
                    .help("drop it: Prometheus would rename it to `exported_<name>`"),
                );
            } else if svc.labels.get(l).is_none() {
                let known: Vec<&str> = svc.labels.keys().collect();
                let mut d = Diagnostic::error(
                    CODE_UNDECLARED_LABEL,
                    l.span,
                    format!("label `{}` of `{}` is not declared", l.value, mname.value),
                );
                d = match obspec_spec::load::did_you_mean(l, &known) {
                    Some(s) => d.help(format!("did you mean `{s}`? Otherwise declare `{}` under `labels:` with its `values` or `max_cardinality`", l.value)),
                    None => d.help(format!("declare `{}` under `labels:` with its `values` or `max_cardinality`", l.value)),
                };
                diags.push(d);
            }
        }
    }
}
