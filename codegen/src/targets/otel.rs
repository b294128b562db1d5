//! `otel-collector`: the OpenTelemetry collector configuration from the
//! project's `deploy.collector` settings: OTLP receivers (gRPC, HTTP);
//! memory_limiter (first in every pipeline), resource (upserting environment,
//! project, service) and batch processors; Prometheus remote write, Loki and
//! OTLP trace exporters whose endpoints and credentials come from environment
//! variables; pipelines for metrics, traces and logs.

use minijinja::{context, Environment, Error};
use serde::Serialize;

use crate::generate::OutFile;
use crate::load::Loaded;

#[derive(Serialize)]
struct CollectorView {
    remote_write_url_env: String,
    remote_write_auth_env: String,
    loki_url_env: String,
    traces_endpoint_env: String,
    memory_limit_mib: u64,
    spike_limit_mib: u64,
}

/// Memory of the collector task in MiB.
pub fn memory_mib(c: &crate::model::Collector) -> u64 {
    c.memory_mib.as_ref().map_or(512, |m| m.value)
}

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let Some(c) = loaded
        .specs
        .project
        .deploy
        .as_ref()
        .and_then(|d| d.collector.as_ref())
    else {
        return Ok(Vec::new());
    };
    let mem = memory_mib(c);
    let view = CollectorView {
        remote_write_url_env: c.remote_write_url_env.value.clone(),
        remote_write_auth_env: c
            .remote_write_auth_env
            .as_ref()
            .map(|e| e.value.clone())
            .unwrap_or_default(),
        loki_url_env: c.loki_url_env.value.clone(),
        traces_endpoint_env: c
            .traces_endpoint_env
            .as_ref()
            .map_or("TRACES_ENDPOINT".into(), |e| e.value.clone()),
        memory_limit_mib: mem * 4 / 5,
        spike_limit_mib: mem / 5,
    };
    let project = loaded
        .specs
        .project
        .project
        .as_ref()
        .map_or(String::new(), |p| p.value.clone());
    let services: Vec<String> = loaded
        .specs
        .services
        .iter()
        .map(|s| s.service.value.clone())
        .collect();
    let tpl = env.get_template("otel-collector/collector.yml.j2")?;
    let sources = super::project_files(loaded);
    Ok(vec![OutFile {
        path: "otel-collector/collector.yml".into(),
        content: tpl.render(context! { collector => minijinja::value::Serde(&view), project => project, services => services })?,
        sources,
    }])
}
