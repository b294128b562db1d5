//! `terraform`: `terraform/main.tf` from the project's `deploy:` section.
//!
//! Every secret the routing and the collector need becomes a `sensitive`
//! variable and an `aws_ssm_parameter` of type SecureString whose value is that
//! variable (never a literal); the collector's ECS task definition takes its
//! endpoints and credentials from those parameters' ARNs. Output is written
//! `terraform fmt`-clean (aligned `=` in attribute runs) and checked with
//! Terraform's own formatter and config loader in CI.

use minijinja::{context, Environment, Error};

use crate::targets::artifact::{project_files, OutFile};
use obspec_spec::load::Loaded;
use obspec_spec::model::{AnyValue, Deploy, Routing};

/// A secret: the variable, the parameter resource and its path under the prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    /// Terraform identifier (variable and resource name).
    pub id: String,
    /// Path under `ssm_prefix`, e.g. `alertmanager/oncall-pager/routing_key`.
    pub path: String,
    pub description: String,
    /// For collector secrets: the environment variable it fills.
    pub env: Option<String>,
    /// For Alertmanager secrets: the file the receiver reads.
    pub file: Option<String>,
}

fn ident(s: &str) -> String {
    let mut out = crate::format::case::snake(s);
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_');
    // Terraform identifiers start with a letter.
    if out.is_empty() || !out.as_bytes()[0].is_ascii_alphabetic() {
        format!("x_{out}")
    } else {
        out.to_string()
    }
}

use crate::format::escape::{hcl_str, hcl_str_body};

/// FNV-1a, 32 bits: stable suffixes that keep sanitized names apart.
fn fnv32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// One segment of an SSM parameter name (`[A-Za-z0-9_.-]`): names that need
/// replacing keep a hash of the original so that two never meet.
fn ssm_segment(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean == s && !s.is_empty() {
        clean
    } else {
        format!("{clean}-{:08x}", fnv32(s))
    }
}

/// The secrets of the routing (`*_file` keys of the receivers) and of the collector.
pub fn secrets(routing: Option<&Routing>, deploy: &Deploy) -> Vec<Secret> {
    let mut out = Vec::new();
    fn walk(v: &AnyValue, key: &str, receiver: &str, out: &mut Vec<Secret>) {
        match v {
            AnyValue::String(path) if key.ends_with("_file") => {
                let base = key.trim_end_matches("_file");
                out.push(Secret {
                    id: ident(&format!("alertmanager_{receiver}_{base}")),
                    path: format!(
                        "alertmanager/{}/{}",
                        ssm_segment(receiver),
                        ssm_segment(base)
                    ),
                    description: format!(
                        "{base} of the Alertmanager receiver {receiver} (read from {path})"
                    ),
                    env: None,
                    file: Some(path.clone()),
                });
            }
            AnyValue::Map(m) => m.iter().for_each(|(k, val)| walk(val, k, receiver, out)),
            AnyValue::List(l) => l.iter().for_each(|val| walk(val, key, receiver, out)),
            _ => {}
        }
    }
    if let Some(r) = routing {
        for (name, integrations) in r.receivers.iter() {
            for (kind, config) in integrations.iter() {
                walk(config, kind, name, &mut out);
            }
        }
    }
    if let Some(c) = &deploy.collector {
        let envs = [
            (Some(&c.remote_write_url_env), "Prometheus remote-write URL"),
            (
                c.remote_write_auth_env.as_ref(),
                "Prometheus remote-write Authorization header",
            ),
            (Some(&c.loki_url_env), "Loki push URL"),
            (
                c.traces_endpoint_env.as_ref(),
                "OTLP endpoint of the trace backend",
            ),
        ];
        for (env, what) in envs {
            if let Some(env) = env {
                out.push(Secret {
                    id: ident(&format!("collector_{}", env.value)),
                    path: format!("otel-collector/{}", env.value),
                    description: format!("{what} of the OpenTelemetry collector ({})", env.value),
                    env: Some(env.value.clone()),
                    file: None,
                });
            }
        }
    }
    // The same parameter once; distinct parameters with distinct identifiers
    // even where sanitizing made their names meet (`a-b` and `a_b`).
    let mut paths = std::collections::HashSet::new();
    out.retain(|s| paths.insert(s.path.clone()));
    let mut ids = std::collections::HashSet::new();
    for s in &mut out {
        if !ids.insert(s.id.clone()) {
            s.id = format!("{}_{:08x}", s.id, fnv32(&s.path));
            ids.insert(s.id.clone());
        }
    }
    out
}

/// Writes blocks with aligned attributes, as `terraform fmt` does.
struct Hcl {
    out: String,
    /// Pending run of `(indent, key, value)` single-line attributes.
    run: Vec<(usize, String, String)>,
}

impl Hcl {
    fn new() -> Self {
        Hcl {
            out: String::new(),
            run: Vec::new(),
        }
    }
    fn flush(&mut self) {
        let width = self.run.iter().map(|(_, k, _)| k.len()).max().unwrap_or(0);
        for (indent, k, v) in self.run.drain(..) {
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(&k);
            self.out.push_str(&" ".repeat(width - k.len()));
            self.out.push_str(" = ");
            self.out.push_str(&v);
            self.out.push('\n');
        }
    }
    fn attr(&mut self, indent: usize, key: &str, value: impl Into<String>) {
        self.run.push((indent, key.to_string(), value.into()));
    }
    fn line(&mut self, indent: usize, text: &str) {
        self.flush();
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn blank(&mut self) {
        self.flush();
        self.out.push('\n');
    }
}

// Long: the HCL file written top to bottom, as Terraform users read it.
pub fn main_tf(loaded: &Loaded, deploy: &Deploy) -> String {
    let secrets = secrets(loaded.specs.project.routing.as_ref(), deploy);
    let project = loaded
        .specs
        .project
        .project
        .as_ref()
        .map_or("obspec".to_string(), |p| p.value.clone());
    let mut h = Hcl::new();
    providers(&mut h);
    let var = |h: &mut Hcl,
               name: &str,
               ty: &str,
               desc: &str,
               default: Option<String>,
               sensitive: bool| {
        h.line(0, &format!("variable \"{name}\" {{"));
        h.attr(2, "type", ty);
        h.attr(2, "description", hcl_str(desc));
        if let Some(d) = default {
            h.attr(2, "default", d);
        }
        if sensitive {
            h.attr(2, "sensitive", "true");
        }
        h.line(0, "}");
        h.blank();
    };
    var(
        &mut h,
        "aws_region",
        "string",
        "AWS region of the resources.",
        Some(hcl_str(&deploy.aws_region)),
        false,
    );
    var(
        &mut h,
        "ssm_prefix",
        "string",
        "Prefix of the SSM parameter names.",
        Some(hcl_str(&deploy.ssm_prefix)),
        false,
    );
    var(
        &mut h,
        "environment",
        "string",
        "Deployment environment (the `environment` label).",
        None,
        false,
    );
    var(
        &mut h,
        "grafana_url",
        "string",
        "URL of the Grafana instance the dashboards go to.",
        None,
        false,
    );
    var(
        &mut h,
        "grafana_auth",
        "string",
        "Grafana service-account token.",
        None,
        true,
    );
    for s in &secrets {
        var(&mut h, &s.id, "string", &s.description, None, true);
    }
    if deploy.collector.is_some() {
        var(
            &mut h,
            "collector_execution_role_arn",
            "string",
            "IAM role ECS uses to pull the image and read the SSM parameters.",
            None,
            false,
        );
    }
    for s in &secrets {
        h.line(
            0,
            &format!("resource \"aws_ssm_parameter\" \"{}\" {{", s.id),
        );
        h.attr(
            2,
            "name",
            format!("\"${{var.ssm_prefix}}/{}\"", hcl_str_body(&s.path)),
        );
        h.attr(2, "description", hcl_str(&s.description));
        h.attr(2, "type", "\"SecureString\"");
        h.attr(2, "value", format!("var.{}", s.id));
        h.line(0, "}");
        h.blank();
    }
    collector_resources(&mut h, deploy, &project, &secrets);
    dashboard_resources(&mut h, loaded, &project);
    h.line(0, "output \"ssm_parameter_arns\" {");
    h.attr(
        2,
        "description",
        hcl_str("ARNs of the SecureString parameters, by variable name."),
    );
    if secrets.is_empty() {
        h.attr(2, "value", "{}");
    } else {
        h.line(2, "value = {");
        for s in &secrets {
            h.attr(4, &s.id, format!("aws_ssm_parameter.{}.arn", s.id));
        }
        h.line(2, "}");
    }
    h.line(0, "}");
    let files: Vec<&Secret> = secrets.iter().filter(|s| s.file.is_some()).collect();
    if !files.is_empty() {
        h.blank();
        h.line(0, "output \"alertmanager_secret_files\" {");
        h.attr(
            2,
            "description",
            hcl_str("The file each Alertmanager secret must be written to, by SSM parameter name."),
        );
        h.line(2, "value = {");
        for s in files {
            h.attr(
                4,
                &format!("\"${{var.ssm_prefix}}/{}\"", hcl_str_body(&s.path)),
                hcl_str(s.file.as_deref().unwrap_or("")),
            );
        }
        h.line(2, "}");
        h.line(0, "}");
    }
    h.flush();
    h.out.pop();
    h.out
}

/// The Grafana dashboards, one resource each.
fn dashboard_resources(h: &mut Hcl, loaded: &Loaded, project: &str) {
    let dashboards = crate::targets::artifact::dashboard_files(loaded);
    if !dashboards.is_empty() {
        h.line(0, "resource \"grafana_folder\" \"obspec\" {");
        h.attr(2, "title", hcl_str(project));
        h.line(0, "}");
        h.blank();
        for d in &dashboards {
            let name = d.trim_start_matches("grafana/").trim_end_matches(".json");
            h.line(
                0,
                &format!("resource \"grafana_dashboard\" \"{}\" {{", ident(name)),
            );
            h.attr(2, "folder", "grafana_folder.obspec.uid");
            h.attr(
                2,
                "config_json",
                format!("file(\"${{path.module}}/../{}\")", hcl_str_body(d)),
            );
            h.attr(2, "overwrite", "true");
            h.line(0, "}");
            h.blank();
        }
    }
}

/// The collector's ECS task definition and what it needs.
fn collector_resources(h: &mut Hcl, deploy: &Deploy, project: &str, secrets: &[Secret]) {
    if let Some(c) = &deploy.collector {
        let mem = c.memory_mib();
        let cpu = c.cpu.as_ref().map_or(256, |v| v.value);
        h.line(
            0,
            "resource \"aws_ecs_task_definition\" \"otel_collector\" {",
        );
        h.attr(2, "family", hcl_str(&format!("{project}-otel-collector")));
        h.attr(2, "requires_compatibilities", "[\"FARGATE\"]");
        h.attr(2, "network_mode", "\"awsvpc\"");
        h.attr(2, "cpu", cpu.to_string());
        h.attr(2, "memory", mem.to_string());
        h.attr(2, "execution_role_arn", "var.collector_execution_role_arn");
        h.line(2, "container_definitions = jsonencode([");
        h.line(4, "{");
        h.attr(6, "name", "\"otel-collector\"");
        h.attr(6, "image", hcl_str(&c.image));
        h.attr(6, "essential", "true");
        h.line(6, "portMappings = [");
        for port in [4317, 4318, 13133] {
            h.line(
                8,
                &format!("{{ containerPort = {port}, protocol = \"tcp\" }},"),
            );
        }
        h.line(6, "]");
        h.line(6, "environment = [");
        h.line(8, "{ name = \"ENVIRONMENT\", value = var.environment },");
        h.line(6, "]");
        h.line(6, "secrets = [");
        for s in secrets.iter().filter(|s| s.env.is_some()) {
            h.line(
                8,
                &format!(
                    "{{ name = {}, valueFrom = aws_ssm_parameter.{}.arn }},",
                    hcl_str(s.env.as_deref().unwrap_or("")),
                    s.id
                ),
            );
        }
        h.line(6, "]");
        h.line(4, "},");
        h.line(2, "])");
        h.line(0, "}");
        h.blank();
        h.line(0, "output \"otel_collector_task_definition_arn\" {");
        h.attr(
            2,
            "description",
            hcl_str("ARN of the collector's ECS task definition."),
        );
        h.attr(2, "value", "aws_ecs_task_definition.otel_collector.arn");
        h.line(0, "}");
        h.blank();
    }
}

/// The required providers and their configuration.
fn providers(h: &mut Hcl) {
    h.line(0, "terraform {");
    h.line(2, "required_version = \">= 1.3\"");
    h.line(2, "required_providers {");
    h.line(4, "aws = {");
    h.attr(6, "source", "\"hashicorp/aws\"");
    h.attr(6, "version", "\">= 5.0\"");
    h.line(4, "}");
    h.line(4, "grafana = {");
    h.attr(6, "source", "\"grafana/grafana\"");
    h.attr(6, "version", "\">= 2.0\"");
    h.line(4, "}");
    h.line(2, "}");
    h.line(0, "}");
    h.blank();
    h.line(0, "provider \"aws\" {");
    h.attr(2, "region", "var.aws_region");
    h.line(0, "}");
    h.blank();
    h.line(0, "provider \"grafana\" {");
    h.attr(2, "url", "var.grafana_url");
    h.attr(2, "auth", "var.grafana_auth");
    h.line(0, "}");
    h.blank();
}

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let Some(deploy) = &loaded.specs.project.deploy else {
        return Ok(Vec::new());
    };
    let tpl = env.get_template("terraform/main.tf.j2")?;
    let sources = project_files(loaded);
    Ok(vec![OutFile {
        path: "terraform/main.tf".into(),
        content: super::templates::render(
            &tpl,
            context! { main_tf => minijinja::Value::from_safe_string(main_tf(loaded, deploy)) },
        )?,
        sources,
    }])
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings() {
        assert_eq!(super::hcl_str("a\"b${x}%{y}\n"), "\"a\\\"b$${x}%%{y}\\n\"");
        assert_eq!(super::ident("oncall-pager.routing"), "oncall_pager_routing");
    }
}
