//! `obspec import sloth|openslo FILE`: prints an obspec service spec equivalent
//! to a Sloth (`prometheus/v1`) or OpenSLO v1 (`SLO`, `SLI`) file, preserving
//! each SLO's objective, window and SLI. What cannot be converted is an error
//! naming the place; what obspec needs but the input lacks (metric and label
//! declarations) is written out with `# TODO` comments to review.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::format::decimal::{fmt_f64, Decimal};
use crate::format::escape::{clip, terminal, yaml_scalar};
use obspec_spec::source::FileId;
use obspec_spec::yaml::{parse_all, Limits, Node, NodeKind};

/// Why a file could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError(msg.into()))
}

/// The value of `key` in a mapping; a `snake_case` key also matches its
/// `camelCase` form, as Sloth's Kubernetes resources spell their fields
/// (`error_query` / `errorQuery`).
fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    let find = |key: &str| match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null()),
        _ => None,
    };
    find(key).or_else(|| {
        key.contains('_')
            .then(|| {
                let mut camel = String::with_capacity(key.len());
                let mut up = false;
                for c in key.chars() {
                    if c == '_' {
                        up = true;
                    } else if up {
                        camel.push(c.to_ascii_uppercase());
                        up = false;
                    } else {
                        camel.push(c);
                    }
                }
                find(&camel)
            })
            .flatten()
    })
}

fn text<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    get(node, key).and_then(Node::as_scalar)
}

fn at(node: &Node) -> String {
    format!("line {}", node.span.line)
}

/// Outside text in a `# …` comment of the written spec: control characters
/// (a line break or a carriage return would end the comment and start a
/// key) shown escaped, and long text cut.
fn comment(s: &str) -> String {
    terminal(&clip(s, 200)).into_owned()
}

/// The longest name written as a key: YAML reads a key of more than 1,024
/// characters as no key at all.
const MAX_KEY: usize = 1000;

/// Refuses a name obspec would write as a key and could not read back.
fn key_fits(name: &str, what: &str) -> Result<(), ImportError> {
    let n = name.chars().count();
    if n > MAX_KEY {
        return err(format!(
            "{what} `{}` has {n} characters: obspec writes it as a YAML key, and YAML keys hold at most {MAX_KEY}",
            comment(name)
        ));
    }
    Ok(())
}

/// The spec text written, read back with obspec's own YAML reader: what it
/// cannot read is never written (a safety net under the escaping).
fn reads_back(out: String) -> Result<String, ImportError> {
    match parse_all(FileId(0), &out, Limits::default()) {
        Ok(_) => Ok(out),
        Err(d) => err(format!(
            "the spec written would not read back ({}): please report this rule file",
            d.message
        )),
    }
}

fn entries(node: Option<&Node>) -> Vec<(String, String)> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Map(e)) => e
            .iter()
            .filter_map(|(k, v)| Some((k.as_scalar()?.to_string(), v.as_scalar()?.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// One SLO to print.
struct Slo {
    name: String,
    description: Option<String>,
    objective: String,
    window: String,
    /// `errors`/`total` selectors, or a raw ratio.
    sli: Sli,
    alert_name: Option<String>,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    page_severity: Option<String>,
    ticket_severity: Option<String>,
    page_labels: Vec<(String, String)>,
    ticket_labels: Vec<(String, String)>,
    /// Alert classes the source turned off: they stay off.
    page_disabled: bool,
    ticket_disabled: bool,
    /// Custom burn windows per class (`long`, `short`, `budget_percent`).
    page_windows: Vec<Window>,
    ticket_windows: Vec<Window>,
    /// `day`, `week` or `month` for calendar-aligned windows.
    calendar: Option<String>,
    /// Time-slice budgeting: slice length and target percent (none: the
    /// mean of the slices' ratios).
    timeslice: Option<(String, Option<String>)>,
    /// Labels of the SLO's metadata series (Sloth's `info_labels`).
    info_labels: Vec<(String, String)>,
    /// The source's burn alerts fire without `for` (Sloth's do): written as
    /// `for: 0s` so that the imported alerts fire at the same evaluation.
    no_for: bool,
    notes: Vec<String>,
}

/// One burn window pair as written in a spec: long, short, budget percent.
#[derive(Debug, Clone, PartialEq)]
struct Window {
    long: String,
    short: String,
    budget_percent: String,
}

/// How Sloth was run: its SLO period (`--default-slo-period`, default 30d)
/// and its SLO period windows (`--slo-period-windows-path`: the texts of
/// `kind: AlertWindows` files).
#[derive(Debug, Clone, Default)]
pub struct SlothOptions {
    pub period: Option<String>,
    pub windows: Vec<String>,
}

/// The page and ticket windows of one Sloth `AlertWindows` catalogue entry.
#[derive(Debug, Clone)]
struct Catalogue {
    period_ms: u64,
    page: Vec<Window>,
    ticket: Vec<Window>,
}

/// Reads a `kind: AlertWindows` document (`spec.sloPeriod`, `spec.page` and
/// `spec.ticket`, each with `quick` and `slow` windows).
fn alert_windows(doc: &Node) -> Result<Catalogue, ImportError> {
    let spec = get(doc, "spec")
        .ok_or_else(|| ImportError(format!("the AlertWindows at {} has no `spec`", at(doc))))?;
    known_keys(spec, &["slo_period", "page", "ticket"], "AlertWindows")?;
    let period = text(spec, "slo_period").ok_or_else(|| {
        ImportError(format!(
            "the AlertWindows at {} has no `sloPeriod`",
            at(spec)
        ))
    })?;
    let period_ms = obspec_spec::duration::parse_duration(period).ok_or_else(|| {
        ImportError(format!(
            "AlertWindows: sloPeriod `{period}` is not a duration"
        ))
    })?;
    let mut classes = Vec::new();
    for class in ["page", "ticket"] {
        let c = get(spec, class).ok_or_else(|| {
            ImportError(format!(
                "the AlertWindows for {period} has no `{class}` windows"
            ))
        })?;
        known_keys(c, &["quick", "slow"], "AlertWindows")?;
        let mut out = Vec::new();
        for speed in ["quick", "slow"] {
            let w = get(c, speed).ok_or_else(|| {
                ImportError(format!(
                    "the AlertWindows for {period} has no `{class}.{speed}`"
                ))
            })?;
            known_keys(
                w,
                &["error_budget_percent", "short_window", "long_window"],
                "AlertWindows",
            )?;
            let field = |k: &str| {
                text(w, k).map(str::to_string).ok_or_else(|| {
                    ImportError(format!(
                        "AlertWindows {period} `{class}.{speed}` has no `{k}`"
                    ))
                })
            };
            let budget = field("error_budget_percent")?;
            if Decimal::parse(&budget).is_none() {
                return err(format!(
                    "AlertWindows {period} `{class}.{speed}`: errorBudgetPercent `{budget}` is not a number"
                ));
            }
            out.push(Window {
                long: field("long_window")?,
                short: field("short_window")?,
                budget_percent: budget,
            });
        }
        classes.push(out);
    }
    let ticket = classes.pop().expect("two classes");
    let page = classes.pop().expect("two classes");
    Ok(Catalogue {
        period_ms,
        page,
        ticket,
    })
}

/// Sloth's built-in catalogue: the SRE Workbook's windows for 30 days, and
/// the same windows for 28 days (Sloth does not scale them). obspec's own
/// defaults are the 30-day windows, so a 30-day SLO needs no `windows`.
fn builtin_windows(period_ms: u64) -> Option<(Vec<Window>, Vec<Window>)> {
    let w = |long: &str, short: &str, b: &str| Window {
        long: long.into(),
        short: short.into(),
        budget_percent: b.into(),
    };
    match period_ms / 86_400_000 {
        _ if !period_ms.is_multiple_of(86_400_000) => None,
        30 => Some((Vec::new(), Vec::new())),
        28 => Some((
            vec![w("1h", "5m", "2"), w("6h", "30m", "5")],
            vec![w("1d", "2h", "10"), w("3d", "6h", "10")],
        )),
        _ => None,
    }
}

enum Sli {
    Events {
        errors: String,
        total: String,
    },
    Ratio(String),
    /// Good while `query op value` holds.
    Threshold {
        query: String,
        op: String,
        value: String,
    },
}

/// `sum(rate(SEL[{{window}}]))` → `SEL`, when the query is exactly that.
fn plain_selector(query: &str) -> Option<String> {
    let q = query.trim();
    let inner = q
        .strip_prefix("sum(rate(")?
        .strip_suffix("[{{window}}]))")?;
    match promql_parser::parser::parse(inner).ok()? {
        // Histogram series are not counters to obspec: those stay a ratio.
        promql_parser::parser::Expr::VectorSelector(vs)
            if vs.offset.is_none()
                && vs.at.is_none()
                && crate::expr::promql::selector_name(&vs).is_some_and(|n| {
                    // A histogram's `_count` counts its events: a counter.
                    !["_bucket", "_sum"].iter().any(|s| n.ends_with(s))
                }) =>
        {
            Some(inner.to_string())
        }
        _ => None,
    }
}

fn service_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

/// Converts Sloth specs: `prometheus/v1` documents and `PrometheusServiceLevel`
/// resources (`sloth.slok.dev/v1`), one or several in a YAML stream. SLOs of
/// the same service are merged; each service becomes one obspec spec.
/// Returns `(service, spec)` pairs in the order the services first appear.
pub fn sloth_services(input: &str) -> Result<Vec<(String, String)>, ImportError> {
    sloth_services_with(input, &SlothOptions::default())
}

// Long: a Sloth run as Sloth does it: documents, the windows catalogue, the period, then each service.
/// [`sloth_services`] for a Sloth run with a period and windows other than
/// the defaults. `kind: AlertWindows` documents in the input count as part of
/// the windows catalogue.
pub fn sloth_services_with(
    input: &str,
    options: &SlothOptions,
) -> Result<Vec<(String, String)>, ImportError> {
    let docs =
        parse_all(FileId(0), input, Limits::default()).map_err(|d| ImportError(d.message))?;
    if docs.is_empty() {
        return err("the file holds no YAML document");
    }
    let mut catalogue = Vec::new();
    for text_ in &options.windows {
        let parsed = parse_all(FileId(0), text_, Limits::default())
            .map_err(|d| ImportError(format!("windows file: {}", d.message)))?;
        for d in &parsed {
            if text(d, "kind") != Some("AlertWindows") {
                return err(format!(
                    "windows file: the document at {} is not a Sloth `kind: AlertWindows`",
                    at(d)
                ));
            }
            catalogue.push(alert_windows(d)?);
        }
    }
    for d in &docs {
        if text(d, "apiVersion") == Some("sloth.slok.dev/v1")
            && text(d, "kind") == Some("AlertWindows")
        {
            catalogue.push(alert_windows(d)?);
        }
    }
    let period = options.period.as_deref().unwrap_or("30d");
    let period_ms = obspec_spec::duration::parse_duration(period)
        .ok_or_else(|| ImportError(format!("the SLO period `{period}` is not a duration")))?;
    let (page_windows, ticket_windows) = match catalogue.iter().rev().find(|c| c.period_ms == period_ms) {
        Some(c) => (c.page.clone(), c.ticket.clone()),
        None => builtin_windows(period_ms).ok_or_else(|| {
            ImportError(format!(
                "Sloth has no alert windows for a {period} SLO period: pass the AlertWindows file Sloth was run with (`--windows FILE`)"
            ))
        })?,
    };
    // Windows equal to obspec's defaults for the period need not be written.
    let defaults = |class: &str| -> Vec<Window> {
        crate::slo::windows::burn_windows(period_ms)
            .iter()
            .filter(|w| w.kind == class)
            .map(|w| Window {
                long: obspec_spec::duration::format_duration(w.long_ms),
                short: obspec_spec::duration::format_duration(w.short_ms),
                budget_percent: w.budget_percent.to_string(),
            })
            .collect()
    };
    let same = |a: &[Window], b: &[Window]| {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                obspec_spec::duration::parse_duration(&x.long)
                    == obspec_spec::duration::parse_duration(&y.long)
                    && obspec_spec::duration::parse_duration(&x.short)
                        == obspec_spec::duration::parse_duration(&y.short)
                    && Decimal::parse(&x.budget_percent) == Decimal::parse(&y.budget_percent)
            })
    };
    let page_windows = if same(&page_windows, &defaults("page")) {
        Vec::new()
    } else {
        page_windows
    };
    let ticket_windows = if same(&ticket_windows, &defaults("ticket")) {
        Vec::new()
    } else {
        ticket_windows
    };
    let mut services: Vec<(String, Vec<Slo>)> = Vec::new();
    for doc in &docs {
        let body = match (text(doc, "version"), text(doc, "apiVersion"), text(doc, "kind")) {
            (_, Some("sloth.slok.dev/v1"), Some("AlertWindows")) => continue,
            (Some("prometheus/v1"), _, _) => doc,
            // Google Managed Prometheus's resource has the same spec.
            (
                _,
                Some("sloth.slok.dev/v1"),
                Some(kind @ ("PrometheusServiceLevel" | "ManagedPrometheusServiceLevel")),
            ) => get(doc, "spec").ok_or_else(|| {
                ImportError(format!("the {kind} at {} has no `spec`", at(doc)))
            })?,
            (Some(v), _, _) => {
                return err(format!(
                    "unsupported Sloth spec version `{v}` at {}: obspec reads `prometheus/v1` and `sloth.slok.dev/v1` PrometheusServiceLevel",
                    at(doc)
                ))
            }
            (_, Some(api), kind) => {
                return err(format!(
                    "`apiVersion: {api}`, `kind: {}` at {} is not a Sloth PrometheusServiceLevel",
                    kind.unwrap_or("?"),
                    at(doc)
                ))
            }
            _ => {
                return err(format!(
                    "not a Sloth spec at {}: no `version: prometheus/v1` nor `apiVersion: sloth.slok.dev/v1`",
                    at(doc)
                ))
            }
        };
        let (service, mut slos) = sloth_body(body)?;
        for s in &mut slos {
            s.window = obspec_spec::duration::format_duration(period_ms);
            s.page_windows = page_windows.clone();
            s.ticket_windows = ticket_windows.clone();
        }
        match services.iter_mut().find(|(s, _)| *s == service) {
            Some((_, existing)) => existing.extend(slos),
            None => services.push((service, slos)),
        }
    }
    services
        .into_iter()
        .map(|(service, slos)| {
            for s in &slos {
                key_fits(&s.name, "the SLO name")?;
            }
            let mut spec = print(&service, &slos, "Sloth");
            if !spec.ends_with('\n') {
                spec.push('\n');
            }
            Ok((service, reads_back(spec)?))
        })
        .collect()
}

/// Converts Sloth specs into one YAML text: one spec, or several documents
/// separated by `---` when the input holds several services (write them to
/// files of their own with `obspec import sloth FILE --out DIR`).
pub fn sloth(input: &str) -> Result<String, ImportError> {
    sloth_with(input, &SlothOptions::default())
}

/// [`sloth`] with Sloth's period and windows.
pub fn sloth_with(input: &str, options: &SlothOptions) -> Result<String, ImportError> {
    let services = sloth_services_with(input, options)?;
    Ok(services
        .iter()
        .map(|(_, spec)| spec.as_str())
        .collect::<Vec<_>>()
        .join("---\n"))
}

/// Every key of a Sloth mapping is one obspec carries: anything else is
/// refused by name rather than dropped (keys compare in snake_case, so the
/// Kubernetes resources' camelCase spellings match too).
fn known_keys(node: &Node, allowed: &[&str], whose: &str) -> Result<(), ImportError> {
    let NodeKind::Map(entries) = &node.kind else {
        return Ok(());
    };
    for (k, _) in entries {
        let key = k.as_scalar().unwrap_or("");
        let mut snake = String::with_capacity(key.len() + 4);
        for c in key.chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
                snake.push(c.to_ascii_lowercase());
            } else {
                snake.push(c);
            }
        }
        if !allowed.contains(&snake.as_str()) {
            return err(format!(
                "{whose}: the Sloth field `{key}` (line {}) cannot be converted: obspec has no equivalent",
                k.span.line
            ));
        }
    }
    Ok(())
}

/// Plugins cannot be converted: refused by name.
fn refuse_plugins(node: &Node, key: &str, whose: &str) -> Result<(), ImportError> {
    let Some(p) = get(node, key) else {
        return Ok(());
    };
    let mut ids = Vec::new();
    if let Some(NodeKind::Seq(chain)) = get(p, "chain").map(|n| &n.kind) {
        for c in chain {
            ids.push(text(c, "id").unwrap_or("?").to_string());
        }
    }
    if ids.is_empty() && !matches!(&p.kind, NodeKind::Map(m) if m.is_empty()) && !p.is_null() {
        ids.push("?".into());
    }
    if ids.is_empty() {
        return Ok(());
    }
    err(format!(
        "{whose}: `{key}` ({}) cannot be converted: obspec has no SLO plugins; express what they do in the SLO itself",
        ids.join(", ")
    ))
}

/// One Sloth spec body (`service`, `labels`, `slos`): the service name and its SLOs.
fn sloth_body(doc: &Node) -> Result<(String, Vec<Slo>), ImportError> {
    let service = text(doc, "service")
        .ok_or_else(|| ImportError("the Sloth spec has no `service`".into()))?;
    refuse_plugins(doc, "slo_plugins", &format!("service `{service}`"))?;
    known_keys(
        doc,
        &["version", "service", "labels", "slos", "slo_plugins"],
        &format!("service `{service}`"),
    )?;
    let common_labels = entries(get(doc, "labels"));
    let Some(NodeKind::Seq(items)) = get(doc, "slos").map(|n| &n.kind) else {
        return err("the Sloth spec has no `slos` list");
    };
    let window_re = regex::Regex::new(r"\{\{-?\s*\.window\s*-?\}\}").expect("valid");
    let mut slos: Vec<Slo> = Vec::new();
    for item in items {
        slos.push(sloth_slo(item, &common_labels, &window_re)?);
    }
    sloth_alert_names(&mut slos);
    Ok((service_name(service), slos))
}

/// A Sloth SLI: `events` (error and total queries) or `raw` (an error
/// ratio query); plugins cannot be converted.
fn sloth_sli(sli_node: &Node, name: &str, window_re: &regex::Regex) -> Result<Sli, ImportError> {
    // `{{.window}}`, `{{ .window }}` and every other spacing.
    let window_q = |q: &str| window_re.replace_all(q, "{{window}}").into_owned();
    let sli = if let Some(events) = get(sli_node, "events") {
        let e = text(events, "error_query")
            .ok_or_else(|| ImportError(format!("SLO `{name}`: events SLI without error_query")))?;
        let t = text(events, "total_query")
            .ok_or_else(|| ImportError(format!("SLO `{name}`: events SLI without total_query")))?;
        let (e, t) = (window_q(e), window_q(t));
        match (plain_selector(&e), plain_selector(&t)) {
            (Some(errors), Some(total)) => Sli::Events { errors, total },
            _ => Sli::Ratio(format!("({}) / ({})", e.trim(), t.trim())),
        }
    } else if let Some(raw) = get(sli_node, "raw") {
        let q = text(raw, "error_ratio_query").ok_or_else(|| {
            ImportError(format!("SLO `{name}`: raw SLI without error_ratio_query"))
        })?;
        Sli::Ratio(window_q(q).trim().to_string())
    } else if let Some(plugin) = get(sli_node, "plugin") {
        return err(format!(
            "SLO `{name}`: SLI plugin `{}` cannot be converted: obspec has no plugins; rewrite it as `events` or `raw` queries",
            text(plugin, "id").unwrap_or("?")
        ));
    } else {
        return err(format!(
            "SLO `{name}`: unknown SLI kind at {}",
            at(sli_node)
        ));
    };
    Ok(sli)
}

// Long: one Sloth SLO read key by key in the order of its format; every error names the SLO.
/// One Sloth SLO.
fn sloth_slo(
    item: &Node,
    common_labels: &[(String, String)],
    window_re: &regex::Regex,
) -> Result<Slo, ImportError> {
    let name = text(item, "name")
        .ok_or_else(|| ImportError(format!("SLO at {} has no name", at(item))))?;
    refuse_plugins(item, "plugins", &format!("SLO `{name}`"))?;
    if let Some(i) = get(item, "interval") {
        return err(format!(
            "SLO `{name}`: `interval` (line {}) cannot be converted: obspec's rule groups are per service and run at the project's `prometheus.evaluation_interval`",
            i.span.line
        ));
    }
    let objective = text(item, "objective")
        .ok_or_else(|| ImportError(format!("SLO `{name}` has no objective")))?;
    let objective_num: f64 = objective.parse().map_err(|_| {
        ImportError(format!(
            "SLO `{name}`: objective `{objective}` is not a number"
        ))
    })?;
    let whose = format!("SLO `{name}`");
    known_keys(
        item,
        &[
            "name",
            "objective",
            "description",
            "labels",
            "sli",
            "alerting",
            "plugins",
            "info_labels",
        ],
        &whose,
    )?;
    let sli_node =
        get(item, "sli").ok_or_else(|| ImportError(format!("SLO `{name}` has no sli")))?;
    known_keys(sli_node, &["events", "raw", "plugin"], &whose)?;
    for (k, allowed) in [
        ("events", &["error_query", "total_query"][..]),
        ("raw", &["error_ratio_query"][..]),
    ] {
        if let Some(n) = get(sli_node, k) {
            known_keys(n, allowed, &whose)?;
        }
    }
    let sli = sloth_sli(sli_node, name, window_re)?;
    let alerting = get(item, "alerting");
    if let Some(a) = alerting {
        known_keys(
            a,
            &[
                "name",
                "labels",
                "annotations",
                "page_alert",
                "ticket_alert",
            ],
            &whose,
        )?;
        for k in ["page_alert", "ticket_alert"] {
            if let Some(n) = get(a, k) {
                known_keys(n, &["disable", "labels", "annotations"], &whose)?;
            }
        }
    }
    let mut labels = common_labels.to_vec();
    labels.extend(entries(get(item, "labels")));
    let mut notes = Vec::new();
    let (mut page_labels, mut ticket_labels) = (Vec::new(), Vec::new());
    let (mut page_severity, mut ticket_severity) = (None, None);
    let (mut page_disabled, mut ticket_disabled) = (false, false);
    let mut alert_name = None;
    let mut annotations = Vec::new();
    if let Some(a) = alerting {
        alert_name = text(a, "name").map(str::to_string);
        labels.extend(entries(get(a, "labels")));
        annotations = entries(get(a, "annotations"));
        for (key, labels_out, severity_out, disabled_out) in [
            (
                "page_alert",
                &mut page_labels,
                &mut page_severity,
                &mut page_disabled,
            ),
            (
                "ticket_alert",
                &mut ticket_labels,
                &mut ticket_severity,
                &mut ticket_disabled,
            ),
        ] {
            if let Some(p) = get(a, key) {
                for (k, v) in entries(get(p, "labels")) {
                    if k == "severity" {
                        *severity_out = Some(v);
                    } else {
                        labels_out.push((k, v));
                    }
                }
                if !entries(get(p, "annotations")).is_empty() {
                    notes.push(format!(
                        "{key}.annotations were merged into the SLO's annotations"
                    ));
                    annotations.extend(entries(get(p, "annotations")));
                }
                if text(p, "disable") == Some("true") {
                    *disabled_out = true;
                }
            }
        }
    }
    Ok(Slo {
        name: name.to_string(),
        description: text(item, "description").map(str::to_string),
        objective: fmt_f64(objective_num),
        window: "30d".into(),
        sli,
        alert_name,
        labels,
        annotations,
        page_severity,
        ticket_severity,
        page_labels,
        ticket_labels,
        page_disabled,
        ticket_disabled,
        page_windows: Vec::new(),
        ticket_windows: Vec::new(),
        calendar: None,
        timeslice: None,
        info_labels: entries(get(item, "info_labels")),
        no_for: true,
        notes,
    })
}

/// Unique alert names for the SLOs of one Sloth service.
fn sloth_alert_names(slos: &mut [Slo]) {
    // Sloth lets SLOs share an alert name (their `sloth_slo` label tells them
    // apart) and allows any characters; obspec alert names are unique
    // identifiers: shared names get the SLO's name, others are made CamelCase.
    let names: Vec<Option<String>> = slos.iter().map(|s| s.alert_name.clone()).collect();
    for s in slos.iter_mut() {
        let Some(n) = s.alert_name.clone() else {
            continue;
        };
        let shared = names
            .iter()
            .filter(|x| x.as_deref() == Some(n.as_str()))
            .count()
            > 1;
        let ident = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let mut new = if ident {
            n.clone()
        } else {
            crate::format::case::upper_camel(&n)
        };
        if shared {
            new.push_str(&crate::format::case::upper_camel(&s.name));
        }
        if new != n {
            s.notes.push(format!(
                "Sloth's alert name `{n}` is {}: renamed `{new}` (routes and silences matching `alertname` need the new name)",
                if shared { "shared by several SLOs" } else { "not an identifier" }
            ));
            s.alert_name = Some(new);
        }
    }
}

// Long: one OpenSLO document read key by key in the order of its format; every error names the SLO.
/// Converts OpenSLO v1 documents (`SLO`, and the `SLI`s they reference).
pub fn openslo(input: &str) -> Result<String, ImportError> {
    let parsed =
        parse_all(FileId(0), input, Limits::default()).map_err(|d| ImportError(d.message))?;
    // A YAML stream of documents, or documents written as one YAML list
    // (as `oslo` and several examples write them).
    let docs: Vec<&Node> = parsed
        .iter()
        .flat_map(|d| match &d.kind {
            NodeKind::Seq(items) => items.iter().collect::<Vec<_>>(),
            _ => vec![d],
        })
        .collect();
    let mut slis: BTreeMap<String, &Node> = BTreeMap::new();
    for &d in &docs {
        if text(d, "apiVersion") != Some("openslo/v1") {
            return err(format!(
                "document at {} is not `apiVersion: openslo/v1`",
                at(d)
            ));
        }
        if text(d, "kind") == Some("SLI") {
            if let Some(n) = get(d, "metadata").and_then(|m| text(m, "name")) {
                slis.insert(n.to_string(), get(d, "spec").unwrap_or(d));
            }
        }
    }
    let mut service = None;
    let mut slos = Vec::new();
    for &d in docs.iter().filter(|d| text(d, "kind") == Some("SLO")) {
        let name = get(d, "metadata")
            .and_then(|m| text(m, "name"))
            .ok_or_else(|| ImportError(format!("SLO at {} has no metadata.name", at(d))))?;
        let spec =
            get(d, "spec").ok_or_else(|| ImportError(format!("SLO `{name}` has no spec")))?;
        if let Some(s) = text(spec, "service") {
            service.get_or_insert_with(|| s.to_string());
        }
        // None: occurrences; Some(true): good slices; Some(false): the mean
        // of the slices' ratios.
        let timeslices = match text(spec, "budgetingMethod") {
            Some("Occurrences") | None => None,
            Some("Timeslices") => Some(true),
            Some("RatioTimeslices") => Some(false),
            Some(m) => return err(format!("SLO `{name}`: budgetingMethod `{m}` cannot be converted: obspec counts occurrences, time slices or ratio time slices")),
        };
        let (window, calendar) = match get(spec, "timeWindow").map(|n| &n.kind) {
            Some(NodeKind::Seq(w)) if w.len() == 1 => {
                let duration = text(&w[0], "duration").ok_or_else(|| {
                    ImportError(format!("SLO `{name}`: time window without duration"))
                })?;
                if text(&w[0], "isRolling") == Some("false") || get(&w[0], "calendar").is_some() {
                    let (window, calendar) =
                        openslo_calendar(name, duration, get(&w[0], "calendar"))?;
                    (window.to_string(), Some(calendar.to_string()))
                } else {
                    (duration.to_string(), None)
                }
            }
            _ => return err(format!("SLO `{name}`: expected exactly one timeWindow")),
        };
        let objectives = match get(spec, "objectives").map(|n| &n.kind) {
            Some(NodeKind::Seq(o)) if !o.is_empty() => o,
            _ => return err(format!("SLO `{name}` has no objectives")),
        };
        let indicator = match (get(spec, "indicator"), text(spec, "indicatorRef")) {
            (Some(i), _) => get(i, "spec").unwrap_or(i),
            (None, Some(r)) => *slis.get(r).ok_or_else(|| {
                ImportError(format!(
                    "SLO `{name}`: indicatorRef `{r}` names no SLI in the file"
                ))
            })?,
            (None, None) => return err(format!("SLO `{name}` has no indicator")),
        };
        // A threshold metric: its query, judged per objective (`op`, `value`).
        let threshold_query = openslo_threshold_query(name, indicator)?;
        let ratio = get(indicator, "ratioMetric");
        if ratio.is_none() && threshold_query.is_none() {
            return err(format!(
                "SLO `{name}`: no ratioMetric nor thresholdMetric in its indicator"
            ));
        }
        let sli = openslo_ratio_sli(name, ratio, threshold_query.is_some())?;
        for (i, o) in objectives.iter().enumerate() {
            let target = text(o, "target").ok_or_else(|| {
                ImportError(format!(
                    "SLO `{name}`: objective without target (targetPercent is not supported)"
                ))
            })?;
            let objective = Decimal::parse(target)
                .map(|d| {
                    d.checked_mul(Decimal::from_int(100))
                        .expect("small")
                        .to_string()
                })
                .ok_or_else(|| {
                    ImportError(format!("SLO `{name}`: target `{target}` is not a number"))
                })?;
            let timeslice = openslo_timeslice(name, o, timeslices)?;
            let slo_name = if objectives.len() == 1 {
                name.to_string()
            } else {
                format!(
                    "{name}-{}",
                    text(o, "displayName")
                        .map(service_name)
                        .unwrap_or_else(|| (i + 1).to_string())
                )
            };
            slos.push(Slo {
                name: slo_name,
                description: text(spec, "description").map(str::to_string),
                objective,
                window: window.clone(),
                calendar: calendar.clone(),
                timeslice,
                sli: openslo_objective_sli(name, o, &sli, &threshold_query)?,
                alert_name: None,
                labels: Vec::new(),
                annotations: Vec::new(),
                page_severity: None,
                ticket_severity: None,
                page_labels: Vec::new(),
                ticket_labels: Vec::new(),
                page_disabled: false,
                ticket_disabled: false,
                page_windows: Vec::new(),
                ticket_windows: Vec::new(),
                info_labels: Vec::new(),
                no_for: false,
                notes: Vec::new(),
            });
        }
    }
    if slos.is_empty() {
        return err("no `kind: SLO` document in the file");
    }
    reads_back(print(
        &service_name(service.as_deref().unwrap_or("imported")),
        &slos,
        "OpenSLO",
    ))
}

/// The query of an OpenSLO threshold metric, if the indicator has one.
fn openslo_threshold_query(name: &str, indicator: &Node) -> Result<Option<String>, ImportError> {
    Ok(match get(indicator, "thresholdMetric") {
        Some(m) => {
            let source = get(m, "metricSource").unwrap_or(m);
            match text(source, "type") {
                Some(t) if !t.eq_ignore_ascii_case("prometheus") => {
                    return err(format!("SLO `{name}`: thresholdMetric source `{t}` cannot be converted: obspec reads Prometheus"))
                }
                _ => {}
            }
            let spec = get(source, "spec").unwrap_or(source);
            Some(
                text(spec, "query")
                    .or_else(|| text(spec, "promql"))
                    .ok_or_else(|| {
                        ImportError(format!("SLO `{name}`: thresholdMetric has no query"))
                    })?
                    .trim()
                    .to_string(),
            )
        }
        None => None,
    })
}

/// The SLI of an OpenSLO ratio metric (empty for a threshold metric).
fn openslo_ratio_sli(
    name: &str,
    ratio: Option<&Node>,
    threshold: bool,
) -> Result<Sli, ImportError> {
    let query = |key: &str| -> Result<Option<String>, ImportError> {
        let Some(m) = ratio.and_then(|r| get(r, key)) else {
            return Ok(None);
        };
        let source = get(m, "metricSource").unwrap_or(m);
        match text(source, "type") {
            Some(t) if !t.eq_ignore_ascii_case("prometheus") => {
                return err(format!("SLO `{name}`: {key} metric source `{t}` cannot be converted: obspec reads Prometheus"))
            }
            _ => {}
        }
        let spec = get(source, "spec").unwrap_or(source);
        let q = text(spec, "query")
            .or_else(|| text(spec, "promql"))
            .ok_or_else(|| ImportError(format!("SLO `{name}`: {key} has no query")))?;
        let counter = ratio.and_then(|r| text(r, "counter")) == Some("true");
        Ok(Some(if counter { counter_rate(q) } else { as_rate(q) }))
    };
    let total = if threshold {
        String::new()
    } else {
        query("total")?
            .ok_or_else(|| ImportError(format!("SLO `{name}`: ratioMetric has no total")))?
    };
    let sli = match (query("bad")?, query("good")?) {
        _ if threshold => Sli::Ratio(String::new()),
        (Some(bad), _) => match (plain_selector(&bad), plain_selector(&total)) {
            (Some(errors), Some(total)) => Sli::Events { errors, total },
            _ => Sli::Ratio(format!("({bad}) / ({total})")),
        },
        (None, Some(good)) => Sli::Ratio(format!("1 - ({good}) / ({total})")),
        (None, None) => {
            return err(format!(
                "SLO `{name}`: ratioMetric has neither good nor bad"
            ))
        }
    };
    Ok(sli)
}

/// An objective's time slice and, for counted slices, its target percent.
fn openslo_timeslice(
    name: &str,
    o: &Node,
    timeslices: Option<bool>,
) -> Result<Option<(String, Option<String>)>, ImportError> {
    Ok(match timeslices {
        None => None,
        Some(counted) => {
            let slice = text(o, "timeSliceWindow").ok_or_else(|| {
                ImportError(format!(
                    "SLO `{name}`: time-slice budgeting without `timeSliceWindow`"
                ))
            })?;
            let percent = if counted {
                let slice_target = text(o, "timeSliceTarget").ok_or_else(|| {
                    ImportError(format!("SLO `{name}`: Timeslices budgeting without `timeSliceTarget` (a ratio SLI's slices need one)"))
                })?;
                Some(
                    Decimal::parse(slice_target)
                        .and_then(|d| d.checked_mul(Decimal::from_int(100)))
                        .ok_or_else(|| {
                            ImportError(format!(
                                "SLO `{name}`: timeSliceTarget `{slice_target}` is not a number"
                            ))
                        })?
                        .to_string(),
                )
            } else {
                None
            };
            Some((slice.to_string(), percent))
        }
    })
}

/// The SLI of one objective: the indicator's, or its threshold (`op`, `value`).
fn openslo_objective_sli(
    name: &str,
    o: &Node,
    sli: &Sli,
    threshold_query: &Option<String>,
) -> Result<Sli, ImportError> {
    Ok(match (sli, threshold_query) {
        (_, Some(q)) => {
            let op = text(o, "op").ok_or_else(|| {
                ImportError(format!(
                    "SLO `{name}`: a thresholdMetric objective needs `op`"
                ))
            })?;
            if crate::slo::windows::threshold_bad_op(op).is_none() {
                return err(format!(
                    "SLO `{name}`: objective op `{op}` is not one of lt, lte, gt, gte"
                ));
            }
            let value = text(o, "value").ok_or_else(|| {
                ImportError(format!(
                    "SLO `{name}`: a thresholdMetric objective needs `value`"
                ))
            })?;
            if value.parse::<f64>().map_or(true, |v| !v.is_finite()) {
                return err(format!(
                    "SLO `{name}`: objective value `{value}` is not a number"
                ));
            }
            Sli::Threshold {
                query: q.clone(),
                op: op.to_string(),
                value: value.to_string(),
            }
        }
        (Sli::Events { errors, total }, None) => Sli::Events {
            errors: errors.clone(),
            total: total.clone(),
        },
        (Sli::Ratio(r), None) => Sli::Ratio(r.clone()),
        (Sli::Threshold { .. }, None) => {
            unreachable!("thresholds come from objectives")
        }
    })
}

/// An OpenSLO calendar-aligned time window as an obspec `window` and
/// `calendar`: `1d`, `1w` and `1M` periods starting at a period boundary in
/// UTC (PromQL's calendar functions are UTC). Anything else is refused.
fn openslo_calendar(
    name: &str,
    duration: &str,
    calendar: Option<&Node>,
) -> Result<(&'static str, &'static str), ImportError> {
    let (window, unit) = match duration {
        "1d" => ("1d", "day"),
        "1w" | "7d" => ("7d", "week"),
        "1M" => ("30d", "month"),
        d => {
            return err(format!(
                "SLO `{name}`: a calendar-aligned window of `{d}` cannot be converted: obspec aligns windows to UTC days (`1d`), weeks (`1w`) and months (`1M`)"
            ))
        }
    };
    if let Some(c) = calendar {
        if let Some(tz) = text(c, "timeZone") {
            if !["UTC", "Etc/UTC", "GMT", "Z"].contains(&tz) {
                return err(format!(
                    "SLO `{name}`: calendar time zone `{tz}` cannot be converted: PromQL's calendar functions are UTC, so obspec aligns calendar windows in UTC"
                ));
            }
        }
        if let Some(start) = text(c, "startTime") {
            // `2022-01-01 00:00:00` or `2022-01-01T00:00:00Z`: the period
            // must start at a boundary of its unit.
            let start = start.trim();
            let (date, time) = start.split_once([' ', 'T']).unwrap_or((start, "00:00:00"));
            let time = time.trim_end_matches('Z');
            let ymd: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
            let midnight = time
                .split(':')
                .all(|p| p.parse::<f64>().is_ok_and(|v| v == 0.0));
            let ok = match (ymd.as_slice(), unit) {
                ([_, _, _], "day") => midnight,
                ([_, _, 1], "month") => midnight,
                ([y, m, d], "week") => midnight && weekday(*y, *m, *d) == 0,
                _ => false,
            };
            if !ok {
                return err(format!(
                    "SLO `{name}`: a calendar {unit} starting at `{start}` cannot be converted: obspec's calendar {unit}s start at {} in UTC",
                    match unit {
                        "day" => "midnight",
                        "week" => "Monday midnight",
                        _ => "midnight on the 1st",
                    }
                ));
            }
        }
    }
    Ok((window, unit))
}

/// Day of the week of a proleptic Gregorian date, Monday 0 … Sunday 6.
fn weekday(y: i64, m: i64, d: i64) -> i64 {
    // Days from the civil date (Howard Hinnant's algorithm), 1970-01-01 a Thursday.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days + 3).rem_euclid(7)
}

/// An OpenSLO query as a rate over `{{window}}`: ranges are replaced by the
/// placeholder; a plain selector is wrapped in `sum(rate(...))`.
/// An OpenSLO `counter: true` query: raw counters, to be read as rates over
/// the window. Every selector not already under a range gets
/// `rate(…[{{window}}])` (`sum(x_total{…})` → `sum(rate(x_total{…}[{{window}}]))`).
fn counter_rate(q: &str) -> String {
    let q = q.trim();
    let Ok(e) = promql_parser::parser::parse(q) else {
        return as_rate(q);
    };
    // A bare selector is summed as well as rated; ranges are already rates.
    if q.contains('[') || matches!(e, promql_parser::parser::Expr::VectorSelector(_)) {
        return as_rate(q);
    }
    let text = e.to_string();
    let mut out = String::new();
    let mut rest = text.as_str();
    for vs in crate::expr::promql::selectors(&e) {
        let sel = vs.to_string();
        let Some(i) = rest.find(&sel) else { continue };
        out.push_str(&rest[..i]);
        out.push_str(&format!("rate({sel}[{{{{window}}}}])"));
        rest = &rest[i + sel.len()..];
    }
    out.push_str(rest);
    out
}

fn as_rate(q: &str) -> String {
    let q = q.trim();
    if let Ok(promql_parser::parser::Expr::VectorSelector(_)) = promql_parser::parser::parse(q) {
        return format!("sum(rate({q}[{{{{window}}}}]))");
    }
    // Replace every `[<duration>]` range (not subqueries with `:`) by the placeholder.
    let mut out = String::new();
    let mut rest = q;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j)
                if !after[..j].contains(':')
                    && obspec_spec::duration::parse_duration(after[..j].trim()).is_some() =>
            {
                out.push_str("[{{window}}]");
                rest = &after[j + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Metric names and label names referenced by an expression.
/// Names of the series that `expr` takes the rate, increase or resets of:
/// counters, whatever their name.
fn counters_in(expr: &str, out: &mut std::collections::BTreeSet<String>) {
    use promql_parser::parser::Expr;
    fn walk(e: &Expr, inside: bool, out: &mut std::collections::BTreeSet<String>) {
        match e {
            Expr::Call(c) => {
                let counter = matches!(c.func.name, "rate" | "irate" | "increase" | "resets");
                for a in &c.args.args {
                    walk(a, inside || counter, out);
                }
            }
            Expr::MatrixSelector(m) if inside => {
                if let Some(n) = crate::expr::promql::selector_name(&m.vs) {
                    out.insert(n.to_string());
                }
            }
            Expr::Aggregate(a) => walk(&a.expr, inside, out),
            Expr::Binary(b) => {
                walk(&b.lhs, inside, out);
                walk(&b.rhs, inside, out);
            }
            Expr::Paren(p) => walk(&p.expr, inside, out),
            Expr::Unary(u) => walk(&u.expr, inside, out),
            Expr::Subquery(s) => walk(&s.expr, inside, out),
            _ => {}
        }
    }
    if let Ok(parsed) = promql_parser::parser::parse(&expr.replace("{{window}}", "5m")) {
        walk(&parsed, false, out);
    }
}

fn references(expr: &str, out: &mut BTreeMap<String, Vec<String>>) {
    let e = expr.replace("{{window}}", "5m");
    if let Ok(parsed) = promql_parser::parser::parse(&e) {
        for vs in crate::expr::promql::selectors(&parsed) {
            if let Some(n) = crate::expr::promql::selector_name(vs) {
                let labels = out.entry(n.to_string()).or_default();
                for m in vs.matchers.matchers.iter().filter(|m| m.name != "__name__") {
                    if !labels.contains(&m.name) {
                        labels.push(m.name.clone());
                    }
                }
            }
        }
    }
}

fn common_prefix(names: &[&String]) -> String {
    let first = names.first().map(|s| s.as_str()).unwrap_or("imported");
    let mut prefix = first.split('_').next().unwrap_or("imported").to_string();
    if !names.iter().all(|n| n.starts_with(&format!("{prefix}_"))) || prefix.is_empty() {
        prefix = "imported".into();
    }
    prefix
}

/// The header, `labels:` and `metrics:` of an imported spec: every series the
/// expressions reference (`refs`, with the labels they match on) declared with
/// its inferred type (`counters` are the series used as counters), and the
/// severities the project file must allow.
fn declarations(
    service: &str,
    from: &str,
    refs: &BTreeMap<String, Vec<String>>,
    counters: &std::collections::BTreeSet<String>,
    severities: &[String],
) -> String {
    // Histogram series are declared as their histogram.
    let mut metrics: BTreeMap<String, (&str, Vec<String>)> = BTreeMap::new();
    for (name, labels) in refs {
        let (base, kind) = match ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
        {
            Some(base) => (base.to_string(), "histogram"),
            // Counters by name or by use; anything else is read as a level.
            None if name.ends_with("_total") || counters.contains(name) => {
                (name.clone(), "counter")
            }
            None => (name.clone(), "gauge"),
        };
        let entry = metrics.entry(base).or_insert((kind, Vec::new()));
        // `le` belongs to histograms, `job` and `instance` to the scrape.
        for l in labels
            .iter()
            .filter(|l| *l != "le" && !crate::lint::names::SCRAPE_LABELS.contains(&l.as_str()))
        {
            if !entry.1.contains(l) {
                entry.1.push(l.clone());
            }
        }
    }
    let names: Vec<&String> = metrics.keys().collect();
    let namespace = common_prefix(&names);
    let mut all_labels: Vec<&String> = metrics.values().flat_map(|(_, l)| l.iter()).collect();
    all_labels.sort();
    all_labels.dedup();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported from {} by `obspec import`. Review the lines marked TODO:",
        comment(from)
    );
    let _ = writeln!(
        out,
        "# obspec needs every metric and label declared, with bounded label domains."
    );
    if !severities.is_empty() {
        let _ = writeln!(
            out,
            "# The project file (obspec.yaml) must allow the severities [{}] in `conventions.severities`.",
            comment(&severities.join(", "))
        );
    }
    let _ = writeln!(
        out,
        "obspec: 1\nservice: {}\nnamespace: {}",
        yaml_scalar(service),
        yaml_scalar(&namespace)
    );
    if !all_labels.is_empty() {
        let _ = writeln!(out, "labels:");
        for l in all_labels {
            let _ = writeln!(
                out,
                "  {}: {{max_cardinality: 10}}  # TODO: its values, or the real bound",
                yaml_scalar(l)
            );
        }
    }
    if !metrics.is_empty() {
        let _ = writeln!(out, "metrics:");
        for (name, (kind, labels)) in &metrics {
            let _ = writeln!(out, "  {}:", yaml_scalar(name));
            let _ = writeln!(out, "    type: {kind}");
            let _ = writeln!(
                out,
                "    help: {}  # TODO",
                yaml_scalar(&format!("Imported from {from}."))
            );
            if !labels.is_empty() {
                let _ = writeln!(
                    out,
                    "    labels: [{}]",
                    labels
                        .iter()
                        .map(|l| yaml_scalar(l))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            // The unit its name ends with (before `_total`), as lint wants it.
            let stem = name.strip_suffix("_total").unwrap_or(name);
            if let Some(unit) = obspec_rules::BASE_UNITS
                .iter()
                .find(|u| stem.ends_with(&format!("_{u}")))
            {
                let _ = writeln!(out, "    unit: {unit}");
            }
            if *kind == "histogram" {
                let _ = writeln!(out, "    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]  # TODO: the real bucket bounds");
            }
        }
    }
    out
}

fn print(service: &str, slos: &[Slo], from: &str) -> String {
    let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Series used as counters: the events of an SLI, and what rates read.
    let mut counters = std::collections::BTreeSet::new();
    for s in slos {
        match &s.sli {
            Sli::Events { errors, total } => {
                for sel in [errors, total] {
                    if let Ok(p) = promql_parser::parser::parse(sel) {
                        for vs in crate::expr::promql::selectors(&p) {
                            if let Some(n) = crate::expr::promql::selector_name(vs) {
                                counters.insert(n.to_string());
                            }
                        }
                    }
                }
                references(errors, &mut refs);
                references(total, &mut refs);
            }
            Sli::Ratio(r) => {
                counters_in(r, &mut counters);
                references(r, &mut refs);
            }
            Sli::Threshold { query, .. } => {
                counters_in(query, &mut counters);
                references(query, &mut refs);
            }
        }
    }
    let mut severities: Vec<String> = Vec::new();
    for s in slos {
        let page = (!s.page_disabled)
            .then(|| s.page_severity.clone().unwrap_or_else(|| "critical".into()));
        // The SLI-missing alert goes with the ticket class.
        let ticket = (!s.ticket_disabled).then(|| {
            s.ticket_severity
                .clone()
                .unwrap_or_else(|| "warning".into())
        });
        for v in [page, ticket].into_iter().flatten() {
            if !severities.contains(&v) {
                severities.push(v);
            }
        }
    }
    let mut out = declarations(service, from, &refs, &counters, &severities);
    let _ = writeln!(out, "slos:");
    for s in slos {
        print_slo(&mut out, s, from);
    }
    out
}

// Long: one SLO written in the spec's key order, each key a few lines.
/// One SLO of the printed spec, under `slos:`.
fn print_slo(out: &mut String, s: &Slo, from: &str) {
    let _ = writeln!(out, "  {}:", yaml_scalar(&s.name));
    for n in &s.notes {
        let _ = writeln!(out, "    # TODO: {}", comment(n));
    }
    if let Some(d) = &s.description {
        let _ = writeln!(out, "    description: {}", yaml_scalar(d));
    }
    let _ = writeln!(out, "    objective: {}", s.objective);
    let _ = writeln!(out, "    window: {}", yaml_scalar(&s.window));
    if let Some(c) = &s.calendar {
        let _ = writeln!(out, "    calendar: {c}");
    }
    match &s.timeslice {
        Some((slice, Some(target))) => {
            let _ = writeln!(
                out,
                "    timeslice: {{window: {}, target: {target}}}",
                yaml_scalar(slice)
            );
        }
        Some((slice, None)) => {
            let _ = writeln!(out, "    timeslice: {{window: {}}}", yaml_scalar(slice));
        }
        None => {}
    }
    if !s.info_labels.is_empty() {
        let _ = writeln!(out, "    info_labels: {{{}}}", kv(&s.info_labels));
    }
    let _ = writeln!(out, "    sli:");
    match &s.sli {
        Sli::Events { errors, total } => {
            let _ = writeln!(out, "      errors: {}", yaml_scalar(errors));
            let _ = writeln!(out, "      total: {}", yaml_scalar(total));
        }
        Sli::Ratio(r) => {
            let _ = writeln!(out, "      error_ratio: {}", yaml_scalar(r));
        }
        Sli::Threshold { query, op, value } => {
            let _ = writeln!(
                out,
                "      threshold: {{query: {}, op: {op}, value: {value}}}",
                yaml_scalar(query)
            );
        }
    }
    let has_alerting = s.alert_name.is_some()
        || !s.labels.is_empty()
        || !s.annotations.is_empty()
        || s.page_severity.is_some()
        || s.ticket_severity.is_some()
        || !s.page_labels.is_empty()
        || !s.ticket_labels.is_empty()
        || s.page_disabled
        || s.ticket_disabled
        || !s.page_windows.is_empty()
        || !s.ticket_windows.is_empty()
        || s.no_for;
    if has_alerting {
        let _ = writeln!(out, "    alerting:");
        if let Some(n) = &s.alert_name {
            let _ = writeln!(out, "      name: {}", yaml_scalar(n));
        }
        for (key, sev, labels, disabled, windows) in [
            (
                "page",
                &s.page_severity,
                &s.page_labels,
                s.page_disabled,
                &s.page_windows,
            ),
            (
                "ticket",
                &s.ticket_severity,
                &s.ticket_labels,
                s.ticket_disabled,
                &s.ticket_windows,
            ),
        ] {
            if sev.is_none() && labels.is_empty() && !disabled && windows.is_empty() && !s.no_for {
                continue;
            }
            let _ = writeln!(out, "      {key}:");
            if disabled {
                let _ = writeln!(
                    out,
                    "        disabled: true  # disabled in the source: it stays off"
                );
            }
            if let Some(v) = sev {
                let _ = writeln!(
                    out,
                    "        severity: {}  # must be one of the project's severities",
                    yaml_scalar(v)
                );
            }
            if s.no_for && !disabled {
                let _ = writeln!(
                    out,
                    "        for: 0s  # as in {from}: its burn alerts fire without `for`"
                );
            }
            if !labels.is_empty() {
                let _ = writeln!(out, "        labels: {{{}}}", kv(labels));
            }
            if !windows.is_empty() {
                let _ = writeln!(out, "        windows:");
                for w in windows {
                    let _ = writeln!(
                        out,
                        "          - {{long: {}, short: {}, budget_percent: {}}}",
                        yaml_scalar(&w.long),
                        yaml_scalar(&w.short),
                        w.budget_percent
                    );
                }
            }
        }
        if !s.labels.is_empty() {
            let _ = writeln!(out, "      labels: {{{}}}", kv(&s.labels));
        }
        if !s.annotations.is_empty() {
            let _ = writeln!(out, "      annotations: {{{}}}", kv(&s.annotations));
        }
    }
}

fn kv(pairs: &[(String, String)]) -> String {
    // Later pairs override earlier ones with the same key (Sloth's precedence).
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        merged.retain(|(key, _)| key != k);
        merged.push((k.clone(), v.clone()));
    }
    merged
        .iter()
        .map(|(k, v)| {
            format!(
                "{}: {}",
                crate::format::escape::yaml_key(k),
                crate::format::escape::yaml_str(v)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Converts a Prometheus rule file (`groups:`, or a PrometheusRule resource's
/// `spec.groups`) into a service spec: alerting rules become `alerts:` (with
/// `for`, `keep_firing_for`, labels and annotations), recording rules
/// `recordings:`, and the series their expressions read a starting `metrics:`
/// section with inferred types, marked for review.
pub fn prometheus(input: &str, service: &str) -> Result<String, ImportError> {
    let docs =
        parse_all(FileId(0), input, Limits::default()).map_err(|d| ImportError(d.message))?;
    let rules = rule_nodes(&docs)?;
    let mut alerts = String::new();
    let mut recordings = String::new();
    let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut counters = std::collections::BTreeSet::new();
    let mut recorded = std::collections::BTreeSet::new();
    let mut severities: Vec<String> = Vec::new();
    let mut alert_names = AlertNames::default();
    for r in &rules {
        let expr =
            text(r, "expr").ok_or_else(|| ImportError(format!("rule at {} has no expr", at(r))))?;
        known_keys(
            r,
            &[
                "alert",
                "record",
                "expr",
                "for",
                "keep_firing_for",
                "labels",
                "annotations",
            ],
            &format!("the rule at {}", at(r)),
        )?;
        counters_in(expr, &mut counters);
        references(expr, &mut refs);
        let labels = entries(get(r, "labels"));
        for (k, _) in labels.iter().chain(&entries(get(r, "annotations"))) {
            key_fits(k, &format!("the label or annotation at {}", at(r)))?;
        }
        for k in ["record", "alert"] {
            if let Some(name) = text(r, k) {
                key_fits(name, &format!("the {k} name at {}", at(r)))?;
            }
        }
        if let Some(rec) = text(r, "record") {
            recorded.insert(rec.to_string());
            let _ = writeln!(recordings, "  {}:", yaml_scalar(rec));
            let _ = writeln!(recordings, "    expr: {}", yaml_scalar(expr.trim()));
            if !labels.is_empty() {
                let _ = writeln!(recordings, "    labels: {{{}}}", kv(&labels));
            }
            continue;
        }
        let Some(alert) = text(r, "alert") else {
            return err(format!("rule at {} is neither `alert` nor `record`", at(r)));
        };
        let name = alert_names.unique(alert);
        write_alert(&mut alerts, r, alert, &name, labels, &mut severities);
    }
    // Recorded series are the spec's own; the rest are the service's metrics.
    refs.retain(|name, _| !recorded.contains(name));
    let mut out = declarations(
        &service_name(service),
        "Prometheus rules",
        &refs,
        &counters,
        &severities,
    );
    if !recordings.is_empty() {
        out.push_str("recordings:\n");
        out.push_str(&recordings);
    }
    if !alerts.is_empty() {
        out.push_str("alerts:\n");
        out.push_str(&alerts);
    }
    reads_back(out)
}

/// One alerting rule written as an obspec alert named `name`: its
/// expression, `for`, severity (collected into `severities`), the summary,
/// description and runbook annotations as fields, the rest as maps.
fn write_alert(
    alerts: &mut String,
    r: &Node,
    alert: &str,
    name: &str,
    labels: Vec<(String, String)>,
    severities: &mut Vec<String>,
) {
    let _ = writeln!(alerts, "  {}:", yaml_scalar(name));
    if name != alert {
        let _ = writeln!(
            alerts,
            "    # TODO: renamed from `{}` (routes and silences matching `alertname` need the new name)",
            comment(alert)
        );
    }
    let _ = writeln!(
        alerts,
        "    expr: {}",
        yaml_scalar(text(r, "expr").unwrap_or_default().trim())
    );
    for k in ["for", "keep_firing_for"] {
        if let Some(v) = text(r, k) {
            let _ = writeln!(alerts, "    {k}: {}", yaml_scalar(v));
        }
    }
    let severity = labels
        .iter()
        .find(|(k, _)| k == "severity")
        .map(|(_, v)| v.clone());
    match &severity {
        Some(s) => {
            let _ = writeln!(alerts, "    severity: {}", yaml_scalar(s));
            if !severities.contains(s) {
                severities.push(s.clone());
            }
        }
        None => {
            let _ = writeln!(
                alerts,
                "    severity: none  # TODO: the rule had no severity label"
            );
            if !severities.iter().any(|s| s == "none") {
                severities.push("none".into());
            }
        }
    }
    let mut annotations = entries(get(r, "annotations"));
    for (key, field) in [
        ("summary", "summary"),
        ("description", "description"),
        ("runbook_url", "runbook"),
    ] {
        if let Some(i) = annotations.iter().position(|(k, _)| k == key) {
            let (_, v) = annotations.remove(i);
            let _ = writeln!(alerts, "    {field}: {}", yaml_scalar(&v));
        }
    }
    let rest: Vec<(String, String)> = labels
        .into_iter()
        .filter(|(k, _)| k != "severity")
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(alerts, "    labels: {{{}}}", kv(&rest));
    }
    if !annotations.is_empty() {
        let _ = writeln!(alerts, "    annotations: {{{}}}", kv(&annotations));
    }
}

/// Alert names made unique identifiers: a name that is not one is
/// camel-cased, and a taken name gets the next free number of its stem
/// (one lookup per rule, however many share the name).
#[derive(Default)]
struct AlertNames {
    names: std::collections::HashSet<String>,
    next_number: std::collections::HashMap<String, usize>,
}

impl AlertNames {
    fn unique(&mut self, alert: &str) -> String {
        // obspec alert names are unique identifiers.
        let ident = alert
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && alert.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let mut name = if ident {
            alert.to_string()
        } else {
            crate::format::case::upper_camel(alert)
        };
        // A taken name gets the next free number of its stem (one lookup
        // per rule, however many share the name).
        if !self.names.insert(name.clone()) {
            let stem = name
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string();
            let n = self.next_number.entry(stem.clone()).or_insert(2);
            loop {
                let candidate = format!("{stem}{n}");
                *n += 1;
                if self.names.insert(candidate.clone()) {
                    name = candidate;
                    break;
                }
            }
        }
        name
    }
}

/// The rules of every group of a rule file's documents (plain or
/// PrometheusRule); group settings obspec writes itself are refused.
fn rule_nodes(docs: &[Node]) -> Result<Vec<&Node>, ImportError> {
    let mut rules: Vec<&Node> = Vec::new();
    for doc in docs {
        let body = match (text(doc, "kind"), get(doc, "spec")) {
            (Some("PrometheusRule"), Some(spec)) => spec,
            _ => doc,
        };
        let Some(NodeKind::Seq(groups)) = get(body, "groups").map(|n| &n.kind) else {
            return err(format!(
                "not a Prometheus rule file at {}: no `groups` list",
                at(doc)
            ));
        };
        for g in groups {
            known_keys(
                g,
                &[
                    "name",
                    "interval",
                    "rules",
                    "limit",
                    "labels",
                    "query_offset",
                ],
                "a rule group",
            )?;
            for k in ["interval", "limit", "labels", "query_offset"] {
                if get(g, k).is_some() {
                    return err(format!(
                        "group `{}`: `{k}` cannot be converted: obspec writes the groups itself",
                        text(g, "name").unwrap_or("?")
                    ));
                }
            }
            if let Some(NodeKind::Seq(rs)) = get(g, "rules").map(|n| &n.kind) {
                rules.extend(rs.iter());
            }
        }
    }
    Ok(rules)
}

/// The formats `obspec import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// Sloth `prometheus/v1` specs.
    Sloth,
    /// OpenSLO v1 `SLO` (and `SLI`) documents.
    Openslo,
    /// A Prometheus rule file (or PrometheusRule resource), for the service
    /// named after the file.
    Prometheus,
}

/// The spec `input` (read from `file`) converts to, as one YAML text.
pub fn spec(
    from: From,
    input: &str,
    file: &std::path::Path,
    options: &SlothOptions,
) -> Result<String, ImportError> {
    match from {
        From::Sloth => sloth_with(input, options),
        From::Openslo => openslo(input),
        From::Prometheus => prometheus(input, &file_service(file)),
    }
}

/// The specs `input` (read from `file`) converts to, one per service:
/// `(service, YAML text)`.
pub fn services(
    from: From,
    input: &str,
    file: &std::path::Path,
    options: &SlothOptions,
) -> Result<Vec<(String, String)>, ImportError> {
    match from {
        From::Sloth => sloth_services_with(input, options),
        From::Prometheus => {
            let service = service_name(&file_service(file));
            prometheus(input, &service).map(|spec| vec![(service, spec)])
        }
        From::Openslo => openslo(input).map(|spec| {
            let service = spec
                .lines()
                .find_map(|l| l.strip_prefix("service: "))
                .map_or("imported", |s| s.trim().trim_matches(['\'', '"']))
                .to_string();
            vec![(service, spec)]
        }),
    }
}

/// Writes each `(service, spec)` to `dir/<service>.yaml`, never over an
/// existing file, calling `written` with each path as it is written.
pub fn write_services(
    dir: &std::path::Path,
    services: &[(String, String)],
    mut written: impl FnMut(&std::path::Path),
) -> Result<(), String> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (service, spec) in services {
        // The file is named after the service as the spec names it.
        let path = dir.join(format!("{}.yaml", service_name(service)));
        // Anything there, a link included (even one pointing nowhere), is
        // left alone: the file is created new, never through a link.
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(format!(
                "{}: exists; import does not overwrite specs",
                path.display()
            ));
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if let Err(e) = f.write_all(spec.as_bytes()).and_then(|()| f.sync_all()) {
            drop(f);
            let _ = std::fs::remove_file(&path);
            return Err(format!("{}: {e}", path.display()));
        }
        written(&path);
    }
    Ok(())
}

/// The texts of an AlertWindows file, or of the `.yaml`/`.yml` files of a
/// directory (sorted by name, not recursive, like Sloth's windows path).
pub fn windows_files(path: &std::path::Path) -> Result<Vec<String>, String> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    if !path.is_dir() {
        return Ok(vec![read(path)?]);
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "{}: no .yaml or .yml AlertWindows file in the directory",
            path.display()
        ));
    }
    files.iter().map(|p| read(p)).collect()
}

/// The service an imported rule file is for: the file's name without its
/// extensions (`checkout.rules.yml` → `checkout`).
pub fn file_service(file: &std::path::Path) -> String {
    let name = file
        .file_name()
        .map_or("imported".into(), |n| n.to_string_lossy().into_owned());
    name.split('.').next().unwrap_or("imported").to_string()
}
