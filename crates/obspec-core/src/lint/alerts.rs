//! Alerts: expression, severity, `for`, summary and runbook.

use obspec_rules::check_label_name;

use crate::lint::promql::Checker;
use crate::lint::Index;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::duration::parse_duration;
use obspec_spec::model::Service;

pub const CODE_SEVERITY: &str = "OBS701";
pub const CODE_FOR: &str = "OBS702";
pub const CODE_SUMMARY: &str = "OBS703";
pub const CODE_RUNBOOK: &str = "OBS704";
pub const CODE_ALERT_NAME: &str = "OBS705";
pub const CODE_TEMPLATE: &str = "OBS706";
pub const CODE_NO_CONDITION: &str = "OBS708";
pub const CODE_TEMPLATE_LABEL: &str = "OBS709";
pub const CODE_ROUTING_LABEL: &str = "OBS710";
pub const CODE_RECORDING: &str = "OBS711";

/// The matchers of the project's routes and inhibitions, compiled once.
struct Matchers {
    eq: Vec<(String, String)>,
    re: Vec<(String, Option<regex::Regex>)>,
}

impl Matchers {
    fn new(
        eq: &obspec_spec::model::NamedMap<obspec_spec::model::Spanned<String>>,
        re: &obspec_spec::model::NamedMap<obspec_spec::model::Spanned<String>>,
    ) -> Self {
        Matchers {
            eq: eq
                .iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect(),
            re: re
                .iter()
                .map(|(k, v)| {
                    (
                        k.value.clone(),
                        regex::Regex::new(&format!("^(?:{})$", v.value)).ok(),
                    )
                })
                .collect(),
        }
    }

    /// Whether the matchers can hold for an alert with these static labels
    /// (labels the alert gets from its series are unknown here: they may).
    fn may_match(&self, labels: &[(String, String)]) -> bool {
        let value = |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
        self.eq.iter().all(|(k, v)| value(k).is_none_or(|s| s == v))
            && self
                .re
                .iter()
                .all(|(k, r)| value(k).is_none_or(|s| r.as_ref().is_none_or(|r| r.is_match(s))))
    }

    fn labels(&self) -> impl Iterator<Item = &String> {
        self.eq
            .iter()
            .map(|(k, _)| k)
            .chain(self.re.iter().map(|(k, _)| k))
    }
}

/// What the project's Alertmanager routing reads from alerts.
struct RoutingReads {
    routes: Vec<Matchers>,
    /// Source and target matchers, and the `equal` labels.
    inhibits: Vec<(Matchers, Matchers, Vec<String>)>,
}

impl RoutingReads {
    fn new(specs: &obspec_spec::model::Specs) -> Option<Self> {
        let r = specs.project.routing.as_ref()?;
        let empty = obspec_spec::model::NamedMap::default();
        Some(RoutingReads {
            routes: r
                .routes
                .iter()
                .map(|x| Matchers::new(&x.match_, &x.match_re))
                .collect(),
            inhibits: r
                .inhibit
                .iter()
                .map(|i| {
                    (
                        Matchers::new(&i.source, &empty),
                        Matchers::new(&i.target, &empty),
                        i.equal.iter().map(|e| e.value.clone()).collect(),
                    )
                })
                .collect(),
        })
    }

    /// Labels the routing reads from one alert, with what reads each: the
    /// routes whose other matchers its static labels satisfy, the
    /// inhibitions it takes part in (`equal`), and the dependency
    /// inhibitions of its service.
    fn labels(
        &self,
        specs: &obspec_spec::model::Specs,
        svc: &Service,
        alert: &obspec_spec::model::Alert,
        static_labels: &[(String, String)],
    ) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for route in &self.routes {
            if route.may_match(static_labels) {
                out.extend(
                    route
                        .labels()
                        .map(|k| (k.clone(), "a route for it matches on it")),
                );
            }
        }
        for (source, target, equal) in &self.inhibits {
            if source.may_match(static_labels) || target.may_match(static_labels) {
                out.extend(equal.iter().map(|e| {
                    (
                        e.clone(),
                        "an inhibition it takes part in compares it (`equal`)",
                    )
                }));
            }
        }
        let depended_on = specs
            .services
            .iter()
            .any(|d| d.depends_on.iter().any(|x| x.value == svc.service.value));
        let infrastructure = alert.infrastructure.as_ref().is_some_and(|i| i.value);
        if !svc.depends_on.is_empty() || (infrastructure && depended_on) {
            for l in &specs.project.conventions.required_target_labels {
                if l.value != "service" {
                    out.push((
                        l.value.clone(),
                        "the dependency inhibition of its service compares it",
                    ));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|(l, _)| seen.insert(l.clone()));
        out
    }
}

/// Checks a value Prometheus expands as a Go template (an alert's summary,
/// description, runbook, annotations and labels), located inside the scalar.
pub fn check_template(
    index: &Index<'_>,
    field: &str,
    v: &obspec_spec::model::Spanned<String>,
    diags: &mut Diagnostics,
) {
    if let Err(e) = crate::format::gotmpl::check(&v.value) {
        let span = index.sources.locate(v.span, &v.value, e.offset, e.len);
        diags.push(
            Diagnostic::error(
                CODE_TEMPLATE,
                span,
                format!("{field} is not a valid Prometheus template: {}", e.message),
            )
            .help("Prometheus expands alert labels and annotations as Go templates: use `{{ $labels.name }}`, `{{ $value }}` and Prometheus's functions (`humanize`, `humanizePercentage`...); write a literal `{{` as {{ \"{{\" }}"),
        );
    }
}

/// Flags `{{` in a value written as plain text (SLO alert labels and annotations).
pub fn check_static(field: &str, v: &obspec_spec::model::Spanned<String>, diags: &mut Diagnostics) {
    if v.value.contains("{{") {
        diags.push(
            Diagnostic::warning(
                CODE_TEMPLATE,
                v.span,
                format!("{field} is static text: `{{{{` is written as is, not expanded"),
            )
            .help("SLO alert labels and annotations are the same for every alert of the SLO (their generated tests compare them exactly); put per-series detail in a service alert"),
        );
    }
}

/// Whether `s` is an absolute http(s) URL with a host and no white space.
pub fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let hostname = host.split(':').next().unwrap_or("");
    !hostname.is_empty()
        && hostname
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '[' || c == ']')
        && !s.chars().any(char::is_whitespace)
}

/// Zero durations (`0s`, `0m`) are valid for `for`.
pub fn is_zero_duration(s: &str) -> bool {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty()
        && digits.bytes().all(|b| b == b'0')
        && matches!(&s[digits.len()..], "ms" | "s" | "m" | "h" | "d" | "w" | "y")
}

pub fn check_service(index: &Index<'_>, svc: &Service, diags: &mut Diagnostics) {
    let severities = index.specs.project.conventions.severity_names();
    let checker = Checker { index };
    let reads = if svc.alerts.is_empty() {
        None
    } else {
        RoutingReads::new(index.specs)
    };
    for (name, rec) in svc.recordings.iter() {
        // A recorded series is named like a metric; colons mark recordings
        // (`level:metric:operations`).
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        if !valid {
            diags.push(
                Diagnostic::error(
                    CODE_RECORDING,
                    name.span,
                    format!("`{}` is not a name for a recorded series", name.value),
                )
                .help("recording rules are named `level:metric:operations`, e.g. `job:http_requests:rate5m`"),
            );
        }
        if let Some(e) = checker.check(&rec.expr, "recording rule expression", diags) {
            checker.analyze(&e, &rec.expr, diags);
        }
        for (k, _) in rec.labels.iter() {
            for v in check_label_name(k) {
                diags.push(Diagnostic::from_violation(v, k.span));
            }
        }
    }
    for (name, alert) in svc.alerts.iter() {
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            diags.push(
                Diagnostic::error(
                    CODE_ALERT_NAME,
                    name.span,
                    format!("alert name `{}` is not an identifier", name.value),
                )
                .help("name alerts in CamelCase letters and digits, e.g. `PaymentInflightHigh`"),
            );
        }
        let info = checker
            .check(&alert.expr, "alert expression", diags)
            .map(|e| checker.analyze(&e, &alert.expr, diags));
        if let Some(info) = &info {
            check_alert_meaning(index, svc, name, alert, info, reads.as_ref(), diags);
        }
        if !severities.contains(&alert.severity.as_str()) {
            let mut d = Diagnostic::error(
                CODE_SEVERITY,
                alert.severity.span,
                format!(
                    "severity `{}` is not one of {}",
                    alert.severity.value,
                    severities.join(", ")
                ),
            );
            d = match obspec_spec::load::did_you_mean(&alert.severity, &severities) {
                Some(s) => d.help(format!("did you mean `{s}`? The project's severities are set by `conventions.severities`")),
                None => d.help("use one of the project's severities (`conventions.severities` in obspec.yaml)"),
            };
            diags.push(d);
        }
        check_alert_timing(index, alert, diags);
        match &alert.summary {
            Some(s) if !s.trim().is_empty() => {}
            other => diags.push(
                Diagnostic::error(CODE_SUMMARY, other.as_ref().map_or(name.span, |s| s.span), format!("alert `{}` has no summary", name.value))
                    .help("add `summary:`, one line telling the on-call what is wrong; it may use `{{ $value }}` and `{{ $labels.x }}`"),
            ),
        }
        if let Some(r) = &alert.runbook {
            if !is_url(r) {
                diags.push(
                    Diagnostic::error(CODE_RUNBOOK, r.span, format!("runbook `{}` is not an http(s) URL", r.value))
                        .help("link the runbook page, e.g. `https://runbooks.example.com/payments/inflight`"),
                );
            }
        }
        for (k, _) in alert.labels.iter().chain(alert.annotations.iter()) {
            for v in check_label_name(k) {
                diags.push(Diagnostic::from_violation(v, k.span));
            }
        }
        for (field, v) in [
            ("`summary`", &alert.summary),
            ("`description`", &alert.description),
            ("`runbook`", &alert.runbook),
        ] {
            if let Some(v) = v {
                check_template(index, field, v, diags);
            }
        }
        for (what, map) in [("label", &alert.labels), ("annotation", &alert.annotations)] {
            for (k, v) in map.iter() {
                check_template(index, &format!("{what} `{}`", k.value), v, diags);
            }
        }
    }
}

/// What the analysis of an alert's expression says: a condition, labels
/// its templates and routes read, and the rest of its meaning.
fn check_alert_meaning(
    index: &Index<'_>,
    svc: &Service,
    name: &obspec_spec::model::Spanned<String>,
    alert: &obspec_spec::model::Alert,
    info: &crate::expr::promql::Info,
    reads: Option<&RoutingReads>,
    diags: &mut Diagnostics,
) {
    if !info.condition && info.kind == crate::expr::promql::Kind::Instant {
        diags.push(
            Diagnostic::error(
                CODE_NO_CONDITION,
                alert.expr.span,
                format!("alert `{}` has no condition: it fires for every series the expression returns", name.value),
            )
            .help("compare the value (`… > 0.05`), or alert on `absent(…)`; an expression without a filter returns series whenever the metric exists"),
        );
    }
    // Labels the routing reads that the alert loses to aggregation:
    // the alert never reaches those routes, or escapes the inhibition.
    if !info.labels.open {
        let mut own: Vec<(String, String)> = vec![
            ("alertname".into(), name.value.clone()),
            ("severity".into(), alert.severity.value.clone()),
            ("service".into(), svc.service.value.clone()),
        ];
        if let Some(t) = &svc.team {
            own.push(("team".into(), t.value.clone()));
        }
        for (k, v) in alert.labels.iter() {
            own.retain(|(l, _)| l != &k.value);
            own.push((k.value.clone(), v.value.clone()));
        }
        let reads = reads
            .as_ref()
            .map_or_else(Vec::new, |r| r.labels(index.specs, svc, alert, &own));
        for (label, why) in reads {
            if own.iter().any(|(l, _)| l == &label) || info.labels.labels.contains(&label) {
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    CODE_ROUTING_LABEL,
                    alert.expr.span,
                    format!("alert `{}` has no `{label}` label, and {why}: its expression does not keep it", name.value),
                )
                .help(format!("keep it through the aggregation (`sum by ({label}, …)`), or set it in the alert's `labels:`")),
            );
        }
    }
    // Templates that read labels the alert's series never carry.
    let fields = [
        ("summary", &alert.summary),
        ("description", &alert.description),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.as_ref().map(|v| (f.to_string(), v)))
    .chain(
        alert
            .annotations
            .iter()
            .map(|(k, v)| (format!("annotation `{}`", k.value), v)),
    )
    .chain(
        alert
            .labels
            .iter()
            .map(|(k, v)| (format!("label `{}`", k.value), v)),
    );
    for (field, v) in fields {
        let Ok(a) = crate::format::gotmpl::check(&v.value) else {
            continue;
        };
        for (label, at) in a.labels {
            if !info.labels.may_have(&label) {
                let span = index.sources.locate(v.span, &v.value, at, label.len());
                let carried: Vec<&str> = info.labels.labels.iter().map(String::as_str).collect();
                diags.push(
                    Diagnostic::error(
                        CODE_TEMPLATE_LABEL,
                        span,
                        format!("{field} reads `{label}`, which the alert's series never carry: it is always empty"),
                    )
                    .help(if carried.is_empty() {
                        "the expression aggregates every label away; keep the label with `sum by (…)`".to_string()
                    } else {
                        format!("the series carry {}; keep `{label}` with `sum by ({label}, …)`", carried.join(", "))
                    }),
                );
            }
        }
    }
}

/// An alert's `for` and `keep_firing_for`: durations, and `for` not shorter
/// than the evaluation interval.
fn check_alert_timing(
    index: &Index<'_>,
    alert: &obspec_spec::model::Alert,
    diags: &mut Diagnostics,
) {
    if let Some(f) = &alert.for_ {
        let eval_ms = index
            .specs
            .project
            .prometheus
            .evaluation_interval
            .as_ref()
            .and_then(|e| parse_duration(e))
            .unwrap_or(crate::expr::promql::DEFAULT_INTERVAL_MS);
        if parse_duration(f).is_some_and(|ms| ms < eval_ms) {
            diags.push(
                Diagnostic::warning(
                    CODE_FOR,
                    f.span,
                    format!(
                        "`for: {}` is shorter than the evaluation interval ({}): the alert fires at the next evaluation anyway",
                        f.value,
                        obspec_spec::duration::format_duration(eval_ms)
                    ),
                )
                .help("use a `for` of at least one evaluation interval, or none; set `prometheus.evaluation_interval` in the project file to your real interval"),
            );
        }
        if parse_duration(f).is_none() && !is_zero_duration(f) {
            diags.push(
                Diagnostic::error(
                    CODE_FOR,
                    f.span,
                    format!("`for: {}` is not a Prometheus duration", f.value),
                )
                .help("write a duration such as `5m`, `1h` or `1h30m`"),
            );
        }
    }
    if let Some(k) = &alert.keep_firing_for {
        if parse_duration(k).is_none() && !is_zero_duration(k) {
            diags.push(
                Diagnostic::error(
                    CODE_FOR,
                    k.span,
                    format!(
                        "`keep_firing_for: {}` is not a Prometheus duration",
                        k.value
                    ),
                )
                .help("write a duration such as `15m`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_url("https://runbooks.example.com/payments/inflight"));
        assert!(is_url("http://wiki:8080/x?y=1#z"));
        assert!(!is_url("runbooks.example.com/x"));
        assert!(!is_url("https://"));
        assert!(!is_url("https://a b"));
        assert!(!is_url("ftp://x"));
    }

    #[test]
    fn zero() {
        assert!(is_zero_duration("0s"));
        assert!(is_zero_duration("00m"));
        assert!(!is_zero_duration("0x"));
        assert!(!is_zero_duration("s"));
    }
}
