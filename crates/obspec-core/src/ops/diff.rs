//! `obspec diff`: the changes between two versions of the specs, each
//! classified as breaking or compatible with a catalog code (OBS331–OBS339),
//! and for every breaking change what depends on it: expressions in the specs
//! (alerts, SLIs, recordings, other services' expressions) and generated
//! artifacts (dashboard panels, rules).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::lint::examples::spec;
use obspec_spec::catalog::Rule;
use obspec_spec::load::Loaded;
use obspec_spec::model::{Metric, MetricType, Service, Specs};
use obspec_spec::source::Span;

pub const CODE_METRIC_REMOVED: &str = "OBS331";
pub const CODE_METRIC_TYPE: &str = "OBS332";
pub const CODE_LABEL_REMOVED: &str = "OBS333";
pub const CODE_LABEL_ADDED: &str = "OBS334";
pub const CODE_VALUES_REMOVED: &str = "OBS335";
pub const CODE_BUCKETS: &str = "OBS336";
pub const CODE_SLO: &str = "OBS337";
pub const CODE_ALERT_REMOVED: &str = "OBS338";
pub const CODE_COMPATIBLE: &str = "OBS339";
pub const CODE_LOGS: &str = "OBS340";

/// A place in one version of the specs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: String,
    pub line: u32,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub code: &'static str,
    /// Breaks something that reads the old version.
    pub breaking: bool,
    /// A breaking change let through (`--allow`, or deprecated beforehand).
    pub allowed: Option<String>,
    pub service: String,
    /// `metric`, `label`, `slo`, `alert`, `recording`, `service`, `log event`,
    /// `log field`, `log target`, `stream label`.
    pub kind: &'static str,
    pub subject: String,
    pub message: String,
    pub old: Option<Place>,
    pub new: Option<Place>,
    /// What reads the old version: expressions in the specs and generated
    /// artifacts.
    pub used_by: Vec<String>,
}

/// The generated artifacts of the old version, for the dependents of a
/// breaking change: path → content.
pub type Artifacts = BTreeMap<String, String>;

fn place(loaded: &Loaded, span: Span) -> Option<Place> {
    if span.file.0 == u32::MAX {
        return None;
    }
    Some(Place {
        file: loaded.sources.get(span.file).name.clone(),
        line: span.line,
    })
}

/// ` (file:line)` of a span of `loaded`, or nothing.
fn at_of(loaded: &Loaded, span: Span) -> String {
    place(loaded, span).map_or(String::new(), |p| format!(" ({}:{})", p.file, p.line))
}

/// Every metric name an expression reads.
fn metrics_in(expr: &str) -> BTreeSet<String> {
    let text = crate::slo::windows::WINDOW_PLACEHOLDERS
        .iter()
        .fold(expr.to_string(), |t, p| t.replace(p, "5m"));
    let Ok(e) = promql_parser::parser::parse(&text) else {
        return BTreeSet::new();
    };
    crate::expr::promql::selectors(&e)
        .into_iter()
        .filter_map(crate::expr::promql::selector_name)
        .map(|n| {
            ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| n.strip_suffix(s))
                .unwrap_or(n)
                .to_string()
        })
        .collect()
}

/// The expressions of every service: `(service, what, expr, span)`.
fn expressions(specs: &Specs) -> Vec<(String, String, String, Span)> {
    let mut out = Vec::new();
    for svc in &specs.services {
        let s = svc.service.value.clone();
        for (name, a) in svc.alerts.iter() {
            out.push((
                s.clone(),
                format!("alert `{}`", name.value),
                a.expr.value.clone(),
                a.expr.span,
            ));
        }
        for (name, r) in svc.recordings.iter() {
            out.push((
                s.clone(),
                format!("recording `{}`", name.value),
                r.expr.value.clone(),
                r.expr.span,
            ));
        }
        for (name, slo) in svc.slos.iter() {
            let what = format!("SLO `{}`", name.value);
            let sli = &slo.sli;
            for e in [&sli.errors, &sli.total, &sli.error_ratio]
                .into_iter()
                .flatten()
            {
                out.push((s.clone(), what.clone(), e.value.clone(), e.span));
            }
            if let Some(l) = &sli.latency {
                out.push((
                    s.clone(),
                    what.clone(),
                    format!("{}_bucket", l.metric.value),
                    l.metric.span,
                ));
            }
            if let Some(t) = &sli.threshold {
                out.push((s.clone(), what.clone(), t.query.value.clone(), t.query.span));
            }
        }
    }
    out
}

/// Where the old version's expressions and artifacts read `metric`.
fn readers(old: &Loaded, artifacts: &Artifacts, metric: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (svc, what, expr, span) in expressions(&old.specs) {
        if metrics_in(&expr).contains(metric) {
            let at = at_of(old, span);
            out.push(format!("{what} of {svc}{at}"));
        }
    }
    out.extend(artifact_readers(artifacts, |text| mentions(text, metric)));
    out
}

/// Whether `text` names `metric` as a whole word (or its histogram series).
fn mentions(text: &str, name: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let start = from + i;
        let end = start + name.len();
        let before = start == 0 || !word(bytes[start - 1]);
        let rest = &text[end..];
        let after = end == text.len()
            || !word(bytes[end])
            || ["_bucket", "_sum", "_count"].iter().any(|s| {
                rest.starts_with(s) && rest.as_bytes().get(s.len()).is_none_or(|b| !word(*b))
            });
        if before && after {
            return true;
        }
        from = start + 1;
    }
    false
}

/// Dashboard panels and rules of the generated artifacts whose queries
/// satisfy `reads`.
/// The log alerts of `logs` that count `event`.
fn log_alert_readers(logs: &obspec_spec::model::Logs, event: &str) -> Vec<String> {
    logs.alerts
        .iter()
        .filter(|(_, a)| {
            a.events
                .iter()
                .chain(a.of.iter().flatten())
                .any(|e| e.value == event)
        })
        .map(|(name, _)| format!("log alert `{}`", name.value))
        .collect()
}

fn artifact_readers(artifacts: &Artifacts, reads: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in artifacts {
        if !reads(text) {
            continue;
        }
        if path.ends_with(".json") {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let mut titles = Vec::new();
            fn walk(v: &serde_json::Value, reads: &dyn Fn(&str) -> bool, titles: &mut Vec<String>) {
                if let Some(panels) = v["panels"].as_array() {
                    for p in panels {
                        let queried = p["targets"].as_array().is_some_and(|t| {
                            t.iter().any(|t| t["expr"].as_str().is_some_and(reads))
                        });
                        if queried {
                            titles.push(p["title"].as_str().unwrap_or("?").to_string());
                        }
                        walk(p, reads, titles);
                    }
                }
            }
            walk(&v, &reads, &mut titles);
            for t in titles {
                out.push(format!("{path}: panel \"{t}\""));
            }
        } else if path.ends_with(".rules.yml")
            || path.ends_with(".yaml") && path.starts_with("kubernetes/")
        {
            // The rule whose expression reads it: the last `record:` or
            // `alert:` name before the expression.
            let mut name = String::new();
            let mut rules = BTreeSet::new();
            for line in text.lines() {
                let t = line.trim_start().trim_start_matches("- ");
                if let Some(n) = t
                    .strip_prefix("record: ")
                    .or_else(|| t.strip_prefix("alert: "))
                {
                    name = n.trim_matches(['\'', '"']).to_string();
                } else if t.starts_with("expr: ") && reads(t) {
                    rules.insert(name.clone());
                }
            }
            if !rules.is_empty() {
                let list: Vec<String> = rules.into_iter().collect();
                let n = list.len();
                let shown = list.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
                out.push(if n > 4 {
                    format!("{path}: rules {shown} and {} more", n - 4)
                } else {
                    format!("{path}: rule{} {shown}", if n == 1 { "" } else { "s" })
                });
            }
        }
    }
    out
}

/// Expressions of the old version that read `metric` without aggregating
/// a new label away (`sum by (...)` not naming it): they see the label.
fn unaggregated_readers(old: &Loaded, metric: &str, label: &str) -> Vec<String> {
    use promql_parser::parser::{Expr, LabelModifier};
    fn walk(e: &Expr, metric: &str, label: &str, hidden: bool, hit: &mut bool) {
        match e {
            Expr::Aggregate(a) => {
                let hides = match &a.modifier {
                    Some(LabelModifier::Include(by)) => !by.labels.iter().any(|l| l == label),
                    Some(LabelModifier::Exclude(w)) => w.labels.iter().any(|l| l == label),
                    None => true,
                };
                walk(&a.expr, metric, label, hidden || hides, hit);
            }
            Expr::VectorSelector(vs) => {
                let n = crate::expr::promql::selector_name(vs).unwrap_or("");
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| n.strip_suffix(s))
                    .unwrap_or(n);
                if base == metric && !hidden {
                    *hit = true;
                }
            }
            Expr::MatrixSelector(m) => walk(
                &Expr::VectorSelector(m.vs.clone()),
                metric,
                label,
                hidden,
                hit,
            ),
            Expr::Unary(u) => walk(&u.expr, metric, label, hidden, hit),
            Expr::Binary(b) => {
                walk(&b.lhs, metric, label, hidden, hit);
                walk(&b.rhs, metric, label, hidden, hit);
            }
            Expr::Paren(p) => walk(&p.expr, metric, label, hidden, hit),
            Expr::Subquery(s) => walk(&s.expr, metric, label, hidden, hit),
            Expr::Call(c) => {
                for a in &c.args.args {
                    walk(a, metric, label, hidden, hit);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (svc, what, expr, span) in expressions(&old.specs) {
        // SLIs are aggregated by obspec itself (by the SLO's grouping).
        if what.starts_with("SLO") {
            continue;
        }
        let text = crate::slo::windows::WINDOW_PLACEHOLDERS
            .iter()
            .fold(expr.clone(), |t, p| t.replace(p, "5m"));
        let Ok(e) = promql_parser::parser::parse(&text) else {
            continue;
        };
        let mut hit = false;
        walk(&e, metric, label, false, &mut hit);
        if hit {
            let at = at_of(old, span);
            out.push(format!("{what} of {svc}{at}"));
        }
    }
    out
}

/// An SLI as text, without its locations.
fn sli_text(sli: &obspec_spec::model::Sli) -> String {
    let v = |x: &Option<obspec_spec::model::Spanned<String>>| {
        x.as_ref()
            .map_or(String::new(), |s| s.value.trim().to_string())
    };
    let latency = sli.latency.as_ref().map_or(String::new(), |l| {
        format!(
            "{} {} {}",
            l.metric.value,
            l.threshold.value,
            l.selector.as_ref().map_or("", |s| s.value.as_str())
        )
    });
    let threshold = sli.threshold.as_ref().map_or(String::new(), |t| {
        format!("{} {} {}", t.query.value.trim(), t.op.value, t.value.value)
    });
    format!(
        "{}|{}|{latency}|{}|{threshold}",
        v(&sli.errors),
        v(&sli.total),
        v(&sli.error_ratio)
    )
}

/// Time-slice budgeting as text, without locations.
fn slices_text(t: &Option<obspec_spec::model::Timeslice>) -> Option<(String, Option<f64>)> {
    t.as_ref()
        .map(|t| (t.window.value.clone(), t.target.as_ref().map(|x| x.value)))
}

fn kind_name(k: MetricType) -> &'static str {
    k.as_str()
}

fn deprecated(m: &Metric) -> bool {
    m.deprecated.is_some()
        || m.stability
            .as_ref()
            .is_some_and(|s| s.value == obspec_spec::model::Stability::Deprecated)
}

struct Differ<'a> {
    old: &'a Loaded,
    new: &'a Loaded,
    artifacts: &'a Artifacts,
    changes: Vec<Change>,
}

impl Differ<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        code: &'static str,
        breaking: bool,
        service: &str,
        kind: &'static str,
        subject: &str,
        message: String,
        old: Option<Span>,
        new: Option<Span>,
        used_by: Vec<String>,
    ) {
        self.changes.push(Change {
            code,
            breaking,
            allowed: None,
            service: service.to_string(),
            kind,
            subject: subject.to_string(),
            message,
            old: old.and_then(|s| place(self.old, s)),
            new: new.and_then(|s| place(self.new, s)),
            used_by,
        });
    }

    fn services(&mut self) {
        let (old, new) = (self.old, self.new);
        for o in &old.specs.services {
            match new
                .specs
                .services
                .iter()
                .find(|n| n.service.value == o.service.value)
            {
                Some(n) => self.service(o, n),
                None => {
                    // Every metric, SLO and alert goes with it.
                    let empty = Service {
                        obspec: o.obspec.clone(),
                        service: o.service.clone(),
                        namespace: o.namespace.clone(),
                        external: o.external.clone(),
                        team: None,
                        description: None,
                        const_labels: Default::default(),
                        labels: Default::default(),
                        metrics: Default::default(),
                        slos: Default::default(),
                        alerts: Default::default(),
                        recordings: Default::default(),
                        depends_on: Vec::new(),
                        functions: None,
                        http: None,
                        logs: None,
                        file: None,
                        broken: Default::default(),
                    };
                    self.service(o, &empty);
                }
            }
        }
        for n in &new.specs.services {
            if !old
                .specs
                .services
                .iter()
                .any(|o| o.service.value == n.service.value)
            {
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    &n.service.value,
                    "service",
                    &n.service.value,
                    format!("service `{}` added", n.service.value),
                    None,
                    Some(n.service.span),
                    Vec::new(),
                );
            }
        }
    }

    fn service(&mut self, o: &Service, n: &Service) {
        let svc = o.service.value.as_str();
        let new_service_span = (n.service.span.file.0 != u32::MAX
            && self
                .new
                .specs
                .services
                .iter()
                .any(|s| s.service.value == svc))
        .then_some(n.service.span);
        self.metrics(o, n, svc, new_service_span);
        self.domains(o, n, svc);
        self.series_counts(o, n, svc);
        self.slos(o, n);
        self.alerts(o, n);
        self.logs(o, n);
    }

    /// Metrics removed, added or changed.
    fn metrics(&mut self, o: &Service, n: &Service, svc: &str, new_service_span: Option<Span>) {
        // Metrics.
        let added: Vec<(&obspec_spec::model::Spanned<String>, &Metric)> = n
            .metrics
            .iter()
            .filter(|(k, _)| o.metrics.get(k).is_none())
            .collect();
        for (name, om) in o.metrics.iter() {
            let Some((nname, nm)) = n.metrics.iter().find(|(k, _)| k.value == name.value) else {
                let renamed: Vec<&str> = added
                    .iter()
                    .filter(|(_, m)| {
                        m.kind.value == om.kind.value
                            && m.labels
                                .iter()
                                .map(|l| &l.value)
                                .eq(om.labels.iter().map(|l| &l.value))
                            && m.help.as_ref().map(|h| &h.value)
                                == om.help.as_ref().map(|h| &h.value)
                    })
                    .map(|(k, _)| k.value.as_str())
                    .collect();
                let message = match renamed.as_slice() {
                    [] => format!("metric `{}` removed", name.value),
                    r => format!(
                        "metric `{}` removed; likely renamed to {} (same type, labels and help)",
                        name.value,
                        r.iter()
                            .map(|x| format!("`{x}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                };
                let used = readers(self.old, self.artifacts, &name.value);
                self.push(
                    CODE_METRIC_REMOVED,
                    true,
                    svc,
                    "metric",
                    &name.value,
                    message,
                    Some(name.span),
                    new_service_span,
                    used,
                );
                if deprecated(om) {
                    if let Some(c) = self.changes.last_mut() {
                        c.allowed = Some("deprecated in the old version".into());
                    }
                }
                continue;
            };
            self.metric(o, n, name, om, nname, nm);
        }
        for (name, _) in &added {
            self.push(
                CODE_COMPATIBLE,
                false,
                svc,
                "metric",
                &name.value,
                format!("metric `{}` added", name.value),
                None,
                Some(name.span),
                Vec::new(),
            );
        }
    }

    /// Closed label domains: values removed or added.
    fn domains(&mut self, o: &Service, n: &Service, svc: &str) {
        // Closed domains.
        for (lname, od) in o.labels.iter() {
            let Some((nl, nd)) = n.labels.iter().find(|(k, _)| k.value == lname.value) else {
                continue;
            };
            if let (Some(ov), Some(nv)) = (&od.values, &nd.values) {
                let nset: BTreeSet<&str> = nv.iter().map(|v| v.value.as_str()).collect();
                let oset: BTreeSet<&str> = ov.iter().map(|v| v.value.as_str()).collect();
                let removed: Vec<&str> = ov
                    .iter()
                    .map(|v| v.value.as_str())
                    .filter(|v| !nset.contains(v))
                    .collect();
                let gained: Vec<&str> = nv
                    .iter()
                    .map(|v| v.value.as_str())
                    .filter(|v| !oset.contains(v))
                    .collect();
                let users: Vec<&str> = o
                    .metrics
                    .iter()
                    .filter(|(_, m)| m.labels.iter().any(|l| l.value == lname.value))
                    .map(|(k, _)| k.value.as_str())
                    .collect();
                if !removed.is_empty() {
                    let mut used = Vec::new();
                    for v in &removed {
                        let needle = format!("\"{v}\"");
                        for (s, what, expr, span) in expressions(&self.old.specs) {
                            if expr.contains(&needle) && expr.contains(&lname.value) {
                                let at = at_of(self.old, span);
                                used.push(format!(
                                    "{what} of {s}{at} matches `{}=\"{v}\"`",
                                    lname.value
                                ));
                            }
                        }
                    }
                    self.push(
                        CODE_VALUES_REMOVED,
                        true,
                        svc,
                        "label",
                        &lname.value,
                        format!("values {} removed from the closed domain of `{}` (series of {} with them stop)", removed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "), lname.value, if users.is_empty() { "no metric".to_string() } else { users.join(", ") }),
                        Some(lname.span),
                        Some(nl.span),
                        used,
                    );
                }
                if !gained.is_empty() {
                    self.push(
                        CODE_COMPATIBLE,
                        false,
                        svc,
                        "label",
                        &lname.value,
                        format!(
                            "values {} added to the domain of `{}`",
                            gained
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            lname.value
                        ),
                        Some(lname.span),
                        Some(nl.span),
                        Vec::new(),
                    );
                }
            }
        }
    }

    /// Series counts of metrics whose domains changed.
    fn series_counts(&mut self, o: &Service, n: &Service, svc: &str) {
        // Series counts of metrics whose domains changed.
        for (name, om) in o.metrics.iter() {
            let Some(nm) = n.metrics.get(name) else {
                continue;
            };
            let (a, b) = (
                crate::expr::series::estimate(o, om),
                crate::expr::series::estimate(n, nm),
            );
            if a.series != b.series {
                let nspan = n
                    .metrics
                    .iter()
                    .find(|(k, _)| k.value == name.value)
                    .map(|(k, _)| k.span);
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    svc,
                    "metric",
                    &name.value,
                    format!(
                        "`{}`: series estimate {} → {} ({})",
                        name.value, a.series, b.series, b.computation
                    ),
                    Some(name.span),
                    nspan,
                    Vec::new(),
                );
            }
        }
    }

    /// Log events: what queries, alerts and dashboards on the old lines read.
    fn logs(&mut self, o: &Service, n: &Service) {
        let svc = o.service.value.as_str();
        if o.logs.is_none() && n.logs.is_none() {
            return;
        }
        let empty = obspec_spec::model::Logs {
            target: None,
            stream_labels: Vec::new(),
            events: Default::default(),
            alerts: Default::default(),
            span: None,
        };
        let ol = o.logs.as_ref().unwrap_or(&empty);
        let nl = n.logs.as_ref().unwrap_or(&empty);
        let (ot, nt) = (
            crate::expr::logs::target_of(o),
            crate::expr::logs::target_of(n),
        );
        if o.logs.is_some() && n.logs.is_some() && ot != nt {
            let at = nl.target.as_ref().map(|t| t.span);
            self.push(
                CODE_LOGS,
                true,
                svc,
                "log target",
                &ot,
                format!("log target `{ot}` changed to `{nt}`: lines are told apart by it"),
                ol.target.as_ref().map(|t| t.span),
                at,
                Vec::new(),
            );
        }
        for l in &ol.stream_labels {
            if !nl.stream_labels.iter().any(|x| x.value == l.value) {
                self.push(
                    CODE_LOGS,
                    true,
                    svc,
                    "stream label",
                    &l.value,
                    format!(
                        "Loki stream label `{}` removed: stream selectors on it match nothing",
                        l.value
                    ),
                    Some(l.span),
                    None,
                    Vec::new(),
                );
            }
        }
        for (name, oe) in ol.events.iter() {
            self.log_event(svc, nl, name, oe, &log_alert_readers(ol, &name.value));
        }
        for (e, _) in nl.events.iter() {
            if ol.events.get(e).is_none() {
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    svc,
                    "log event",
                    &e.value,
                    format!("log event `{}` added", e.value),
                    None,
                    Some(e.span),
                    Vec::new(),
                );
            }
        }
    }

    /// One log event of the old version against the new one.
    fn log_event(
        &mut self,
        svc: &str,
        nl: &obspec_spec::model::Logs,
        name: &obspec_spec::model::Spanned<String>,
        oe: &obspec_spec::model::LogEvent,
        readers: &[String],
    ) {
        let Some((nname, ne)) = nl.events.iter().find(|(k, _)| k.value == name.value) else {
            self.push(
                CODE_LOGS,
                true,
                svc,
                "log event",
                &name.value,
                format!("log event `{}` removed", name.value),
                Some(name.span),
                None,
                readers.to_vec(),
            );
            return;
        };
        if oe.level.value != ne.level.value {
            self.push(
                CODE_LOGS,
                true,
                svc,
                "log event",
                &name.value,
                format!(
                    "log event `{}`: level {} → {}",
                    name.value,
                    oe.level.value.as_line(),
                    ne.level.value.as_line()
                ),
                Some(oe.level.span),
                Some(ne.level.span),
                readers.to_vec(),
            );
        }
        for (f, of) in oe.fields.iter() {
            let Some((nf, nfd)) = ne.fields.iter().find(|(k, _)| k.value == f.value) else {
                self.push(
                    CODE_LOGS,
                    true,
                    svc,
                    "log field",
                    &format!("{}.{}", name.value, f.value),
                    format!("field `{}` of log event `{}` removed", f.value, name.value),
                    Some(f.span),
                    Some(nname.span),
                    readers.to_vec(),
                );
                continue;
            };
            if of.kind.value != nfd.kind.value {
                self.push(
                    CODE_LOGS,
                    true,
                    svc,
                    "log field",
                    &format!("{}.{}", name.value, f.value),
                    format!(
                        "field `{}` of `{}`: type {} → {}",
                        f.value,
                        name.value,
                        of.kind.value.as_str(),
                        nfd.kind.value.as_str()
                    ),
                    Some(of.kind.span),
                    Some(nfd.kind.span),
                    readers.to_vec(),
                );
            } else if let (Some(ov), Some(nv)) = (&of.values, &nfd.values) {
                let gone: Vec<&str> = ov
                    .iter()
                    .map(|v| v.as_str())
                    .filter(|v| !nv.iter().any(|x| x.value == *v))
                    .collect();
                if !gone.is_empty() {
                    self.push(
                        CODE_LOGS,
                        true,
                        svc,
                        "log field",
                        &format!("{}.{}", name.value, f.value),
                        format!(
                            "field `{}` of `{}`: values {} removed",
                            f.value,
                            name.value,
                            gone.join(", ")
                        ),
                        Some(of.kind.span),
                        Some(nf.span),
                        readers.to_vec(),
                    );
                }
            }
        }
        for (f, _) in ne.fields.iter() {
            if oe.fields.get(f).is_none() {
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    svc,
                    "log field",
                    &format!("{}.{}", name.value, f.value),
                    format!("field `{}` of log event `{}` added", f.value, name.value),
                    None,
                    Some(f.span),
                    Vec::new(),
                );
            }
        }
    }

    fn metric(
        &mut self,
        o: &Service,
        _n: &Service,
        name: &obspec_spec::model::Spanned<String>,
        om: &Metric,
        nname: &obspec_spec::model::Spanned<String>,
        nm: &Metric,
    ) {
        let svc = o.service.value.as_str();
        if om.kind.value != nm.kind.value {
            let used = readers(self.old, self.artifacts, &name.value);
            self.push(
                CODE_METRIC_TYPE,
                true,
                svc,
                "metric",
                &name.value,
                format!(
                    "`{}` changes type: {} → {}",
                    name.value,
                    kind_name(om.kind.value),
                    kind_name(nm.kind.value)
                ),
                Some(om.kind.span),
                Some(nm.kind.span),
                used,
            );
        }
        let unit = |m: &Metric| m.unit.as_ref().map(|u| u.value.clone());
        if unit(om) != unit(nm) {
            let used = readers(self.old, self.artifacts, &name.value);
            self.push(
                CODE_METRIC_TYPE,
                true,
                svc,
                "metric",
                &name.value,
                format!(
                    "`{}` changes unit: {} → {}",
                    name.value,
                    unit(om).unwrap_or("none".into()),
                    unit(nm).unwrap_or("none".into())
                ),
                Some(name.span),
                Some(nname.span),
                used,
            );
        }
        for l in &om.labels {
            if !nm.labels.iter().any(|x| x.value == l.value) {
                let needle = &l.value;
                let mut used: Vec<String> = expressions(&self.old.specs)
                    .into_iter()
                    .filter(|(_, _, expr, _)| {
                        metrics_in(expr).contains(&name.value) && mentions(expr, needle)
                    })
                    .map(|(s, what, _, span)| {
                        let at = at_of(self.old, span);
                        format!("{what} of {s}{at}")
                    })
                    .collect();
                used.extend(artifact_readers(self.artifacts, |t| {
                    mentions(t, &name.value) && mentions(t, needle)
                }));
                self.push(
                    CODE_LABEL_REMOVED,
                    true,
                    svc,
                    "label",
                    &format!("{}{{{}}}", name.value, l.value),
                    format!(
                        "label `{}` removed from `{}`: selections and groupings by it read nothing",
                        l.value, name.value
                    ),
                    Some(l.span),
                    Some(nname.span),
                    used,
                );
            }
        }
        for l in &nm.labels {
            if !om.labels.iter().any(|x| x.value == l.value) {
                let readers = unaggregated_readers(self.old, &name.value, &l.value);
                if readers.is_empty() {
                    self.push(CODE_COMPATIBLE, false, svc, "label", &format!("{}{{{}}}", name.value, l.value), format!("label `{}` added to `{}`; every expression that reads it aggregates it away", l.value, name.value), None, Some(l.span), Vec::new());
                } else {
                    self.push(CODE_LABEL_ADDED, true, svc, "label", &format!("{}{{{}}}", name.value, l.value), format!("label `{}` added to `{}`: expressions that read it without aggregating it away now get one series per value (alerts fire per value, one-to-one matches fail)", l.value, name.value), Some(name.span), Some(l.span), readers);
                }
            }
        }
        self.buckets(o, name, om, nm);
        let help = |m: &Metric| m.help.as_ref().map(|h| h.value.clone());
        if help(om) != help(nm) {
            self.push(
                CODE_COMPATIBLE,
                false,
                svc,
                "metric",
                &name.value,
                format!("help of `{}` changed", name.value),
                om.help.as_ref().map(|h| h.span),
                nm.help.as_ref().map(|h| h.span),
                Vec::new(),
            );
        }
    }

    /// A histogram's bucket bounds: removed bounds break queries on them.
    fn buckets(
        &mut self,
        o: &Service,
        name: &obspec_spec::model::Spanned<String>,
        om: &Metric,
        nm: &Metric,
    ) {
        let svc = o.service.value.as_str();
        if let (Some(ob), Some(nb)) = (&om.buckets, &nm.buckets) {
            let ov: Vec<f64> = ob.value.iter().map(|b| b.value).collect();
            let nv: Vec<f64> = nb.value.iter().map(|b| b.value).collect();
            let removed: Vec<f64> = ov.iter().copied().filter(|b| !nv.contains(b)).collect();
            let fmt = |v: &[f64]| {
                v.iter()
                    .map(|x| crate::format::decimal::fmt_f64(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !removed.is_empty() {
                let used = readers(self.old, self.artifacts, &name.value);
                self.push(
                    CODE_BUCKETS,
                    true,
                    svc,
                    "metric",
                    &name.value,
                    format!(
                        "buckets of `{}` change [{}] → [{}]: the `le` series {} stop",
                        name.value,
                        fmt(&ov),
                        fmt(&nv),
                        fmt(&removed)
                    ),
                    Some(ob.span),
                    Some(nb.span),
                    used,
                );
            } else if ov != nv {
                self.push(
                    CODE_BUCKETS,
                    false,
                    svc,
                    "metric",
                    &name.value,
                    format!(
                        "buckets of `{}` gain bounds: [{}] → [{}] (the old `le` series continue)",
                        name.value,
                        fmt(&ov),
                        fmt(&nv)
                    ),
                    Some(ob.span),
                    Some(nb.span),
                    Vec::new(),
                );
            }
        }
    }

    fn slos(&mut self, o: &Service, n: &Service) {
        let svc = o.service.value.as_str();
        let slo_rules = |slo: &str| {
            artifact_readers(self.artifacts, |t| {
                t.contains(&format!("slo=\"{slo}\"")) || t.contains(&format!("slo: {slo}"))
            })
        };
        for (name, os) in o.slos.iter() {
            let Some((nname, ns)) = n.slos.iter().find(|(k, _)| k.value == name.value) else {
                let used = slo_rules(&name.value);
                self.push(CODE_SLO, true, svc, "slo", &name.value, format!("SLO `{}` removed: its recordings (`slo:*{{slo=\"{}\"}}`), burn alerts and dashboards stop", name.value, name.value), Some(name.span), None, used);
                continue;
            };
            if sli_text(&os.sli) != sli_text(&ns.sli) {
                let used = slo_rules(&name.value);
                self.push(CODE_SLO, true, svc, "slo", &name.value, format!("the SLI of SLO `{}` changed: its error-budget history counts other events than it will", name.value), os.sli.span, ns.sli.span.or(Some(nname.span)), used);
            }
            if os.window.value != ns.window.value
                || os.calendar.as_ref().map(|c| &c.value) != ns.calendar.as_ref().map(|c| &c.value)
                || slices_text(&os.timeslice) != slices_text(&ns.timeslice)
            {
                let used = slo_rules(&name.value);
                self.push(CODE_SLO, true, svc, "slo", &name.value, format!("the period or budgeting of SLO `{}` changed ({} → {}): its budget history is not comparable", name.value, os.window.value, ns.window.value), Some(os.window.span), Some(ns.window.span), used);
            }
            let (a, b) = (os.objective.value, ns.objective.value);
            if a != b {
                let budget = crate::slo::windows::error_budget_percent(b)
                    .map_or_else(|| "?".into(), |d| d.to_string());
                self.push(CODE_COMPATIBLE, false, svc, "slo", &name.value, format!("objective of SLO `{}` {} {} → {}: the error budget is now {budget}% of events", name.value, if b > a { "tightened" } else { "loosened" }, crate::format::decimal::fmt_f64(a), crate::format::decimal::fmt_f64(b)), Some(os.objective.span), Some(ns.objective.span), Vec::new());
            }
            let (oa, na) = (
                crate::slo::windows::alert_name(&name.value, os),
                crate::slo::windows::alert_name(&name.value, ns),
            );
            if oa != na {
                let used = artifact_readers(self.artifacts, |t| mentions(t, &oa));
                self.push(CODE_ALERT_REMOVED, true, svc, "alert", &oa, format!("the burn-rate alert of SLO `{}` is renamed `{oa}` → `{na}`: routes, inhibitions and silences matching `alertname` stop matching", name.value), Some(name.span), Some(nname.span), used);
            }
        }
        for (name, _) in n.slos.iter() {
            if o.slos.get(name).is_none() {
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    svc,
                    "slo",
                    &name.value,
                    format!("SLO `{}` added", name.value),
                    None,
                    Some(name.span),
                    Vec::new(),
                );
            }
        }
    }

    /// The severities of an alert name kept by both sides: a severity the
    /// name no longer has stops paging (or ticketing) where it did.
    fn alert_tiers<'b>(
        &mut self,
        o: &'b Service,
        n: &'b Service,
        name: &obspec_spec::model::Spanned<String>,
    ) {
        let severities = |s: &'b Service| -> Vec<(&'b str, obspec_spec::source::Span)> {
            s.alerts
                .iter()
                .filter(|(k, _)| k.value == name.value)
                .map(|(_, a)| (a.severity.as_str(), a.severity.span))
                .collect()
        };
        let (old, new) = (severities(o), severities(n));
        let svc = o.service.value.as_str();
        let mut reported: Vec<&str> = Vec::new();
        for (sev, span) in &old {
            if new.iter().any(|(s, _)| s == sev) || reported.contains(sev) {
                continue;
            }
            reported.push(sev);
            self.push(
                CODE_ALERT_REMOVED,
                true,
                svc,
                "alert",
                &name.value,
                format!("alert `{}` no longer has a `{sev}` rule: routes and inhibitions matching that severity stop matching it", name.value),
                Some(*span),
                None,
                Vec::new(),
            );
        }
        for (sev, span) in &new {
            if old.iter().any(|(s, _)| s == sev) || reported.contains(sev) {
                continue;
            }
            reported.push(sev);
            self.push(
                CODE_COMPATIBLE,
                false,
                svc,
                "alert",
                &name.value,
                format!("alert `{}` gains a `{sev}` rule", name.value),
                None,
                Some(*span),
                Vec::new(),
            );
        }
    }

    fn alerts<'b>(&mut self, o: &'b Service, n: &'b Service) {
        let svc = o.service.value.as_str();
        // A name may hold several rules (severity tiers): names are compared
        // once each, then the severities of a name kept by both.
        let names = |s: &'b Service| {
            let mut v: Vec<&'b obspec_spec::model::Spanned<String>> = Vec::new();
            for (k, _) in s.alerts.iter() {
                if !v.iter().any(|x| x.value == k.value) {
                    v.push(k);
                }
            }
            v
        };
        let (old_names, new_names) = (names(o), names(n));
        let added: Vec<&obspec_spec::model::Spanned<String>> = new_names
            .iter()
            .copied()
            .filter(|k| o.alerts.get(k).is_none())
            .collect();
        for name in &old_names {
            if n.alerts.get(name).is_some() {
                self.alert_tiers(o, n, name);
                continue;
            }
            let oa = o.alerts.get(name).expect("a name of o");
            let renamed: Vec<&str> = added
                .iter()
                .filter(|k| {
                    n.alerts
                        .get(k)
                        .is_some_and(|a| a.expr.value == oa.expr.value)
                })
                .map(|k| k.value.as_str())
                .collect();
            let used = artifact_readers(self.artifacts, |t| {
                mentions(t, &name.value) && !t.contains(&format!("alert: {}", name.value))
            });
            let message = match renamed.as_slice() {
                [] => format!("alert `{}` removed: routes, inhibitions and silences matching its `alertname` stop matching", name.value),
                r => format!("alert `{}` renamed to {}: routes, inhibitions and silences matching its `alertname` stop matching", name.value, r.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(" or ")),
            };
            self.push(
                CODE_ALERT_REMOVED,
                true,
                svc,
                "alert",
                &name.value,
                message,
                Some(name.span),
                None,
                used,
            );
        }
        for k in added {
            self.push(
                CODE_COMPATIBLE,
                false,
                svc,
                "alert",
                &k.value,
                format!("alert `{}` added", k.value),
                None,
                Some(k.span),
                Vec::new(),
            );
        }
        for (name, _) in o.recordings.iter() {
            if n.recordings.get(name).is_some() {
                continue;
            }
            let mut used: Vec<String> = expressions(&self.old.specs)
                .into_iter()
                .filter(|(_, _, expr, _)| mentions(expr, &name.value))
                .map(|(s, what, _, span)| {
                    let at = at_of(self.old, span);
                    format!("{what} of {s}{at}")
                })
                .collect();
            used.extend(artifact_readers(self.artifacts, |t| {
                mentions(t, &name.value)
            }));
            self.push(CODE_ALERT_REMOVED, true, svc, "recording", &name.value, format!("recording `{}` removed: dashboards and queries that read the recorded series get nothing", name.value), Some(name.span), None, used);
        }
        for (name, _) in n.recordings.iter() {
            if o.recordings.get(name).is_none() {
                self.push(
                    CODE_COMPATIBLE,
                    false,
                    svc,
                    "recording",
                    &name.value,
                    format!("recording `{}` added", name.value),
                    None,
                    Some(name.span),
                    Vec::new(),
                );
            }
        }
    }
}

/// Compares two versions of the specs. `artifacts` are the old version's
/// generated files. Breaking changes whose code is in `allow` are let through.
pub fn diff(old: &Loaded, new: &Loaded, artifacts: &Artifacts, allow: &[String]) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        artifacts,
        changes: Vec::new(),
    };
    d.services();
    let mut changes = d.changes;
    for c in &mut changes {
        if c.breaking && c.allowed.is_none() && allow.iter().any(|a| a.eq_ignore_ascii_case(c.code))
        {
            c.allowed = Some(format!("--allow {}", c.code));
        }
    }
    // Breaking first, then by service and subject.
    changes.sort_by(|a, b| {
        (
            !a.breaking,
            a.allowed.is_some(),
            &a.service,
            a.kind,
            &a.subject,
            a.code,
        )
            .cmp(&(
                !b.breaking,
                b.allowed.is_some(),
                &b.service,
                b.kind,
                &b.subject,
                b.code,
            ))
    });
    changes
}

/// The errors that keep a version of the specs from loading (the `OBS0xx`
/// family): a version with any cannot be compared.
pub fn load_errors(l: &Loaded) -> Vec<obspec_spec::diag::Diagnostic> {
    l.diagnostics
        .iter()
        .filter(|d| {
            d.severity == obspec_spec::diag::Severity::Error
                && d.code.as_bytes().get(3) == Some(&b'0')
        })
        .cloned()
        .collect()
}

/// The old version's artifacts (every target with the embedded templates),
/// for what depends on a breaking change.
pub fn old_artifacts(old: &Loaded) -> Result<Artifacts, crate::targets::artifact::GenError> {
    let env = crate::targets::templates::environment(None);
    let all: Vec<_> = crate::targets::TARGETS.iter().collect();
    crate::targets::render(old, &all, &env).map(|r| r.files)
}

/// Whether the changes break something not let through.
pub fn breaks(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.breaking && c.allowed.is_none())
}

/// Output formats of `obspec diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    /// A pull-request comment: one short table, breaking first.
    Markdown,
}

fn at(p: &Option<Place>) -> String {
    p.as_ref()
        .map_or(String::new(), |p| format!("{}:{}", p.file, p.line))
}

fn verdict(c: &Change) -> &'static str {
    match (c.breaking, c.allowed.is_some()) {
        (true, false) => "breaking",
        (true, true) => "allowed",
        _ => "compatible",
    }
}

// Long: one arm per output format (human, JSON, GitHub, Markdown).
/// Renders the changes.
pub fn render(changes: &[Change], format: Format) -> String {
    let breaking = changes
        .iter()
        .filter(|c| c.breaking && c.allowed.is_none())
        .count();
    let allowed = changes.iter().filter(|c| c.allowed.is_some()).count();
    let compatible = changes.iter().filter(|c| !c.breaking).count();
    let summary =
        format!("obspec diff: {breaking} breaking, {allowed} allowed, {compatible} compatible");
    let mut out = String::new();
    match format {
        Format::Human => {
            for c in changes {
                out.push_str(&format!(
                    "{}[{}]: {}: {}\n",
                    verdict(c),
                    c.code,
                    c.service,
                    c.message
                ));
                match (&c.old, &c.new) {
                    (Some(_), Some(_)) => {
                        out.push_str(&format!("  --> was {}, now {}\n", at(&c.old), at(&c.new)))
                    }
                    (Some(_), None) => out.push_str(&format!("  --> was {}\n", at(&c.old))),
                    (None, Some(_)) => out.push_str(&format!("  --> {}\n", at(&c.new))),
                    (None, None) => {}
                }
                if let Some(a) = &c.allowed {
                    out.push_str(&format!("  = allowed: {a}\n"));
                }
                for u in &c.used_by {
                    out.push_str(&format!("  = used by {u}\n"));
                }
                if c.breaking {
                    out.push_str(&format!(
                        "  = run `obspec explain {}` for details\n",
                        c.code
                    ));
                }
            }
            out.push_str(&summary);
            out.push('\n');
        }
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                version: u32,
                breaking: usize,
                allowed: usize,
                compatible: usize,
                changes: &'a [Change],
            }
            out = serde_json::to_string_pretty(&Doc {
                version: 1,
                breaking,
                allowed,
                compatible,
                changes,
            })
            .expect("serializable");
            out.push('\n');
        }
        Format::Github => {
            let esc = |s: &str| {
                s.replace('%', "%25")
                    .replace('\r', "%0D")
                    .replace('\n', "%0A")
            };
            for c in changes {
                let level = match verdict(c) {
                    "breaking" => "error",
                    "allowed" => "warning",
                    _ => "notice",
                };
                // Annotate the new version's line; a removal, the old one's.
                let place = c.new.as_ref().or(c.old.as_ref());
                let loc = place.map_or(String::new(), |p| {
                    format!(
                        " file={},line={}",
                        p.file.rsplit(':').next().unwrap_or(&p.file),
                        p.line
                    )
                });
                let mut msg = format!("{}: {}", c.service, c.message);
                if !c.used_by.is_empty() {
                    msg.push_str(&format!("\nUsed by: {}", c.used_by.join("; ")));
                }
                out.push_str(&format!(
                    "::{level}{loc},title={} {}::{}\n",
                    c.code,
                    verdict(c),
                    esc(&msg)
                ));
            }
            out.push_str(&summary);
            out.push('\n');
        }
        Format::Markdown => {
            out.push_str(&format!(
                "### obspec diff: {breaking} breaking, {allowed} allowed, {compatible} compatible\n\n"
            ));
            if changes.is_empty() {
                out.push_str("No change to metrics, labels, SLOs or alerts.\n");
                return out;
            }
            out.push_str("| | code | service | change | used by |\n|---|---|---|---|---|\n");
            let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
            for c in changes {
                let mark = match verdict(c) {
                    "breaking" => "❌",
                    "allowed" => "⚠️",
                    _ => "✅",
                };
                let used = match c.used_by.len() {
                    0 => String::new(),
                    n if n <= 3 => c.used_by.join("<br>"),
                    n => format!("{}<br>and {} more", c.used_by[..3].join("<br>"), n - 3),
                };
                let allowed = c
                    .allowed
                    .as_ref()
                    .map_or(String::new(), |a| format!(" (allowed: {a})"));
                out.push_str(&format!(
                    "| {mark} | {} | {} | {}{} | {} |\n",
                    c.code,
                    cell(&c.service),
                    cell(&c.message),
                    cell(&allowed),
                    cell(&used)
                ));
            }
        }
    }
    out
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS331",
        title: "metric removed or renamed",
        severity: "error",
        explanation: "`obspec diff` (OLD_SPECS NEW_SPECS, or `--base GIT_REF`): a metric of the old version is gone. Dashboards, alerts and queries written against it read nothing, and Prometheus keeps the old series for weeks, so nothing fails loudly. An added metric with the same type, labels and help is named as the likely rename. A metric marked `stability: deprecated` (or with `deprecated:`) in the old version may be removed: the change is then allowed, as is any code passed to `--allow`. The diff examples are an old and a new version of the same file.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS331\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
    },
    Rule {
        code: "OBS332",
        title: "metric type or unit changed",
        severity: "error",
        explanation: "A metric changes type (a gauge becomes a counter: `rate` over its history is wrong) or unit (every threshold and panel reading it is off by the factor).",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: counter, help: Queued orders.} # <- OBS332\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
    },
    Rule {
        code: "OBS333",
        title: "label removed from a metric",
        severity: "error",
        explanation: "A label a metric had is gone: selections and groupings by it (`by (region)`) read nothing, and the old series, with the label, stop.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status, region]} # <- OBS333\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS334",
        title: "label added to a metric read without aggregation",
        severity: "error",
        explanation: "A new label on a metric that expressions of the specs read without aggregating it away (no `sum by (...)` leaving it out): an alert then fires once per value, and one-to-one matches against other series fail. Where every reader aggregates the label away, the addition is compatible (OBS339). The finding lists the readers.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth:\n    type: gauge\n    help: Queued orders.\n    labels:\n      - region # <- OBS334\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
    },
    Rule {
        code: "OBS335",
        title: "values removed from a closed domain",
        severity: "error",
        explanation: "A value leaves a label's closed domain: its series stop, and selectors that match it (listed) read nothing.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed, timeout]} # <- OBS335\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS336",
        title: "histogram buckets changed",
        severity: "error",
        explanation: "Bucket bounds are removed from a histogram: the old `le` series stop, and latency SLIs and quantiles over a range that spans the change mix layouts. Only adding bounds is compatible (the old `le` series continue) and is reported with this code as compatible.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.25, 0.5] # <- OBS336\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n")],
    },
    Rule {
        code: "OBS337",
        title: "SLO removed, or its SLI or period changed",
        severity: "error",
        explanation: "An SLO is removed (its `slo:*` recordings, burn alerts and dashboards stop), or its SLI, window, calendar or budgeting changes: the error budget spent so far counted other events or another period than it will.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=~\"failed|ok\"}', total: shop_orders_total} # <- OBS337\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n")],
    },
    Rule {
        code: "OBS338",
        title: "alert or recording removed or renamed",
        severity: "error",
        explanation: "An alert is removed or renamed (also an SLO's burn alert through `alerting.name`): routes, inhibitions and silences that match its `alertname` stop matching. A removed recording leaves the dashboards and queries that read the recorded series with nothing.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep: # <- OBS338\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
    },
    Rule {
        code: "OBS339",
        title: "compatible change",
        severity: "warning",
        explanation: "Changes that break nothing, listed so that reviewers see them: metrics, label values, SLOs, alerts and recordings added; help changed; an objective tightened or loosened (with the new error budget); a label added that every reader aggregates away; bucket bounds added; and the series estimate of every metric whose domains changed.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.} # <- OBS339\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS340",
        title: "log event or field removed or changed",
        severity: "error",
        explanation: "`obspec diff`: a log event removed, a field of it removed or retyped, enum values removed, its level changed, a Loki stream label removed, or the log target changed. Queries, alerts and dashboards built on the old lines (`| json | reason=\"declined\"`, `{event=\"payment_failed\"}`) stop matching without an error; the finding names the log alerts of the old spec that count the event. Adding events and fields is compatible (OBS339).",
        bad: &[
            ("old/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed:"
                "      level: error"
                "      message: Order failed."
                "      fields:"
                "        reason: {type: enum, values: [declined, timeout]} # <- OBS340"
            )),
            ("new/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed:"
                "      level: error"
                "      message: Order failed."
                "      fields:"
                "        cause: {type: enum, values: [declined, timeout]}"
            )),
        ],
        good: &[
            ("old/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed: {level: error, message: Order failed., fields: {reason: {type: enum, values: [declined, timeout]}}}"
            )),
            ("new/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed: {level: error, message: Order failed., description: The bank or the shop refused the order., fields: {reason: {type: enum, values: [declined, timeout, fraud]}}}"
            )),
        ],
    },
];
