//! `otel-collector`: the OpenTelemetry collector configuration from the
//! project's `deploy.collector` settings: OTLP receivers (gRPC, HTTP);
//! memory_limiter (first in every pipeline), resource (upserting environment,
//! project, service) and batch processors; Prometheus remote write, Loki and
//! OTLP trace exporters whose endpoints and credentials come from environment
//! variables; pipelines for metrics, traces and logs (OTLP). When services
//! declare `logs:`, a second log pipeline tails their JSONL files (`filelog`),
//! parses each line as JSON (timestamp, severity, message as the body),
//! names the service from the line's `target`, drops forbidden fields, and
//! gives Loki the declared stream labels.

use minijinja::{context, Environment, Error};
use serde::Serialize;

use crate::targets::artifact::{project_files, OutFile};
use obspec_spec::load::Loaded;

#[derive(Serialize)]
struct CollectorView {
    remote_write_url_env: String,
    remote_write_auth_env: String,
    loki_url_env: String,
    traces_endpoint_env: String,
    memory_limit_mib: u64,
    spike_limit_mib: u64,
}

/// The JSONL log pipeline: files tailed, and per service how its lines are
/// recognised (their `target`), labelled for Loki and stripped of
/// forbidden fields.
#[derive(Serialize)]
struct LogPipeline {
    include: Vec<String>,
    services: Vec<LogService>,
    /// Fields dropped from lines no service claims: the whole forbidden list.
    drop_default: String,
}

#[derive(Serialize)]
struct LogService {
    service: String,
    target: String,
    /// The Loki label hint: `service, level, event`.
    labels: String,
    /// An anchored regular expression of the fields dropped from its lines
    /// (forbidden, unless the service declares the field hashed).
    drop: String,
}

/// Default files the collector tails.
pub const DEFAULT_LOG_PATHS: &str = "/var/log/obspec/*.jsonl";

fn anchored(names: &[&str]) -> String {
    let alts: Vec<String> = names
        .iter()
        .map(|n| crate::format::escape::regex_literal(n))
        .collect();
    format!("^({})$", alts.join("|"))
}

fn log_pipeline(loaded: &Loaded, c: &obspec_spec::model::Collector) -> Option<LogPipeline> {
    let forbidden = crate::expr::logs::forbidden_fields(&loaded.specs);
    let services: Vec<LogService> = loaded
        .specs
        .services
        .iter()
        .filter_map(|svc| {
            let logs = svc.logs.as_ref()?;
            let mut labels = vec!["service"];
            for l in &logs.stream_labels {
                if !labels.contains(&l.as_str()) {
                    labels.push(l.as_str());
                }
            }
            // A personal-data field the service logs hashed stays; secrets never do.
            let hashed: Vec<&str> = logs
                .events
                .iter()
                .flat_map(|(_, e)| e.fields.iter())
                .filter(|(_, f)| f.is_hashed())
                .map(|(n, _)| n.as_str())
                .filter(|n| !obspec_spec::model::SECRET_LOG_FIELDS.contains(n))
                .collect();
            let drop: Vec<&str> = forbidden
                .iter()
                .copied()
                .filter(|f| !hashed.contains(f))
                .collect();
            Some(LogService {
                service: svc.service.value.clone(),
                target: crate::expr::logs::target_of(svc),
                labels: labels.join(", "),
                drop: anchored(&drop),
            })
        })
        .collect();
    if services.is_empty() {
        return None;
    }
    let include = c.log_paths.as_ref().map_or_else(
        || vec![DEFAULT_LOG_PATHS.to_string()],
        |p| p.iter().map(|p| p.value.clone()).collect(),
    );
    Some(LogPipeline {
        include,
        services,
        drop_default: anchored(&forbidden),
    })
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
    let mem = c.memory_mib();
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
    let logs = log_pipeline(loaded, c);
    let tpl = env.get_template("otel-collector/collector.yml.j2")?;
    let sources = project_files(loaded);
    Ok(vec![OutFile {
        path: "otel-collector/collector.yml".into(),
        content: super::templates::render(
            &tpl,
            context! { collector => minijinja::value::Serde(&view), project => project, services => services, logs => minijinja::value::Serde(&logs) },
        )?,
        sources,
    }])
}
