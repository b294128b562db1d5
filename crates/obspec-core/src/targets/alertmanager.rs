//! `alertmanager`: `alertmanager/alertmanager.yml` from the project's
//! `routing:` section and the services' alerts, and `alertmanager/route-tests.yml`:
//! label sets and the receivers the routing tree must pick for them, which CI
//! checks with `amtool config routes test --verify.receivers`.
//!
//! Route order: team routes first (`team` label → the team's receiver, with
//! `continue: true` so that the severity routes still apply), then the spec's
//! routes in order. Inhibitions: the spec's, then one per infrastructure alert
//! for every service that `depends_on` its service.

use minijinja::value::Serde;
use minijinja::{context, Environment, Error};
use serde::Serialize;

use crate::format::decimal::fmt_f64;
use crate::format::escape::{push_yaml_key, push_yaml_scalar};
use crate::targets::artifact::OutFile;
use obspec_spec::load::Loaded;
use obspec_spec::model::{AnyValue, Routing, Spanned};

/// One route of the generated tree.
#[derive(Debug, Clone, Serialize)]
pub struct AmRoute {
    pub receiver: String,
    /// `(label, value, regex)`.
    pub matchers: Vec<(String, String, bool)>,
    pub r#continue: bool,
}

/// A routing test case.
#[derive(Debug, Clone, Serialize)]
pub struct RouteCase {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub receivers: Vec<String>,
}

fn matcher_text(label: &str, value: &str, regex: bool) -> String {
    let v = crate::format::escape::am_matcher_value(value);
    format!("{label}{}\"{v}\"", if regex { "=~" } else { "=" })
}

fn kv(m: &obspec_spec::model::NamedMap<Spanned<String>>) -> Vec<(String, String)> {
    m.iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect()
}

/// The routes in evaluation order.
pub fn routes(r: &Routing) -> Vec<AmRoute> {
    let mut out: Vec<AmRoute> = r
        .teams
        .iter()
        .map(|(team, recv)| AmRoute {
            receiver: recv.value.clone(),
            matchers: vec![("team".into(), team.value.clone(), false)],
            r#continue: true,
        })
        .collect();
    for route in &r.routes {
        let mut matchers: Vec<(String, String, bool)> = kv(&route.match_)
            .into_iter()
            .map(|(k, v)| (k, v, false))
            .collect();
        matchers.extend(kv(&route.match_re).into_iter().map(|(k, v)| (k, v, true)));
        out.push(AmRoute {
            receiver: route.receiver.value.clone(),
            matchers,
            r#continue: route.continue_.as_ref().is_some_and(|c| c.value),
        });
    }
    out
}

/// The receivers Alertmanager picks for `labels`.
pub fn evaluate(r: &Routing, routes: &[AmRoute], labels: &[(String, String)]) -> Vec<String> {
    let value = |name: &str| {
        labels
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut picked: Vec<String> = Vec::new();
    for route in routes {
        let matches = route.matchers.iter().all(|(l, v, re)| {
            if *re {
                regex::Regex::new(&format!("^(?:{v})$")).is_ok_and(|r| r.is_match(value(l)))
            } else {
                value(l) == v
            }
        });
        if matches {
            picked.push(route.receiver.clone());
            if !route.r#continue {
                break;
            }
        }
    }
    if picked.is_empty() {
        picked.push(r.default_receiver.value.clone());
    }
    picked
}

/// Writes any YAML value in block style at `indent`.
fn push_value(out: &mut String, v: &AnyValue, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        AnyValue::Null => out.push_str(" null\n"),
        AnyValue::Bool(b) => {
            out.push(' ');
            out.push_str(if *b { "true" } else { "false" });
            out.push('\n');
        }
        AnyValue::Number(n) => {
            out.push(' ');
            out.push_str(&fmt_f64(*n));
            out.push('\n');
        }
        AnyValue::String(s) => {
            out.push(' ');
            push_yaml_scalar(out, s);
            out.push('\n');
        }
        AnyValue::List(items) if items.is_empty() => out.push_str(" []\n"),
        AnyValue::Map(m) if m.is_empty() => out.push_str(" {}\n"),
        AnyValue::List(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match &item.value {
                    AnyValue::Map(m) if !m.is_empty() => {
                        // The first key on the dash line.
                        let mut first = true;
                        for (k, val) in m.iter() {
                            if !first {
                                out.push_str(&pad);
                                out.push_str("  ");
                            } else {
                                out.push(' ');
                            }
                            first = false;
                            push_yaml_key(out, k);
                            out.push(':');
                            push_value(out, val, indent + 4);
                        }
                    }
                    other => push_value(out, other, indent + 2),
                }
            }
        }
        AnyValue::Map(m) => {
            out.push('\n');
            for (k, val) in m.iter() {
                out.push_str(&pad);
                push_yaml_key(out, k);
                out.push(':');
                push_value(out, val, indent + 2);
            }
        }
    }
}

fn list(out: &mut String, pad: &str, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(pad);
    out.push_str(key);
    out.push_str(":\n");
    for i in items {
        out.push_str(pad);
        out.push_str("  - ");
        push_yaml_scalar(out, i);
        out.push('\n');
    }
}

fn line(out: &mut String, pad: &str, key: &str, value: &str) {
    out.push_str(pad);
    out.push_str(key);
    out.push_str(": ");
    push_yaml_scalar(out, value);
    out.push('\n');
}

/// The whole `alertmanager.yml` in the default layout.
pub fn config_yaml(loaded: &Loaded, r: &Routing) -> String {
    let mut out = String::new();
    let strings = |v: &[Spanned<String>]| v.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    out.push_str("route:\n");
    line(&mut out, "  ", "receiver", &r.default_receiver);
    let group_by = if r.group_by.is_empty() {
        vec!["alertname".to_string(), "service".into(), "severity".into()]
    } else {
        strings(&r.group_by)
    };
    list(&mut out, "  ", "group_by", &group_by);
    for (k, v) in [
        ("group_wait", &r.group_wait),
        ("group_interval", &r.group_interval),
        ("repeat_interval", &r.repeat_interval),
    ] {
        if let Some(v) = v {
            line(&mut out, "  ", k, v);
        }
    }
    let amroutes = routes(r);
    if !amroutes.is_empty() {
        out.push_str("  routes:\n");
    }
    let team_count = r.teams.len();
    for (i, route) in amroutes.iter().enumerate() {
        line(&mut out, "    - ", "receiver", &route.receiver);
        let m: Vec<String> = route
            .matchers
            .iter()
            .map(|(l, v, re)| matcher_text(l, v, *re))
            .collect();
        list(&mut out, "      ", "matchers", &m);
        if route.r#continue {
            out.push_str("      continue: true\n");
        }
        if i >= team_count {
            let spec = &r.routes[i - team_count];
            list(&mut out, "      ", "group_by", &strings(&spec.group_by));
            for (k, v) in [
                ("group_wait", &spec.group_wait),
                ("group_interval", &spec.group_interval),
                ("repeat_interval", &spec.repeat_interval),
            ] {
                if let Some(v) = v {
                    line(&mut out, "      ", k, v);
                }
            }
            list(
                &mut out,
                "      ",
                "mute_time_intervals",
                &strings(&spec.mute_time_intervals),
            );
            list(
                &mut out,
                "      ",
                "active_time_intervals",
                &strings(&spec.active_time_intervals),
            );
        }
    }
    out.push_str("receivers:\n");
    for (name, integrations) in r.receivers.iter() {
        line(&mut out, "  - ", "name", name);
        for (kind, config) in integrations.iter() {
            out.push_str("    ");
            out.push_str(&kind.value);
            out.push_str("_configs:");
            let configs = match &config.value {
                AnyValue::List(_) => config.value.clone(),
                other => AnyValue::List(vec![Spanned::new(other.clone(), config.span)]),
            };
            push_value(&mut out, &configs, 6);
        }
    }
    let inhibits = inhibitions(loaded, r);
    if !inhibits.is_empty() {
        out.push_str("inhibit_rules:\n");
        for (source, target, equal) in &inhibits {
            out.push_str("  - source_matchers:\n");
            for m in source {
                out.push_str("      - ");
                push_yaml_scalar(&mut out, m);
                out.push('\n');
            }
            list(&mut out, "    ", "target_matchers", target);
            list(&mut out, "    ", "equal", equal);
        }
    }
    if !r.time_intervals.is_empty() {
        out.push_str("time_intervals:\n");
        for (name, spec) in r.time_intervals.iter() {
            line(&mut out, "  - ", "name", name);
            out.push_str("    time_intervals:");
            push_value(&mut out, &spec.value, 6);
        }
    }
    out.pop();
    out
}

/// The inhibition rules: the routing section's, and for each infrastructure
/// alert one muting the services that depend on its service.
fn inhibitions(loaded: &Loaded, r: &Routing) -> Vec<(Vec<String>, Vec<String>, Vec<String>)> {
    let strings = |v: &[Spanned<String>]| v.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    let mut inhibits: Vec<(Vec<String>, Vec<String>, Vec<String>)> = r
        .inhibit
        .iter()
        .map(|i| {
            let m = |x: &obspec_spec::model::NamedMap<Spanned<String>>| {
                kv(x)
                    .iter()
                    .map(|(k, v)| matcher_text(k, v, false))
                    .collect()
            };
            (m(&i.source), m(&i.target), strings(&i.equal))
        })
        .collect();
    // Dependency inhibition: an infrastructure alert of S mutes the services depending on S.
    let scope: Vec<String> = loaded
        .specs
        .project
        .conventions
        .required_target_labels
        .iter()
        .map(|l| l.value.clone())
        .filter(|l| l != "service")
        .collect();
    for svc in &loaded.specs.services {
        let dependents: Vec<&str> = loaded
            .specs
            .services
            .iter()
            .filter(|d| d.depends_on.iter().any(|x| x.value == svc.service.value))
            .map(|d| d.service.as_str())
            .collect();
        if dependents.is_empty() {
            continue;
        }
        for (name, alert) in svc.alerts.iter() {
            if !alert.infrastructure.as_ref().is_some_and(|i| i.value) {
                continue;
            }
            let mut deps = dependents.clone();
            deps.sort();
            let source = matcher_text("alertname", name, false);
            // Severity tiers of one name share the inhibition.
            if inhibits.iter().any(|(s, _, _)| {
                s.first() == Some(&source)
                    && s.get(1) == Some(&matcher_text("service", &svc.service, false))
            }) {
                continue;
            }
            inhibits.push((
                vec![
                    matcher_text("alertname", name, false),
                    matcher_text("service", &svc.service, false),
                ],
                vec![matcher_text(
                    "service",
                    &deps
                        .iter()
                        .map(|d| regex::escape(d))
                        .collect::<Vec<_>>()
                        .join("|"),
                    true,
                )],
                scope.clone(),
            ));
        }
    }
    inhibits
}

/// The routing test cases: every route's own labels, every team, every
/// severity, every alert of the specs, and a label set no route matches.
pub fn cases(loaded: &Loaded, r: &Routing) -> Vec<RouteCase> {
    let amroutes = routes(r);
    let mut cases: Vec<RouteCase> = Vec::new();
    let mut add = |name: String, mut labels: Vec<(String, String)>| {
        labels.sort();
        labels.dedup_by(|a, b| a.0 == b.0);
        if cases.iter().any(|c| c.labels == labels) {
            return;
        }
        let receivers = evaluate(r, &amroutes, &labels);
        cases.push(RouteCase {
            name,
            labels,
            receivers,
        });
    };
    for (i, route) in r.routes.iter().enumerate() {
        if route.match_re.is_empty() && !route.match_.is_empty() {
            add(format!("route {}", i + 1), kv(&route.match_));
        }
    }
    for (team, _) in r.teams.iter() {
        add(
            format!("team {}", team.value),
            vec![("team".into(), team.value.clone())],
        );
    }
    for sev in &loaded.specs.project.conventions.severities {
        add(
            format!("severity {}", sev.value),
            vec![("severity".into(), sev.value.clone())],
        );
    }
    for svc in &loaded.specs.services {
        for (name, alert) in svc.alerts.iter() {
            let mut labels = vec![
                ("alertname".to_string(), name.value.clone()),
                ("severity".to_string(), alert.severity.value.clone()),
                ("service".to_string(), svc.service.value.clone()),
            ];
            if let Some(t) = &svc.team {
                labels.push(("team".into(), t.value.clone()));
            }
            labels.extend(kv(&alert.labels));
            // A name may repeat across services and severity tiers.
            add(
                format!(
                    "alert {} of {} ({})",
                    name.value, svc.service.value, alert.severity.value
                ),
                labels,
            );
        }
    }
    add(
        "no route matches".into(),
        vec![("alertname".into(), "ObspecRoutingProbe".into())],
    );
    cases
}

fn cases_yaml(cases: &[RouteCase]) -> String {
    let mut out = String::from("cases:\n");
    for c in cases {
        line(&mut out, "  - ", "name", &c.name);
        out.push_str("    labels:\n");
        for (k, v) in &c.labels {
            out.push_str("      ");
            push_yaml_key(&mut out, k);
            out.push_str(": ");
            push_yaml_scalar(&mut out, v);
            out.push('\n');
        }
        list(&mut out, "    ", "receivers", &c.receivers);
    }
    out.pop();
    out
}

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let Some(r) = &loaded.specs.project.routing else {
        return Ok(Vec::new());
    };
    let mut sources: Vec<String> = loaded.sources.iter().map(|(_, f)| f.rel.clone()).collect();
    sources.sort();
    let config = env.get_template("alertmanager/alertmanager.yml.j2")?;
    let tests = env.get_template("alertmanager/route-tests.yml.j2")?;
    let cases = cases(loaded, r);
    Ok(vec![
        OutFile {
            path: "alertmanager/alertmanager.yml".into(),
            content: super::templates::render(
                &config,
                context! {
                    config_yaml => minijinja::Value::from_safe_string(config_yaml(loaded, r)),
                    routing => Serde(r),
                    routes => Serde(routes(r)),
                },
            )?,
            sources: sources.clone(),
        },
        OutFile {
            path: "alertmanager/route-tests.yml".into(),
            content: super::templates::render(
                &tests,
                context! {
                    cases_yaml => minijinja::Value::from_safe_string(cases_yaml(&cases)),
                    cases => Serde(&cases),
                },
            )?,
            sources,
        },
    ])
}
