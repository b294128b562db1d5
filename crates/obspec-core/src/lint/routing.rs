//! The project's Alertmanager routing: receivers exist, integrations are known,
//! time intervals and durations are valid.

use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::duration::parse_duration;
use obspec_spec::model::{AnyValue, NamedMap, Routing, Spanned, Specs};

pub const CODE_RECEIVER: &str = "OBS901";
/// Credentials: checked in every string of every file by [`obspec_spec::secrets`].
pub const CODE_SECRET: &str = obspec_spec::secrets::CODE_SECRET;
pub const CODE_INTEGRATION: &str = "OBS903";
pub const CODE_ROUTE: &str = "OBS904";
pub const CODE_DEPLOY: &str = "OBS905";
pub const CODE_AM_VALUE: &str = "OBS906";

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

/// `group_by`: label names, or `...` (every label) alone.
fn group_by(items: &[Spanned<String>], diags: &mut Diagnostics) {
    let wildcard = items.iter().any(|g| g.value == "...");
    for g in items {
        if g.value == "..." {
            if items.len() > 1 {
                diags.push(
                    Diagnostic::error(CODE_AM_VALUE, g.span, "`...` in `group_by` stands for every label: it cannot be combined with other labels")
                        .help("write `group_by: [\"...\"]` alone, or list label names"),
                );
            }
        } else if !obspec_rules::is_valid_label_name(g) {
            diags.push(
                Diagnostic::error(
                    CODE_AM_VALUE,
                    g.span,
                    format!(
                        "`{}` in `group_by` is not a label name",
                        g.value.escape_debug()
                    ),
                )
                .help(if wildcard {
                    "label names are `[a-zA-Z_][a-zA-Z0-9_]*`"
                } else {
                    "label names are `[a-zA-Z_][a-zA-Z0-9_]*`; `...` alone groups by every label"
                }),
            );
        }
    }
}

/// A receiver name Alertmanager and every target can carry: printable, trimmed.
fn receiver_name(name: &Spanned<String>, diags: &mut Diagnostics) {
    let bad = name.trim().is_empty()
        || name.value.trim() != name.value
        || name.chars().any(char::is_control)
        || name.len() > 128;
    if bad {
        diags.push(
            Diagnostic::error(CODE_AM_VALUE, name.span, format!("receiver name `{}` is empty, too long, padded with spaces or has control characters", name.value.escape_debug()))
                .help("name receivers with printable text of at most 128 characters, e.g. `payments-pager`"),
        );
    }
}

/// URLs in receiver settings (`url`, `api_url`, `*_url`): absolute http(s), no
/// white space or control characters.
fn urls(key: &str, v: &Spanned<AnyValue>, diags: &mut Diagnostics) {
    match &v.value {
        AnyValue::String(s)
            if (key == "url" || key.ends_with("_url"))
                && (!crate::lint::alerts::is_url(s) || s.chars().any(char::is_control)) =>
        {
            diags.push(
                Diagnostic::error(CODE_AM_VALUE, v.span, format!("`{key}` is not an absolute http(s) URL: `{}`", s.escape_debug()))
                    .help("write a URL such as `https://hooks.example.com/alerts`, without spaces or control characters"),
            );
        }
        AnyValue::String(s) if key == "smarthost" && !is_host_port(s) => {
            diags.push(
                Diagnostic::error(
                    CODE_AM_VALUE,
                    v.span,
                    format!("`smarthost` is not `host:port`: `{}`", s.escape_debug()),
                )
                .help("write the SMTP server with its port, e.g. `smtp.example.com:587`"),
            );
        }
        AnyValue::Map(m) => m.iter().for_each(|(k, val)| urls(k, val, diags)),
        AnyValue::List(l) => l.iter().for_each(|val| urls(key, val, diags)),
        _ => {}
    }
}

/// What Go's RE2 refuses although Rust's `regex` accepts it: nested
/// repetition (`a**`, `a+*`; a single `?` after a repetition makes it lazy),
/// repeat counts over 1000, and `(?<name>` groups (Go 1.22 and later only).
/// Returns the expression for Rust's `regex`, with the `{` that Go reads as a
/// literal (`x{a}`) escaped.
fn go_regex_only(re: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(re.len() + 4);
    let b = re.as_bytes();
    let mut i = 0;
    let mut class = false;
    // What the previous token was: 0 atom, 1 repetition, 2 lazy repetition.
    let mut prev = 0u8;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            let n = re[i + 1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&re[i..(i + 1 + n).min(re.len())]);
            i += 1 + n;
            prev = 0;
            continue;
        }
        if class {
            if c == b']' {
                class = false;
            }
            let n = re[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&re[i..i + n]);
            i += n;
            continue;
        }
        match c {
            b'[' => {
                class = true;
                out.push('[');
                // `[]a]` and `[^]a]`: a leading `]` is a member.
                if b.get(i + 1) == Some(&b'^') {
                    out.push('^');
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    out.push_str("\\]");
                    i += 1;
                }
                prev = 0;
                i += 1;
                continue;
            }
            b'(' if re[i..].starts_with("(?<")
                && !re[i..].starts_with("(?<=")
                && !re[i..].starts_with("(?<!") =>
            {
                return Err("`(?<name>` groups need Go 1.22; write `(?P<name>`");
            }
            b'*' | b'+' | b'?' | b'{' => {
                let counted = if c == b'{' {
                    // `{n}`, `{n,}`, `{n,m}`; anything else is a literal `{`.
                    let end = re[i..].find('}').map(|e| i + e);
                    match end.map(|e| &re[i + 1..e]) {
                        Some(body)
                            if !body.is_empty()
                                && body.split(',').count() <= 2
                                && body.split(',').next().is_some_and(|n| !n.is_empty())
                                && body.chars().all(|ch| ch.is_ascii_digit() || ch == ',') =>
                        {
                            if body
                                .split(',')
                                .any(|n| n.parse::<u32>().is_ok_and(|n| n > 1000))
                            {
                                return Err("a repeat count is over 1000");
                            }
                            Some(end.unwrap_or(i))
                        }
                        _ => None,
                    }
                } else {
                    Some(i)
                };
                match counted {
                    Some(end) => {
                        if c == b'?' && prev == 1 {
                            prev = 2;
                        } else if prev != 0 {
                            return Err("invalid nested repetition operator");
                        } else {
                            prev = 1;
                        }
                        out.push_str(&re[i..=end]);
                        i = end;
                    }
                    None => {
                        out.push_str("\\{");
                        prev = 0;
                    }
                }
            }
            _ => {
                let n = re[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&re[i..i + n]);
                prev = 0;
                i += n;
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// `host:port` as Go's `net.SplitHostPort` reads it (`[v6]:port` included).
fn is_host_port(s: &str) -> bool {
    let (host, port) = match s.strip_prefix('[') {
        Some(rest) => match rest.split_once("]:") {
            Some((h, p)) => (h, p),
            None => return false,
        },
        None => match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, p),
            _ => return false,
        },
    };
    // Named ports (`smtp`) are allowed, as Go resolves them.
    !host.chars().any(|c| c.is_whitespace() || c.is_control())
        && !port.is_empty()
        && port.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Minutes since midnight of `HH:MM` (`24:00` allowed as an end).
fn time_of_day(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// One item of a `weekdays`, `days_of_month`, `months` or `years` list: a value
/// or an inclusive `a:b` range, as Alertmanager parses them.
fn range_item(kind: &str, s: &str) -> Result<(), String> {
    let one = |x: &str| -> Result<i64, String> {
        let x = x.trim();
        match kind {
            "weekdays" => WEEKDAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(x))
                .map(|i| i as i64)
                .ok_or_else(|| format!("`{x}` is not a weekday (sunday … saturday)")),
            "months" => MONTHS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(x))
                .map(|i| i as i64 + 1)
                .or_else(|| x.parse::<i64>().ok().filter(|n| (1..=12).contains(n)))
                .ok_or_else(|| format!("`{x}` is not a month (january … december or 1 … 12)")),
            "days_of_month" => x
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=31).contains(n) || (-31..=-1).contains(n))
                .ok_or_else(|| {
                    format!("`{x}` is not a day of the month (1 … 31, or -31 … -1 from the end)")
                }),
            _ => x
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=9999).contains(n) && x.len() == 4)
                .ok_or_else(|| format!("`{x}` is not a year (four digits)")),
        }
    };
    // A negative day starts with `-`: split ranges on `:` only.
    match s.split_once(':') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            let ordered = if kind == "days_of_month" && (a < 0) != (b < 0) {
                // Mixed signs (`1:-1`) are allowed; Alertmanager resolves them per month.
                true
            } else {
                a <= b
            };
            if ordered {
                Ok(())
            } else {
                Err(format!("the range `{s}` ends before it starts"))
            }
        }
        None => one(s).map(|_| ()),
    }
}

/// The Alertmanager `time_intervals` syntax, checked as Alertmanager checks it.
fn time_interval(v: &Spanned<AnyValue>, diags: &mut Diagnostics) {
    let items: Vec<&Spanned<AnyValue>> = match &v.value {
        AnyValue::List(l) => l.iter().collect(),
        _ => vec![v],
    };
    let mut bad = |span, msg: String, help: &str| {
        diags.push(Diagnostic::error(CODE_AM_VALUE, span, msg).help(help.to_string()));
    };
    for item in items {
        let AnyValue::Map(m) = &item.value else {
            bad(item.span, "a time interval is a mapping of `times`, `weekdays`, `days_of_month`, `months`, `years` and `location`".into(), "e.g. `{times: [{start_time: \"09:00\", end_time: \"17:00\"}], weekdays: [\"monday:friday\"]}`");
            continue;
        };
        for (k, val) in m.iter() {
            match k.as_str() {
                "times" => {
                    let AnyValue::List(ranges) = &val.value else {
                        bad(val.span, "`times` is a list of `{start_time, end_time}`".into(), "e.g. `times: [{start_time: \"09:00\", end_time: \"17:00\"}]`");
                        continue;
                    };
                    for r in ranges {
                        let AnyValue::Map(rm) = &r.value else {
                            bad(r.span, "a time range is `{start_time: HH:MM, end_time: HH:MM}`".into(), "times of day run from 00:00 to 24:00");
                            continue;
                        };
                        let get = |n: &str| rm.iter().find(|(rk, _)| rk.as_str() == n).map(|(_, rv)| rv);
                        let mut parsed = [None, None];
                        for (i, n) in ["start_time", "end_time"].into_iter().enumerate() {
                            match get(n) {
                                Some(t) => match &t.value {
                                    AnyValue::String(s) => match time_of_day(s) {
                                        Some(min) => parsed[i] = Some((min, t.span)),
                                        None => bad(t.span, format!("`{n}: {s}` is not a time of day"), "write `HH:MM` between 00:00 and 24:00"),
                                    },
                                    _ => bad(t.span, format!("`{n}` is a time of day in quotes"), "write `\"HH:MM\"` between 00:00 and 24:00"),
                                },
                                None => bad(r.span, format!("a time range needs `{n}`"), "write `{start_time: \"HH:MM\", end_time: \"HH:MM\"}`"),
                            }
                        }
                        if let [Some((a, _)), Some((b, span))] = parsed {
                            if a >= b {
                                bad(span, "`end_time` is not after `start_time`".into(), "a range within one day; split ranges that cross midnight in two (`22:00`–`24:00` and `00:00`–`06:00`)");
                            }
                        }
                        for (rk, _) in rm.iter() {
                            if !matches!(rk.as_str(), "start_time" | "end_time") {
                                bad(rk.span, format!("unknown key `{}` in a time range", rk.value), "a time range has `start_time` and `end_time`");
                            }
                        }
                    }
                }
                "weekdays" | "days_of_month" | "months" | "years" => {
                    let AnyValue::List(list) = &val.value else {
                        bad(val.span, format!("`{}` is a list", k.value), "e.g. `weekdays: [\"monday:friday\"]`");
                        continue;
                    };
                    for x in list {
                        let text = match &x.value {
                            AnyValue::String(s) => s.clone(),
                            AnyValue::Number(n) => format!("{n}"),
                            _ => String::new(),
                        };
                        if let Err(e) = range_item(k.as_str(), &text) {
                            bad(x.span, e, "values or inclusive ranges `a:b`");
                        }
                    }
                }
                "location" => match &val.value {
                    AnyValue::String(s) if s == "Local" || s == "UTC" || crate::lint::tz::is_zone(s) => {}
                    _ => bad(val.span, "`location` is not a time zone of the IANA database".into(), "write a zone name such as `Europe/Berlin`, `America/New_York` or `UTC`"),
                },
                other => bad(k.span, format!("unknown key `{other}` in a time interval"), "time intervals have `times`, `weekdays`, `days_of_month`, `months`, `years` and `location`"),
            }
        }
    }
}

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

fn check_deploy(d: &obspec_spec::model::Deploy, diags: &mut Diagnostics) {
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

// Long: every part of the routing section in file order, sharing the receiver check.
fn check_routing(r: &Routing, diags: &mut Diagnostics) {
    let names: Vec<&str> = r.receivers.keys().collect();
    let receiver = |name: &Spanned<String>, diags: &mut Diagnostics| {
        if !names.contains(&name.as_str()) {
            let mut d = Diagnostic::error(
                CODE_RECEIVER,
                name.span,
                format!("receiver `{}` is not defined", name.value),
            );
            d = match obspec_spec::load::did_you_mean(name, &names) {
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
    group_by(&r.group_by, diags);
    for (_, v) in r.time_intervals.iter() {
        time_interval(v, diags);
    }
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
        receiver_name(name, diags);
        for (kind, config) in integrations.iter() {
            urls(kind, config, diags);
            if !INTEGRATIONS.contains(&kind.as_str()) {
                let mut d = Diagnostic::error(
                    CODE_INTEGRATION,
                    kind.span,
                    format!("unknown integration `{}`", kind.value),
                );
                d = match obspec_spec::load::did_you_mean(kind, &INTEGRATIONS) {
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
        group_by(&route.group_by, diags);
        labels(&route.match_, diags);
        for (_, re) in route.match_re.iter() {
            // Alertmanager anchors the expression and compiles it as RE2.
            let checked = go_regex_only(&re.value)
                .map_err(str::to_string)
                .and_then(|rust| {
                    regex::Regex::new(&format!("^(?:{rust})$")).map_err(|e| {
                        let detail = e.to_string();
                        detail
                            .lines()
                            .last()
                            .unwrap_or("invalid")
                            .trim()
                            .to_string()
                    })
                });
            if let Err(last) = checked {
                diags.push(
                    Diagnostic::error(
                        CODE_AM_VALUE,
                        re.span,
                        format!("`match_re` value is not a regular expression: {last}"),
                    )
                    .help("write an RE2 expression; it is anchored at both ends"),
                );
            }
        }
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
    check_inhibits(r, diags);
}

/// Inhibition rules: valid matchers and `equal` labels, never empty.
fn check_inhibits(r: &Routing, diags: &mut Diagnostics) {
    for i in &r.inhibit {
        labels(&i.source, diags);
        labels(&i.target, diags);
        for e in &i.equal {
            if !obspec_rules::is_valid_label_name(e) {
                diags.push(
                    Diagnostic::error(
                        CODE_AM_VALUE,
                        e.span,
                        format!(
                            "`{}` in `equal` is not a label name",
                            e.value.escape_debug()
                        ),
                    )
                    .help("`equal` lists label names: `[a-zA-Z_][a-zA-Z0-9_]*`"),
                );
            }
        }
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

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS901",
        title: "undefined receiver",
        severity: "error",
        explanation: "`routing.default_receiver`, a route's `receiver` and a team's receiver name a receiver defined under `routing.receivers`. Alertmanager refuses a configuration that routes to an unknown receiver.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: critical}\n      receiver: pager # <- OBS901\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    pager: {pagerduty: {routing_key_file: /etc/alertmanager/pagerduty}}\n  routes:\n    - match: {severity: critical}\n      receiver: pager\n"),
        ],
    },
    Rule {
        code: "OBS903",
        title: "unknown receiver integration",
        severity: "error",
        explanation: "A receiver has at least one integration among slack, pagerduty, webhook, email, opsgenie, msteams, telegram, pushover, victorops, sns, discord and webex (written `<name>_configs` in Alertmanager).",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {slak: {channel: '#alerts', api_url_file: /etc/am/slack}} # <- OBS903\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {slack: {channel: '#alerts', api_url_file: /etc/am/slack}}\n"),
        ],
    },
    Rule {
        code: "OBS904",
        title: "invalid route, inhibition or dependency",
        severity: "error",
        explanation: "A route names a time interval that `routing.time_intervals` does not define; an inhibition rule lacks `source` or `target` matchers (it would mute everything); or a service's `depends_on` names no service of the specs. A route without matchers, which catches every alert, is a warning.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights] # <- OBS904\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}]}]\n"),
        ],
    },

    Rule {
        code: "OBS905",
        title: "invalid deploy setting",
        severity: "error",
        explanation: "`deploy.ssm_prefix` is an absolute SSM parameter path without a trailing slash, `deploy.aws_region` a region name, the collector's `*_env` settings environment variable names (`[A-Z_][A-Z0-9_]*`), and its `memory_mib` at least 128.",
        bad: &[("obspec.yaml", "obspec: 1\ndeploy:\n  aws_region: eu-west-1\n  ssm_prefix: shopfront/ # <- OBS905\n")],
        good: &[("obspec.yaml", "obspec: 1\ndeploy:\n  aws_region: eu-west-1\n  ssm_prefix: /shopfront\n")],
    },
    Rule {
        code: "OBS906",
        title: "value Alertmanager refuses",
        severity: "error",
        explanation: "Values that `amtool check-config` refuses are refused at lint time, located: `group_by` entries that are not label names (or `...` mixed with labels), receiver names that are empty, padded, longer than 128 characters or hold control characters, receiver URLs (`url`, `*_url`) that are not absolute http(s) URLs or hold white space or control characters, e-mail `smarthost`s without a port, `match_re` values that are not RE2 expressions (as Go reads them: nested repetition, counts over 1000 and `(?<name>` are refused), `equal` entries of inhibitions that are not label names, time-of-day ranges outside `00:00`–`24:00` or ending before they start, weekdays, days of the month, months and years outside their ranges, and `location`s that are not IANA time zones. A test holds these checks against amtool case by case; obspec is stricter in two places only, values amtool 0.25 lets through that cannot work: white space in a URL, and month 13.",
        bad: &[("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}], location: Europe/Atlantis}] # <- OBS906\n")],
        good: &[("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}], location: Europe/Berlin}]\n")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_regex_dialect() {
        assert_eq!(go_regex_only("x{a}").unwrap(), "x\\{a}");
        assert_eq!(go_regex_only("a{2,3}b").unwrap(), "a{2,3}b");
        assert_eq!(go_regex_only("[]a]*").unwrap(), "[\\]a]*");
        assert!(go_regex_only("a**").is_err());
        assert!(go_regex_only("a*?").is_ok());
        assert!(go_regex_only("a*??").is_err());
        assert!(go_regex_only("a{1001}").is_err());
        assert!(go_regex_only("(?<n>x)").is_err());
        assert!(go_regex_only("(?P<n>x)").is_ok());
        assert!(go_regex_only("é+ü*").is_ok());
        // Never panics, whatever the bytes.
        let pieces = [
            "\\", "[", "]", "{", "}", "*", "+", "?", "(", "(?<", "é", "1", ",", "a",
        ];
        let mut seed: u64 = 0x9e37_79b9;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 9) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(1);
            if let Ok(r) = go_regex_only(&s) {
                let _ = regex::Regex::new(&r);
            }
        }
    }

    #[test]
    fn host_ports() {
        assert!(is_host_port("smtp.example.com:587"));
        assert!(is_host_port("smtp.example.com:smtp"));
        assert!(is_host_port("[::1]:25"));
        assert!(!is_host_port("smtp.example.com"));
        assert!(!is_host_port("::1"));
        assert!(!is_host_port("host:"));
    }
}
