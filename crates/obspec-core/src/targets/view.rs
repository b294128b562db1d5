//! The template context: a flattened, precomputed view of a service that every
//! target's templates share (documented in docs/templates.md). Numbers are
//! preformatted strings where exactness matters.

use serde::Serialize;

use crate::expr::series::{estimate, histogram_series};
use crate::format::decimal::fmt_f64;
use crate::slo::windows::error_budget_percent;
use obspec_spec::model::{MetricType, Service, Specs};
use obspec_spec::source::Sources;

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    /// The project name, or empty.
    pub name: String,
    pub environments: Vec<String>,
    pub required_target_labels: Vec<String>,
    pub severities: Vec<String>,
    pub max_series_per_metric: u64,
    pub max_series_per_service: u64,
    /// Every service, sorted by name: `{name, file}`.
    pub services: Vec<ServiceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceRef {
    pub name: String,
    pub file: String,
    pub team: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub name: String,
    pub namespace: String,
    /// An `external: true` catalog: metrics the project reads, emitted by
    /// another system (no namespace, open labels, no series budget).
    pub external: bool,
    pub team: String,
    pub description: String,
    /// The spec file, relative to the spec directory.
    pub file: String,
    pub const_labels: Vec<KeyValue>,
    pub labels: Vec<LabelView>,
    pub metrics: Vec<MetricView>,
    pub slos: Vec<SloView>,
    pub alerts: Vec<AlertView>,
    /// Series estimate of all metrics together.
    pub series: u64,
    /// The log events (`logs:`), with the stream labels and the target.
    pub log_events: Vec<LogEventView>,
    pub log_stream_labels: Vec<String>,
    pub log_target: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogEventView {
    pub name: String,
    pub level: &'static str,
    pub message: String,
    pub description: String,
    /// `name: type` per field, with `?` for optional and `(hashed)`.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelView {
    pub name: String,
    /// The closed value set; empty for a bounded open domain.
    pub values: Vec<String>,
    /// `values.len()` for a closed domain, `max_cardinality` otherwise.
    pub cardinality: u64,
    pub closed: bool,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    pub name: String,
    /// counter, gauge, histogram or info.
    pub kind: &'static str,
    pub unit: String,
    pub help: String,
    pub subsystem: String,
    pub stability: String,
    pub deprecated: String,
    pub labels: Vec<LabelView>,
    /// Bucket bounds as written (`0.05`, `1`).
    pub buckets: Vec<String>,
    pub series: u64,
    /// How `series` is computed: `region(3) × status(2) = 6`.
    pub series_computation: String,
    /// Series per label combination (1, or buckets + 3 for a histogram).
    pub series_per_child: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SloView {
    pub name: String,
    pub description: String,
    /// As written, e.g. `99.9`.
    pub objective: String,
    /// `100 - objective`, exact, e.g. `0.1`.
    pub error_budget: String,
    pub window: String,
    /// `errors`, `latency` or `error_ratio`.
    pub sli_kind: &'static str,
    pub errors: String,
    pub total: String,
    pub latency_metric: String,
    pub latency_threshold: String,
    pub latency_selector: String,
    pub error_ratio: String,
    pub grouping: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub name: String,
    pub expr: String,
    pub r#for: String,
    pub severity: String,
    pub summary: String,
    pub description: String,
    pub runbook: String,
    pub labels: Vec<KeyValue>,
    pub annotations: Vec<KeyValue>,
}

fn s(v: &Option<obspec_spec::model::Spanned<String>>) -> String {
    v.as_ref().map(|x| x.value.clone()).unwrap_or_default()
}

pub fn project_view(specs: &Specs, sources: &Sources) -> ProjectView {
    let p = &specs.project;
    let c = &p.conventions;
    let strings =
        |v: &[obspec_spec::model::Spanned<String>]| v.iter().map(|x| x.value.clone()).collect();
    let mut services: Vec<ServiceRef> = specs
        .services
        .iter()
        .map(|svc| ServiceRef {
            name: svc.service.value.clone(),
            file: svc
                .file
                .map(|f| sources.get(f).rel.clone())
                .unwrap_or_default(),
            team: s(&svc.team),
            description: s(&svc.description),
        })
        .collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    ProjectView {
        name: s(&p.project),
        environments: strings(&p.environments),
        required_target_labels: strings(&c.required_target_labels),
        severities: strings(&c.severities),
        max_series_per_metric: c.max_series_per_metric.value,
        max_series_per_service: c.max_series_per_service.value,
        services,
    }
}

fn label_view(svc: &Service, name: &str) -> LabelView {
    let dom = svc.labels.get(name);
    let values: Vec<String> = dom
        .and_then(|d| d.values.as_ref())
        .map(|v| v.iter().map(|x| x.value.clone()).collect())
        .unwrap_or_default();
    LabelView {
        name: name.to_string(),
        closed: dom.is_some_and(|d| d.values.is_some()),
        cardinality: dom.and_then(|d| d.cardinality()).unwrap_or(1),
        description: dom.map(|d| s(&d.description)).unwrap_or_default(),
        values,
    }
}

pub fn service_view(svc: &Service, sources: &Sources) -> ServiceView {
    let metrics: Vec<MetricView> = svc
        .metrics
        .iter()
        .map(|(name, m)| {
            let e = estimate(svc, m);
            MetricView {
                name: name.value.clone(),
                kind: m.kind.as_str(),
                unit: s(&m.unit),
                help: s(&m.help),
                subsystem: s(&m.subsystem),
                stability: m
                    .stability
                    .as_ref()
                    .map(|st| format!("{:?}", st.value).to_lowercase())
                    .unwrap_or_else(|| "stable".into()),
                deprecated: s(&m.deprecated),
                labels: m.labels.iter().map(|l| label_view(svc, l)).collect(),
                buckets: m
                    .buckets
                    .as_ref()
                    .map(|b| b.iter().map(|v| fmt_f64(v.value)).collect())
                    .unwrap_or_default(),
                series: e.series,
                series_computation: e.computation,
                series_per_child: if m.kind.value == MetricType::Histogram {
                    histogram_series(m)
                } else {
                    1
                },
            }
        })
        .collect();
    let slos = svc
        .slos
        .iter()
        .map(|(name, slo)| slo_view(name, slo))
        .collect();
    let kv = |m: &obspec_spec::model::NamedMap<obspec_spec::model::Spanned<String>>| {
        m.iter()
            .map(|(k, v)| KeyValue {
                name: k.value.clone(),
                value: v.value.clone(),
            })
            .collect::<Vec<_>>()
    };
    let alerts = svc
        .alerts
        .iter()
        .map(|(name, a)| AlertView {
            name: name.value.clone(),
            expr: a.expr.value.clone(),
            r#for: s(&a.for_),
            severity: a.severity.value.clone(),
            summary: s(&a.summary),
            description: s(&a.description),
            runbook: s(&a.runbook),
            labels: kv(&a.labels),
            annotations: kv(&a.annotations),
        })
        .collect();
    ServiceView {
        name: svc.service.value.clone(),
        namespace: svc.namespace.value.clone(),
        external: svc.is_external(),
        team: s(&svc.team),
        description: s(&svc.description),
        file: svc
            .file
            .map(|f| sources.get(f).rel.clone())
            .unwrap_or_default(),
        const_labels: kv(&svc.const_labels),
        labels: svc.labels.keys().map(|l| label_view(svc, l)).collect(),
        series: metrics.iter().fold(0u64, |a, m| a.saturating_add(m.series)),
        metrics,
        slos,
        alerts,
        log_events: svc.logs.as_ref().map_or_else(Vec::new, |l| {
            l.events
                .iter()
                .map(|(n, e)| LogEventView {
                    name: n.value.clone(),
                    level: e.level.value.as_line(),
                    message: e.message.value.clone(),
                    description: s(&e.description),
                    fields: e
                        .fields
                        .iter()
                        .map(|(f, fd)| {
                            let t = match &fd.values {
                                Some(v) => format!(
                                    "enum({})",
                                    v.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                                ),
                                None => fd.kind.value.as_str().to_string(),
                            };
                            format!(
                                "{}{}: {t}{}",
                                f.value,
                                if fd.is_optional() { "?" } else { "" },
                                if fd.is_hashed() { " (hashed)" } else { "" }
                            )
                        })
                        .collect(),
                })
                .collect()
        }),
        log_stream_labels: svc.logs.as_ref().map_or_else(Vec::new, |l| {
            l.stream_labels.iter().map(|x| x.value.clone()).collect()
        }),
        log_target: if svc.logs.is_some() {
            crate::expr::logs::target_of(svc)
        } else {
            String::new()
        },
    }
}

/// One SLO as the docs show it.
fn slo_view(name: &obspec_spec::model::Spanned<String>, slo: &obspec_spec::model::Slo) -> SloView {
    let sli = &slo.sli;
    let kind = if sli.latency.is_some() {
        "latency"
    } else if sli.error_ratio.is_some() {
        "error_ratio"
    } else {
        "errors"
    };
    SloView {
        name: name.value.clone(),
        description: s(&slo.description),
        objective: fmt_f64(slo.objective.value),
        error_budget: error_budget_percent(slo.objective.value)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        window: slo.window.value.clone(),
        sli_kind: kind,
        errors: s(&sli.errors),
        total: s(&sli.total),
        latency_metric: sli
            .latency
            .as_ref()
            .map(|l| l.metric.value.clone())
            .unwrap_or_default(),
        latency_threshold: sli
            .latency
            .as_ref()
            .map(|l| fmt_f64(l.threshold.value))
            .unwrap_or_default(),
        latency_selector: sli
            .latency
            .as_ref()
            .map(|l| s(&l.selector))
            .unwrap_or_default(),
        error_ratio: s(&sli.error_ratio),
        grouping: slo.grouping.iter().map(|g| g.value.clone()).collect(),
    }
}
