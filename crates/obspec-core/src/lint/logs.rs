//! The `logs:` section: event and field names, closed domains, personal
//! data and secrets, Loki stream labels (bounded like metric labels), and
//! the Loki alerts on the events.

use std::collections::HashSet;

use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{
    LogFieldType, Logs, Service, Spanned, Specs, LOG_LINE_FIELDS, SECRET_LOG_FIELDS,
};

pub const CODE_LOG_NAME: &str = "OBS951";
pub const CODE_LOG_DOMAIN: &str = "OBS952";
pub const CODE_LOG_FORBIDDEN: &str = "OBS953";
pub const CODE_LOG_UNBOUNDED_LABEL: &str = "OBS954";
pub const CODE_LOG_UNKNOWN_LABEL: &str = "OBS955";
pub const CODE_LOG_STREAMS: &str = "OBS956";
pub const CODE_LOG_ALERT_EVENT: &str = "OBS957";
pub const CODE_LOG_ALERT: &str = "OBS958";
pub const CODE_LOG_TARGET: &str = "OBS959";

/// Two services whose lines carry the same `target` cannot be told apart:
/// `live-check --logs` and the collector route lines by it.
pub fn check_targets(specs: &Specs, diags: &mut Diagnostics) {
    let mut first: std::collections::HashMap<String, &Service> = std::collections::HashMap::new();
    for svc in &specs.services {
        let Some(logs) = &svc.logs else { continue };
        let target = crate::expr::logs::target_of(svc);
        match first.get(&target) {
            Some(other) => {
                let span = logs.target.as_ref().map_or(svc.namespace.span, |t| t.span);
                diags.push(
                    Diagnostic::error(
                        CODE_LOG_TARGET,
                        span,
                        format!(
                            "the log lines of `{}` and `{}` both have target `{target}`: they cannot be told apart",
                            other.service.value, svc.service.value
                        ),
                    )
                    .help("give one of them its own `logs.target`"),
                );
            }
            None => {
                first.insert(target, svc);
            }
        }
    }
}

/// Stream labels every line can carry whatever its event: `service` (set by
/// the collector), and the line fields with a closed domain.
pub const LINE_STREAM_LABELS: [&str; 4] = ["service", "level", "event", "target"];

/// A log event or field name: snake_case ASCII, starting with a letter.
pub fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// The number of values a stream label takes across the events of `logs`
/// (`None`: unbounded), counting "absent" as a value where some event lacks
/// the field or has it optional.
pub fn stream_label_domain(logs: &Logs, label: &str) -> Option<u64> {
    match label {
        "service" | "target" => return Some(1),
        "event" => return Some(logs.events.len().max(1) as u64),
        "level" => {
            let levels: HashSet<_> = logs.events.iter().map(|(_, e)| e.level.value).collect();
            return Some(levels.len().max(1) as u64);
        }
        _ => {}
    }
    let mut values: HashSet<&str> = HashSet::new();
    let mut absent = false;
    let mut seen = false;
    for (_, e) in logs.events.iter() {
        match e.fields.get(label) {
            None => absent = true,
            Some(f) => {
                seen = true;
                absent |= f.is_optional();
                match f.kind.value {
                    LogFieldType::Enum => {
                        values.extend(f.values.iter().flatten().map(|v| v.value.as_str()))
                    }
                    LogFieldType::Bool => values.extend(["true", "false"]),
                    _ => return None,
                }
            }
        }
    }
    if !seen {
        return None;
    }
    Some(values.len() as u64 + u64::from(absent))
}

pub fn check_service(specs: &Specs, svc: &Service, diags: &mut Diagnostics) {
    let Some(logs) = &svc.logs else { return };
    let conv = &specs.project.conventions;
    let forbidden: HashSet<&str> = conv
        .forbidden_log_fields
        .iter()
        .map(|f| f.as_str())
        .collect();
    for (name, event) in logs.events.iter() {
        if !is_snake(name) {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_NAME,
                    name.span,
                    format!("log event name `{}` is not snake_case", name.value),
                )
                .help("name events like `payment_authorized`: lowercase ASCII letters, digits and single `_`"),
            );
        }
        for (field, f) in event.fields.iter() {
            check_field(name, field, f, &forbidden, diags);
        }
    }
    check_streams(
        conv.max_log_streams_per_service.value,
        &forbidden,
        logs,
        diags,
    );
    check_alerts(specs, logs, diags);
}

// Long: a log field's checks in catalog order, each a short branch on the same field.
/// One field of a log event: not an envelope field, not forbidden, a
/// bounded domain where the lines are counted.
fn check_field(
    name: &obspec_spec::model::Spanned<String>,
    field: &obspec_spec::model::Spanned<String>,
    f: &obspec_spec::model::LogField,
    forbidden: &HashSet<&str>,
    diags: &mut Diagnostics,
) {
    let fname = field.as_str();
    if LOG_LINE_FIELDS.contains(&fname) {
        diags.push(
            Diagnostic::error(
                CODE_LOG_NAME,
                field.span,
                format!(
                    "field `{fname}` of `{}` is a line field every log line already carries",
                    name.value
                ),
            )
            .help(format!(
                "the runtime writes {}; name the event's field differently",
                LOG_LINE_FIELDS.join(", ")
            )),
        );
    } else if crate::format::case::RUST_KEYWORDS.contains(&fname)
        || matches!(fname, "self" | "super")
    {
        diags.push(
            Diagnostic::error(
                CODE_LOG_NAME,
                field.span,
                format!("field `{fname}` of `{}` is a Rust keyword: it cannot name a parameter of the generated event function", name.value),
            )
            .help(format!("name it for what it holds: `{}_{fname}`", name.value.split('_').next().unwrap_or("event"))),
        );
    } else if !is_snake(fname) {
        diags.push(
            Diagnostic::error(
                CODE_LOG_NAME,
                field.span,
                format!("log field name `{fname}` is not snake_case"),
            )
            .help("name fields like `tool_name`: lowercase ASCII letters, digits and single `_`"),
        );
    }
    let secret = SECRET_LOG_FIELDS.contains(&fname)
        || ["password", "secret", "token", "api_key", "private_key"]
            .iter()
            .any(|s| fname.ends_with(&format!("_{s}")));
    if secret {
        diags.push(
            Diagnostic::error(
                CODE_LOG_FORBIDDEN,
                field.span,
                format!("field `{fname}` of `{}` holds a secret: it never goes into a log line, hashed or not", name.value),
            )
            .help("leave the secret out of the event; log an identifier of the credential (its name, its key id) instead"),
        );
    } else if forbidden.contains(fname) {
        if !f.is_hashed() {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_FORBIDDEN,
                    field.span,
                    format!("field `{fname}` of `{}` is personal data, forbidden by `conventions.forbidden_log_fields`", name.value),
                )
                .help("log a hash of it and declare the field `{type: string, hashed: true}`, or leave it out"),
            );
        } else if f.kind.value != LogFieldType::String {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_FORBIDDEN,
                    f.kind.span,
                    format!("field `{fname}` is declared hashed but is not a string"),
                )
                .help("a hash is written as a string: `type: string`"),
            );
        }
    }
    match (f.kind.value, &f.values) {
        (LogFieldType::Enum, None) => diags.push(
            Diagnostic::error(
                CODE_LOG_DOMAIN,
                f.kind.span,
                format!("enum field `{fname}` of `{}` has no `values`", name.value),
            )
            .help("list the closed domain: `{type: enum, values: [a, b]}`"),
        ),
        (LogFieldType::Enum, Some(v)) => {
            if v.is_empty() {
                diags.push(
                    Diagnostic::error(
                        CODE_LOG_DOMAIN,
                        f.kind.span,
                        format!("enum field `{fname}` has an empty domain"),
                    )
                    .help("list at least one value"),
                );
            }
            let mut seen = HashSet::new();
            let mut variants = std::collections::HashMap::new();
            for value in v {
                let var = crate::expr::logs::variant(value);
                if let Some(first) = variants.insert(var.clone(), value.as_str()) {
                    if first != value.as_str() {
                        diags.push(
                            Diagnostic::error(
                                CODE_LOG_DOMAIN,
                                value.span,
                                format!("values `{first}` and `{}` of `{fname}` are both the Rust variant `{var}`", value.value),
                            )
                            .help("make the values differ in more than case and punctuation"),
                        );
                    }
                }
                if !seen.insert(value.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            CODE_LOG_DOMAIN,
                            value.span,
                            format!("value `{}` of `{fname}` is listed twice", value.value),
                        )
                        .help("list each value once"),
                    );
                }
            }
        }
        (_, Some(v)) => diags.push(
            Diagnostic::error(
                CODE_LOG_DOMAIN,
                v.first().map_or(f.kind.span, |x| x.span),
                format!(
                    "`values` on field `{fname}`, which is a {} and not an enum",
                    f.kind.value.as_str()
                ),
            )
            .help("declare the field `type: enum` or remove `values`"),
        ),
        _ => {}
    }
}

fn check_streams(max: u64, forbidden: &HashSet<&str>, logs: &Logs, diags: &mut Diagnostics) {
    let mut product: u64 = 1;
    let mut seen = HashSet::new();
    for label in &logs.stream_labels {
        let l = label.as_str();
        if !seen.insert(l) {
            continue;
        }
        let declared = LINE_STREAM_LABELS.contains(&l)
            || logs.events.iter().any(|(_, e)| e.fields.get(l).is_some());
        if !declared {
            let known: Vec<&str> = LINE_STREAM_LABELS
                .iter()
                .copied()
                .chain(logs.events.iter().flat_map(|(_, e)| e.fields.keys()))
                .collect();
            let mut d = Diagnostic::error(
                CODE_LOG_UNKNOWN_LABEL,
                label.span,
                format!("stream label `{l}` is neither a line field nor a field of any event"),
            );
            d = match obspec_spec::load::did_you_mean(l, &known) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("stream labels are `level`, `event`, `target`, or event fields with a closed domain"),
            };
            diags.push(d);
            continue;
        }
        if forbidden.contains(l) {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_UNBOUNDED_LABEL,
                    label.span,
                    format!("stream label `{l}` is personal data: each value would be a Loki stream, and an index entry"),
                )
                .help("keep it a field of the line, never a stream label"),
            );
            continue;
        }
        match stream_label_domain(logs, l) {
            Some(n) => product = product.saturating_mul(n),
            None => {
                let why = logs
                    .events
                    .iter()
                    .find_map(|(e, ev)| {
                        ev.fields
                            .get(l)
                            .filter(|f| {
                                !matches!(f.kind.value, LogFieldType::Enum | LogFieldType::Bool)
                            })
                            .map(|f| (e, f.kind.value.as_str()))
                    })
                    .map(|(e, t)| format!(" (a {t} in `{}`)", e.value))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        CODE_LOG_UNBOUNDED_LABEL,
                        label.span,
                        format!("stream label `{l}` has no closed domain{why}: every value is a new Loki stream"),
                    )
                    .help("make the field an `enum` with its values (or a `bool`), or filter on it in the query with `| json` instead of making it a label"),
                );
            }
        }
    }
    if product > max {
        if let Some(first) = logs.stream_labels.first() {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_STREAMS,
                    first.span,
                    format!("the stream labels make up to {product} Loki streams per service, more than `conventions.max_log_streams_per_service` ({max})"),
                )
                .help("drop a stream label (filter on the field with `| json` instead), or raise the limit"),
            );
        }
    }
}

fn check_alerts(specs: &Specs, logs: &Logs, diags: &mut Diagnostics) {
    let events: Vec<&str> = logs.events.keys().collect();
    let severities = &specs.project.conventions.severities;
    let unknown = |e: &Spanned<String>, diags: &mut Diagnostics| {
        if !events.contains(&e.as_str()) {
            let mut d = Diagnostic::error(
                CODE_LOG_ALERT_EVENT,
                e.span,
                format!(
                    "log alert counts `{}`, which is not an event of the service",
                    e.value
                ),
            );
            d = match obspec_spec::load::did_you_mean(e, &events) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("name an event declared under `logs.events`"),
            };
            diags.push(d);
        }
    };
    for (name, a) in logs.alerts.iter() {
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_ALERT,
                    name.span,
                    format!("log alert name `{}` is not an identifier", name.value),
                )
                .help("name alerts in CamelCase letters and digits, e.g. `ToolFailuresHigh`"),
            );
        }
        if a.events.is_empty() {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_ALERT,
                    name.span,
                    format!("log alert `{}` counts no event", name.value),
                )
                .help("list the counted events: `events: [tool_failed]`"),
            );
        }
        for e in a.events.iter().chain(a.of.iter().flatten()) {
            unknown(e, diags);
        }
        for b in &a.by {
            if !logs.stream_labels.iter().any(|l| l.value == b.value) && b.value != "service" {
                diags.push(
                    Diagnostic::error(
                        CODE_LOG_ALERT_EVENT,
                        b.span,
                        format!("log alert `{}` groups by `{}`, which is not a stream label", name.value, b.value),
                    )
                    .help("group by stream labels (`logs.stream_labels`): they are what Loki's range aggregations keep"),
                );
            }
        }
        match obspec_spec::duration::parse_duration(&a.window.value) {
            Some(ms) if ms >= 1000 => {}
            _ => diags.push(
                Diagnostic::error(
                    CODE_LOG_ALERT,
                    a.window.span,
                    format!(
                        "window `{}` is not a duration of a second or more",
                        a.window.value
                    ),
                )
                .help("write a Prometheus duration: `5m`, `1h`"),
            ),
        }
        if let Some(f) = &a.for_ {
            if obspec_spec::duration::parse_duration(&f.value).is_none() {
                diags.push(
                    Diagnostic::error(
                        CODE_LOG_ALERT,
                        f.span,
                        format!("`for: {}` is not a duration", f.value),
                    )
                    .help("write a Prometheus duration: `5m`"),
                );
            }
        }
        let v = a.above.value;
        let ratio = a.of.is_some();
        if !v.is_finite() || v < 0.0 || (ratio && v >= 1.0) {
            diags.push(
                Diagnostic::error(
                    CODE_LOG_ALERT,
                    a.above.span,
                    if ratio {
                        format!("`above: {v}`: a ratio of events is between 0 and 1, so it can never be above this")
                    } else {
                        format!("`above: {v}`: a rate of events is a number ≥ 0")
                    },
                )
                .help(if ratio { "write the share as a ratio: `0.05` for 5%" } else { "write events per second: `0.5`" }),
            );
        }
        if !severities.iter().any(|s| s.value == a.severity.value) {
            let names: Vec<&str> = severities.iter().map(|s| s.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    CODE_LOG_ALERT,
                    a.severity.span,
                    format!(
                        "severity `{}` is not one of the project's ({})",
                        a.severity.value,
                        names.join(", ")
                    ),
                )
                .help("use a severity from `conventions.severities`"),
            );
        }
    }
}
