//! The project's Alertmanager routing: receivers exist, integrations are known,
//! time intervals and durations are valid.

use crate::diag::{Diagnostic, Diagnostics};
use crate::lint::parse_duration;
use crate::model::{NamedMap, Routing, Spanned, Specs};

pub const CODE_RECEIVER: &str = "OBS901";
/// Credentials: checked in every string of every file by [`obspec_spec::secrets`].
pub const CODE_SECRET: &str = obspec_spec::secrets::CODE_SECRET;
pub const CODE_INTEGRATION: &str = "OBS903";
pub const CODE_ROUTE: &str = "OBS904";
pub const CODE_DEPLOY: &str = "OBS905";

/// Alertmanager 0.25 integrations, as `<name>` (written `<name>_configs`).
pub const INTEGRATIONS: [&str; 12] = [
    "slack",
    "pagerduty",
    "webhook",
    "email",
    "opsgenie",
    "msteams",
    "telegram",
    "pushover",
    "victorops",
    "sns",
    "discord",
    "webex",
];

fn durations(items: [&Option<Spanned<String>>; 3], diags: &mut Diagnostics) {
    for d in items.into_iter().flatten() {
        if parse_duration(d).is_none() {
            diags.push(
                Diagnostic::error(
                    crate::lint::alerts::CODE_FOR,
                    d.span,
                    format!("`{}` is not a duration", d.value),
                )
                .help("write a duration such as `30s`, `5m` or `4h`"),
            );
        }
    }
}

fn labels(m: &NamedMap<Spanned<String>>, diags: &mut Diagnostics) {
    for (k, _) in m.iter() {
        if !obspec_rules::is_valid_label_name(k) {
            diags.push(
                Diagnostic::error(
                    obspec_rules::codes::LABEL_NAME_INVALID,
                    k.span,
                    format!("`{}` is not a label name", k.value),
                )
                .help("matchers name labels: `[a-zA-Z_][a-zA-Z0-9_]*`"),
            );
        }
    }
}

pub fn check(specs: &Specs, diags: &mut Diagnostics) {
    if let Some(r) = &specs.project.routing {
        check_routing(r, diags);
    }
    if let Some(d) = &specs.project.deploy {
        check_deploy(d, diags);
    }
}

fn check_deploy(d: &crate::model::Deploy, diags: &mut Diagnostics) {
    let p = &d.ssm_prefix;
    let ok = p.starts_with('/')
        && !p.ends_with('/')
        && p.len() > 1
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_.-".contains(c));
    if !ok {
        diags.push(
            Diagnostic::error(
                CODE_DEPLOY,
                p.span,
                format!("`{}` is not an SSM parameter path prefix", p.value),
            )
            .help("write an absolute path without a trailing slash, e.g. `/shopfront`"),
        );
    }
    let region = &d.aws_region;
    let ok = region.split('-').count() >= 3
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        diags.push(
            Diagnostic::error(
                CODE_DEPLOY,
                region.span,
                format!("`{}` is not an AWS region", region.value),
            )
            .help("write a region name such as `eu-west-1`"),
        );
    }
    if let Some(c) = &d.collector {
        let vars = [
            Some(&c.remote_write_url_env),
            c.remote_write_auth_env.as_ref(),
            Some(&c.loki_url_env),
            c.traces_endpoint_env.as_ref(),
        ];
        for v in vars.into_iter().flatten() {
            let ok = v
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_uppercase() || *b == b'_')
                && v.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                diags.push(
                    Diagnostic::error(
                        CODE_DEPLOY,
                        v.span,
                        format!("`{}` is not an environment variable name", v.value),
                    )
                    .help("environment variables are upper-case: `[A-Z_][A-Z0-9_]*`"),
                );
            }
        }
        if let Some(m) = c.memory_mib.as_ref().filter(|m| m.value < 128) {
            diags.push(
                Diagnostic::error(CODE_DEPLOY, m.span, "the collector needs at least 128 MiB")
                    .help("give `memory_mib: 512` or more"),
            );
        }
    }
}

fn check_routing(r: &Routing, diags: &mut Diagnostics) {
    let names: Vec<&str> = r.receivers.keys().collect();
    let receiver = |name: &Spanned<String>, diags: &mut Diagnostics| {
        if !names.contains(&name.as_str()) {
            let mut d = Diagnostic::error(
                CODE_RECEIVER,
                name.span,
                format!("receiver `{}` is not defined", name.value),
            );
            d = match crate::load::did_you_mean(name, &names) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? Receivers: {}",
                    names.join(", ")
                )),
                None => d.help(format!(
                    "define it under `routing.receivers` (receivers: {})",
                    names.join(", ")
                )),
            };
            diags.push(d);
        }
    };
    receiver(&r.default_receiver, diags);
    durations(
        [&r.group_wait, &r.group_interval, &r.repeat_interval],
        diags,
    );
    for (name, integrations) in r.receivers.iter() {
        if integrations.is_empty() {
            diags.push(
                Diagnostic::error(
                    CODE_INTEGRATION,
                    name.span,
                    format!("receiver `{}` has no integration", name.value),
                )
                .help(format!("give it one of {}", INTEGRATIONS.join(", "))),
            );
        }
        for (kind, _) in integrations.iter() {
            if !INTEGRATIONS.contains(&kind.as_str()) {
                let mut d = Diagnostic::error(
                    CODE_INTEGRATION,
                    kind.span,
                    format!("unknown integration `{}`", kind.value),
                );
                d = match crate::load::did_you_mean(kind, &INTEGRATIONS) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("integrations: {}", INTEGRATIONS.join(", "))),
                };
                diags.push(d);
            }
        }
    }
    let intervals: Vec<&str> = r.time_intervals.keys().collect();
    for route in &r.routes {
        receiver(&route.receiver, diags);
        labels(&route.match_, diags);
        labels(&route.match_re, diags);
        durations(
            [
                &route.group_wait,
                &route.group_interval,
                &route.repeat_interval,
            ],
            diags,
        );
        for t in route
            .mute_time_intervals
            .iter()
            .chain(&route.active_time_intervals)
        {
            if !intervals.contains(&t.as_str()) {
                diags.push(
                    Diagnostic::error(
                        CODE_ROUTE,
                        t.span,
                        format!("time interval `{}` is not defined", t.value),
                    )
                    .help("define it under `routing.time_intervals`"),
                );
            }
        }
        if route.match_.is_empty() && route.match_re.is_empty() {
            if let Some(span) = route.span {
                diags.push(
                    Diagnostic::warning(CODE_ROUTE, span, "route without `match` or `match_re` catches every alert")
                        .help("routes after it are reached only with `continue: true`; use `default_receiver` for the catch-all"),
                );
            }
        }
    }
    for (_, recv) in r.teams.iter() {
        receiver(recv, diags);
    }
    for i in &r.inhibit {
        labels(&i.source, diags);
        labels(&i.target, diags);
        if i.source.is_empty() || i.target.is_empty() {
            diags.push(
                Diagnostic::error(
                    CODE_ROUTE,
                    r.span.unwrap_or(r.default_receiver.span),
                    "an inhibition rule needs `source` and `target` matchers",
                )
                .help("without them it would mute every alert"),
            );
        }
    }
}
