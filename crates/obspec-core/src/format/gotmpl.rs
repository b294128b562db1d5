//! Go `text/template` as Prometheus reads alert labels and annotations.
//!
//! Prometheus expands every alert label value and annotation as a Go template,
//! after prepending `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}`
//! `{{$externalURL := .ExternalURL}}{{$value := .Value}}`, with its own function
//! map. This module is the analysis beneath the lints and the rule writers:
//!
//! - [`check`] parses a text as Go's parser would, with Prometheus's functions
//!   and variables, and reports the first error with its byte offset: bad
//!   characters (`{{ 7*191 }}`), unknown functions, undefined variables,
//!   unbalanced `if`/`range`/`with`/`end`, unclosed actions, comments and strings;
//!   on success it lists the labels the text reads (`$labels.x`, `.Labels.x`).
//! - [`escape_text`] turns plain text (a team name, an SLO description) into a
//!   template that expands to exactly that text.
//! - [`expand`] expands the templates whose value is known without a running
//!   Prometheus (text and label references), for generated promtool tests.

use std::borrow::Cow;

/// Functions of Go's `text/template`.
const GO_FUNCS: [&str; 19] = [
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Functions Prometheus adds for alert templates (`template/template.go`).
const PROM_FUNCS: [&str; 26] = [
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
];

/// Variables Prometheus defines in alert templates.
pub const PROM_VARS: [&str; 5] = ["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// A template error: what and where (byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmplError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// What a valid template reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Label names read through `$labels.x`, `.Labels.x` or `index $labels "x"`,
    /// with their byte offsets.
    pub labels: Vec<(String, usize)>,
    /// Whether the text has any action at all.
    pub has_actions: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `.Field` chain, the leading dot included; `.` alone is the dot.
    Field(String),
    /// `$name` with an optional `.field` chain.
    Var(String, Vec<String>),
    Str(String),
    Num,
    Char,
    LParen,
    RParen,
    Pipe,
    Declare,
    Assign,
    Comma,
}

fn err(offset: usize, len: usize, message: impl Into<String>) -> TmplError {
    TmplError {
        offset,
        len: len.max(1),
        message: message.into(),
    }
}

// Long: one match arm per token kind of Go's template lexer.
/// An action's tokens, each with its byte offset into the whole text.
fn lex_action(text: &str, start: usize, end: usize) -> Result<Vec<(Tok, usize)>, TmplError> {
    let b = text.as_bytes();
    let mut i = start;
    let mut out = Vec::new();
    let ident_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    while i < end {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'(' => {
                out.push((Tok::LParen, i));
                i += 1;
            }
            b')' => {
                out.push((Tok::RParen, i));
                i += 1;
            }
            b'|' => {
                out.push((Tok::Pipe, i));
                i += 1;
            }
            b',' => {
                out.push((Tok::Comma, i));
                i += 1;
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                out.push((Tok::Declare, i));
                i += 2;
            }
            b'=' => {
                out.push((Tok::Assign, i));
                i += 1;
            }
            b'"' => {
                let s = i;
                let (value, next) = quoted(text, i, end)?;
                i = next;
                out.push((Tok::Str(value), s));
            }
            b'`' => {
                let s = i;
                let Some(close) = text[i + 1..end].find('`') else {
                    return Err(err(s, end - s, "unterminated raw quoted string"));
                };
                out.push((Tok::Str(text[i + 1..i + 1 + close].to_string()), s));
                i += close + 2;
            }
            b'\'' => {
                let s = i;
                i = char_constant(text, i, end)?;
                out.push((Tok::Char, s));
            }
            b'$' => {
                let s = i;
                i += 1;
                while i < end && ident_char(b[i]) {
                    i += 1;
                }
                let name = text[s..i].to_string();
                let mut fields = Vec::new();
                while i < end && b[i] == b'.' && i + 1 < end && ident_char(b[i + 1]) {
                    let f = i + 1;
                    i += 1;
                    while i < end && ident_char(b[i]) {
                        i += 1;
                    }
                    fields.push(text[f..i].to_string());
                }
                out.push((Tok::Var(name, fields), s));
            }
            b'.' if i + 1 < end && b[i + 1].is_ascii_digit() => {
                let s = i;
                i = number(b, i, end);
                if i < end && ident_char(b[i]) {
                    return Err(err(
                        s,
                        i - s + 1,
                        format!("bad number syntax: {:?}", &text[s..=i]),
                    ));
                }
                out.push((Tok::Num, s));
            }
            b'.' => {
                let s = i;
                i += 1;
                while i < end
                    && (ident_char(b[i]) || (b[i] == b'.' && i + 1 < end && ident_char(b[i + 1])))
                {
                    i += 1;
                }
                out.push((Tok::Field(text[s..i].to_string()), s));
            }
            b'0'..=b'9' | b'+' | b'-' => {
                let s = i;
                i = number_token(text, i, end)?;
                out.push((Tok::Num, s));
            }
            c if ident_char(c) => {
                let s = i;
                while i < end && ident_char(b[i]) {
                    i += 1;
                }
                // `x.y` after an identifier: a field of its result.
                out.push((Tok::Ident(text[s..i].to_string()), s));
                while i < end && b[i] == b'.' && i + 1 < end && ident_char(b[i + 1]) {
                    let f = i;
                    i += 1;
                    while i < end && ident_char(b[i]) {
                        i += 1;
                    }
                    out.push((Tok::Field(text[f..i].to_string()), f));
                }
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(err(
                    i,
                    ch.len_utf8(),
                    format!("unrecognized character in action: {ch:?}"),
                ));
            }
        }
    }
    Ok(out)
}

/// A `"…"` string from `i`: its value and the index after it.
fn quoted(text: &str, i: usize, end: usize) -> Result<(String, usize), TmplError> {
    let b = text.as_bytes();
    let s = i;
    let mut i = i + 1;
    let mut value = String::new();
    loop {
        if i >= end {
            return Err(err(s, end - s, "unterminated quoted string"));
        }
        match b[i] {
            b'\\' if i + 1 < end => {
                let ch = text[i + 1..].chars().next().unwrap_or(' ');
                value.push(ch);
                i += 1 + ch.len_utf8();
            }
            b'\n' => return Err(err(s, i - s, "unterminated quoted string")),
            b'"' => {
                i += 1;
                break;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                value.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    Ok((value, i))
}

/// A `'…'` character constant from `i`: the index after it.
fn char_constant(text: &str, i: usize, end: usize) -> Result<usize, TmplError> {
    // One character, or one escape sequence, between quotes.
    let s = i;
    let rest = &text[i + 1..end];
    let mut chars = rest.char_indices();
    let len = match chars.next() {
        Some((_, '\\')) => {
            // `\n`, `\'`, `\x41`, `\u00e9`, `\101`: up to the closing quote.
            match rest[1..].find('\'') {
                Some(q) if q >= 1 => q + 1,
                _ => return Err(err(s, end - s, "unterminated character constant")),
            }
        }
        Some((_, '\'')) | Some((_, '\n')) | None => {
            return Err(err(s, 2, "malformed character constant"))
        }
        Some((_, c)) => c.len_utf8(),
    };
    if !rest[len..].starts_with('\'') {
        return Err(err(s, len + 1, "malformed character constant"));
    }
    Ok(i + 1 + len + 1)
}

/// A number from `i` (with its sign): the index after it.
fn number_token(text: &str, i: usize, end: usize) -> Result<usize, TmplError> {
    let b = text.as_bytes();
    let ident_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let s = i;
    let c = b[i];
    let mut i = i;
    if (c == b'+' || c == b'-')
        && !b
            .get(i + 1)
            .is_some_and(|d| d.is_ascii_digit() || *d == b'.')
    {
        return Err(err(
            i,
            1,
            format!("unrecognized character in action: {:?}", c as char),
        ));
    }
    i = number(b, if c.is_ascii_digit() { i } else { i + 1 }, end);
    if i < end && (ident_char(b[i]) || b[i] == b'.') {
        let mut j = i;
        while j < end && (ident_char(b[j]) || b[j] == b'.') {
            j += 1;
        }
        return Err(err(
            s,
            j - s,
            format!("bad number syntax: {:?}", &text[s..j]),
        ));
    }
    Ok(i)
}

/// The end of a Go number literal starting at `i` (digits, `_`, `.`, exponents, hex).
fn number(b: &[u8], mut i: usize, end: usize) -> usize {
    if b[i] == b'0' && i + 1 < end && matches!(b[i + 1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
        i += 2;
        while i < end && (b[i].is_ascii_hexdigit() || b[i] == b'_') {
            i += 1;
        }
        return i;
    }
    while i < end && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    if i < end && b[i] == b'.' {
        i += 1;
        while i < end && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    if i < end && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < end && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        while i < end && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

/// One `{{ … }}` of the text: where its contents are, and the whole action.
struct Action {
    /// Offsets of the contents (after `{{` and a trim marker).
    start: usize,
    end: usize,
    /// Offset of `{{`.
    open: usize,
    trim_left: bool,
    trim_right: bool,
    comment: bool,
    /// Offset just after `}}`.
    after: usize,
}

/// Splits the text into actions; text between them is literal.
fn actions(text: &str) -> Result<Vec<Action>, TmplError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(rel) = text[pos..].find("{{") {
        let open = pos + rel;
        let mut start = open + 2;
        let trim_left = text[start..].starts_with("- ")
            || text[start..].starts_with("-\t")
            || text[start..].starts_with("-\n")
            || text[start..].starts_with("-\r");
        if trim_left {
            start += 2;
        }
        // A comment runs to `*/` and must touch the closing delimiter.
        let body = text[start..].trim_start_matches([' ', '\t', '\n', '\r']);
        let comment_at = start + (text[start..].len() - body.len());
        if body.starts_with("/*") && (comment_at == start || trim_left) {
            let Some(c) = text[comment_at + 2..].find("*/") else {
                return Err(err(open, text.len() - open, "unclosed comment"));
            };
            let after_comment = comment_at + 2 + c + 2;
            let rest = &text[after_comment..];
            let (trim_right, close) = if rest.starts_with("}}") {
                (false, after_comment)
            } else if let Some(r) = rest
                .strip_prefix(' ')
                .or_else(|| rest.strip_prefix('\t'))
                .filter(|r| r.starts_with("-}}"))
            {
                let _ = r;
                (true, after_comment + 1)
            } else {
                return Err(err(
                    open,
                    after_comment - open,
                    "comment ends before closing delimiter",
                ));
            };
            let after = close + if trim_right { 3 } else { 2 };
            out.push(Action {
                start,
                end: start,
                open,
                trim_left,
                trim_right,
                comment: true,
                after,
            });
            pos = after;
            continue;
        }
        // The closing delimiter, outside quoted strings.
        let b = text.as_bytes();
        let mut i = start;
        let mut close = None;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                b'`' => {
                    i += 1;
                    while i < b.len() && b[i] != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    close = Some(i);
                    break;
                }
                _ => i += 1,
            }
        }
        let Some(close) = close else {
            return Err(err(open, text.len() - open, "unclosed action"));
        };
        let trim_right = close >= start + 2
            && b[close - 1] == b'-'
            && matches!(b[close - 2], b' ' | b'\t' | b'\n' | b'\r');
        let end = if trim_right { close - 1 } else { close };
        out.push(Action {
            start,
            end,
            open,
            trim_left,
            trim_right,
            comment: false,
            after: close + 2,
        });
        pos = close + 2;
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Block {
    If,
    Range,
    With,
    Define,
}

// Long: one match over the kinds of action, around the stack of open blocks they share.
/// Parses `text` as Prometheus parses an alert label or annotation.
pub fn check(text: &str) -> Result<Analysis, TmplError> {
    let acts = actions(text)?;
    let mut analysis = Analysis {
        has_actions: !acts.is_empty(),
        ..Analysis::default()
    };
    let mut vars: Vec<String> = PROM_VARS.iter().map(|v| v.to_string()).collect();
    // Open blocks: kind, offset, the variable count to restore at `end`, and
    // whether an `else` was seen.
    let mut blocks: Vec<(Block, usize, usize, bool, Vec<String>)> = Vec::new();
    for a in &acts {
        if a.comment {
            continue;
        }
        let toks = lex_action(text, a.start, a.end)?;
        if toks.is_empty() {
            return Err(err(a.open, a.after - a.open, "missing value for command"));
        }
        let (first, at) = (&toks[0].0, toks[0].1);
        let keyword = match first {
            Tok::Ident(k) => k.as_str(),
            _ => "",
        };
        match keyword {
            "end" => {
                if toks.len() > 1 {
                    return Err(err(toks[1].1, 1, "unexpected token in {{end}}"));
                }
                let Some((_, _, mark, _, saved)) = blocks.pop() else {
                    return Err(err(at, 3, "unexpected {{end}}"));
                };
                vars.truncate(mark);
                if !saved.is_empty() {
                    vars = saved;
                }
            }
            "else" => {
                let Some(top) = blocks.last_mut() else {
                    return Err(err(at, 4, "unexpected {{else}}"));
                };
                if top.0 == Block::Define {
                    return Err(err(at, 4, "unexpected {{else}}"));
                }
                if top.3 {
                    return Err(err(at, 4, "{{else}} after {{else}}"));
                }
                match toks.get(1).map(|t| &t.0) {
                    None => top.3 = true,
                    // `else if` chain: the same block continues. (`else with`
                    // needs Go 1.23; Prometheus 2.x refuses it.)
                    Some(Tok::Ident(k)) if k == "if" => {
                        pipeline(text, &toks[2..], at, &mut vars, &mut analysis, true)?;
                    }
                    Some(_) => return Err(err(toks[1].1, 1, "unexpected token in {{else}}")),
                }
            }
            "if" | "with" | "range" => {
                let kind = match keyword {
                    "if" => Block::If,
                    "with" => Block::With,
                    _ => Block::Range,
                };
                let mark = vars.len();
                if toks.len() == 1 {
                    return Err(err(
                        at,
                        keyword.len(),
                        format!("missing value for {keyword}"),
                    ));
                }
                pipeline(text, &toks[1..], at, &mut vars, &mut analysis, true)?;
                blocks.push((kind, at, mark, false, Vec::new()));
            }
            "define" | "block" => {
                match toks.get(1).map(|t| &t.0) {
                    Some(Tok::Str(_)) => {}
                    _ => {
                        return Err(err(
                            at,
                            keyword.len(),
                            format!("{keyword} needs a template name in quotes"),
                        ))
                    }
                }
                if keyword == "block" && toks.len() > 2 {
                    pipeline(text, &toks[2..], at, &mut vars, &mut analysis, false)?;
                }
                let saved = std::mem::replace(&mut vars, vec!["$".to_string()]);
                let mark = vars.len();
                blocks.push((Block::Define, at, mark, false, saved));
            }
            "template" => {
                match toks.get(1).map(|t| &t.0) {
                    Some(Tok::Str(_)) => {}
                    _ => return Err(err(at, 8, "template needs a template name in quotes")),
                }
                if toks.len() > 2 {
                    pipeline(text, &toks[2..], at, &mut vars, &mut analysis, false)?;
                }
            }
            "break" | "continue" => {
                if !blocks.iter().any(|b| b.0 == Block::Range) {
                    return Err(err(
                        at,
                        keyword.len(),
                        format!("{{{{{keyword}}}}} outside {{{{range}}}}"),
                    ));
                }
                if toks.len() > 1 {
                    return Err(err(
                        toks[1].1,
                        1,
                        format!("unexpected token in {{{{{keyword}}}}}"),
                    ));
                }
            }
            _ => pipeline(text, &toks, at, &mut vars, &mut analysis, true)?,
        }
    }
    if let Some((kind, at, ..)) = blocks.last() {
        let name = match kind {
            Block::If => "if",
            Block::Range => "range",
            Block::With => "with",
            Block::Define => "define",
        };
        return Err(err(
            *at,
            name.len(),
            format!("{{{{{name}}}}} without {{{{end}}}}"),
        ));
    }
    Ok(analysis)
}

// Long: one pass over a pipeline's tokens; declarations, commands and arguments share the variable scope and the position.
/// A pipeline: optional declaration, then commands separated by `|`.
fn pipeline(
    text: &str,
    toks: &[(Tok, usize)],
    at: usize,
    vars: &mut Vec<String>,
    analysis: &mut Analysis,
    decl_ok: bool,
) -> Result<(), TmplError> {
    let mut toks = toks;
    // `$x := …`, `$x = …`, `$i, $e := …`.
    let mut declared = Vec::new();
    let decl_end = toks
        .iter()
        .position(|(t, _)| matches!(t, Tok::Declare | Tok::Assign));
    if let Some(d) = decl_end {
        let lhs = &toks[..d];
        let ok = !lhs.is_empty()
            && lhs.iter().enumerate().all(|(i, (t, _))| {
                if i % 2 == 0 {
                    matches!(t, Tok::Var(_, f) if f.is_empty())
                } else {
                    matches!(t, Tok::Comma)
                }
            })
            && lhs.len() % 2 == 1
            && lhs.len() <= 3;
        if !ok || !decl_ok {
            return Err(err(toks[d].1, 2, "unexpected declaration"));
        }
        for (t, _) in lhs {
            if let Tok::Var(name, _) = t {
                declared.push(name.clone());
            }
        }
        toks = &toks[d + 1..];
    }
    if toks.is_empty() {
        return Err(err(at, 1, "missing value for command"));
    }
    let mut depth = 0usize;
    let mut command_start = true;
    // Stages after the first receive the previous value: they must be
    // executable (a function, a method or field, a variable), not a constant.
    let mut stage_start = false;
    for (i, (t, off)) in toks.iter().enumerate() {
        if stage_start && depth == 0 {
            let constant = matches!(t, Tok::Str(_) | Tok::Num | Tok::Char)
                || matches!(t, Tok::Ident(n) if matches!(n.as_str(), "true" | "false" | "nil"));
            if constant {
                return Err(err(*off, 1, "non executable command in pipeline stage"));
            }
        }
        stage_start = matches!(t, Tok::Pipe);
        match t {
            Tok::Pipe => {
                if command_start {
                    return Err(err(*off, 1, "missing value for command"));
                }
                command_start = true;
                continue;
            }
            Tok::LParen => {
                depth += 1;
                command_start = true;
                continue;
            }
            Tok::RParen => {
                if depth == 0 {
                    return Err(err(*off, 1, "unexpected right paren"));
                }
                // `( … | )` ends like `{{ … | }}`: Go accepts a trailing `|`.
                if command_start && !matches!(toks[i - 1].0, Tok::Pipe) {
                    return Err(err(*off, 1, "missing value for command"));
                }
                depth -= 1;
                command_start = false;
                continue;
            }
            Tok::Comma | Tok::Declare | Tok::Assign => {
                return Err(err(*off, 1, "unexpected token in command"));
            }
            Tok::Ident(name) => match name.as_str() {
                "true" | "false" | "nil" => {}
                n if GO_FUNCS.contains(&n) || PROM_FUNCS.contains(&n) => {
                    // `index $labels "x"` reads label x.
                    if n == "index" {
                        if let (Some((Tok::Var(v, f), _)), Some((Tok::Str(s), soff))) =
                            (toks.get(i + 1), toks.get(i + 2))
                        {
                            if v == "$labels" && f.is_empty() {
                                analysis.labels.push((s.clone(), *soff));
                            }
                        }
                    }
                }
                "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                | "break" | "continue" => {
                    return Err(err(
                        *off,
                        name.len(),
                        format!("unexpected {{{{{name}}}}} in command"),
                    ));
                }
                _ => {
                    return Err(err(
                        *off,
                        name.len(),
                        format!("function {name:?} not defined"),
                    ));
                }
            },
            Tok::Var(name, fields) => {
                if !vars.contains(name) && !declared.contains(name) {
                    return Err(err(
                        *off,
                        name.len(),
                        format!("undefined variable {name:?}"),
                    ));
                }
                if name == "$labels" {
                    if let Some(f) = fields.first() {
                        analysis.labels.push((f.clone(), off + name.len() + 1));
                    }
                }
            }
            Tok::Field(f) => {
                if let Some(rest) = f.strip_prefix(".Labels.") {
                    let label = rest.split('.').next().unwrap_or(rest);
                    analysis.labels.push((label.to_string(), off + 8));
                }
            }
            Tok::Str(_) | Tok::Num | Tok::Char => {}
        }
        command_start = false;
    }
    if depth > 0 {
        return Err(err(at, 1, "unclosed left paren"));
    }
    if command_start && !matches!(toks.last(), Some((Tok::Pipe, _))) {
        return Err(err(
            toks.last().map_or(at, |t| t.1),
            1,
            "missing value for command",
        ));
    }
    let _ = text;
    vars.extend(declared);
    Ok(())
}

/// A template that expands to exactly `text`: every `{{` becomes an action
/// printing it. Plain text (team names, SLO descriptions) goes through this
/// before Prometheus reads it as a template.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text.contains("{{") {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("{{", "{{`{{`}}"))
}

/// Expands `text` where that needs no running Prometheus: literal text, label
/// references (`$labels.x`, `.Labels.x`; a missing label expands to nothing),
/// comments and trim markers. `None` when the text does more (functions,
/// `$value`, control structures) or is not a valid template.
pub fn expand(text: &str, labels: &[(String, String)]) -> Option<String> {
    check(text).ok()?;
    let acts = actions(text).ok()?;
    let mut out = String::new();
    let mut pos = 0;
    let label = |name: &str| {
        labels
            .iter()
            .find(|(k, _)| k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    for a in &acts {
        let mut lit = &text[pos..a.open];
        if a.trim_left {
            lit = lit.trim_end_matches([' ', '\t', '\n', '\r']);
        }
        out.push_str(lit);
        if !a.comment {
            let toks = lex_action(text, a.start, a.end).ok()?;
            match toks.as_slice() {
                [(Tok::Var(v, f), _)] if v == "$labels" && f.len() == 1 => {
                    out.push_str(&label(&f[0]))
                }
                [(Tok::Field(f), _)]
                    if f.starts_with(".Labels.") && f[8..].split('.').count() == 1 =>
                {
                    out.push_str(&label(&f[8..]))
                }
                [(Tok::Str(s), _)] => out.push_str(s),
                _ => return None,
            }
        }
        pos = a.after;
        if a.trim_right {
            let rest = &text[pos..];
            pos += rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
        }
    }
    out.push_str(&text[pos..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(t: &str) -> String {
        check(t).unwrap_err().message
    }

    #[test]
    fn valid_templates() {
        for t in [
            "plain text",
            "{{ $value }}",
            "{{ $value | humanizePercentage }} of {{ $labels.route }} fail",
            "{{ .Labels.instance }} is {{ .Value | printf \"%.2f\" }}",
            "{{- if gt $value 0.5 -}} high {{- else if gt $value 0.1 }} mid {{ else }} low {{ end -}}",
            "{{ range $i, $s := query \"up\" }}{{ $s.Labels.job }}{{ end }}",
            "{{ with $x := $labels.job }}{{ $x }}{{ end }}",
            "{{/* a comment */}}x",
            "{{- /* trimmed */ -}}",
            "{{ index $labels \"a-b\" }}",
            "{{ $externalLabels.cluster }} {{ $externalURL }}",
            "{{ `raw {{ }}` }}",
            "{{ humanizeDuration 3.5e2 }} {{ -1 }} {{ 0x1F }}",
            "{{ (query \"up\" | first | value) }}",
            "{{ range query \"up\" }}{{ if eq .Value 0.0 }}{{ break }}{{ end }}{{ end }}",
            "a }} b",
        ] {
            assert!(check(t).is_ok(), "{t}: {:?}", check(t));
        }
    }

    #[test]
    fn invalid_templates() {
        assert!(e("{{ 7*191 }}").contains("'*'"));
        assert_eq!(
            e("{{ $value | nosuchfunc }}"),
            "function \"nosuchfunc\" not defined"
        );
        assert_eq!(e("{{ $foo }}"), "undefined variable \"$foo\"");
        assert_eq!(e("{{ if $value }}x"), "{{if}} without {{end}}");
        assert_eq!(e("x {{ end }}"), "unexpected {{end}}");
        assert_eq!(e("{{ $value "), "unclosed action");
        assert_eq!(e("{{ }}"), "missing value for command");
        assert_eq!(e("{{ \"abc }}"), "unclosed action");
        assert_eq!(e("{{ $value | | x }}"), "missing value for command");
        assert_eq!(e("{{ break }}"), "{{break}} outside {{range}}");
        assert_eq!(e("{{ ( $value }}"), "unclosed left paren");
        assert!(check("{{ 12abc }}").is_err());
        let at = check("ok {{ $labels.x | nope }}").unwrap_err();
        assert_eq!((at.offset, at.len), (18, 4));
    }

    #[test]
    fn labels_read() {
        let a =
            check("{{ $labels.route }} {{ .Labels.code }} {{ index $labels \"zone\" }}").unwrap();
        let names: Vec<&str> = a.labels.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["route", "code", "zone"]);
        assert_eq!(a.labels[0].1, 11);
    }

    #[test]
    fn escaping_and_expansion() {
        let labels = vec![("team".to_string(), "pay".to_string())];
        for plain in ["a {{ b }} c", "{{{{", "}} {{", "{{ $labels.team }}", "x{{"] {
            let t = escape_text(plain);
            assert!(check(&t).is_ok(), "{t}");
            assert_eq!(expand(&t, &labels).as_deref(), Some(plain), "{t}");
        }
        assert_eq!(
            expand("team {{ $labels.team }}!", &labels).as_deref(),
            Some("team pay!")
        );
        assert_eq!(
            expand("a  {{- .Labels.team -}}  b", &labels).as_deref(),
            Some("apayb")
        );
        assert_eq!(expand("{{ $labels.nope }}", &labels).as_deref(), Some(""));
        assert_eq!(expand("{{ $value }}", &labels), None);
    }
}
