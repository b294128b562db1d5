//! Suppressions: a reviewed finding accepted where it stands. A comment
//! `# obspec:ignore OBS709 <reason>` on the line of a finding, or on its own
//! line above it, accepts the codes it lists there; an `ignore:` entry of
//! the project file accepts codes in whole services or spec paths. Accepted
//! findings leave the totals and the exit status but stay listed (marked
//! suppressed, with the reason) in `--format json`. An ignore without a
//! reason, or naming a code that cannot be accepted, is an error; one that
//! accepts nothing is a warning, so stale ignores do not pile up.

use std::collections::HashMap;

use crate::lint::examples::GOOD;
use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::Specs;
use obspec_spec::source::{FileId, Sources, Span};

pub const CODE_IGNORE_INVALID: &str = "OBS011";
pub const CODE_IGNORE_UNUSED: &str = "OBS012";

/// The catalog entries of the codes this module reports.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: CODE_IGNORE_INVALID,
        title: "ignore without a reason, or of a code that cannot be ignored",
        severity: "error",
        explanation: "`# obspec:ignore` names one or more codes (`OBS709`, or `OBS709,OBS710`) and then, on the same line, why the finding is accepted: the reason is what a reviewer reads later. The loader's findings (`OBS0xx`: a file obspec cannot read as a spec) cannot be ignored, nor can these two codes. A project-level `ignore:` entry follows the same rules. An invalid ignore accepts nothing.",
        bad: &[(
            "shop.yaml",
            "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nalerts:\n  ShopOrdersFailing:\n    # obspec:ignore OBS709 # <- OBS011\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1\n    severity: warning\n    summary: \"Orders failing on {{ $labels.instance }}\"\n",
        )],
        good: &[(
            "shop.yaml",
            "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nalerts:\n  ShopOrdersFailing:\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1\n    severity: warning\n    # obspec:ignore OBS709 the instance is always empty here, the summary is read on the dashboard\n    summary: \"Orders failing on {{ $labels.instance }}\"\n",
        )],
    },
    Rule {
        code: CODE_IGNORE_UNUSED,
        title: "ignore that suppresses nothing",
        severity: "warning",
        explanation: "An `# obspec:ignore` comment, or a project-level `ignore:` entry, lists a code that no finding at its place has: the finding was fixed, moved to another line, or the code is mistyped. Remove the ignore (or the code from it) so that a later finding is not accepted without review.",
        bad: &[(
            "shop.yaml",
            "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  # obspec:ignore OBS104 the exporter names it so # <- OBS012\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
        )],
        good: &[("shop.yaml", GOOD)],
    },
];

/// One `obspec:ignore`: where it is, the lines it covers, what it accepts.
struct Comment {
    span: Span,
    lines: [u32; 2],
    codes: Vec<String>,
    reason: String,
    used: Vec<bool>,
}

/// Accepts the findings of `diags` that an ignore covers, and reports the
/// invalid and the unused ignores.
pub fn apply(specs: &Specs, sources: &Sources, diags: &mut Diagnostics) {
    let mut found = Diagnostics::default();
    let mut comments: HashMap<FileId, Vec<Comment>> = HashMap::new();
    for (id, file) in sources.iter() {
        if !file.text.contains("obspec:ignore") {
            continue;
        }
        let list = scan(id, &file.text, &mut found);
        if !list.is_empty() {
            comments.insert(id, list);
        }
    }
    let mut entries = project_entries(specs, sources, &mut found);
    let service_of: HashMap<FileId, &str> = specs
        .services
        .iter()
        .filter_map(|s| Some((s.file?, s.service.as_str())))
        .collect();
    diags.suppress(|d| {
        let span = d.span?;
        if !suppressible(d.code) {
            return None;
        }
        if let Some(list) = comments.get_mut(&span.file) {
            for c in list.iter_mut() {
                if !c.lines.contains(&span.line) {
                    continue;
                }
                if let Some(i) = c.codes.iter().position(|x| x == d.code) {
                    c.used[i] = true;
                    return Some(c.reason.clone());
                }
            }
        }
        if span.file.0 == u32::MAX {
            return None;
        }
        let file = sources.get(span.file);
        let service = service_of.get(&span.file).copied();
        for e in entries.iter_mut() {
            if e.covers(service, &file.rel) {
                if let Some(i) = e.codes.iter().position(|(x, _)| x == d.code) {
                    e.used[i] = true;
                    return Some(e.reason.clone());
                }
            }
        }
        None
    });
    for list in comments.values() {
        for c in list {
            for (code, used) in c.codes.iter().zip(&c.used) {
                if !used {
                    found.push(unused(c.span, code, "here"));
                }
            }
        }
    }
    for e in &entries {
        for ((code, span), used) in e.codes.iter().zip(&e.used) {
            if !used {
                found.push(unused(*span, code, "in the services and paths it names"));
            }
        }
    }
    diags.append(found);
}

fn unused(span: Span, code: &str, place: &str) -> Diagnostic {
    Diagnostic::warning(
        CODE_IGNORE_UNUSED,
        span,
        format!("`obspec:ignore {code}` suppresses nothing {place}"),
    )
    .help(format!(
        "no {code} finding is left to accept: remove the ignore, or the code from it"
    ))
}

/// Whether findings of `code` may be accepted: not the loader's (a file
/// that is not a spec), nor the suppressions' own.
fn suppressible(code: &str) -> bool {
    !code.starts_with("OBS0")
}

/// `OBS` and three digits.
fn is_code(s: &str) -> bool {
    s.len() == 6 && s.starts_with("OBS") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

/// The `obspec:ignore` comments of one file. A comment after other text
/// covers its own line and the next; one on a line of its own covers the
/// next line that is neither blank nor a comment.
fn scan(id: FileId, text: &str, diags: &mut Diagnostics) -> Vec<Comment> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = directive(line) else {
            continue;
        };
        let n = i as u32 + 1;
        let hash = line[..at].rfind('#').unwrap_or(at);
        let span = Span {
            file: id,
            line: n,
            col: line[..hash].chars().count() as u32 + 1,
            end_line: n,
            end_col: line.chars().count() as u32 + 1,
        };
        let own_line = line[..hash].trim().is_empty();
        let target = if own_line {
            let next = lines[i + 1..]
                .iter()
                .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            let t = next.map_or(n + 1, |k| n + 1 + k as u32);
            [t, t]
        } else {
            [n, n + 1]
        };
        let rest = &line[at + "obspec:ignore".len()..];
        let mut codes = Vec::new();
        let mut reason = rest.trim();
        let mut bad_code = None;
        while let Some(word) = reason.split_whitespace().next() {
            let parts: Vec<&str> = word.split(',').filter(|p| !p.is_empty()).collect();
            if parts.is_empty() || !parts.iter().all(|p| is_code(p)) {
                break;
            }
            for p in parts {
                if !suppressible(p) {
                    bad_code.get_or_insert(p.to_string());
                }
                if !codes.iter().any(|c| c == p) {
                    codes.push(p.to_string());
                }
            }
            reason = reason[word.len()..].trim_start();
        }
        let reason = reason.trim().to_string();
        let problem = if codes.is_empty() {
            Some("`obspec:ignore` names no code".to_string())
        } else if let Some(code) = bad_code {
            Some(format!(
                "{code} cannot be ignored: the loader's findings say the file is not a spec obspec can read"
            ))
        } else if reason.is_empty() || reason.starts_with('#') {
            Some(format!(
                "`obspec:ignore {}` gives no reason",
                codes.join(",")
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            diags.push(Diagnostic::error(CODE_IGNORE_INVALID, span, message).help(
                "write the codes, then why the finding is accepted: `# obspec:ignore OBS709 the summary is read on the dashboard`",
            ));
            continue;
        }
        out.push(Comment {
            span,
            lines: target,
            used: vec![false; codes.len()],
            codes,
            reason,
        });
    }
    out
}

/// Where `obspec:ignore` starts on `line`, if it follows a `#` (with
/// optional blanks between) that begins a comment: at the line's start or
/// after a blank, as YAML and PromQL comments do. `obspec:ignored` and
/// `obspec:ignore-this` are not the directive.
fn directive(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = line[from..].find("obspec:ignore") {
        let at = from + k;
        from = at + 1;
        let after = line[at + "obspec:ignore".len()..].chars().next();
        if after.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let before = line[..at].trim_end_matches([' ', '\t']);
        let Some(head) = before.strip_suffix('#') else {
            continue;
        };
        if head.is_empty() || head.ends_with([' ', '\t']) {
            return Some(at);
        }
    }
    None
}

/// A project-level `ignore:` entry, checked.
struct Entry {
    codes: Vec<(String, Span)>,
    services: Vec<String>,
    paths: Vec<String>,
    reason: String,
    used: Vec<bool>,
}

impl Entry {
    fn covers(&self, service: Option<&str>, rel: &str) -> bool {
        if self.services.is_empty() && self.paths.is_empty() {
            return true;
        }
        service.is_some_and(|s| self.services.iter().any(|x| x == s))
            || self.paths.iter().any(|p| path_matches(p, rel))
    }
}

fn project_entries(specs: &Specs, _sources: &Sources, diags: &mut Diagnostics) -> Vec<Entry> {
    let mut out = Vec::new();
    for ig in &specs.project.ignore {
        let mut ok = true;
        for c in &ig.codes {
            let problem = if !is_code(&c.value) {
                Some(format!(
                    "`{}` is not a finding code (`OBS` and three digits)",
                    c.value
                ))
            } else if !suppressible(&c.value) {
                Some(format!(
                    "{} cannot be ignored: the loader's findings say the file is not a spec obspec can read",
                    c.value
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                diags.push(
                    Diagnostic::error(CODE_IGNORE_INVALID, c.span, message)
                        .help("list codes such as `OBS709`; `obspec explain` describes each"),
                );
                ok = false;
            }
        }
        if ig.reason.value.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    CODE_IGNORE_INVALID,
                    ig.reason.span,
                    "the ignore entry gives no reason",
                )
                .help(
                    "say why the findings are accepted: the reason is what a reviewer reads later",
                ),
            );
            ok = false;
        }
        if !ok {
            continue;
        }
        out.push(Entry {
            codes: ig.codes.iter().map(|c| (c.value.clone(), c.span)).collect(),
            services: ig.services.iter().map(|s| s.value.clone()).collect(),
            paths: ig
                .paths
                .iter()
                .map(|p| {
                    p.value
                        .trim_start_matches("./")
                        .trim_end_matches('/')
                        .to_string()
                })
                .collect(),
            reason: ig.reason.value.trim().to_string(),
            used: vec![false; ig.codes.len()],
        });
    }
    out
}

/// Whether spec file `rel` (relative to the spec directory) is `pattern`:
/// the file itself, a file under it, or a match where `*` stands for any
/// text within one segment and `**` for any number of segments.
fn path_matches(pattern: &str, rel: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    if rel == pattern
        || rel
            .strip_prefix(pattern)
            .is_some_and(|r| r.starts_with('/'))
    {
        return true;
    }
    let p: Vec<&str> = pattern.split('/').collect();
    let r: Vec<&str> = rel.split('/').collect();
    segments(&p, &r)
}

fn segments(p: &[&str], r: &[&str]) -> bool {
    match p.split_first() {
        None => r.is_empty(),
        Some((&"**", rest)) => (0..=r.len()).any(|k| segments(rest, &r[k..])),
        Some((head, rest)) => {
            !r.is_empty() && segment(head.as_bytes(), r[0].as_bytes()) && segments(rest, &r[1..])
        }
    }
}

/// One segment against a pattern with `*` (any text) and `?` (one byte).
fn segment(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| segment(rest, &s[k..])),
        Some((b'?', rest)) => !s.is_empty() && segment(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && segment(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::check_texts;
    use obspec_spec::diag::Severity;

    const ALERT: &str = "obspec: 1
service: shop
namespace: shop
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}
alerts:
  ShopOrdersFailing:
    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1
    severity: warning
    summary: \"Orders failing on {{ $labels.instance }}\"
";

    fn codes(l: &obspec_spec::load::Loaded) -> Vec<(&'static str, u32)> {
        l.diagnostics
            .iter()
            .map(|d| (d.code, d.span.map_or(0, |s| s.line)))
            .collect()
    }

    #[test]
    fn the_finding_is_there_without_an_ignore() {
        let l = check_texts([("shop.yaml", ALERT)]);
        assert_eq!(codes(&l), [("OBS709", 12)]);
    }

    #[test]
    fn an_ignore_on_the_line_or_above_accepts_the_finding_with_its_reason() {
        let trailing = ALERT.replace(
            "instance }}\"\n",
            "instance }}\" # obspec:ignore OBS709 read on the dashboard\n",
        );
        let above = ALERT.replace(
            "    summary:",
            "    # obspec:ignore OBS703,OBS709 read on the dashboard\n\n    # another comment\n    summary:",
        );
        for (text, unused) in [(trailing, 0), (above, 1)] {
            let l = check_texts([("shop.yaml", text.as_str())]);
            let sup = l.diagnostics.suppressed();
            assert_eq!(sup.len(), 1, "{text}");
            assert_eq!(sup[0].0.code, "OBS709");
            assert_eq!(sup[0].1, "read on the dashboard");
            assert!(!l.diagnostics.has_errors());
            // The unused OBS703 of the second comment is a warning.
            assert_eq!(
                l.diagnostics.count(Severity::Warning),
                unused,
                "{:?}",
                codes(&l)
            );
            assert!(l.diagnostics.iter().all(|d| d.code != "OBS709"));
        }
    }

    #[test]
    fn an_ignore_elsewhere_or_of_another_code_accepts_nothing() {
        let far = ALERT.replace(
            "    severity: warning\n",
            "    # obspec:ignore OBS709 not here\n    severity: warning\n",
        );
        let other = ALERT.replace(
            "instance }}\"\n",
            "instance }}\" # obspec:ignore OBS710 wrong code\n",
        );
        for text in [far, other] {
            let l = check_texts([("shop.yaml", text.as_str())]);
            let mut c = codes(&l);
            c.sort();
            assert_eq!(c[0].0, "OBS012", "{c:?}");
            assert!(c.iter().any(|x| x.0 == "OBS709"), "{c:?}");
            assert!(l.diagnostics.suppressed().is_empty());
        }
    }

    #[test]
    fn an_ignore_needs_codes_and_a_reason_and_cannot_accept_the_loaders_findings() {
        for (comment, message) in [
            ("# obspec:ignore OBS709", "gives no reason"),
            ("# obspec:ignore because", "names no code"),
            ("# obspec:ignore OBS001 yaml", "cannot be ignored"),
        ] {
            let text = ALERT.replace("instance }}\"\n", &format!("instance }}}}\" {comment}\n"));
            let l = check_texts([("shop.yaml", text.as_str())]);
            let d: Vec<_> = l
                .diagnostics
                .iter()
                .filter(|d| d.code == "OBS011")
                .collect();
            assert_eq!(d.len(), 1, "{comment}: {:?}", codes(&l));
            assert!(d[0].message.contains(message), "{}", d[0].message);
            assert_eq!(d[0].span.unwrap().line, 12);
            assert!(l.diagnostics.iter().any(|d| d.code == "OBS709"));
        }
        // Not a directive: inside a word, or without a leading `#`.
        for text in [
            "    summary: \"obspec:ignore OBS709 x\"\n",
            "# obspec:ignored OBS709 x\n",
        ] {
            let l = check_texts([("shop.yaml", &*format!("{ALERT}{text}"))]);
            assert!(l.diagnostics.iter().all(|d| !d.code.starts_with("OBS01")));
        }
    }

    #[test]
    fn a_project_entry_accepts_codes_in_services_and_paths() {
        let project = |scope: &str| {
            format!("obspec: 1\nignore:\n  - codes: [OBS709, OBS107]\n{scope}    reason: instance labels are read on the dashboard\n")
        };
        for (scope, suppressed) in [
            ("", true),
            ("    services: [shop]\n", true),
            ("    paths: [teams/shop]\n", true),
            ("    paths: ['teams/*/*.yaml']\n", true),
            ("    paths: ['**/shop.yaml']\n", true),
            ("    services: [billing]\n", false),
            ("    paths: [teams/other]\n", false),
        ] {
            let p = project(scope);
            let l = check_texts([("obspec.yaml", p.as_str()), ("teams/shop/shop.yaml", ALERT)]);
            assert_eq!(
                l.diagnostics.suppressed().len(),
                usize::from(suppressed),
                "{scope}: {:?}",
                codes(&l)
            );
            // OBS107 was never found: the entry says so, at its code.
            let unused: Vec<_> = l
                .diagnostics
                .iter()
                .filter(|d| d.code == "OBS012")
                .collect();
            assert_eq!(unused.len(), if suppressed { 1 } else { 2 }, "{scope}");
            assert_eq!(unused[0].span.unwrap().line, 3);
        }
        let l = check_texts([(
            "obspec.yaml",
            "obspec: 1\nignore:\n  - codes: [OBS7, OBS002]\n    reason: ' '\n",
        )]);
        assert_eq!(
            l.diagnostics.iter().filter(|d| d.code == "OBS011").count(),
            3
        );
    }

    #[test]
    fn paths_match_files_directories_and_patterns() {
        assert!(path_matches("a/b.yaml", "a/b.yaml"));
        assert!(path_matches("a", "a/b.yaml"));
        assert!(!path_matches("a", "ab/b.yaml"));
        assert!(path_matches("a/*.yaml", "a/b.yaml"));
        assert!(!path_matches("a/*.yaml", "a/c/b.yaml"));
        assert!(path_matches("a/**/b.yaml", "a/b.yaml"));
        assert!(path_matches("a/**/b.yaml", "a/x/y/b.yaml"));
        assert!(path_matches("?/b.yaml", "a/b.yaml"));
        assert!(!path_matches("", "a/b.yaml"));
    }
}
