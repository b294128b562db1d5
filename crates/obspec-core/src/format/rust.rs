//! Rust laid out the way `rustfmt` (default configuration, edition 2021) lays
//! it out, for the few shapes generated code uses, so the output needs no
//! formatter and `rustfmt --check` leaves it unchanged.
//!
//! A [`Doc`] is an atom (text never broken) or a delimited list (call
//! arguments, array, tuple, struct literal, fn parameters, generic
//! arguments). Laying one out follows rustfmt's rules: a list stays on one
//! line when the whole line fits in [`MAX_WIDTH`] and its items fit the
//! width heuristic of its kind (`fn_call_width`, `array_width`,
//! `struct_lit_width`); a call with a single delimited argument lets that
//! argument overflow (`Ok(Self {` … `})`); a broken list of short simple
//! items (literals, single identifiers, up to
//! `short_array_element_width_threshold`) is filled line by line; any other
//! broken list has one item per line with a trailing comma. An assignment
//! moves its right-hand side to the next line when that keeps it on one
//! line, and a match arm whose body does not fit becomes a block.
//!
//! The test `generated_rust_is_rustfmt_stable` runs the real `rustfmt` over
//! generated files of many shapes; a rule missing here shows up there.

/// `max_width`.
pub const MAX_WIDTH: usize = 100;
/// `fn_call_width`: the arguments of a call, the fields of a tuple.
const FN_CALL_WIDTH: usize = 60;
/// `array_width`.
const ARRAY_WIDTH: usize = 60;
/// `struct_lit_width`.
const STRUCT_LIT_WIDTH: usize = 18;
/// `short_array_element_width_threshold`.
const SHORT_ITEM: usize = 10;
const INDENT: usize = 4;

/// What a list is, for its width heuristic and its delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `head(a, b)`.
    Call,
    /// `head[a, b]` (`head` is empty or `&`).
    Array,
    /// `(a, b)`, `(a,)`.
    Tuple,
    /// `head { a, b }`.
    Struct,
    /// `fn name(a: A, b: B)`.
    Params,
    /// `Type<A, B>`.
    Generics,
}

impl Kind {
    fn delims(self) -> (&'static str, &'static str) {
        match self {
            Kind::Call | Kind::Tuple | Kind::Params => ("(", ")"),
            Kind::Array => ("[", "]"),
            Kind::Struct => (" {", "}"),
            Kind::Generics => ("<", ">"),
        }
    }

    fn limit(self) -> usize {
        match self {
            Kind::Call | Kind::Tuple => FN_CALL_WIDTH,
            Kind::Array => ARRAY_WIDTH,
            Kind::Struct => STRUCT_LIT_WIDTH,
            Kind::Params | Kind::Generics => MAX_WIDTH,
        }
    }
}

/// A piece of Rust to lay out.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc {
    Atom(String),
    /// A field of a struct literal, `name: value`.
    Field(String, Box<Doc>),
    List {
        /// What comes before the opening delimiter: the callee, the struct
        /// path, `&` for a borrowed array.
        head: String,
        kind: Kind,
        items: Vec<Doc>,
        /// What follows the closing delimiter and belongs to the expression
        /// (`?`).
        after: String,
    },
}

/// An atom.
pub fn atom(s: impl Into<String>) -> Doc {
    Doc::Atom(s.into())
}

/// A struct literal field `name: value`.
pub fn field_init(name: impl Into<String>, value: impl Into<Doc>) -> Doc {
    Doc::Field(name.into(), Box::new(value.into()))
}

/// A list of atoms.
pub fn list<I, S>(head: impl Into<String>, kind: Kind, items: I) -> Doc
where
    I: IntoIterator<Item = S>,
    S: Into<Doc>,
{
    Doc::List {
        head: head.into(),
        kind,
        items: items.into_iter().map(Into::into).collect(),
        after: String::new(),
    }
}

impl From<String> for Doc {
    fn from(s: String) -> Doc {
        Doc::Atom(s)
    }
}

impl From<&str> for Doc {
    fn from(s: &str) -> Doc {
        Doc::Atom(s.to_string())
    }
}

impl Doc {
    /// The same expression followed by `s` (`?`).
    pub fn then(self, s: &str) -> Doc {
        match self {
            Doc::Atom(a) => Doc::Atom(a + s),
            Doc::Field(n, v) => Doc::Field(n, Box::new(v.then(s))),
            Doc::List {
                head,
                kind,
                items,
                after,
            } => Doc::List {
                head,
                kind,
                items,
                after: after + s,
            },
        }
    }

    /// The text on one line.
    pub fn flat(&self) -> String {
        let mut s = String::new();
        self.write_flat(&mut s);
        s
    }

    /// The width of [`Doc::flat`], without building it.
    pub fn flat_len(&self) -> usize {
        match self {
            Doc::Atom(a) => a.len(),
            Doc::Field(n, v) => n.len() + 2 + v.flat_len(),
            Doc::List {
                head,
                kind,
                items,
                after,
            } => {
                let (open, close) = kind.delims();
                let mut n = head.len() + open.len() + close.len() + after.len();
                n += items_width(items);
                if *kind == Kind::Struct && !items.is_empty() {
                    n += 2;
                }
                if *kind == Kind::Tuple && items.len() == 1 {
                    n += 1;
                }
                n
            }
        }
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Doc::Atom(a) => out.push_str(a),
            Doc::Field(n, v) => {
                out.push_str(n);
                out.push_str(": ");
                v.write_flat(out);
            }
            Doc::List {
                head,
                kind,
                items,
                after,
            } => {
                let (open, close) = kind.delims();
                out.push_str(head);
                out.push_str(open);
                if *kind == Kind::Struct && !items.is_empty() {
                    out.push(' ');
                }
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    it.write_flat(out);
                }
                if *kind == Kind::Tuple && items.len() == 1 {
                    out.push(',');
                }
                if *kind == Kind::Struct && !items.is_empty() {
                    out.push(' ');
                }
                out.push_str(close);
                out.push_str(after);
            }
        }
    }

    /// Whether every list inside keeps to its width heuristic on one line.
    fn flat_within_limits(&self) -> bool {
        match self {
            Doc::Atom(a) => !a.contains('\n'),
            Doc::Field(_, v) => v.flat_within_limits(),
            Doc::List { kind, items, .. } => {
                // A single argument is exempt from the width heuristic, unless
                // it is a call itself (rustfmt keeps nested calls narrow).
                let exempt = items.len() == 1
                    && *kind != Kind::Struct
                    && !matches!(
                        items[0],
                        Doc::List {
                            kind: Kind::Call,
                            ..
                        }
                    );
                (exempt || items_width(items) <= kind.limit())
                    && items.iter().all(Doc::flat_within_limits)
            }
        }
    }

    /// Laid out starting at column `col` of a line indented by `indent`,
    /// with `tail` more characters after it on its last line.
    pub fn layout(&self, indent: usize, col: usize, tail: usize) -> String {
        let mut out = String::with_capacity(self.flat_len() + 16);
        self.write(&mut out, indent, col, tail, usize::MAX);
        out
    }

    /// Appends the layout to `out`, kept on one line only if that line is at
    /// most `max_flat` wide.
    fn write(&self, out: &mut String, indent: usize, col: usize, tail: usize, max_flat: usize) {
        let width = self.flat_len();
        if col + width + tail <= MAX_WIDTH && width <= max_flat && self.flat_within_limits() {
            return self.write_flat(out);
        }
        let (head, kind, items, after) = match self {
            Doc::Atom(a) => return out.push_str(a),
            Doc::Field(name, value) => {
                // On the same line if it can be laid out there at all,
                // otherwise on the next line, one level deeper.
                let start = out.len();
                out.push_str(name);
                out.push_str(": ");
                let at = out.len();
                value.write(out, indent, col + name.len() + 2, tail, usize::MAX);
                let written = &out[at..];
                let (first, multi) = match written.find('\n') {
                    Some(n) => (n, true),
                    None => (written.len(), false),
                };
                if col + name.len() + 2 + first + if multi { 0 } else { tail } <= MAX_WIDTH {
                    return;
                }
                out.truncate(start);
                let next = indent + INDENT;
                out.push_str(name);
                out.push_str(":\n");
                pad(out, next);
                return value.write(out, next, next, tail, usize::MAX);
            }
            Doc::List {
                head,
                kind,
                items,
                after,
            } => (head, kind, items, after),
        };
        if items.is_empty() {
            return self.write_flat(out);
        }
        let (open, close) = kind.delims();
        out.push_str(head);
        out.push_str(open);
        // The only argument of a call (or item of an array), itself
        // delimited, overflows.
        if matches!(kind, Kind::Call | Kind::Array) && items.len() == 1 && overflows(&items[0]) {
            // A nested call gets no more than the width heuristic.
            let max_flat = match items[0] {
                Doc::List {
                    kind: Kind::Call, ..
                } => kind.limit(),
                _ => usize::MAX,
            };
            let col = col + head.len() + open.len();
            items[0].write(out, indent, col, close.len() + after.len() + tail, max_flat);
            out.push_str(close);
            out.push_str(after);
            return;
        }
        let inner = indent + INDENT;
        if matches!(kind, Kind::Call | Kind::Array)
            && items
                .iter()
                .all(|i| matches!(i, Doc::Atom(a) if a.len() <= SHORT_ITEM && simple(a)))
        {
            // Mixed: as many items per line as fit, each followed by `,`;
            // lines end one short of the margin, unless all items fit on one.
            let one_line = items.iter().map(|a| a.flat_len() + 2).sum::<usize>() - 1;
            let max = if inner + one_line <= MAX_WIDTH {
                MAX_WIDTH
            } else {
                MAX_WIDTH - 1
            };
            let mut line = 0;
            for it in items {
                let Doc::Atom(a) = it else {
                    unreachable!("mixed lists hold atoms")
                };
                if line > 0 && inner + line + 1 + a.len() + 1 > max {
                    line = 0;
                }
                if line == 0 {
                    out.push('\n');
                    pad(out, inner);
                } else {
                    out.push(' ');
                    line += 1;
                }
                out.push_str(a);
                out.push(',');
                line += a.len() + 1;
            }
        } else {
            for it in items {
                out.push('\n');
                pad(out, inner);
                it.write(out, inner, inner, 1, usize::MAX);
                out.push(',');
            }
        }
        out.push('\n');
        pad(out, indent);
        out.push_str(close);
        out.push_str(after);
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn items_width(items: &[Doc]) -> usize {
    items.iter().map(Doc::flat_len).sum::<usize>() + 2 * items.len().saturating_sub(1)
}

/// A delimited expression a single-argument call lets overflow.
fn overflows(d: &Doc) -> bool {
    matches!(
        d,
        Doc::List {
            kind: Kind::Array | Kind::Struct | Kind::Call | Kind::Tuple,
            ..
        }
    )
}

/// rustfmt's simple expression: a literal, a one-segment path, or `&`/`-` of one.
fn simple(a: &str) -> bool {
    let a = a.trim_start_matches(['&', '-']);
    if a.len() >= 2 && a.starts_with('"') && a.ends_with('"') {
        return true;
    }
    let mut chars = a.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+')),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

/// `lhs = rhs` followed by `term` (`;`, `,`), at `indent`.
pub fn assign(indent: usize, lhs: &str, rhs: &Doc, term: &str) -> String {
    bind(indent, &format!("{lhs} ="), rhs, term)
}

/// A struct field `name: Type` followed by `term`, at `indent`.
pub fn field(indent: usize, name: &str, ty: &Doc, term: &str) -> String {
    bind(indent, &format!("{name}:"), ty, term)
}

/// `head rhs` (`head` ends with `=` or `:`), the right-hand side on the same
/// line or, where rustfmt prefers it, on the next line one level deeper.
fn bind(indent: usize, head: &str, rhs: &Doc, term: &str) -> String {
    let col = indent + head.len() + 1;
    let orig = rhs.layout(indent, col, term.len());
    let fits_same = !orig.contains('\n') && col + orig.len() + term.len() <= MAX_WIDTH;
    if fits_same {
        return format!("{head} {orig}{term}");
    }
    let next = indent + INDENT;
    // A struct literal too wide for one line is broken the same way on the
    // next line, one level deeper, so never in fewer lines: it stays.
    if let Doc::List {
        kind: Kind::Struct,
        items,
        ..
    } = rhs
    {
        if items_width(items) > STRUCT_LIT_WIDTH {
            return format!("{head} {orig}{term}");
        }
    }
    let new = rhs.layout(next, next, term.len());
    let new_fits = new.lines().enumerate().all(|(i, l)| {
        let w = if i == 0 { next + l.len() } else { l.len() };
        w + term.len() <= MAX_WIDTH
    });
    let orig_first = orig.lines().next().unwrap_or("");
    let new_first = new.lines().next().unwrap_or("");
    let prefer_next = new_fits
        && (!new.contains('\n')
            || orig.matches('\n').count() > new.matches('\n').count() + 1
            || ['(', '{', '[']
                .iter()
                .any(|&c| orig_first.ends_with(c) && !new_first.ends_with(c)));
    if prefer_next {
        format!("{head}\n{}{new}{term}", " ".repeat(next))
    } else {
        format!("{head} {orig}{term}")
    }
}

/// `impl Trait for Type {`, with `for Type` on its own line when the header
/// does not fit.
pub fn impl_header(tr: &str, ty: &str) -> String {
    let one = format!("impl {tr} for {ty} {{");
    if one.len() <= MAX_WIDTH {
        one
    } else {
        format!("impl {tr}\n    for {ty}\n{{")
    }
}

/// A match arm `pat => body,` at `indent`; a body that does not fit goes into a block.
pub fn arm(indent: usize, pat: &str, body: &str) -> String {
    // `pat => body,`
    let width = indent + pat.len() + " => ".len() + body.len() + ",".len();
    if width <= MAX_WIDTH {
        format!("{pat} => {body},")
    } else {
        let pad = " ".repeat(indent);
        format!("{pat} => {{\n{pad}    {body}\n{pad}}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_stay_on_one_line_and_long_ones_break() {
        let d = list("", Kind::Array, ["Self::A", "Self::B"]);
        assert_eq!(
            assign(4, "pub const ALL: [Self; 2]", &d, ";"),
            "pub const ALL: [Self; 2] = [Self::A, Self::B];"
        );
        let long: Vec<String> = (0..8).map(|i| format!("Self::Variant{i}")).collect();
        let d = list("", Kind::Array, long);
        let s = assign(4, "pub const ALL: [Self; 8]", &d, ";");
        assert!(
            s.starts_with("pub const ALL: [Self; 8] = [\n        Self::Variant0,\n"),
            "{s}"
        );
        assert!(s.ends_with("        Self::Variant7,\n    ];"), "{s}");
    }

    #[test]
    fn short_simple_items_fill_lines() {
        let b: Vec<String> = (0..30).map(|i| format!("0.{i:03}")).collect();
        let s = list("&", Kind::Array, b).layout(8, 20, 1);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "&[");
        assert!(lines[1].starts_with("            0.000, 0.001,"), "{s}");
        assert!(lines.len() < 30, "{s}");
        assert_eq!(*lines.last().unwrap(), "        ]");
    }

    #[test]
    fn single_delimited_argument_overflows() {
        let st = list("Self", Kind::Struct, ["a", "b_long_field_name", "c"]);
        let d = list("::core::result::Result::Ok", Kind::Call, [st]);
        assert_eq!(
            d.layout(8, 8, 0),
            "::core::result::Result::Ok(Self {\n            a,\n            b_long_field_name,\n            c,\n        })"
        );
    }

    #[test]
    fn rhs_moves_to_the_next_line_when_that_keeps_it_whole() {
        let rhs = list("::obspec::register", Kind::Call, ["registry", "&opts"]).then("?");
        let s = assign(
            8,
            "let a_very_long_binding_name_that_takes_up_most_of_the_line_x",
            &rhs,
            ";",
        );
        assert_eq!(s, "let a_very_long_binding_name_that_takes_up_most_of_the_line_x =\n            ::obspec::register(registry, &opts)?;");
        assert_eq!(arm(12, "Self::A", "\"a\""), "Self::A => \"a\",");
        assert!(
            simple("\"x\"")
                && simple("0.5")
                && simple("abc")
                && !simple("Self::A")
                && !simple("a.b()")
        );
    }
}
