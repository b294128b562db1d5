//! `obspec live-check` as operations: hold a service's spec against what it
//! exposes (an exposition the caller fetched), what a Prometheus stores for
//! it (through [`PrometheusApi`], which the caller implements over HTTP), or
//! its JSONL log lines. The caller fetches and prints; these functions decide
//! which service is meant, run the checks and render the report.

use std::collections::BTreeMap;

use obspec_spec::diag::{Diagnostics, Severity};
use obspec_spec::load::Loaded;
use obspec_spec::model::{Service, Specs};
use obspec_spec::source::{Sources, Span};

use crate::expr::exposition::{self, Exposition};
use crate::format::escape::{promql_str, terminal};
use crate::lint::report::{self, Format};
use crate::ops::live::{self, Report};
use crate::ops::live_logs::{check_reader, LineChecker, LineFinding, LineTotals};

pub use crate::ops::series::Series;

/// The Prometheus HTTP API live-check reads. Errors are messages.
pub trait PrometheusApi {
    /// Every series matching `selector` seen in the last `lookback_s` seconds.
    fn series(&self, selector: &str, lookback_s: u64) -> Result<Series, String>;
    /// How many series match `selector` (the answer read without keeping
    /// it: whether a selector matches anything is all that is asked).
    fn count(&self, selector: &str, lookback_s: u64) -> Result<usize, String> {
        self.series(selector, lookback_s).map(|s| s.len())
    }
    /// The metadata Prometheus scraped: `metric → (type, help, unit)`.
    fn metadata(&self) -> Result<BTreeMap<String, (String, String, String)>, String>;
}

/// What a check compares: the exposition and the service it is held to,
/// with findings made while collecting it.
pub struct Observed<'a> {
    pub exposition: Exposition,
    pub service: &'a Service,
    pub diagnostics: Diagnostics,
    /// Labels the collector adds (`job`, `instance` for stored series).
    pub target_labels: Vec<String>,
}

/// The service `body` (scraped from `url`, shown redacted) comes from.
pub fn scraped<'a>(
    specs: &'a Specs,
    service: Option<&str>,
    body: &str,
    format: exposition::Format,
    url_shown: &str,
) -> Result<Observed<'a>, String> {
    let expo = exposition::parse(body, format)
        .map_err(|e| format!("{url_shown}: not a valid exposition: {e}"))?;
    let svc = live::select_service(specs, service, &expo)?;
    Ok(Observed {
        exposition: expo,
        service: svc,
        diagnostics: Diagnostics::default(),
        target_labels: Vec::new(),
    })
}

/// The inside of `--selector`'s braces, with a trailing `, ` when non-empty.
fn selector_inner(selector: Option<&str>) -> Result<String, String> {
    let Some(sel) = selector else {
        return Ok(String::new());
    };
    let t = sel.trim();
    match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) if !inner.trim().is_empty() => Ok(format!("{}, ", inner.trim())),
        Some(_) => Ok(String::new()),
        None => Err(format!(
            "--selector `{sel}` is not label matchers in braces, e.g. '{{job=\"checkout\"}}'"
        )),
    }
}

/// The service whose series Prometheus stores: by name, the only one, or
/// the one whose namespace the selected targets' series use.
fn stored_service<'a>(
    specs: &'a Specs,
    api: &impl PrometheusApi,
    service: Option<&str>,
    matcher: &impl Fn(&Service) -> String,
    lookback_s: u64,
) -> Result<&'a Service, String> {
    if service.is_some() || specs.services.len() == 1 {
        return live::select_service(specs, service, &Exposition::default());
    }
    let mut found = Vec::new();
    for s in &specs.services {
        let n = api
            .count(&matcher(s), lookback_s)
            .map_err(|e| format!("cannot query Prometheus: {e}"))?;
        if n > 0 {
            found.push(s);
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err("Prometheus stores no series in the namespace of any service of the specs: pass --service (and --selector)".into()),
        many => Err(format!(
            "series of several services are stored ({}): pass --service",
            many.iter()
                .map(|s| s.service.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// What Prometheus stores for the service: its series (under `selector`)
/// and metadata, and whether every selector of its rules matches stored
/// series. `progress(done, total)` is called for each rule selector queried.
pub fn stored<'a>(
    specs: &'a Specs,
    api: &impl PrometheusApi,
    service: Option<&str>,
    selector: Option<&str>,
    lookback_s: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<Observed<'a>, String> {
    let inner = selector_inner(selector)?;
    let matcher = |svc: &Service| {
        format!(
            "{{{inner}__name__=~{}}}",
            promql_str(&format!("{}_.+", svc.namespace.value))
        )
    };
    let svc = stored_service(specs, api, service, &matcher, lookback_s)?;
    let query = |e: String| format!("cannot query Prometheus: {e}");
    let series = api.series(&matcher(svc), lookback_s).map_err(query)?;
    let metadata = api.metadata().map_err(query)?;
    let expo = live::families_from_series(&series, &metadata);
    let uses = live::selector_uses(svc);
    let total = uses.len();
    let mut done = 0;
    let mut diags = Diagnostics::default();
    live::check_selectors(
        &uses,
        |sel| {
            done += 1;
            progress(done, total);
            api.count(sel, lookback_s)
        },
        |sel| api.series(sel, lookback_s),
        &mut diags,
    )
    .map_err(query)?;
    Ok(Observed {
        exposition: expo,
        service: svc,
        diagnostics: diags,
        target_labels: vec!["job".into(), "instance".into()],
    })
}

/// Holds the observed service to its spec, keeping at most
/// `max_findings_per_code` findings of each code (the rest are counted).
pub fn check(
    specs: &Specs,
    service: Option<&str>,
    observed: &Observed<'_>,
    max_findings_per_code: usize,
) -> Report {
    let options = live::Options {
        service: service.map(str::to_string),
        target_labels: observed.target_labels.clone(),
        max_findings_per_code: Some(max_findings_per_code),
    };
    let mut report = live::check(specs, observed.service, &observed.exposition, &options);
    report.diagnostics.append(observed.diagnostics.clone());
    report
}

/// Whether the report fails the run.
pub fn fails(report: &Report, deny_warnings: bool) -> bool {
    report.diagnostics.has_errors()
        || deny_warnings && report.diagnostics.count(Severity::Warning) > 0
}

/// The report in `format`: the findings, then the summary (human) or the
/// counts (JSON).
pub fn render(report: &Report, format: Format, sources: &Sources, color: bool) -> String {
    let omitted: Vec<report::Omitted> = report
        .diagnostics
        .omitted()
        .map(|(code, severity, count)| report::Omitted {
            code,
            severity,
            count,
            shown: report.diagnostics.cap().unwrap_or(0),
        })
        .collect();
    let diags = report.diagnostics.clone().into_sorted();
    let mut out = report::render_capped(format, &diags, &omitted, sources, color);
    match format {
        Format::Human => {
            // The summary replaces the renderer's count line.
            if let Some(i) = out.trim_end().rfind('\n').map(|i| i + 1).or(Some(0)) {
                if out[i..].starts_with("obspec: ") {
                    out.truncate(i);
                }
            }
            out.push_str(&report.summary());
            out.push('\n');
        }
        Format::Json => {
            let mut v: serde_json::Value =
                serde_json::from_str(&out).expect("the JSON renderer writes JSON");
            v["service"] = report.service.clone().into();
            v["metrics_checked"] = report.metrics_checked.into();
            v["series_seen"] = report.series_seen.into();
            out = report::json_text(&v);
        }
        Format::Github => {}
    }
    out
}

/// What `live-check --logs` found.
pub struct LogsReport {
    /// The services whose lines were checked.
    pub services: Vec<String>,
    pub totals: LineTotals,
    /// The first findings, at most `per_code` of each code.
    pub findings: Vec<LineFinding>,
    pub per_code: usize,
}

impl LogsReport {
    /// Whether the report fails the run.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.totals.errors > 0 || deny_warnings && self.totals.warnings > 0
    }
}

/// The checker of the log lines of `service` (or of every service with a
/// `logs:` section).
pub fn log_checker<'a>(specs: &'a Specs, service: Option<&str>) -> Result<LineChecker<'a>, String> {
    LineChecker::new(specs, service).ok_or_else(|| match service {
        Some(s) => format!("service `{s}` has no `logs:` section in the specs"),
        None => "no service of the specs has a `logs:` section".into(),
    })
}

/// Checks the JSONL lines of `input` (`name` in messages), keeping the first
/// `max_findings` findings of each code.
pub fn logs(
    checker: &LineChecker<'_>,
    input: impl std::io::Read,
    name: &str,
    max_findings: usize,
) -> Result<LogsReport, String> {
    let (totals, findings) =
        check_reader(checker, input, max_findings).map_err(|e| format!("{name}: {e}"))?;
    Ok(LogsReport {
        services: checker.services().iter().map(|s| s.to_string()).collect(),
        totals,
        findings,
        per_code: max_findings,
    })
}

/// The logs report in `format`; `input` names the lines' source.
pub fn render_logs(r: &LogsReport, format: Format, input: &str, loaded: &Loaded) -> String {
    let spec_at = |span: Span| {
        let file = loaded.sources.get(span.file).name.clone();
        (file, span.line, span.col)
    };
    let more = (r.totals.errors + r.totals.warnings).saturating_sub(r.findings.len() as u64);
    let mut out = String::new();
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = r
                .findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::json!({
                        "code": f.code,
                        "severity": f.severity,
                        "message": f.message,
                        "input": input,
                        "line": f.line,
                        "field": f.field,
                    });
                    if let Some(sp) = f.spec {
                        let (file, line, column) = spec_at(sp);
                        v["spec"] =
                            serde_json::json!({"file": file, "line": line, "column": column});
                    }
                    v
                })
                .collect();
            let doc = serde_json::json!({
                "version": 1,
                "services": r.services,
                "lines": r.totals.lines,
                "checked": r.totals.checked,
                "other_targets": r.totals.other_targets,
                "errors": r.totals.errors,
                "warnings": r.totals.warnings,
                "findings": list,
                "findings_left_out": more,
            });
            out = report::json_text(&doc);
        }
        Format::Github => {
            for f in &r.findings {
                let kind = if f.severity == "error" {
                    "error"
                } else {
                    "warning"
                };
                out.push_str(&format!(
                    "::{kind} file={},line={}::{} {}\n",
                    report::gh_escape_prop(&terminal(input)),
                    f.line,
                    f.code,
                    report::gh_escape_data(&terminal(&f.message))
                ));
            }
        }
        Format::Human => {
            for f in &r.findings {
                out.push_str(&format!(
                    "{}:{}: {}[{}]: {}\n",
                    terminal(input),
                    f.line,
                    f.severity,
                    f.code,
                    terminal(&f.message)
                ));
                if let Some(sp) = f.spec {
                    let (file, line, col) = spec_at(sp);
                    out.push_str(&format!("  --> {file}:{line}:{col}: declared here\n"));
                }
            }
            if more > 0 {
                out.push_str(&format!(
                    "... and {more} more findings not shown (at most {} per code; --max-findings)\n",
                    r.per_code
                ));
            }
            out.push_str(&format!(
                "obspec: {} lines of {}: {} checked, {} of other targets; {} errors, {} warnings\n",
                r.totals.lines,
                r.services.join(", "),
                r.totals.checked,
                r.totals.other_targets,
                r.totals.errors,
                r.totals.warnings
            ));
        }
    }
    out
}
