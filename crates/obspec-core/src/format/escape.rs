//! One escaping function per format a value reaches. Targets and templates
//! write every string from a spec through these (templates as filters: see
//! `docs/templates.md`), so that no value can end its string, start an
//! expression, or break the file that reads it.
//!
//! | format | function | filter |
//! |---|---|---|
//! | PromQL string literal (label value in a selector or a test series) | [`promql_str`] | `promql_str` |
//! | Alertmanager matcher value | [`am_matcher_value`] | — |
//! | Markdown text, code spans, link destinations | [`md_escape`], [`md_code`], [`md_url`] | `md`, `code`, `md_url` |
//! | Go template text Prometheus expands (plain text in alert labels and annotations) | [`crate::format::gotmpl::escape_text`] | `gotmpl_text` |
//! | HCL quoted string, HCL object key | [`hcl_str`], [`hcl_str_body`] | `hcl_str` |
//! | YAML scalar, YAML key | [`yaml_scalar`], [`yaml_key`] | `yaml`, `yaml_key` |
//! | A terminal or a CI log (messages holding text from outside: an exposition, a log line, an HTTP answer) | [`terminal`], [`clip`] | — |

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

/// Escapes text for Markdown inline content (also inside GFM table cells):
/// ASCII punctuation that Markdown interprets gets a backslash, and line breaks
/// become spaces so that a table row stays one line.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// An inline code span holding `s` verbatim (valid inside a GFM table cell).
pub fn md_code(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || longest > 0 {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A fenced code block holding `s` verbatim.
pub fn md_fenced(s: &str, lang: &str) -> String {
    let fence = "`".repeat(longest_run(s, '`').max(2) + 1);
    let body = s.trim_end_matches('\n');
    format!("{fence}{lang}\n{body}\n{fence}")
}

/// A link destination that Markdown will not misread.
pub fn md_url(s: &str) -> String {
    let mut out = String::from("<");
    for c in s.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            ' ' => out.push_str("%20"),
            '\n' | '\r' => {}
            _ => out.push(c),
        }
    }
    out.push('>');
    out
}

/// The most readable YAML scalar that holds `s` exactly: plain for simple words
/// that every YAML version reads as strings, single-quoted for other one-line
/// printable text, double-quoted (with escapes) otherwise.
pub fn yaml_scalar(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_yaml_scalar(&mut out, s);
    out
}

/// [`yaml_scalar`], appended to `out` (the rule and test writers' hot path).
pub fn push_yaml_scalar(out: &mut String, s: &str) {
    const SPECIAL: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    // Plain-scalar characters up to the first other one, then printable
    // ASCII (which holds none of the characters a single-quoted scalar
    // cannot) over the rest, in a branch-free pass the compiler vectorises.
    let bytes = s.as_bytes();
    let plain_len = bytes
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/'))
        .count();
    let plain = plain_len == bytes.len() && bytes.first().is_some_and(u8::is_ascii_alphabetic);
    let printable_ascii = bytes[plain_len..].iter().fold(0u8, |bad, &c| {
        bad | (c.wrapping_sub(b' ') > b'~' - b' ') as u8
    }) == 0;
    // Every special word has at most 5 letters.
    if plain && (s.len() > 5 || !SPECIAL.iter().any(|w| w.eq_ignore_ascii_case(s))) {
        out.push_str(s);
        return;
    }
    let single = !s.is_empty()
        && (printable_ascii
            || !s.chars().any(|c| {
                c.is_control()
                    || c == '\u{85}'
                    || c == '\u{2028}'
                    || c == '\u{2029}'
                    || c == '\u{feff}'
            }))
        && !s.starts_with(' ')
        && !s.ends_with(' ');
    if single {
        out.push('\'');
        if s.contains('\'') {
            out.push_str(&s.replace('\'', "''"));
        } else {
            out.push_str(s);
        }
        out.push('\'');
        return;
    }
    out.push_str(&yaml_str(s));
}

/// A YAML double-quoted scalar holding `s` exactly.
pub fn yaml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20
                || c == '\u{7f}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A mapping key: plain when it is an identifier that no YAML version reads as
/// anything but a string (`on`, `yes`, `null`... are quoted), quoted otherwise.
pub fn yaml_key(s: &str) -> String {
    let mut out = String::new();
    push_yaml_key(&mut out, s);
    out
}

/// [`yaml_key`], appended to `out`.
pub fn push_yaml_key(out: &mut String, s: &str) {
    const SPECIAL: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    let plain = s
        .as_bytes()
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        // Every special word has at most 5 letters.
        && (s.len() > 5 || !SPECIAL.iter().any(|w| w.eq_ignore_ascii_case(s)));
    if plain {
        out.push_str(s);
    } else {
        out.push_str(&yaml_str(s));
    }
}

/// A YAML scalar holding `s` exactly: a literal block (`|-`) indented by
/// `indent` spaces for multi-line text that a block can hold verbatim, a
/// double-quoted scalar otherwise.
pub fn yaml_block(s: &str, indent: usize) -> String {
    let mut out = String::new();
    push_yaml_block(&mut out, s, indent);
    out
}

/// [`yaml_block`], appended to `out`.
pub fn push_yaml_block(out: &mut String, s: &str, indent: usize) {
    let blockable = s.contains('\n')
        && !s.ends_with('\n')
        && s.lines()
            .all(|l| !l.ends_with([' ', '\t']) && !l.chars().any(|c| c.is_control() && c != '\t'))
        && s.lines()
            .next()
            .is_some_and(|l| !l.starts_with([' ', '\t']) && !l.is_empty())
        && !s.lines().any(|l| l.is_empty())
        && !s.contains('\r');
    if !blockable {
        push_yaml_scalar(out, s);
        return;
    }
    out.push_str("|-");
    for line in s.lines() {
        out.push('\n');
        for _ in 0..indent {
            out.push(' ');
        }
        out.push_str(line);
    }
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// `s` as a literal inside an RE2 regular expression (PromQL and LogQL
/// `=~` matchers, OTTL's regex functions): every metacharacter escaped.
pub fn regex_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `c` must not reach a terminal raw: C0 and C1 control
/// characters and DEL (line breaks, ESC, BEL, CSI), the Unicode line and
/// paragraph separators, and the bidirectional overrides and isolates that
/// reorder what a reader sees.
fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from outside (a label value, a log field, an HTTP error body) made
/// safe to print on one line of a terminal or a CI log: every control
/// character shown escaped (`\n`, `\r`, `\t`, `\x1b`, `\u{202e}`), so that
/// no value can end the line, start a workflow command such as
/// `::error …::` at the beginning of the next one, move the cursor, set the
/// window title or reorder the text.
pub fn terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && is_unsafe_for_terminal(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe_for_terminal(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` cut to its first `max` characters, saying how long it was: a
/// hostile value (a HELP text of 60 MB) is never echoed whole.
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((end, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} bytes in all)", &s[..end], s.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_take_the_lightest_form_that_reads_back_exactly() {
        for (input, want) in [
            ("payment-gateway", "payment-gateway"),
            ("slo:sli_error:ratio_rate5m", "'slo:sli_error:ratio_rate5m'"),
            ("No", "'No'"),
            ("nullable", "nullable"),
            ("true", "'true'"),
            ("it's", "'it''s'"),
            ("0+10x120", "'0+10x120'"),
            ("", "\"\""),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("a\tb", "\"a\\tb\""),
            ("del\u{7f}", "\"del\\u007f\""),
            ("next\u{85}line", "\"next\\u0085line\""),
            ("bom\u{feff}", "\"bom\u{feff}\""),
            ("café", "'café'"),
        ] {
            assert_eq!(yaml_scalar(input), want, "{input:?}");
        }
        for (input, want) in [
            ("route", "route"),
            ("on", "\"on\""),
            ("Inf", "\"Inf\""),
            ("infinity", "infinity"),
            ("a-b", "\"a-b\""),
        ] {
            assert_eq!(yaml_key(input), want, "{input:?}");
        }
    }

    #[test]
    fn terminal_text_cannot_start_a_line_or_a_sequence() {
        for (input, want) in [
            ("plain `x`", "plain `x`"),
            ("ok\n::error file=a::forged", "ok\\n::error file=a::forged"),
            ("a\r\tb", "a\\r\\tb"),
            ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
            ("csi\u{9b}31m", "csi\\x9b31m"),
            ("del\u{7f}", "del\\x7f"),
            ("rtl\u{202e}cba", "rtl\\u{202e}cba"),
            ("line\u{2028}sep", "line\\u{2028}sep"),
            ("café", "café"),
        ] {
            let got = terminal(input);
            assert_eq!(got, want, "{input:?}");
            assert!(!got.chars().any(is_unsafe_for_terminal));
        }
        assert!(matches!(terminal("clean"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn clip_says_how_long_a_value_was() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("ééééé", 5), "ééééé");
        assert_eq!(clip("abcdefgh", 3), "abc… (8 bytes in all)");
    }

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
