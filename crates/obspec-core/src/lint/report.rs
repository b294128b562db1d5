//! Rendering findings: `human` (rustc-style), `json` and `github` (workflow commands).

use std::fmt::Write as _;

use serde::Serialize;

use obspec_spec::diag::{Diagnostic, Severity};
use obspec_spec::source::{Sources, Span};

/// Output formats of `obspec lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Renders findings in `format`. `color` applies to `human` only.
/// Credentials found in the specs are masked in every part of the output.
pub fn render(format: Format, diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let masked;
    let diags = if sources.has_secrets() {
        masked = diags
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.message = sources.redact(&d.message).into_owned();
                d.help = d.help.map(|h| sources.redact(&h).into_owned());
                for n in &mut d.notes {
                    n.message = sources.redact(&n.message).into_owned();
                }
                d
            })
            .collect::<Vec<_>>();
        &masked[..]
    } else {
        diags
    };
    match format {
        Format::Human => human(diags, sources, color),
        Format::Json => json(diags, sources),
        Format::Github => github(diags, sources),
    }
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
    format!("{}:{}:{}", sources.get(span.file).name, span.line, span.col)
}

/// One source line with a caret line under `span`, rustc-style.
fn snippet(
    out: &mut String,
    sources: &Sources,
    span: &Span,
    label: &str,
    st: &Style,
    sev: Option<Severity>,
) {
    if span.file.0 == u32::MAX {
        return;
    }
    let Some(text) = sources.line(span.file, span.line) else {
        return;
    };
    let num = span.line.to_string();
    let pad = " ".repeat(num.len());
    let _ = writeln!(out, "{pad} {}", st.blue("|"));
    let text = sources.redact(text);
    let text = text.as_ref();
    let _ = writeln!(out, "{} {} {}", st.blue(&num), st.blue("|"), text);
    let width = text.chars().count() as u32;
    let start = span.col.saturating_sub(1).min(width);
    let end = if span.end_line == span.line {
        span.end_col
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

fn human(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
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
            let num = span.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{pad}{} {}", st.blue("-->"), location(sources, span));
            snippet(&mut out, sources, span, "", &st, Some(d.severity));
            for n in &d.notes {
                let _ = writeln!(
                    out,
                    "{pad}{} {}",
                    st.blue(":::"),
                    location(sources, &n.span)
                );
                snippet(&mut out, sources, &n.span, &n.message, &st, None);
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
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
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

/// The JSON object of one finding (format documented in docs/lints.md).
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    notes: Vec<JsonNote<'a>>,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    findings: Vec<JsonFinding<'a>>,
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
    let mut s = serde_json::to_string_pretty(&Doc {
        version: 1,
        errors: 0,
        warnings: 0,
        findings: [],
        error: JsonError { kind, message },
    })
    .expect("serializable");
    s.push('\n');
    s
}

fn file_name<'s>(sources: &'s Sources, span: &Span) -> &'s str {
    if span.file.0 == u32::MAX {
        "<defaults>"
    } else {
        &sources.get(span.file).name
    }
}

fn json(diags: &[Diagnostic], sources: &Sources) -> String {
    let findings = diags
        .iter()
        .map(|d| JsonFinding {
            code: d.code,
            severity: d.severity.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
            file: d.span.as_ref().map(|s| file_name(sources, s)),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.col),
            end_line: d.span.map(|s| s.end_line),
            end_column: d.span.map(|s| s.end_col),
            notes: d
                .notes
                .iter()
                .map(|n| JsonNote {
                    message: &n.message,
                    file: file_name(sources, &n.span),
                    line: n.span.line,
                    column: n.span.col,
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = JsonReport {
        version: 1,
        errors,
        warnings: diags.len() - errors,
        findings,
    };
    let mut s = serde_json::to_string_pretty(&report).expect("findings serialize");
    s.push('\n');
    s
}

pub fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(s) = &d.span {
            props.push(format!("file={}", gh_escape_prop(file_name(sources, s))));
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
