//! `grafana`: per service a metrics dashboard and an SLO dashboard (JSON).
//!
//! Stable uids derived from the service; the Prometheus datasource is a
//! variable; variables for `environment` and for every closed-domain label the
//! metrics use; counters as rates by their labels, histograms as p50/p95/p99
//! and a heatmap, gauges as time series (stat when unlabelled); panel units from
//! the metric's unit; one row per subsystem. The SLO dashboard shows, per SLO,
//! the objective, the SLI over the window, the error budget left, the burn rate
//! per alert window and the firing burn-rate alerts, from obspec's recording
//! rules. JSON has no comments: the generated marker is in `description`.

use minijinja::{context, Environment, Error};
use serde_json::{json, Value};

use crate::slo::windows::error_ratio_rule;
use crate::targets::artifact::{spec_files, OutFile, MARKER};
use obspec_spec::duration::format_duration;
use obspec_spec::load::Loaded;
use obspec_spec::model::{Metric, MetricType, Service};

/// A stable dashboard uid (≤ 40 characters) from a name.
pub fn uid(name: &str) -> String {
    // FNV-1a: stable across machines and versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(22)
        .collect();
    format!("obspec-{slug}-{:08x}", h as u32)
}

fn unit(u: Option<&str>, kind: MetricType) -> &'static str {
    match (u, kind) {
        (Some("seconds"), _) => "s",
        (Some("bytes"), MetricType::Counter) => "Bps",
        (Some("bytes"), _) => "bytes",
        (Some("ratio"), _) => "percentunit",
        (Some("celsius"), _) => "celsius",
        (Some("meters"), _) => "lengthm",
        (_, MetricType::Counter) => "ops",
        _ => "short",
    }
}

struct Panels {
    list: Vec<Value>,
    next_id: u64,
    x: u64,
    y: u64,
}

impl Panels {
    fn new() -> Self {
        Panels {
            list: Vec::new(),
            next_id: 1,
            x: 0,
            y: 0,
        }
    }
    fn row(&mut self, title: &str) {
        if self.x > 0 {
            self.x = 0;
            self.y += 8;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.list.push(json!({
            "id": id, "type": "row", "title": title, "collapsed": false,
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []
        }));
        self.y += 1;
    }
    fn panel(&mut self, mut p: Value, w: u64) {
        if self.x + w > 24 {
            self.x = 0;
            self.y += 8;
        }
        p["id"] = json!(self.next_id);
        self.next_id += 1;
        p["gridPos"] = json!({"h": 8, "w": w, "x": self.x, "y": self.y});
        self.x += w;
        self.list.push(p);
    }
}

fn ds() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn target(expr: &str, legend: &str, ref_id: char) -> Value {
    json!({"refId": ref_id.to_string(), "expr": expr, "legendFormat": legend, "datasource": ds()})
}

fn timeseries(title: &str, description: &str, unit: &str, targets: Vec<Value>) -> Value {
    json!({
        "type": "timeseries", "title": title, "description": description, "datasource": ds(),
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": true}, "tooltip": {"mode": "multi", "sort": "none"}},
        "targets": targets
    })
}

fn stat(title: &str, description: &str, unit: &str, expr: &str) -> Value {
    json!({
        "type": "stat", "title": title, "description": description, "datasource": ds(),
        "fieldConfig": {"defaults": {"unit": unit, "decimals": 3}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false}, "colorMode": "value", "graphMode": "area", "justifyMode": "auto", "orientation": "auto", "textMode": "auto"},
        "targets": [target(expr, "", 'A')]
    })
}

fn variables(loaded: &Loaded, svc: &Service) -> Vec<Value> {
    let mut v = vec![json!({
        "type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
        "current": {"text": "default", "value": "default"}, "hide": 0, "refresh": 1, "regex": "", "options": []
    })];
    let envs: Vec<&str> = loaded
        .specs
        .project
        .environments
        .iter()
        .map(|e| e.as_str())
        .collect();
    let has_env = has_environment(loaded);
    if has_env {
        let q = if envs.is_empty() {
            String::from(".*")
        } else {
            envs.join(",")
        };
        v.push(json!({
            "type": "custom", "name": "environment", "label": "environment", "query": q,
            "multi": true, "includeAll": true, "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "hide": 0, "options": []
        }));
    }
    for (name, dom) in svc.labels.iter() {
        let Some(values) = &dom.values else { continue };
        if !svc
            .metrics
            .iter()
            .any(|(_, m)| m.labels.iter().any(|l| l.value == name.value))
        {
            continue;
        }
        let q: Vec<&str> = values.iter().map(|x| x.as_str()).collect();
        v.push(json!({
            "type": "custom", "name": name.value, "label": name.value, "query": q.join(","),
            "multi": true, "includeAll": true, "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "hide": 0, "options": []
        }));
    }
    v
}

/// Whether series carry an `environment` label: the project lists environments
/// or the scrape adds it.
fn has_environment(loaded: &Loaded) -> bool {
    let p = &loaded.specs.project;
    !p.environments.is_empty()
        || p.conventions
            .required_target_labels
            .iter()
            .any(|l| l.value == "environment")
}

/// The label matchers of a metric: the dashboard variables it has.
fn selector(
    loaded: &Loaded,
    svc: &Service,
    labels: &[obspec_spec::model::Spanned<String>],
) -> String {
    let mut m: Vec<String> = Vec::new();
    let has_env = has_environment(loaded);
    if has_env {
        m.push("environment=~\"$environment\"".into());
    }
    for l in labels {
        if svc.labels.get(l).is_some_and(|d| d.values.is_some()) {
            m.push(format!("{0}=~\"${0}\"", l.value));
        }
    }
    if m.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", m.join(", "))
    }
}

fn dashboard(
    svc: &Service,
    title: String,
    uid: String,
    description: String,
    vars: Vec<Value>,
    panels: Vec<Value>,
    extra_tag: &str,
) -> Value {
    let mut tags = vec![json!("obspec"), json!(extra_tag)];
    if let Some(t) = &svc.team {
        tags.push(json!(t.value));
    }
    // `json!` copies what it interpolates: the panels and variables, which
    // are most of the dashboard, are moved in afterwards.
    let mut board = json!({
        "uid": uid, "title": title, "description": description, "tags": tags,
        "editable": true, "graphTooltip": 1, "schemaVersion": 39, "version": 1,
        "time": {"from": "now-6h", "to": "now"}, "timezone": "browser", "refresh": "1m",
        "templating": {"list": []}, "annotations": {"list": []}, "links": [], "panels": []
    });
    board["templating"]["list"] = Value::Array(vars);
    board["panels"] = Value::Array(panels);
    board
}

fn metrics_dashboard(loaded: &Loaded, svc: &Service, marker: &str) -> Value {
    let mut p = Panels::new();
    // Rows by subsystem, in order of first appearance.
    let mut subsystems: Vec<String> = Vec::new();
    for (_, m) in svc.metrics.iter() {
        let s = m
            .subsystem
            .as_ref()
            .map_or(String::new(), |s| s.value.clone());
        if !subsystems.contains(&s) {
            subsystems.push(s);
        }
    }
    // Function and HTTP metrics get their own rows, per function and route.
    let function_metrics = obspec_spec::model::runtime_owned_metrics(svc);
    for sub in &subsystems {
        let mut rows = svc.metrics.iter().filter(|(name, m)| {
            m.subsystem
                .as_ref()
                .map_or(String::new(), |s| s.value.clone())
                == *sub
                && !function_metrics.contains(&name.value)
        });
        let Some(first) = rows.next() else { continue };
        p.row(if sub.is_empty() { "Metrics" } else { sub });
        for (name, m) in std::iter::once(first).chain(rows) {
            metric_panels(loaded, svc, &name.value, m, &mut p);
        }
    }
    if let Some(fns) = &svc.functions {
        function_panels(loaded, svc, fns, &mut p);
    }
    if svc.http.is_some() {
        http_panels(loaded, svc, &mut p);
    }
    dashboard(
        svc,
        svc.service.value.clone(),
        uid(&svc.service.value),
        marker.to_string(),
        variables(loaded, svc),
        p.list,
        "metrics",
    )
}

/// The panels of one declared metric: a rate for counters, quantiles and a
/// heatmap for histograms, a stat or a time series for gauges.
fn metric_panels(loaded: &Loaded, svc: &Service, name: &str, m: &Metric, p: &mut Panels) {
    let sel = selector(loaded, svc, &m.labels);
    let help = m.help.as_ref().map_or(String::new(), |h| h.value.clone());
    let labels: Vec<&str> = m.labels.iter().map(|l| l.as_str()).collect();
    let by = if labels.is_empty() {
        String::new()
    } else {
        format!(" by ({})", labels.join(", "))
    };
    let legend = if labels.is_empty() {
        name.to_string()
    } else {
        labels
            .iter()
            .map(|l| format!("{{{{{l}}}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let u = unit(m.unit.as_ref().map(|u| u.as_str()), m.kind.value);
    match m.kind.value {
        MetricType::Counter => p.panel(
            timeseries(
                &format!("{} (per second)", name),
                &help,
                u,
                vec![target(
                    &format!("sum{by} (rate({}{sel}[$__rate_interval]))", name),
                    &legend,
                    'A',
                )],
            ),
            12,
        ),
        MetricType::Histogram => {
            let q = |qu: &str| {
                format!("histogram_quantile({qu}, sum by (le) (rate({}_bucket{sel}[$__rate_interval])))", name)
            };
            p.panel(
                timeseries(
                    &format!("{} p50 / p95 / p99", name),
                    &help,
                    u,
                    vec![
                        target(&q("0.5"), "p50", 'A'),
                        target(&q("0.95"), "p95", 'B'),
                        target(&q("0.99"), "p99", 'C'),
                    ],
                ),
                12,
            );
            let mut heat = json!({
                "type": "heatmap", "title": format!("{} distribution", name), "description": help, "datasource": ds(),
                "fieldConfig": {"defaults": {"unit": u}, "overrides": []},
                "options": {"calculate": false, "yAxis": {"unit": u}, "color": {"mode": "scheme", "scheme": "Oranges"}, "cellGap": 1},
                "targets": [target(&format!("sum by (le) (increase({}_bucket{sel}[$__rate_interval]))", name), "{{le}}", 'A')]
            });
            heat["targets"][0]["format"] = json!("heatmap");
            p.panel(heat, 12);
        }
        // Only external catalogs declare them, and they have no dashboards.
        MetricType::Summary | MetricType::Untyped => {}
        MetricType::Gauge | MetricType::Info if labels.is_empty() => {
            p.panel(stat(name, &help, u, &format!("sum({}{sel})", name)), 6)
        }
        MetricType::Gauge | MetricType::Info => p.panel(
            timeseries(
                name,
                &help,
                u,
                vec![target(&format!("sum{by} ({}{sel})", name), &legend, 'A')],
            ),
            12,
        ),
    }
}

/// `selector` (`{a="x"}` or empty) with one more matcher.
fn with_matcher(selector: &str, matcher: &str) -> String {
    match selector.strip_suffix('}') {
        Some(open) => format!("{open}, {matcher}}}"),
        None => format!("{{{matcher}}}"),
    }
}

/// The `Functions` row: calls by outcome, error ratio and latency quantiles
/// per instrumented function (and calls in flight).
fn function_panels(
    loaded: &Loaded,
    svc: &Service,
    fns: &obspec_spec::model::Functions,
    p: &mut Panels,
) {
    let [calls, duration, in_flight] =
        obspec_spec::model::function_metric_names(&svc.namespace.value);
    let (Some(cm), Some(dm)) = (svc.metrics.get(&calls), svc.metrics.get(&duration)) else {
        return;
    };
    p.row("Functions");
    let sel = selector(loaded, svc, &cm.labels);
    p.panel(
        timeseries(
            "Calls per function (per second)",
            "Calls of each instrumented function, by outcome.",
            "reqps",
            vec![target(
                &format!("sum by (function, outcome) (rate({calls}{sel}[$__rate_interval]))"),
                "{{function}} {{outcome}}",
                'A',
            )],
        ),
        12,
    );
    p.panel(
        timeseries(
            "Error ratio per function",
            "Share of calls that returned an error (any outcome but ok) or panicked.",
            "percentunit",
            vec![target(
                &format!(
                    "sum by (function) (rate({calls}{}[$__rate_interval])) / (sum by (function) (rate({calls}{sel}[$__rate_interval])) > 0)",
                    with_matcher(&sel, "outcome!=\"ok\"")
                ),
                "{{function}}",
                'A',
            )],
        ),
        12,
    );
    let dsel = selector(loaded, svc, &dm.labels);
    let q = |qu: &str| {
        format!("histogram_quantile({qu}, sum by (function, le) (rate({duration}_bucket{dsel}[$__rate_interval])))")
    };
    p.panel(
        timeseries(
            "Latency per function p50 / p99",
            "Duration of calls of each instrumented function.",
            "s",
            vec![
                target(&q("0.5"), "{{function}} p50", 'A'),
                target(&q("0.99"), "{{function}} p99", 'B'),
            ],
        ),
        12,
    );
    if fns.in_flight.as_ref().is_some_and(|v| v.value) {
        if let Some(gm) = svc.metrics.get(&in_flight) {
            let gsel = selector(loaded, svc, &gm.labels);
            p.panel(
                timeseries(
                    "Calls in flight per function",
                    "Calls of each instrumented function under way.",
                    "short",
                    vec![target(
                        &format!("sum by (function) ({in_flight}{gsel})"),
                        "{{function}}",
                        'A',
                    )],
                ),
                12,
            );
        }
    }
}

/// The `HTTP` row: requests by route and status class, the 5xx ratio and
/// latency quantiles per route (and requests in flight).
fn http_panels(loaded: &Loaded, svc: &Service, p: &mut Panels) {
    let [requests, duration, in_flight] =
        obspec_spec::model::http_metric_names(&svc.namespace.value);
    let (Some(rm), Some(dm)) = (svc.metrics.get(&requests), svc.metrics.get(&duration)) else {
        return;
    };
    p.row("HTTP");
    let sel = selector(loaded, svc, &rm.labels);
    p.panel(
        timeseries(
            "Requests per route (per second)",
            "HTTP requests by route template and status class.",
            "reqps",
            vec![target(
                &format!("sum by (route, status_class) (rate({requests}{sel}[$__rate_interval]))"),
                "{{route}} {{status_class}}",
                'A',
            )],
        ),
        12,
    );
    p.panel(
        timeseries(
            "5xx ratio per route",
            "Share of requests answered with a server error.",
            "percentunit",
            vec![target(
                &format!(
                    "sum by (route) (rate({requests}{}[$__rate_interval])) / (sum by (route) (rate({requests}{sel}[$__rate_interval])) > 0)",
                    with_matcher(&sel, "status_class=\"5xx\"")
                ),
                "{{route}}",
                'A',
            )],
        ),
        12,
    );
    let dsel = selector(loaded, svc, &dm.labels);
    let q = |qu: &str| {
        format!("histogram_quantile({qu}, sum by (route, le) (rate({duration}_bucket{dsel}[$__rate_interval])))")
    };
    p.panel(
        timeseries(
            "Latency per route p50 / p99",
            "Duration of requests until the response head, per route template.",
            "s",
            vec![
                target(&q("0.5"), "{{route}} p50", 'A'),
                target(&q("0.99"), "{{route}} p99", 'B'),
            ],
        ),
        12,
    );
    if let Some(gm) = svc.metrics.get(&in_flight) {
        let gsel = selector(loaded, svc, &gm.labels);
        p.panel(
            timeseries(
                "Requests in flight per route",
                "HTTP requests under way, per route template.",
                "short",
                vec![target(
                    &format!("sum by (route) ({in_flight}{gsel})"),
                    "{{route}}",
                    'A',
                )],
            ),
            12,
        );
    }
}

fn slo_dashboard(loaded: &Loaded, svc: &Service, marker: &str) -> Option<Value> {
    if svc.slos.is_empty() {
        return None;
    }
    let mut p = Panels::new();
    let service = &svc.service.value;
    for (name, slo) in svc.slos.iter() {
        let Some(plan) = crate::slo::rules::plan(svc, name, slo) else {
            continue;
        };
        let sel = format!(
            "{{slo={}, service={}}}",
            crate::format::escape::promql_str(&plan.name),
            crate::format::escape::promql_str(service)
        );
        let period = format_duration(plan.period_ms);
        p.row(&format!(
            "{} — {}% over {}",
            plan.name,
            crate::format::decimal::fmt_f64(slo.objective.value),
            slo.window.value
        ));
        p.panel(
            stat(
                "Objective",
                "The SLO's objective.",
                "percentunit",
                &format!("max(slo:objective:ratio{sel})"),
            ),
            6,
        );
        p.panel(
            stat(
                &format!("SLI over {period}"),
                "Share of good events over the SLO window.",
                "percentunit",
                &format!("1 - max({}{sel})", error_ratio_rule(plan.period_ms)),
            ),
            6,
        );
        p.panel(
            stat(
                "Error budget remaining",
                "Share of the window's error budget not yet spent.",
                "percentunit",
                &format!("max(slo:period_error_budget_remaining:ratio{sel})"),
            ),
            6,
        );
        p.panel(
            stat(
                "Current burn rate",
                "Error ratio over the shortest window ÷ error budget.",
                "short",
                &format!("max(slo:current_burn_rate:ratio{sel})"),
            ),
            6,
        );
        let budget = plan.budget.to_string();
        let targets: Vec<Value> = plan
            .windows
            .iter()
            .flat_map(|w| [w.long_ms, w.short_ms])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .zip('A'..)
            .map(|(w, r)| {
                target(
                    &format!("max({}{sel}) / {budget}", error_ratio_rule(w)),
                    &format_duration(w),
                    r,
                )
            })
            .collect();
        let factors: Vec<String> = plan.windows.iter().map(|w| w.factor.to_string()).collect();
        let fire = match factors.as_slice() {
            [] => "no burn alert is enabled".to_string(),
            [one] => format!("the alert fires at {one}"),
            [rest @ .., last] => format!("the alerts fire at {} and {last}", rest.join(", ")),
        };
        p.panel(
            timeseries(
                "Burn rate per alert window",
                &format!("Error ratio over each alert window ÷ error budget; {fire}."),
                "short",
                targets,
            ),
            12,
        );
        p.panel(
            timeseries(
                "Firing burn-rate alerts",
                "Burn-rate alerts of this SLO by window pair.",
                "short",
                vec![target(&format!("sum by (long_window, short_window, severity) (ALERTS{{alertname=\"{}\", alertstate=\"firing\", slo=\"{}\"}})", plan.alert, plan.name), "{{severity}} {{long_window}}/{{short_window}}", 'A')],
            ),
            12,
        );
    }
    let _ = loaded;
    let vars = vec![json!({
        "type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
        "current": {"text": "default", "value": "default"}, "hide": 0, "refresh": 1, "regex": "", "options": []
    })];
    Some(dashboard(
        svc,
        format!("{service} SLOs"),
        uid(&format!("{service}-slo")),
        marker.to_string(),
        vars,
        p.list,
        "slo",
    ))
}

/// The logs dashboard of a service with a `logs:` section (Loki): event
/// rates by event, error events, and the log lines.
fn logs_dashboard(svc: &Service, marker: &str) -> Option<Value> {
    let logs = svc.logs.as_ref()?;
    let service = svc.service.value.as_str();
    let loki = || json!({"type": "loki", "uid": "${loki}"});
    let stream = format!("{{service={}}}", crate::expr::logs::logql_str(service));
    let event_label = logs.stream_labels.iter().any(|l| l.value == "event");
    let parse = if event_label { "" } else { " | json" };
    let mut p = Panels::new();
    p.row("Log events");
    let mut rate = timeseries(
        "Events per second",
        "Log lines per second by event.",
        "short",
        vec![
            json!({"refId": "A", "expr": format!("sum by (event) (rate({stream}{parse} [$__auto]))"), "legendFormat": "{{event}}", "datasource": loki()}),
        ],
    );
    rate["datasource"] = loki();
    p.panel(rate, 12);
    let errors: Vec<&str> = logs
        .events
        .iter()
        .filter(|(_, e)| e.level.value >= obspec_spec::model::LogLevel::Warn)
        .map(|(n, _)| n.as_str())
        .collect();
    if !errors.is_empty() {
        let sel = crate::expr::logs::events_selector(svc, logs, &errors);
        let mut err = timeseries(
            "Warning and error events",
            &format!("Lines per second of {}.", errors.join(", ")),
            "short",
            vec![
                json!({"refId": "A", "expr": format!("sum by (event) (rate({sel} [$__auto]))"), "legendFormat": "{{event}}", "datasource": loki()}),
            ],
        );
        err["datasource"] = loki();
        p.panel(err, 12);
    }
    p.row("Lines");
    p.panel(
        json!({
            "type": "logs", "title": format!("{service} logs"),
            "description": "The service's JSONL lines; `| json` shows the fields.",
            "datasource": loki(),
            "options": {"showTime": true, "showLabels": false, "showCommonLabels": false, "wrapLogMessage": true, "prettifyLogMessage": false, "enableLogDetails": true, "dedupStrategy": "none", "sortOrder": "Descending"},
            "targets": [{"refId": "A", "expr": format!("{stream} | json"), "datasource": loki()}]
        }),
        24,
    );
    // Log panels are taller than the default.
    if let Some(last) = p.list.last_mut() {
        last["gridPos"]["h"] = json!(16);
    }
    let vars = vec![json!({
        "type": "datasource", "name": "loki", "label": "Loki", "query": "loki",
        "current": {"text": "default", "value": "default"}, "hide": 0, "refresh": 1, "regex": "", "options": []
    })];
    Some(dashboard(
        svc,
        format!("{service} logs"),
        uid(&format!("{service}-logs")),
        marker.to_string(),
        vars,
        p.list,
        "logs",
    ))
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("dashboards serialize")
}

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let tpl = env.get_template("grafana/dashboard.json.j2")?;
    // The embedded template writes `dashboard_json` and a newline, so it is
    // not run: the dashboard as a template value (a deep copy of every
    // panel) and the template's copy of the text are only made for an
    // override.
    let embedded = crate::targets::templates::is_embedded(&tpl);
    let mut out = Vec::new();
    // External catalogs get no dashboard: the exporter's own does that job.
    for svc in loaded.specs.services.iter().filter(|s| !s.is_external()) {
        let sources = spec_files(loaded, svc);
        let marker = format!(
            "{MARKER} from {}. Do not edit: change the spec and run `obspec generate`.",
            sources.join(", ")
        );
        let mut boards = vec![(
            format!("grafana/{}.json", svc.service.value),
            metrics_dashboard(loaded, svc, &marker),
        )];
        if let Some(b) = slo_dashboard(loaded, svc, &marker) {
            boards.push((format!("grafana/{}-slo.json", svc.service.value), b));
        }
        if let Some(b) = logs_dashboard(svc, &marker) {
            boards.push((format!("grafana/{}-logs.json", svc.service.value), b));
        }
        for (path, board) in boards {
            let mut json = pretty(&board);
            let content = if embedded {
                // What the embedded template renders: the JSON and a newline.
                json.push('\n');
                json
            } else {
                let json = minijinja::Value::from_safe_string(json);
                super::templates::render(
                    &tpl,
                    context! { dashboard_json => json, dashboard => minijinja::value::Serde(&board) },
                )?
            };
            drop(board);
            out.push(OutFile {
                path,
                content,
                sources: sources.clone(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod analysis_tests {
    /// Every `expr` of a dashboard.
    /// The PromQL queries under `v` (a Loki target's LogQL is checked by
    /// tests/grafana.rs with Grafana's LogQL grammar).
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(e)) = m.get("expr") {
                    if m["datasource"]["type"] != "loki" {
                        out.push(e.clone());
                    }
                }
                m.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }

    /// Every query of the generated dashboards of the bundled specs is clean
    /// under the expression analysis the lints use.
    #[test]
    fn dashboard_queries_of_the_bundled_specs_are_clean() {
        let loaded = crate::testing::bundled();
        let registry = crate::expr::promql::Registry::new(&loaded.specs);
        let env = crate::targets::templates::environment(None);
        let mut exprs = Vec::new();
        for f in super::render(&loaded, &env).unwrap() {
            let v: serde_json::Value = serde_json::from_str(&f.content).unwrap();
            walk(&v, &mut exprs);
        }
        assert!(exprs.len() > 50, "{} queries", exprs.len());
        // A service with function and HTTP metrics gets its Functions and HTTP rows.
        let spec = "obspec: 1\nservice: shop\nnamespace: shop\nfunctions:\n  names: [authorize, capture]\n  in_flight: true\nhttp:\n  routes: [/orders, \"/orders/{id}\"]\n  methods: [GET, POST]\n  in_flight: true\n";
        let fns = crate::lint::check_texts([("shop.yaml", spec)]);
        assert!(fns.diagnostics.is_empty());
        let mut titles = Vec::new();
        for f in super::render(&fns, &env).unwrap() {
            let v: serde_json::Value = serde_json::from_str(&f.content).unwrap();
            for p in v["panels"].as_array().into_iter().flatten() {
                titles.push(p["title"].as_str().unwrap_or("").to_string());
            }
            walk(&v, &mut exprs);
        }
        for want in [
            "Functions",
            "Calls per function (per second)",
            "Error ratio per function",
            "Latency per function p50 / p99",
            "Calls in flight per function",
            "HTTP",
            "Requests per route (per second)",
            "5xx ratio per route",
            "Latency per route p50 / p99",
            "Requests in flight per route",
        ] {
            assert!(titles.iter().any(|t| t == want), "{want} not in {titles:?}");
        }
        assert!(
            !titles.iter().any(|t| t == "Metrics"),
            "function or HTTP metrics drawn twice: {titles:?}"
        );
        let fn_registry = crate::expr::promql::Registry::new(&fns.specs);
        let own = |e: &str| e.contains("shop_function") || e.contains("shop_http");
        assert!(exprs.iter().filter(|e| e.contains("shop_http")).count() >= 5);
        for e in exprs.iter().filter(|e| own(e)) {
            let text = e.replace("$__rate_interval", "5m");
            let parsed =
                promql_parser::parser::parse(&text).unwrap_or_else(|err| panic!("{e}: {err}"));
            let mut problems = Vec::new();
            crate::expr::promql::analyze(&parsed, &fn_registry, &mut problems);
            assert!(problems.is_empty(), "{e}: {problems:?}");
        }
        for e in exprs.iter().filter(|e| !own(e)) {
            // Dashboard variables stand for a range and a label value.
            let text = e
                .replace("$__rate_interval", "5m")
                .replace("$environment", "prod");
            let parsed =
                promql_parser::parser::parse(&text).unwrap_or_else(|err| panic!("{e}: {err}"));
            let mut problems = Vec::new();
            crate::expr::promql::analyze(&parsed, &registry, &mut problems);
            assert!(problems.is_empty(), "{e}: {problems:?}");
        }
    }
}
