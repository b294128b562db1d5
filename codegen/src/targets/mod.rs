//! Targets: each maps the loaded specs to files through templates.
//!
//! A target is a name users pass to `--target`, the directory it owns under the
//! output directory, and a function rendering its files. Adding a target means
//! adding a module here, its templates under `templates/<name>/`, and an entry
//! in [`TARGETS`].

use minijinja::Environment;

use crate::generate::OutFile;
use crate::load::Loaded;

mod alertmanager;
mod docs;
pub mod grafana;
pub mod logs;
pub mod otel;
mod prometheus;
pub mod rust;
mod terraform;

/// One output target.
pub struct Target {
    pub name: &'static str,
    /// The directory it owns, relative to the output directory.
    pub dir: &'static str,
    pub description: &'static str,
    pub render: fn(&Loaded, &Environment<'_>) -> Result<Vec<OutFile>, minijinja::Error>,
}

/// Every target, in the order they are rendered.
pub static TARGETS: &[Target] = &[Target {
    name: "docs",
    dir: "docs",
    description: "Markdown catalog: one page per service (metrics, labels, series estimates, SLOs, alerts) and an index",
    render: docs::render,
},
Target {
    name: "prometheus",
    dir: "prometheus",
    description: "Prometheus rules per service (SLO recordings, multi-window multi-burn-rate alerts, the service's alerts) and promtool unit tests",
    render: prometheus::render,
},
Target {
    name: "kubernetes",
    dir: "kubernetes",
    description: "The same rules as monitoring.coreos.com/v1 PrometheusRule manifests",
    render: prometheus::render_kubernetes,
},
Target {
    name: "alertmanager",
    dir: "alertmanager",
    description: "Alertmanager configuration from the project's routing section (receivers, routes, team routes, inhibitions, time intervals) and routing test cases",
    render: alertmanager::render,
},
Target {
    name: "grafana",
    dir: "grafana",
    description: "Grafana dashboards per service: metrics (rates, quantiles, heatmaps, gauges by subsystem) and SLOs (objective, SLI, budget, burn rates, alerts)",
    render: grafana::render,
},
Target {
    name: "otel-collector",
    dir: "otel-collector",
    description: "OpenTelemetry collector configuration from the project's deploy.collector settings",
    render: otel::render,
},
Target {
    name: "terraform",
    dir: "terraform",
    description: "Terraform for the deploy section: SecureString SSM parameters from sensitive variables, the collector's ECS task definition",
    render: terraform::render,
},
Target {
    name: "logs",
    dir: "logs",
    description: "Structured logs per service: JSON Schema (2020-12) of a JSONL line, typed Rust event structs over tracing, Loki alerting rules (LogQL)",
    render: logs::render,
},
Target {
    name: "rust",
    dir: "rust",
    description: "Typed Rust metrics per service (label enums, pre-resolved children, register()), depending only on the obspec crate",
    render: rust::render,
}];

/// The relative names of the files a service was read from, with the project file.
/// The relative name of the project file, for outputs generated from it alone.
pub(crate) fn project_files(loaded: &Loaded) -> Vec<String> {
    loaded
        .specs
        .project
        .file
        .iter()
        .map(|f| loaded.sources.get(*f).rel.clone())
        .collect()
}

pub(crate) fn spec_files(loaded: &Loaded, svc: &crate::model::Service) -> Vec<String> {
    let mut v: Vec<String> = svc
        .file
        .iter()
        .chain(loaded.specs.project.file.iter())
        .map(|f| loaded.sources.get(*f).rel.clone())
        .collect();
    v.sort();
    v
}
