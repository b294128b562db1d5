//! Names (service, namespace, metrics, units), help texts, labels and histogram buckets.

use std::collections::HashSet;

use obspec_rules::{check_label_name, check_metric_name, check_namespace, check_unit, MetricName};

use crate::lint::examples::spec;
use crate::lint::examples::GOOD;
use crate::lint::examples::HEAD;
use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{MetricType, Service, Specs};

pub const CODE_UNDECLARED_LABEL: &str = "OBS204";
pub const CODE_FORBIDDEN_LABEL: &str = "OBS205";
pub const CODE_LABEL_COLLISION: &str = "OBS206";
pub const CODE_DUP_LABEL: &str = "OBS209";
pub const CODE_BUCKETS: &str = "OBS401";
pub const CODE_BUCKET_UNIT: &str = "OBS402";
pub const CODE_BUCKETS_KIND: &str = "OBS403";
pub const CODE_EXTERNAL_TYPE: &str = "OBS109";
pub const CODE_EXTERNAL_RULES: &str = "OBS110";

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
    if svc.is_external() {
        external(svc, diags);
        return;
    }
    for v in check_namespace("namespace", &svc.namespace) {
        diags.push(Diagnostic::from_violation(v, svc.namespace.span));
    }
    metrics(svc, diags);
    labels(specs, svc, diags);
}

/// The labels `functions:` and `http:` declare (located at the section)
/// are the runtime's: it records their values from its own domain. A label
/// of the same name declared by hand under `labels:` would be kept in its
/// place, and the docs, series counts and checks would describe values the
/// runtime never records.
fn runtime_labels(svc: &Service, diags: &mut Diagnostics) {
    let sections: [(&str, Option<obspec_spec::source::Span>, &[&str]); 2] = [
        (
            "functions",
            svc.functions.as_ref().and_then(|f| f.span),
            &["function", "outcome"],
        ),
        (
            "http",
            svc.http.as_ref().and_then(|h| h.span),
            &["route", "method", "status_class"],
        ),
    ];
    for (section, span, names) in sections {
        let Some(span) = span else {
            continue;
        };
        for (name, _) in svc.labels.iter() {
            if names.contains(&name.as_str()) && name.span != span {
                diags.push(
                    Diagnostic::error(
                        CODE_LABEL_COLLISION,
                        name.span,
                        format!(
                            "label `{}` is declared here and by `{section}:`, which records its own values",
                            name.value
                        ),
                    )
                    .note(span, format!("`{section}:` declares `{}`", name.value))
                    .help(format!(
                        "the `{section}:` runtime sets `{}`: remove this declaration, or give the service's own label another name",
                        name.value
                    )),
                );
            }
        }
    }
}

/// An `external: true` catalog: names are the exporter's, so only what
/// Prometheus itself requires of them is checked (valid metric and label
/// names, each label once); it holds metrics only, nothing obspec would
/// generate rules or code from.
fn external(svc: &Service, diags: &mut Diagnostics) {
    let sections = [
        ("slos", svc.slos.entries.first().map(|e| e.0.span)),
        ("alerts", svc.alerts.entries.first().map(|e| e.0.span)),
        (
            "recordings",
            svc.recordings.entries.first().map(|e| e.0.span),
        ),
        ("functions", svc.functions.as_ref().and_then(|f| f.span)),
        ("http", svc.http.as_ref().and_then(|h| h.span)),
        ("logs", svc.logs.as_ref().and_then(|l| l.span)),
    ];
    for (key, span) in sections {
        if let Some(span) = span {
            diags.push(
                Diagnostic::error(
                    CODE_EXTERNAL_RULES,
                    span,
                    format!("`{key}` in an `external: true` spec"),
                )
                .help(format!(
                    "an external spec catalogs metrics another system emits; put the `{key}` that read them in the spec of the service whose team owns them"
                )),
            );
        }
    }
    for (name, dom) in svc.labels.iter() {
        for v in check_label_name(name) {
            diags.push(Diagnostic::from_violation(v, name.span));
        }
        if let Some(values) = &dom.values {
            let mut seen = HashSet::new();
            for v in values.iter().filter(|v| !seen.insert(v.as_str())) {
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
    for (mname, m) in svc.metrics.iter() {
        if !obspec_rules::is_valid_prometheus_metric_name(mname) {
            diags.push(
                Diagnostic::error(
                    obspec_rules::codes::METRIC_NAME_INVALID,
                    mname.span,
                    format!("`{}` is not a Prometheus metric name", mname.value),
                )
                .help("metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`: write the name as the exporter exposes it"),
            );
        }
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
            for v in check_label_name(l) {
                diags.push(Diagnostic::from_violation(v, l.span));
            }
        }
        if m.buckets.is_some() {
            buckets(mname, m, diags);
        }
    }
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
        // Summaries and untyped series exist only in external catalogs.
        let Some(kind) = m.kind.kind() else {
            diags.push(
                Diagnostic::error(
                    CODE_EXTERNAL_TYPE,
                    m.kind.span,
                    format!(
                        "`{}` is a {}, which only an `external: true` spec declares",
                        name.value,
                        m.kind.value.as_str()
                    ),
                )
                .help("obspec emits counters, gauges, histograms and info metrics: a histogram's buckets aggregate where a summary's quantiles do not. For an exporter's metrics, catalog them in an `external: true` spec"),
            );
            continue;
        };
        for v in check_metric_name(MetricName {
            name,
            kind,
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

    runtime_labels(svc, diags);

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

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: CODE_EXTERNAL_TYPE,
        title: "summary or untyped metric in a spec obspec emits",
        severity: "error",
        explanation: "`summary` and `untyped` describe what other programs expose: an exporter's summary with its `quantile` label, a series without a `# TYPE`. A service obspec instruments emits histograms instead (their buckets aggregate across instances, a summary's quantiles do not), and every type it emits is known. Catalog an exporter's metrics in a spec with `external: true`, where both types are accepted.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_latency_seconds:"
            "    type: summary # <- OBS109"
            "    unit: seconds"
            "    help: Order latency."
        ))],
        good: &[("node-exporter.yaml", "obspec: 1\nservice: node-exporter\nexternal: true\nmetrics:\n  go_gc_duration_seconds: {type: summary, help: A summary of the pause duration of garbage collection cycles.}\n  node_memory_MemAvailable_bytes: {type: gauge}\n")],
    },
    Rule {
        code: CODE_EXTERNAL_RULES,
        title: "rules or instrumentation in an external spec",
        severity: "error",
        explanation: "A spec with `external: true` catalogs metrics another system emits (node_exporter, kube-state-metrics, the kubelet): obspec generates nothing from it but its docs page. SLOs, alerts and recording rules over those metrics belong in the spec of the service whose team owns them, which may read any external metric; `functions:`, `http:` and `logs:` describe a program obspec instruments, which an external system is not.",
        bad: &[("node-exporter.yaml", "obspec: 1\nservice: node-exporter\nexternal: true\nmetrics:\n  node_load1: {type: gauge}\nalerts:\n  NodeLoadHigh: # <- OBS110\n    expr: node_load1 > 10\n    severity: warning\n    summary: Load high.\n")],
        good: &[
            ("node-exporter.yaml", "obspec: 1\nservice: node-exporter\nexternal: true\nmetrics:\n  node_load1: {type: gauge}\n"),
            ("platform.yaml", "obspec: 1\nservice: platform\nnamespace: platform\nalerts:\n  NodeLoadHigh:\n    expr: node_load1 > 10\n    for: 15m\n    severity: warning\n    summary: \"Load high on {{ $labels.instance }}\"\n"),
        ],
    },
    Rule {
        code: "OBS101",
        title: "invalid metric name",
        severity: "error",
        explanation: "Metric names match `[a-z_][a-z0-9_]*`: lower-case snake_case. Upper case is legal in Prometheus but breaks the convention every query relies on; colons are reserved for recording rules; a leading `__` is reserved by Prometheus. An `external: true` catalog names metrics as their exporter exposes them: any name Prometheus accepts, `[a-zA-Z_:][a-zA-Z0-9_:]*` (node_exporter's `node_memory_MemAvailable_bytes`), and the namespace, suffix and unit rules (OBS102 to OBS108) do not apply to it.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_Orders_total: # <- OBS101"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS102",
        title: "metric name does not start with the namespace",
        severity: "error",
        explanation: "Metric names follow `namespace_subsystem_name`: every metric of a service starts with its `namespace` and an underscore (and with `namespace_subsystem_` when the metric declares a `subsystem`). This keeps names unique across services and lets a query select one service's metrics by prefix.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  orders_total: # <- OBS102"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS103",
        title: "reserved suffix",
        severity: "error",
        explanation: "Client libraries append `_bucket`, `_count`, `_sum` and `_created` to the series they expose, so a metric named with one of them collides with another metric's series. `_info` is reserved for info metrics (`type: info`), which in turn must end with `_info`.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_active_count: # <- OBS103"
            "    type: gauge"
            "    help: Active carts."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_active_carts:"
            "    type: gauge"
            "    help: Active carts."
        ))],
    },
    Rule {
        code: "OBS104",
        title: "`_total` suffix",
        severity: "error",
        explanation: "Counters end with `_total` (OpenMetrics exposes counters that way), and nothing else does: a gauge named `..._total` invites `rate()` on a value that goes down.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders: # <- OBS104"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS105",
        title: "unit suffix does not match the unit",
        severity: "error",
        explanation: "A metric that declares `unit: U` is named `..._U` (`..._U_total` for counters), so that the unit is visible in every query. A name that ends with a base unit but declares no `unit` is a warning: tools (dashboards, docs) read the unit from the spec. The unit itself is a lower-case word.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_latency: # <- OBS105"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_latency_seconds:"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
    },
    Rule {
        code: "OBS106",
        title: "unit is not a base unit",
        severity: "error",
        explanation: "Prometheus metrics use base units: seconds (not milliseconds or minutes), bytes (not kilobytes or bits), ratio (not percent), meters, grams, volts, amperes, joules, celsius. Mixed units make every cross-service query and dashboard wrong by a factor. Convert when recording.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_milliseconds:"
            "    type: gauge"
            "    unit: milliseconds # <- OBS106"
            "    help: Latency of the last checkout."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
    },
    Rule {
        code: "OBS107",
        title: "help text missing",
        severity: "error",
        explanation: "Every metric has a `help` text: it becomes the HELP line of the exposition, the rustdoc of generated code, and the description on dashboards and in the catalog.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total: # <- OBS107"
            "    type: counter"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS108",
        title: "invalid service, namespace or subsystem name",
        severity: "error",
        explanation: "A service name is kebab-case (`payment-gateway`) of at most 63 characters: it names generated files, Kubernetes objects and label values (a DNS label). A namespace or subsystem is a metric-name prefix: lower-case snake_case starting with a letter, without trailing or double underscores.",
        bad: &[("shop.yaml", "obspec: 1\nservice: shop\nnamespace: Shop_ # <- OBS108\n")],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS201",
        title: "invalid label name",
        severity: "error",
        explanation: "Label names match `[a-zA-Z_][a-zA-Z0-9_]*`. Dashes, dots and leading digits are rejected by Prometheus at scrape time.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  payment-method: {values: [card, cash]} # <- OBS201"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [payment-method]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  payment_method: {values: [card, cash]}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [payment_method]}"
        ))],
    },
    Rule {
        code: "OBS202",
        title: "label name starts with `__`",
        severity: "error",
        explanation: "Label names starting with `__` are reserved for Prometheus' internal use (`__name__`, `__address__`...) and are dropped or overwritten.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  __status: {values: [ok, failed]} # <- OBS202"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [__status]}"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS203",
        title: "`le` or `quantile` as a user label",
        severity: "error",
        explanation: "`le` holds histogram bucket bounds and `quantile` summary quantiles. A user label with either name corrupts `histogram_quantile()` and friends.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  le: {values: [a, b]} # <- OBS203"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [le]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  level: {values: [a, b]}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [level]}"
        ))],
    },
    Rule {
        code: "OBS204",
        title: "undeclared label",
        severity: "error",
        explanation: "Every label a metric uses is declared under the service's `labels:` with its domain (closed `values` or a `max_cardinality` bound). The declaration is what makes the series count computable and the generated code typed.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, country] # <- OBS204"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed]}"
            "  country: {max_cardinality: 250}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, country]"
        ))],
    },
    Rule {
        code: "OBS205",
        title: "forbidden label",
        severity: "error",
        explanation: "Labels listed in `conventions.forbidden_labels` (default: user_id, request_id, tracking_id, session_id, trace_id, span_id) take a new value per user or request. On a metric each value is a new series, forever: memory, storage and query time grow without bound. Put such identifiers in logs and trace attributes; use exemplars to link a metric to a trace.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  user_id: {max_cardinality: 100} # <- OBS205"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [user_id] # <- OBS205"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS206",
        title: "label collision",
        severity: "error",
        explanation: "A label is defined twice: a metric label that is also a const label, a const label that is also declared under `labels:`, or a metric or const label named like a target label (`job`, `instance`, and `conventions.required_target_labels`), which Prometheus would rename to `exported_<name>` at scrape time.",
        bad: &[("shop.yaml", spec!(
            "const_labels: {tier: P0}"
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, tier] # <- OBS206"
        ))],
        good: &[("shop.yaml", spec!(
            "const_labels: {tier: P0}"
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status]"
        ))],
    },
    Rule {
        code: "OBS209",
        title: "label or value listed twice",
        severity: "error",
        explanation: "A metric lists the same label twice, or a closed domain lists the same value twice.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed, ok]} # <- OBS209"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS401",
        title: "invalid histogram buckets",
        severity: "error",
        explanation: "Bucket bounds are finite, positive and strictly increasing. `+Inf` is always added by the client and must not be listed.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.5, 0.25, 1] # <- OBS401"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1]"
        ))],
    },
    Rule {
        code: "OBS402",
        title: "bucket implausible for the unit",
        severity: "warning",
        explanation: "A bucket bound that makes no sense for the metric's unit: more than a day or less than a microsecond in seconds (often milliseconds written as seconds), a fraction of a byte, or a ratio above 1 (often a percentage).",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [100, 250, 500, 1000, 100000] # <- OBS402"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1, 100]"
        ))],
    },
    Rule {
        code: "OBS403",
        title: "buckets missing or misplaced",
        severity: "error",
        explanation: "A histogram declares its `buckets` (defaults never fit: they decide which latency objectives can be measured); other metric types have none.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram # <- OBS403"
            "    unit: seconds"
            "    help: Checkout latency."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1]"
        ))],
    },
];
