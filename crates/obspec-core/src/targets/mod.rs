//! Targets: each maps the loaded specs to files through templates.
//!
//! A target is a name users pass to `--target`, the directory it owns under the
//! output directory, and a function rendering its files. Adding a target means
//! adding a module here, its templates under `templates/<name>/`, and an entry
//! in [`TARGETS`].

use minijinja::Environment;

use obspec_spec::load::Loaded;

pub mod artifact;
#[cfg(feature = "schema")]
pub mod schema;
pub mod templates;
pub mod view;
use artifact::{header, GenError, OutFile, Rendered, MAX_NAME};

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

/// Resolves target names (all targets when empty).
pub fn select_targets(names: &[String]) -> Result<Vec<&'static Target>, GenError> {
    if names.is_empty() {
        return Ok(TARGETS.iter().collect());
    }
    let mut out: Vec<&'static Target> = Vec::new();
    for n in names {
        let t = TARGETS
            .iter()
            .find(|t| t.name == n)
            .ok_or_else(|| GenError::UnknownTarget(n.clone()))?;
        if !out.iter().any(|o| o.name == t.name) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Renders `targets` for the loaded specs.
pub fn render(
    loaded: &Loaded,
    targets: &[&Target],
    env: &minijinja::Environment<'_>,
) -> Result<Rendered, GenError> {
    let mut out = Rendered::default();
    // Targets render on all cores, each on its own thread; their files are
    // taken in target order, so the result does not depend on timing.
    let results = obspec_spec::par::map(targets, |t| (t.render)(loaded, env));
    for (t, files) in targets.iter().zip(results) {
        out.owned.push(t.dir.to_string());
        let files = files.map_err(|error| GenError::Template {
            target: t.name.to_string(),
            error,
        })?;
        for f in files {
            if f.path.split('/').any(|c| c.len() > MAX_NAME) {
                return Err(GenError::PathTooLong(f.path));
            }
            let mut sources = f.sources.clone();
            sources.sort();
            sources.dedup();
            let mut content = f.content;
            if let Some(h) = header(&f.path, &sources) {
                content.insert_str(0, &h);
            }
            if !content.ends_with('\n') {
                content.push('\n');
            }
            if out.files.insert(f.path.clone(), content).is_some() {
                return Err(GenError::Conflict(f.path));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn target_names_follow_targets() {
        let names: Vec<&str> = super::TARGETS.iter().map(|t| t.name).collect();
        assert_eq!(names, super::artifact::TARGET_NAMES);
    }
}
