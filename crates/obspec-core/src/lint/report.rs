//! Rendering findings: `human` (rustc-style), `json` and `github` (workflow commands).

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use obspec_spec::diag::{Diagnostic, Severity};
use obspec_spec::source::{Sources, Span};

use crate::format::escape::terminal;

/// Output formats of `obspec lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Renders findings in `format`. `color` applies to `human` only.
/// Credentials found in the specs are masked in every part of the output,
/// and text from outside (a label value, a log field, a file name) is shown
/// with its control characters escaped ([`terminal`]): no finding can end
/// its line, forge a workflow command or drive the terminal.
pub fn render(format: Format, diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    render_capped(format, diags, &[], sources, color)
}

/// Findings left out of a report past a cap, counted by code and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    pub code: &'static str,
    pub severity: Severity,
    pub count: usize,
    /// The cap: how many findings of the code were shown.
    pub shown: usize,
}

/// [`render`] of a report whose findings were capped per code: `omitted`
/// says how many more of each code were found (counted in the totals, and
/// named in every format).
pub fn render_capped(
    format: Format,
    diags: &[Diagnostic],
    omitted: &[Omitted],
    sources: &Sources,
    color: bool,
) -> String {
    render_report(format, diags, omitted, &[], sources, color)
}

/// [`render_capped`] with the findings suppressed by `obspec:ignore`
/// (each with its reason): `json` lists them, marked `"suppressed": true`
/// and outside the totals; `human` counts them in one closing line;
/// `github` leaves them out (an annotation cannot be marked accepted).
pub fn render_report(
    format: Format,
    diags: &[Diagnostic],
    omitted: &[Omitted],
    suppressed: &[(Diagnostic, String)],
    sources: &Sources,
    color: bool,
) -> String {
    let diags = clean(diags, sources);
    match format {
        Format::Human => {
            let mut out = human(&diags, omitted, sources, color);
            if !suppressed.is_empty() {
                let n = suppressed.len();
                let _ = writeln!(
                    out,
                    "note: {n} finding{} suppressed by `obspec:ignore` (`--format json` lists {})",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                );
            }
            out
        }
        Format::Json => {
            let (found, reasons): (Vec<Diagnostic>, Vec<String>) =
                suppressed.iter().cloned().unzip();
            let found = clean(&found, sources);
            let reasons: Vec<String> = reasons
                .iter()
                .map(|r| terminal(&sources.redact(r)).into_owned())
                .collect();
            let pairs: Vec<(&Diagnostic, &str)> = found
                .iter()
                .zip(reasons.iter().map(String::as_str))
                .collect();
            json(&diags, omitted, &pairs, sources)
        }
        Format::Github => github(&diags, omitted, sources),
    }
}

/// The findings with credentials masked and control characters escaped in
/// every message (borrowed when there is nothing to clean).
fn clean<'d>(diags: &'d [Diagnostic], sources: &Sources) -> Cow<'d, [Diagnostic]> {
    let unsafe_text = |s: &str| sources.has_secrets() || matches!(terminal(s), Cow::Owned(_));
    let needs_cleaning = diags.iter().any(|d| {
        unsafe_text(&d.message)
            || d.help.as_deref().is_some_and(unsafe_text)
            || d.notes.iter().any(|n| unsafe_text(&n.message))
    });
    if !needs_cleaning {
        return Cow::Borrowed(diags);
    }
    let clean = |s: &str| terminal(&sources.redact(s)).into_owned();
    Cow::Owned(
        diags
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.message = clean(&d.message);
                d.help = d.help.as_deref().map(clean);
                for n in &mut d.notes {
                    n.message = clean(&n.message);
                }
                d
            })
            .collect(),
    )
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, sev: Severity) -> String {
        match sev {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
        }
    }
    fn blue(&self, s: &str) -> String {
        self.paint("1;34", s)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

fn location(sources: &Sources, span: &Span) -> String {
    if span.file.0 == u32::MAX {
        return "<defaults>".into();
    }
    format!(
        "{}:{}:{}",
        terminal(&sources.get(span.file).name),
        span.line,
        span.col
    )
}

/// One source line with a caret line under `span`, rustc-style.
fn snippet(
    out: &mut String,
    sources: &Sources,
    span: &Span,
    label: &str,
    st: &Style,
    sev: Option<Severity>,
    gutter: usize,
) {
    if span.file.0 == u32::MAX {
        return;
    }
    let Some(text) = sources.line(span.file, span.line) else {
        return;
    };
    let num = format!("{:>gutter$}", span.line);
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad} {}", st.blue("|"));
    let text = sources.redact(text);
    let (text, col, end_col) = window(&text, span.col, span.end_col);
    let text = source_line(&text);
    let text = text.as_ref();
    let _ = writeln!(out, "{} {} {}", st.blue(&num), st.blue("|"), text);
    let width = text.chars().count() as u32;
    let start = col.saturating_sub(1).min(width);
    let end = if span.end_line == span.line {
        end_col
            .saturating_sub(1)
            .clamp(start + 1, width.max(start + 1))
    } else {
        width.max(start + 1)
    };
    // Tabs keep their width in the caret line.
    let lead: String = text
        .chars()
        .take(start as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let marks = match sev {
        Some(_) => "^".repeat((end - start) as usize),
        None => "-".repeat((end - start) as usize),
    };
    let colored = match sev {
        Some(Severity::Error) => st.paint("1;31", &format!("{marks} {label}")),
        Some(Severity::Warning) => st.paint("1;33", &format!("{marks} {label}")),
        None => st.blue(&format!("{marks} {label}")),
    };
    let _ = writeln!(out, "{pad} {} {lead}{}", st.blue("|"), colored.trim_end());
}

/// Characters of a source line a snippet shows at most.
const SNIPPET_CHARS: usize = 240;

/// The part of a long line around the columns `col..end_col` (1-based),
/// with `…` where it is cut, and the columns within it: a line of
/// megabytes (a minified file, an oversized spec) is never printed whole.
fn window(text: &str, col: u32, end_col: u32) -> (Cow<'_, str>, u32, u32) {
    let width = text.chars().count();
    if width <= SNIPPET_CHARS {
        return (Cow::Borrowed(text), col, end_col);
    }
    let start = (col.saturating_sub(1) as usize).min(width);
    let from = start.saturating_sub(40);
    let to = (from + SNIPPET_CHARS).min(width);
    let byte = |i: usize| text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
    let (b_from, b_to) = (byte(from), byte(to));
    let mut shown = String::new();
    let lead = u32::from(from > 0);
    if from > 0 {
        shown.push('…');
    }
    shown.push_str(&text[b_from..b_to]);
    if to < width {
        shown.push('…');
    }
    let shift =
        |c: u32| (c.saturating_sub(from as u32) + lead).clamp(1, (to - from) as u32 + lead + 1);
    (Cow::Owned(shown), shift(col), shift(end_col))
}

/// A spec line as the snippet shows it: tabs kept (the caret line keeps
/// their width), every other control character escaped.
fn source_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\t') {
        return terminal(text);
    }
    Cow::Owned(
        text.split('\t')
            .map(terminal)
            .collect::<Vec<_>>()
            .join("\t"),
    )
}

/// `… and 3600 more OBS312 errors not shown (at most 100 per code)`.
fn omitted_line(o: &Omitted) -> String {
    format!(
        "... and {} more {} {}{} not shown (at most {} per code)",
        o.count,
        o.code,
        o.severity.as_str(),
        if o.count == 1 { "" } else { "s" },
        o.shown
    )
}

fn human(diags: &[Diagnostic], omitted: &[Omitted], sources: &Sources, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    for d in diags {
        let _ = writeln!(
            out,
            "{}{} {}",
            st.severity(d.severity),
            st.bold(&format!("[{}]:", d.code)),
            st.bold(&d.message)
        );
        if let Some(span) = &d.span {
            // One gutter for the finding and its notes, as wide as the
            // largest line number shown.
            let gutter = std::iter::once(span.line)
                .chain(d.notes.iter().map(|n| n.span.line))
                .max()
                .unwrap_or(span.line)
                .to_string()
                .len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}{} {}", st.blue("-->"), location(sources, span));
            snippet(&mut out, sources, span, "", &st, Some(d.severity), gutter);
            for n in &d.notes {
                let _ = writeln!(
                    out,
                    "{pad}{} {}",
                    st.blue(":::"),
                    location(sources, &n.span)
                );
                snippet(&mut out, sources, &n.span, &n.message, &st, None, gutter);
            }
            let _ = writeln!(out, "{pad} {}", st.blue("|"));
            if let Some(h) = &d.help {
                let _ = writeln!(out, "{pad} {} {}: {h}", st.blue("="), st.bold("help"));
            }
            let _ = writeln!(
                out,
                "{pad} {} run `obspec explain {}` for details",
                st.blue("="),
                d.code
            );
        } else {
            if let Some(h) = &d.help {
                let _ = writeln!(out, "  {} {}: {h}", st.blue("="), st.bold("help"));
            }
            let _ = writeln!(
                out,
                "  {} run `obspec explain {}` for details",
                st.blue("="),
                d.code
            );
        }
        out.push('\n');
    }
    for o in omitted {
        let _ = writeln!(out, "{}\n", omitted_line(o));
    }
    let (errors, warnings) = totals(diags, omitted);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if errors + warnings > 0 {
        let _ = writeln!(
            out,
            "{}: {}, {}",
            st.bold("obspec"),
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    out
}

/// Errors and warnings, shown and omitted.
fn totals(diags: &[Diagnostic], omitted: &[Omitted]) -> (usize, usize) {
    let count = |sev: Severity| {
        diags.iter().filter(|d| d.severity == sev).count()
            + omitted
                .iter()
                .filter(|o| o.severity == sev)
                .map(|o| o.count)
                .sum::<usize>()
    };
    (count(Severity::Error), count(Severity::Warning))
}

/// The JSON object of one finding (format documented in docs/lints.md).
#[derive(Serialize)]
struct JsonFinding {
    code: &'static str,
    severity: &'static str,
    message: String,
    help: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    notes: Vec<JsonNote>,
    /// Accepted by an `obspec:ignore` (absent when not).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    suppressed: bool,
    /// Why, as the ignore says.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct JsonNote {
    message: String,
    file: String,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonReport {
    version: u32,
    errors: usize,
    warnings: usize,
    /// Findings accepted by `obspec:ignore`: listed, not counted above.
    #[serde(skip_serializing_if = "is_zero")]
    suppressed: usize,
    findings: Vec<JsonFinding>,
    /// Findings past the cap per code, counted (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    omitted: Vec<JsonOmitted>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct JsonOmitted {
    code: &'static str,
    severity: &'static str,
    count: usize,
}

/// The JSON document of a run that could not lint: a usage or I/O error
/// (exit code 2). Same shape as a report, no findings, and an `error` object.
pub fn json_error(kind: &str, message: &str) -> String {
    #[derive(Serialize)]
    struct JsonError<'a> {
        kind: &'a str,
        message: &'a str,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        errors: usize,
        warnings: usize,
        findings: [(); 0],
        error: JsonError<'a>,
    }
    json_text(&Doc {
        version: 1,
        errors: 0,
        warnings: 0,
        findings: [],
        error: JsonError { kind, message },
    })
}

fn file_name<'s>(sources: &'s Sources, span: &Span) -> &'s str {
    if span.file.0 == u32::MAX {
        "<defaults>"
    } else {
        &sources.get(span.file).name
    }
}

fn json(
    diags: &[Diagnostic],
    omitted: &[Omitted],
    suppressed: &[(&Diagnostic, &str)],
    sources: &Sources,
) -> String {
    let finding = |d: &'_ Diagnostic, reason: Option<&'_ str>| JsonFinding {
        code: d.code,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        help: d.help.clone(),
        file: d.span.as_ref().map(|s| file_name(sources, s).to_string()),
        line: d.span.map(|s| s.line),
        column: d.span.map(|s| s.col),
        end_line: d.span.map(|s| s.end_line),
        end_column: d.span.map(|s| s.end_col),
        notes: d
            .notes
            .iter()
            .map(|n| JsonNote {
                message: n.message.clone(),
                file: file_name(sources, &n.span).to_string(),
                line: n.span.line,
                column: n.span.col,
            })
            .collect(),
        suppressed: reason.is_some(),
        reason: reason.map(str::to_string),
    };
    let mut findings: Vec<(Option<Span>, JsonFinding)> = diags
        .iter()
        .map(|d| (d.span, finding(d, None)))
        .chain(
            suppressed
                .iter()
                .map(|(d, r)| (d.span, finding(d, Some(r)))),
        )
        .collect();
    // Suppressed findings take their place by location.
    findings.sort_by_key(|f| f.0);
    let (errors, warnings) = totals(diags, omitted);
    let report = JsonReport {
        version: 1,
        errors,
        warnings,
        suppressed: suppressed.len(),
        findings: findings.into_iter().map(|(_, f)| f).collect(),
        omitted: omitted
            .iter()
            .map(|o| JsonOmitted {
                code: o.code,
                severity: o.severity.as_str(),
                count: o.count,
            })
            .collect(),
    };
    json_text(&report)
}

/// A JSON document, pretty, with DEL and the C1 controls escaped too
/// (`serde_json` escapes only C0): raw, a terminal reads U+009B as CSI.
pub fn json_text(doc: &impl Serialize) -> String {
    let s = serde_json::to_string_pretty(doc).expect("findings serialize");
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

pub fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(diags: &[Diagnostic], omitted: &[Omitted], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(s) = &d.span {
            props.push(format!(
                "file={}",
                gh_escape_prop(&terminal(file_name(sources, s)))
            ));
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.col));
            if s.end_line == s.line {
                props.push(format!("endColumn={}", s.end_col));
            }
        }
        props.push(format!(
            "title={}",
            gh_escape_prop(&format!("obspec {}", d.code))
        ));
        let mut msg = format!("[{}] {}", d.code, d.message);
        if let Some(h) = &d.help {
            msg.push_str(&format!("\nhelp: {h}"));
        }
        let _ = writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            gh_escape_data(&msg)
        );
    }
    for o in omitted {
        let _ = writeln!(
            out,
            "::notice title=obspec::{}",
            gh_escape_data(&omitted_line(o))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use obspec_spec::source::{FileId, SourceFile};

    fn fixture() -> (Vec<Diagnostic>, Sources) {
        let mut s = Sources::default();
        let id = s.add(SourceFile {
            name: "specs/a.yaml".into(),
            rel: "a.yaml".into(),
            path: "specs/a.yaml".into(),
            text: "metrics:\n  x: {labels: [user_id]}\n".into(),
        });
        let span = Span {
            file: id,
            line: 2,
            col: 17,
            end_line: 2,
            end_col: 24,
        };
        let d = Diagnostic::error("OBS205", span, "label `user_id`, forbidden").help("drop it");
        assert_eq!(id, FileId(0));
        (vec![d], s)
    }

    #[test]
    fn a_long_line_is_shown_around_its_span() {
        let xs = "x".repeat(1000);
        let (shown, col, end) = window(&xs, 1, 2);
        assert_eq!((shown.chars().count(), col, end), (SNIPPET_CHARS + 1, 1, 2));
        let line = format!("{}key{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, col, end) = window(&line, 5001, 5004);
        let at: String = shown.chars().skip(col as usize - 1).take(3).collect();
        assert_eq!(at, "key");
        assert_eq!(end - col, 3);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(window("short", 2, 4), (Cow::Borrowed("short"), 2, 4));
    }

    #[test]
    fn human_has_location_source_and_caret() {
        let (d, s) = fixture();
        let out = render(Format::Human, &d, &s, false);
        assert!(
            out.contains("error[OBS205]: label `user_id`, forbidden"),
            "{out}"
        );
        assert!(out.contains("--> specs/a.yaml:2:17"), "{out}");
        assert!(out.contains("2 |   x: {labels: [user_id]}"), "{out}");
        assert!(out.contains("  |                 ^^^^^^^"), "{out}");
        assert!(out.contains("= help: drop it"), "{out}");
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn json_and_github() {
        let (d, s) = fixture();
        let v: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &d, &s, false)).unwrap();
        assert_eq!(v["errors"], 1);
        assert_eq!(v["findings"][0]["code"], "OBS205");
        assert_eq!(v["findings"][0]["line"], 2);
        assert_eq!(v["findings"][0]["column"], 17);
        let g = render(Format::Github, &d, &s, false);
        assert_eq!(
            g,
            "::error file=specs/a.yaml,line=2,col=17,endColumn=24,title=obspec OBS205::[OBS205] label `user_id`%2C forbidden%0Ahelp: drop it\n"
                .replace("%2C forbidden", ", forbidden")
        );
    }
}
