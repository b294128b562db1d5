//! The `logs:` section: event and field names, closed domains, personal
//! data and secrets, Loki stream labels (bounded like metric labels), and
//! the Loki alerts on the events.

use std::collections::HashSet;

use crate::lint::examples::spec;
use obspec_spec::catalog::Rule;
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

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS951",
        title: "invalid log event or field name",
        severity: "error",
        explanation: "Log event and field names are snake_case (lowercase ASCII letters, digits, single `_`, starting with a letter): they become JSON keys, Rust function and parameter names, and LogQL filters, and a name written two ways is two fields to every query. An event's field may not reuse a line field every line already carries (`timestamp`, `level`, `target`, `event`, `message`, `trace_id`, `span_id`), nor be a Rust keyword (`type`, `match`...), which cannot name a parameter of the generated event function.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        orderTotal: float # <- OBS951"
            "        message: string # <- OBS951"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_total: float"
            "        note: string"
        ))],
    },
    Rule {
        code: "OBS952",
        title: "log field without a closed domain",
        severity: "error",
        explanation: "An `enum` field lists its closed domain under `values` (non-empty, each value once): the JSON Schema, the generated Rust enum and `obspec live-check --logs` hold lines to it, and it may become a Loki stream label. `values` on a field of another type is refused: it would not be checked.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        channel: enum # <- OBS952"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        channel: {type: enum, values: [web, app]}"
        ))],
    },
    Rule {
        code: "OBS953",
        title: "forbidden log field",
        severity: "error",
        explanation: "Fields named in `conventions.forbidden_log_fields` (default: email, user_id, phone, ip_address, password, token, secret, api_key, authorization) are personal data or secrets, and a log line is copied to every place logs go. Personal data may be logged as a hash: declare the field `{type: string, hashed: true}`. Secrets (`password`, `passwd`, `token`, `secret`, `api_key`, `authorization`, `access_token`, `private_key`, and names ending in `_password`, `_secret`, `_token`, `_api_key`, `_private_key`) are refused even hashed. `obspec live-check --logs` reports the same names in lines (OBS616).",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    login_failed:"
            "      level: warn"
            "      message: Login failed."
            "      fields:"
            "        email: string # <- OBS953"
            "        password: {type: string, hashed: true} # <- OBS953"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    login_failed:"
            "      level: warn"
            "      message: Login failed."
            "      fields:"
            "        user_id: {type: string, hashed: true}"
            "        reason: {type: enum, values: [bad_password, locked]}"
        ))],
    },
    Rule {
        code: "OBS954",
        title: "unbounded Loki stream label",
        severity: "error",
        explanation: "Loki indexes streams by their labels, and every distinct label set is a stream with its own chunks: a label with an open domain (a string, a number, a duration, an identifier) makes streams without bound, the same cardinality problem as a metric label. `logs.stream_labels` may name `level`, `event`, `target` (and `service`, always a label), or event fields with a closed domain (`enum`, `bool`). Filter on other fields in the query (`| json | tool_name=\"search\"`). Personal data is never a stream label.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level, order_id] # <- OBS954"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_id: string"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level, channel]"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_id: string"
            "        channel: {type: enum, values: [web, app]}"
        ))],
    },
    Rule {
        code: "OBS955",
        title: "unknown stream label",
        severity: "error",
        explanation: "A name in `logs.stream_labels` is a line field (`level`, `event`, `target`, `service`) or a field of at least one event; any other name would be a label no line ever has.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [levl] # <- OBS955"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level]"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
        ))],
    },
    Rule {
        code: "OBS956",
        title: "too many Loki streams",
        severity: "error",
        explanation: "The streams of a service are at most the product of its stream labels' domains: the events' levels, the events, and each label field's values (plus one where an event lacks it). It must stay within `conventions.max_log_streams_per_service` (default 1000); Loki's own default limit is 5,000 active streams per tenant, shared by every service.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_log_streams_per_service: 4}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  stream_labels: [event, channel] # <- OBS956"
                "  events:"
                "    order_placed: {level: info, message: Order placed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_failed: {level: error, message: Order failed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_shipped: {level: info, message: Order shipped.}"
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_log_streams_per_service: 4}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  stream_labels: [level]"
                "  events:"
                "    order_placed: {level: info, message: Order placed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_failed: {level: error, message: Order failed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_shipped: {level: info, message: Order shipped.}"
            )),
        ],
    },
    Rule {
        code: "OBS957",
        title: "log alert on an unknown event or label",
        severity: "error",
        explanation: "A log alert counts events declared under `logs.events` (`events`, and `of` for a ratio) and groups by stream labels (`by`): an alert on an event no line carries is a LogQL query that matches nothing and never fires.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_fail] # <- OBS957"
            "      window: 5m"
            "      above: 0.1"
            "      severity: warning"
            "      summary: Orders fail."
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      window: 5m"
            "      above: 0.1"
            "      severity: warning"
            "      summary: Orders fail."
        ))],
    },
    Rule {
        code: "OBS958",
        title: "invalid log alert",
        severity: "error",
        explanation: "A log alert has an identifier as its name, counts at least one event, a `window` of a second or more and a `for` that are durations, a threshold that can be crossed (events per second ≥ 0; for a ratio with `of`, between 0 and 1) and a severity from `conventions.severities`.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      of: [order_placed, order_failed]"
            "      window: 10m"
            "      above: 5 # <- OBS958"
            "      severity: warning"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      of: [order_placed, order_failed]"
            "      window: 10m"
            "      above: 0.05"
            "      severity: warning"
        ))],
    },
    Rule {
        code: "OBS959",
        title: "two services share a log target",
        severity: "error",
        explanation: "A log line names its service only through its `target` (`logs.target`, default the namespace): `obspec live-check --logs` and the collector's JSONL pipeline route each line by it. Two services with the same target would have their lines checked against, and labelled as, the first one.",
        bad: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nlogs:\n  target: shop\n  events:\n    invoice_sent: {level: info, message: Invoice sent.}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  target: shop # <- OBS959"
                "  events:"
                "    order_placed: {level: info, message: Order placed.}"
            )),
        ],
        good: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nlogs:\n  events:\n    invoice_sent: {level: info, message: Invoice sent.}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  target: shop"
                "  events:"
                "    order_placed: {level: info, message: Order placed.}"
            )),
        ],
    },
];
