//! One escaping function per format a value reaches. Targets and templates
//! write every string from a spec through these (templates as filters: see
//! `docs/templates.md`), so that no value can end its string, start an
//! expression, or break the file that reads it.
//!
//! | format | function | filter |
//! |---|---|---|
//! | PromQL string literal (label value in a selector or a test series) | [`promql_str`] | `promql_str` |
//! | Alertmanager matcher value | [`am_matcher_value`] | — |
//! | Go template text Prometheus expands (plain text in alert labels and annotations) | [`crate::gotmpl::escape_text`] | `gotmpl_text` |
//! | HCL quoted string, HCL object key | [`hcl_str`], [`hcl_str_body`] | `hcl_str` |
//! | YAML scalar, YAML key | [`crate::templates::yaml_scalar`], [`crate::templates::yaml_key`] | `yaml`, `yaml_key` |

use std::fmt::Write as _;

/// A PromQL double-quoted string literal holding `v` exactly (Go escapes:
/// backslash, quote, `\n`, `\r`, `\t`, other control characters as `\uXXXX`).
pub fn promql_str(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The inside of a double-quoted Alertmanager matcher value (`label="…"`):
/// Alertmanager unescapes `\\`, `\"` and `\n`.
pub fn am_matcher_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// An HCL string literal holding `s` exactly (no interpolation).
pub fn hcl_str(s: &str) -> String {
    format!("\"{}\"", hcl_str_body(s))
}

/// The inside of an HCL quoted string holding `s` exactly: quotes, backslashes
/// and control characters escaped, `${` and `%{` doubled so that nothing is
/// interpolated or evaluated.
pub fn hcl_str_body(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promql_strings_parse_back() {
        for v in [
            "plain",
            "a\"b",
            "back\\slash",
            "new\nline",
            "cr\rlf",
            "tab\t",
            "bell\u{7}",
            "ünï",
        ] {
            let sel = format!("x{{l={}}}", promql_str(v));
            let expr = promql_parser::parser::parse(&sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
            let promql_parser::parser::Expr::VectorSelector(vs) = expr else {
                panic!("{sel}")
            };
            let m = vs.matchers.matchers.iter().find(|m| m.name == "l").unwrap();
            assert_eq!(m.value, v, "{sel}");
        }
    }
}
