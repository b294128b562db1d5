//! `logs`: per service with a `logs:` section, the JSON Schema (draft
//! 2020-12) of one JSONL line (`logs/<service>.schema.json`) and of a line of
//! any service (`logs/all.schema.json`); typed Rust event structs that emit
//! `tracing` events with exactly the declared fields (`logs/<service>.rs`);
//! and Loki alerting rules for the declared log alerts
//! (`logs/<service>.loki.rules.yml`).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use minijinja::{context, Environment, Error};

use crate::expr::logs::{alert_expr, combined_schema, line_schema, pretty, target_of, variant};
use crate::format::case::upper_camel;
use crate::format::escape::{push_yaml_block, push_yaml_key, push_yaml_scalar};
use crate::targets::artifact::{spec_files, OutFile};
use obspec_spec::load::Loaded;
use obspec_spec::model::{LogField, LogFieldType, Logs, Service};

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let schema_tpl = env.get_template("logs/schema.json.j2")?;
    let rust_tpl = env.get_template("logs/events.rs.j2")?;
    let loki_tpl = env.get_template("logs/loki.rules.yml.j2")?;
    let mut out = Vec::new();
    for svc in &loaded.specs.services {
        let Some(logs) = &svc.logs else { continue };
        let name = &svc.service.value;
        let sources = spec_files(loaded, svc);
        let mut schema = line_schema(svc, logs);
        schema["$comment"] = marker(&sources).into();
        out.push(OutFile {
            path: format!("logs/{name}.schema.json"),
            content: super::templates::render(&schema_tpl, context! {
                schema_json => minijinja::Value::from_safe_string(pretty(&schema).trim_end().to_string()),
                schema => minijinja::value::Serde(&schema),
                service => name,
            })?,
            sources: sources.clone(),
        });
        out.push(OutFile {
            path: format!("logs/{name}.rs"),
            content: super::templates::render(&rust_tpl, context! {
                events_rs => minijinja::Value::from_safe_string(events_rs(svc, logs, &sources).trim_end().to_string()),
                logs => minijinja::value::Serde(logs),
                target => target_of(svc),
                service => name,
            })?,
            sources: sources.clone(),
        });
        if !logs.alerts.is_empty() {
            out.push(OutFile {
                path: format!("logs/{name}.loki.rules.yml"),
                content: super::templates::render(&loki_tpl, context! {
                    rules_yaml => minijinja::Value::from_safe_string(loki_rules(svc, logs).trim_end().to_string()),
                    service => name,
                })?,
                sources,
            });
        }
    }
    if let Some(mut all) = combined_schema(&loaded.specs) {
        let mut sources: Vec<String> = loaded
            .specs
            .services
            .iter()
            .filter(|s| s.logs.is_some())
            .flat_map(|s| spec_files(loaded, s))
            .collect();
        sources.sort();
        sources.dedup();
        all["$comment"] = marker(&sources).into();
        out.push(OutFile {
            path: "logs/all.schema.json".into(),
            content: super::templates::render(&schema_tpl, context! {
                schema_json => minijinja::Value::from_safe_string(pretty(&all).trim_end().to_string()),
                schema => minijinja::value::Serde(&all),
                service => "all",
            })?,
            sources,
        });
    }
    Ok(out)
}

/// The generated marker of a JSON file (JSON has no comments: JSON Schema's
/// `$comment` holds it).
fn marker(sources: &[String]) -> String {
    format!(
        "{} from {}. Do not edit: change the spec and run `obspec generate`.",
        crate::targets::artifact::MARKER,
        sources.join(", ")
    )
}

/// The Loki ruler file of a service's log alerts (the Prometheus rule
/// format, with LogQL expressions).
pub fn loki_rules(svc: &Service, logs: &Logs) -> String {
    let mut s = String::from("groups:\n");
    s.push_str("  - name: ");
    push_yaml_scalar(&mut s, &format!("{}-logs", svc.service.value));
    s.push_str("\n    rules:\n");
    for (name, a) in logs.alerts.iter() {
        s.push_str("      - alert: ");
        push_yaml_scalar(&mut s, &name.value);
        s.push_str("\n        expr: ");
        push_yaml_block(&mut s, &alert_expr(svc, logs, a), 10);
        s.push('\n');
        if let Some(f) = &a.for_ {
            s.push_str("        for: ");
            push_yaml_scalar(&mut s, &f.value);
            s.push('\n');
        }
        let mut labels = vec![
            ("severity", a.severity.value.clone()),
            ("service", svc.service.value.clone()),
        ];
        if let Some(t) = &svc.team {
            labels.push(("team", t.value.clone()));
        }
        s.push_str("        labels:\n");
        for (k, v) in labels {
            s.push_str("          ");
            push_yaml_key(&mut s, k);
            s.push_str(": ");
            push_yaml_scalar(&mut s, &v);
            s.push('\n');
        }
        let events: Vec<&str> = a.events.iter().map(|e| e.as_str()).collect();
        let summary = a.summary.as_ref().map_or_else(
            || match &a.of {
                None => format!(
                    "{} logs {} above {} per second",
                    svc.service.value,
                    events.join(", "),
                    crate::format::decimal::fmt_f64(a.above.value)
                ),
                Some(_) => format!(
                    "{}: the share of {} is above {}",
                    svc.service.value,
                    events.join(", "),
                    crate::format::decimal::fmt_f64(a.above.value)
                ),
            },
            |s| s.value.clone(),
        );
        s.push_str("        annotations:\n          summary: ");
        push_yaml_scalar(&mut s, &summary);
        s.push('\n');
        if let Some(r) = &a.runbook {
            s.push_str("          runbook_url: ");
            push_yaml_scalar(&mut s, &r.value);
            s.push('\n');
        }
    }
    s
}

/// A Rust string literal.
fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust enums of the `enum` fields: a field declared with the same
/// values in every event that has it gets one enum named after the field
/// (`Region`); otherwise each event's gets its own (`PaymentFailedReason`).
/// Returns the enums to write (name, field, events, values) and the type of
/// each (event, field).
#[allow(clippy::type_complexity)]
fn enums(
    logs: &Logs,
) -> (
    Vec<(String, String, Vec<String>, Vec<String>)>,
    HashMap<(String, String), String>,
) {
    let mut by_field: Vec<(String, Vec<(String, Vec<String>)>)> = Vec::new();
    for (e, ev) in logs.events.iter() {
        for (f, fd) in ev.fields.iter() {
            if fd.kind.value != LogFieldType::Enum {
                continue;
            }
            let values: Vec<String> = fd
                .values
                .iter()
                .flatten()
                .map(|v| v.value.clone())
                .collect();
            match by_field.iter_mut().find(|(n, _)| *n == f.value) {
                Some((_, uses)) => uses.push((e.value.clone(), values)),
                None => by_field.push((f.value.clone(), vec![(e.value.clone(), values)])),
            }
        }
    }
    let mut out = Vec::new();
    let mut types = HashMap::new();
    let mut names: HashSet<String> = HashSet::new();
    for (field, uses) in &by_field {
        let shared = uses.windows(2).all(|w| w[0].1 == w[1].1);
        let name = upper_camel(field);
        if shared && names.insert(name.clone()) {
            for (e, _) in uses {
                types.insert((e.clone(), field.clone()), name.clone());
            }
            let events = uses.iter().map(|(e, _)| e.clone()).collect();
            out.push((name, field.clone(), events, uses[0].1.clone()));
            continue;
        }
        for (e, values) in uses {
            let mut name = format!("{}{}", upper_camel(e), upper_camel(field));
            while !names.insert(name.clone()) {
                name.push('_');
            }
            types.insert((e.clone(), field.clone()), name.clone());
            out.push((name, field.clone(), vec![e.clone()], values.clone()));
        }
    }
    (out, types)
}

/// The Rust type of a parameter and the expression that records it.
fn param(name: &str, f: &LogField, enum_ty: Option<&String>) -> (String, String) {
    let (ty, rec) = match f.kind.value {
        LogFieldType::String => ("&str".to_string(), name.to_string()),
        LogFieldType::Int => ("i64".into(), name.to_string()),
        LogFieldType::Float => ("f64".into(), name.to_string()),
        LogFieldType::Bool => ("bool".into(), name.to_string()),
        LogFieldType::Duration => (
            "::core::time::Duration".into(),
            if f.is_optional() {
                format!("{name}.map(|d| d.as_secs_f64())")
            } else {
                format!("{name}.as_secs_f64()")
            },
        ),
        LogFieldType::Enum => {
            let ty = enum_ty.cloned().unwrap_or_default();
            let rec = if f.is_optional() {
                format!("{name}.map({ty}::as_str)")
            } else {
                format!("{name}.as_str()")
            };
            (ty, rec)
        }
    };
    if f.is_optional() {
        (format!("Option<{ty}>"), rec)
    } else {
        (ty, rec)
    }
}

// Long: the Rust file written top to bottom, as it reads.
/// The typed event structs of a service, rustfmt-stable.
pub fn events_rs(svc: &Service, logs: &Logs, sources: &[String]) -> String {
    let target = target_of(svc);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Log events of `{}` ({}).\n//\n// One struct per event with exactly the declared fields, built with a struct\n// literal (a field renamed or added in the spec is a compile error at every\n// call) and emitted with `emit()`: a `tracing` event with target `{target}`,\n// the declared level, `event` and `message`. Needs the `obspec` crate with\n// the `logs` feature.",
        svc.service.value,
        sources.join(", ")
    );
    let (enum_list, types) = enums(logs);
    for (ty, field, events, values) in &enum_list {
        let events: Vec<String> = events.iter().map(|e| format!("`{e}`")).collect();
        let _ = writeln!(
            s,
            "\n/// The values of `{field}` in {}.\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum {ty} {{",
            events.join(", ")
        );
        let variants: Vec<String> = values.iter().map(|v| variant(v)).collect();
        for (v, var) in values.iter().zip(&variants) {
            let _ = writeln!(s, "    /// `{v}`\n    {var},");
        }
        let _ = writeln!(s, "}}\n\nimpl {ty} {{");
        let _ = writeln!(s, "    /// Every value, in the order of the spec.");
        let all: Vec<String> = variants.iter().map(|v| format!("Self::{v}")).collect();
        let one_line = format!(
            "    pub const ALL: [Self; {}] = [{}];",
            all.len(),
            all.join(", ")
        );
        if one_line.len() <= 100 {
            let _ = writeln!(s, "{one_line}");
        } else {
            let _ = writeln!(s, "    pub const ALL: [Self; {}] = [", all.len());
            for a in &all {
                let _ = writeln!(s, "        {a},");
            }
            let _ = writeln!(s, "    ];");
        }
        let _ = writeln!(s, "\n    /// The value as the line writes it.\n    pub const fn as_str(self) -> &'static str {{\n        match self {{");
        for (v, var) in values.iter().zip(&variants) {
            let _ = writeln!(s, "            Self::{var} => {},", rust_str(v));
        }
        let _ = writeln!(s, "        }}\n    }}\n}}");
    }
    let enum_names: HashSet<&str> = enum_list.iter().map(|(n, ..)| n.as_str()).collect();
    for (ename, e) in logs.events.iter() {
        let name = ename.as_str();
        let mut ty_name = upper_camel(name);
        if enum_names.contains(ty_name.as_str()) {
            ty_name.push_str("Event");
        }
        let _ = writeln!(s);
        let doc = e
            .description
            .as_ref()
            .map_or(e.message.as_str(), |d| d.as_str());
        for line in doc.lines() {
            if line.trim().is_empty() {
                let _ = writeln!(s, "///");
            } else {
                let _ = writeln!(s, "/// {}", line.trim_end());
            }
        }
        let _ = writeln!(
            s,
            "///\n/// Level `{}`, event `{name}`: build it with every field and call\n/// [`emit`]({ty_name}::emit).",
            e.level.value.as_line()
        );
        let borrows = e
            .fields
            .iter()
            .any(|(_, f)| f.kind.value == LogFieldType::String);
        let params: Vec<(String, String, String)> = e
            .fields
            .iter()
            .map(|(f, fd)| {
                let ty = types.get(&(name.to_string(), f.value.clone()));
                let (ty, rec) = param(&format!("self.{}", f.value), fd, ty);
                (f.value.clone(), ty.replace("&str", "&'a str"), rec)
            })
            .collect();
        let _ = writeln!(s, "#[derive(Debug, Clone, Copy, PartialEq)]");
        if params.is_empty() {
            let _ = writeln!(s, "pub struct {ty_name};");
        } else {
            let _ = writeln!(
                s,
                "pub struct {ty_name}{} {{",
                if borrows { "<'a>" } else { "" }
            );
            for ((n, t, _), (_, fd)) in params.iter().zip(e.fields.iter()) {
                if let Some(d) = &fd.description {
                    for line in d.value.lines() {
                        let _ = writeln!(s, "    /// {}", line.trim_end());
                    }
                }
                let _ = writeln!(s, "    pub {n}: {t},");
            }
            let _ = writeln!(s, "}}");
        }
        let _ = writeln!(
            s,
            "\nimpl {ty_name}{} {{\n    /// Emits the event.\n    #[inline]\n    pub fn emit(self) {{",
            if borrows { "<'_>" } else { "" }
        );
        let message = e.message.as_str().replace('{', "{{").replace('}', "}}");
        let _ = writeln!(s, "        ::obspec::logs::tracing::event!(");
        let _ = writeln!(s, "            target: {},", rust_str(&target));
        let _ = writeln!(
            s,
            "            ::obspec::logs::tracing::Level::{},",
            e.level.value.tracing_const()
        );
        let _ = writeln!(s, "            event = {},", rust_str(name));
        for (n, _, rec) in &params {
            let _ = writeln!(s, "            {n} = {rec},");
        }
        let _ = writeln!(s, "            {}", rust_str(&message));
        let _ = writeln!(s, "        );\n    }}\n}}");
    }
    s
}
