//! Alerts: expression, severity, `for`, summary and runbook.

use obspec_rules::check_label_name;

use crate::lint::examples::api_spec;
use crate::lint::promql::Checker;
use crate::lint::Index;
use obspec_spec::catalog::Rule;
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
pub const CODE_OVERWRITE: &str = "OBS712";
pub const CODE_LABEL_TWICE: &str = "OBS713";

/// An alert's static labels against what its series are: a label the
/// result carries is never replaced by a constant (the series' identity
/// would change, and two series differing only there collide at every
/// evaluation), and no label is set twice.
fn check_identity(
    alert: &obspec_spec::model::Alert,
    e: &promql_parser::parser::Expr,
    info: &crate::expr::promql::Info,
    diags: &mut Diagnostics,
) {
    for (k, v) in alert.labels.iter() {
        if k.value == "severity" {
            diags.push(
                Diagnostic::error(
                    CODE_LABEL_TWICE,
                    k.span,
                    format!(
                        "label `severity` is set twice: `severity: {}` and `labels: {{severity: {}}}`",
                        alert.severity.value, v.value
                    ),
                )
                .note(alert.severity.span, "the alert's severity")
                .help("keep one: `severity:` is the alert's severity, checked against the project's; drop it from `labels:`"),
            );
            continue;
        }
        if !info.labels.labels.contains(&k.value) || v.value.contains("{{") {
            continue;
        }
        // A selector that keeps only series of that value changes nothing.
        let kept = crate::expr::promql::selectors(e).iter().any(|vs| {
            vs.matchers.matchers.iter().any(|m| {
                m.name == k.value
                    && m.op == promql_parser::label::MatchOp::Equal
                    && m.value == v.value
            })
        });
        if kept {
            continue;
        }
        diags.push(
            Diagnostic::error(
                CODE_OVERWRITE,
                k.span,
                format!(
                    "label `{}: {}` replaces the `{}` label the alert's series carry",
                    k.value, v.value, k.value
                ),
            )
            .help(format!(
                "the series' own `{k}` is lost (another {k}'s series would page as `{v}`), and two series differing only in `{k}` collide at every evaluation: keep only those series (`{{{k}=\"{v}\"}}` in the expression), or give the label another name",
                k = k.value,
                v = v.value
            )),
        );
    }
}

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
        if let Some(e) = checker.check(&alert.expr, "alert expression", diags) {
            let info = checker.analyze(&e, &alert.expr, diags);
            check_alert_meaning(index, svc, name, alert, &info, reads.as_ref(), diags);
            check_identity(alert, &e, &info, diags);
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

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS701",
        title: "unknown severity",
        severity: "error",
        explanation: "Alert severities come from `conventions.severities` (default: critical, warning, info): routing matches on them, so a typo sends the alert nowhere.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warn # <- OBS701\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS702",
        title: "`for` is not a duration",
        severity: "error",
        explanation: "An alert's `for` is a Prometheus duration such as `5m` or `1h30m`; shorter than the evaluation interval (`prometheus.evaluation_interval`, default `30s`) it changes nothing, which is a warning. An SLO's burn-rate `for` is at most the longest short window of its class (for a 30d SLO: 30m for page, 6h for ticket, scaled with the SLO window): the short window makes the alert resolve soon after the burn stops, a longer `for` waits past that point, and it would make the generated promtool tests run for minutes (a ticket `for: 3d` takes promtool about four minutes; 6h about 13 s).",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    for: 10 minutes # <- OBS702\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    for: 10m\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS703",
        title: "alert without summary",
        severity: "error",
        explanation: "Every alert has a `summary`: the one line the on-call reads first, in the page, the chat message and the ticket.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep: # <- OBS703\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: \"{{ $value }} orders are queueing\"\n",
        ))],
    },
    Rule {
        code: "OBS704",
        title: "runbook is not a URL",
        severity: "error",
        explanation: "`runbook` is an absolute http(s) URL, rendered as a link in notifications and dashboards.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n    runbook: wiki/shop/queue # <- OBS704\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n    runbook: https://wiki.example.com/shop/queue\n",
        ))],
    },
    Rule {
        code: "OBS705",
        title: "invalid alert name",
        severity: "error",
        explanation: "Alert names are identifiers (letters, digits, underscores, starting with a letter), conventionally CamelCase: they become the `alertname` label that routes, silences and inhibitions match on.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  shop queue deep: # <- OBS705\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS706",
        title: "invalid Prometheus template",
        severity: "error",
        explanation: "Prometheus expands every alert label and annotation (`summary`, `description`, `runbook`, `annotations`, `labels`) as a Go template with its own functions and the variables `$labels`, `$value`, `$externalLabels` and `$externalURL`. A template Go cannot parse (a bad character such as `{{ 7*191 }}`, an unknown function, an undefined variable, an unclosed action, `if` without `end`) fails `promtool check rules` and the whole rule file. obspec parses each one as Prometheus does and points at the error. Plain text obspec writes into alerts (the team, severity and service labels, the SLO texts) is escaped so that Prometheus prints it as written. SLO alert labels and annotations are static text: `{{` there is a warning, since it is printed as is.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: '{{ $value | humanise }} orders queued' # <- OBS706\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: '{{ $value | humanize }} orders queued'\n",
        ))],
    },
    Rule {
        code: "OBS708",
        title: "alert without a condition",
        severity: "error",
        explanation: "An alert fires for every series its expression returns. Without a comparison filter (`> 0.05`), `absent(...)`, or `and` with one, the expression returns series whenever the metric exists: the alert fires the moment one request fails, and stays firing. `x or vector(0)` always returns a series; a comparison with `bool` is not a filter.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m]))' # <- OBS708\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 0'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS709",
        title: "template reads a label the series never carry",
        severity: "error",
        explanation: "Prometheus expands alert labels and annotations with the labels of each series the expression returns (`$labels`). A template that reads a label the expression aggregates away (`sum(...)` drops `route`) is always empty: the on-call reads `Route  fails`. The labels are computed from the specs through aggregations, vector matching and functions.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Route {{ $labels.route }} fails' # <- OBS709\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Route {{ $labels.route }} fails'\n",
        ))],
    },
    Rule {
        code: CODE_OVERWRITE,
        title: "static label replaces a label the series carry",
        severity: "error",
        explanation: "An alert's `labels:` are set on every series its expression returns, replacing a label of the same name. Where the series carry that label (`by (environment)`, a target label, a metric label), the constant erases their identity: a staging series pages as `environment: prod`, and two series that differ only in that label become one label set, which Prometheus refuses at every evaluation (\"vector contains metrics with the same labelset after applying alert labels\"), so the alert never fires. The labels each expression's result carries are known from the specs. A selector that keeps only series of that value (`{environment=\"prod\"}`) changes nothing and is accepted; so is a templated value.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (code) (rate(api_requests_total[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Code {{ $labels.code }} rising'\n    labels:\n      code: '500' # <- OBS712\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (code) (rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Code {{ $labels.code }} rising'\n    labels:\n      code: '500'\n      tier: backend\n",
        ))],
    },
    Rule {
        code: CODE_LABEL_TWICE,
        title: "label set twice in one alert",
        severity: "error",
        explanation: "`severity:` is the alert's `severity` label. A `severity` under `labels:` as well silently wins over it: the alert is checked against the project's severities and routed with one value, and fires with the other. Set it once.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  QueueDeep:\n    expr: api_queue_depth > 100\n",
            "    severity: warning\n    summary: Queue deep.\n    labels:\n      severity: critical # <- OBS713\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  QueueDeep:\n    expr: api_queue_depth > 100\n",
            "    severity: critical\n    summary: Queue deep.\n",
        ))],
    },
    Rule {
        code: "OBS710",
        title: "alert loses a label the routing reads",
        severity: "warning",
        explanation: "Alertmanager routes and inhibits on the labels of each alert: its series' labels plus `severity`, `service`, `team` and its own `labels:`. A route whose other matchers the alert satisfies, an inhibition it takes part in (`equal`), or the dependency inhibition of its service (which compares the project's `required_target_labels`) reads a label that the alert's expression aggregates away: the alert never reaches that route and falls to `default_receiver`, or escapes (or wrongly matches) the inhibition.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    prod-pager: {webhook: {url: 'http://pager:8080/'}}\n  routes:\n    - match: {severity: critical, env: prod}\n      receiver: prod-pager\n"),
            ("api.yaml", concat!(
                "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  env: {values: [prod, staging]}\n",
                "metrics:\n  api_requests_total: {type: counter, help: Requests., labels: [env]}\n",
                "alerts:\n  ApiDown:\n    expr: 'sum(rate(api_requests_total[5m])) == 0' # <- OBS710\n",
                "    severity: critical\n    summary: No requests.\n",
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    prod-pager: {webhook: {url: 'http://pager:8080/'}}\n  routes:\n    - match: {severity: critical, env: prod}\n      receiver: prod-pager\n"),
            ("api.yaml", concat!(
                "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  env: {values: [prod, staging]}\n",
                "metrics:\n  api_requests_total: {type: counter, help: Requests., labels: [env]}\n",
                "alerts:\n  ApiDown:\n    expr: 'sum by (env) (rate(api_requests_total[5m])) == 0'\n",
                "    severity: critical\n    summary: No requests.\n",
            )),
        ],
    },
    Rule {
        code: "OBS711",
        title: "invalid recording rule name",
        severity: "error",
        explanation: "A recording rule under `recordings:` records a series named like a metric; by convention `level:metric:operations` (`job:api_requests:rate5m`), with colons telling recorded series from scraped ones. Prometheus refuses other names. Alerts and other expressions of the specs may use the recorded names.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "recordings:\n  job-api-requests-rate5m: # <- OBS711\n    expr: 'sum by (job) (rate(api_requests_total[5m]))'\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "recordings:\n  job:api_requests:rate5m:\n    expr: 'sum by (job) (rate(api_requests_total[5m]))'\n",
            "alerts:\n  ApiBusy:\n    expr: 'job:api_requests:rate5m > 100'\n",
            "    severity: warning\n    summary: Busy.\n",
        ))],
    },
];

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
