//! A located YAML tree built from `saphyr-parser` events, with limits that make
//! hostile input (alias bombs, deep nesting, huge files) end quickly with an
//! error instead of a hang.
//!
//! Mappings keep every entry in source order, duplicate keys included, so that
//! the loader can report duplicates pointing at both places.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use crate::catalog::spec;
use crate::catalog::Rule;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// Limits on one file.
///
/// Plain nodes are bounded by the file size alone (a 64 MiB spec holds about a
/// million metrics' worth of nodes); what aliases add is bounded separately, so
/// that a large legitimate spec loads and an alias bomb (a few lines that expand
/// to billions of nodes) ends at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of the file in bytes.
    pub max_bytes: usize,
    /// Nesting depth of collections.
    pub max_depth: usize,
    /// Nodes that alias expansion may add, over the whole file.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 1_000_000,
        }
    }
}

pub const CODE_SYNTAX: &str = "OBS001";
pub const CODE_LIMIT: &str = "OBS006";

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar; `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        value: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// Total number of nodes in this subtree (itself included).
    weight: usize,
}

impl Node {
    /// The node's kind, for messages: "a mapping", "a list", "a string"...
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar { .. } if self.is_null() => "an empty value",
            NodeKind::Scalar { value, plain: true } if value.parse::<f64>().is_ok() => "a number",
            NodeKind::Scalar { value, plain: true }
                if matches!(value.as_str(), "true" | "false") =>
            {
                "a boolean"
            }
            NodeKind::Scalar { .. } => "a string",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, plain: true }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar's text, for any scalar that is not null.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } if !self.is_null() => Some(value),
            _ => None,
        }
    }

    /// Whether the scalar was quoted (its text then starts one column later).
    pub fn is_quoted(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { plain: false, .. })
    }

    /// The span of characters `offset..offset+len` inside a single-line scalar.
    pub fn sub_span(&self, offset: usize, len: usize) -> Span {
        let shift = usize::from(self.is_quoted() && self.span.line == self.span.end_line);
        self.span.sub(offset + shift, len)
    }
}

/// Parses one YAML document into a located tree. An empty file yields `Ok(None)`.
pub fn parse(file: FileId, text: &str, limits: Limits) -> Result<Option<Node>, Diagnostic> {
    parse_documents(file, text, limits, false).map(|mut docs| docs.pop())
}

/// Parses every document of a YAML stream (`---`-separated), with the same limits
/// applied to the stream as a whole.
pub fn parse_all(file: FileId, text: &str, limits: Limits) -> Result<Vec<Node>, Diagnostic> {
    parse_documents(file, text, limits, true)
}

fn parse_documents(
    file: FileId,
    text: &str,
    limits: Limits,
    many: bool,
) -> Result<Vec<Node>, Diagnostic> {
    if text.len() > limits.max_bytes {
        return Err(Diagnostic::error(
            CODE_LIMIT,
            Span::point(file, 1, 1),
            format!(
                "file is larger than the limit of {} bytes",
                limits.max_bytes
            ),
        )
        .help("a spec file describes one service; split large specs into several files"));
    }
    let mut b = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        roots: Vec::new(),
        documents: 0,
        many,
    };
    for ev in Parser::new_from_str(text) {
        match ev {
            Ok((event, span)) => {
                let done = b.event(event, span.start, span.end)?;
                if done {
                    break;
                }
            }
            Err(e) => {
                let m = e.marker();
                return Err(Diagnostic::error(
                    CODE_SYNTAX,
                    pos(file, m, m),
                    format!("YAML syntax error: {}", e.info()),
                )
                .help("fix the YAML syntax; quote strings that contain `: `, `#`, `{` or `[`"));
            }
        }
    }
    Ok(b.roots)
}

fn pos(file: FileId, start: &Marker, end: &Marker) -> Span {
    let line = start.line().max(1) as u32;
    let col = start.col() as u32 + 1;
    let (end_line, mut end_col) = (end.line().max(1) as u32, end.col() as u32 + 1);
    if end_line == line && end_col <= col {
        end_col = col + 1;
    }
    Span {
        file,
        line,
        col,
        end_line,
        end_col,
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Marker,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Marker,
        anchor: usize,
    },
}

struct Builder {
    file: FileId,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    roots: Vec<Node>,
    documents: usize,
    many: bool,
}

impl Builder {
    /// Handles one event; returns true when parsing should stop.
    fn event(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<bool, Diagnostic> {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 && !self.many {
                    return Err(Diagnostic::error(
                        CODE_SYNTAX,
                        pos(self.file, &start, &end),
                        "a spec file holds one YAML document, this is a second one",
                    )
                    .help("put each service in its own file"));
                }
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(Diagnostic::error(
                        CODE_SYNTAX,
                        pos(self.file, &start, &end),
                        "alias refers to an unknown anchor",
                    ));
                };
                let weight = target.weight;
                self.count_alias(weight, &start, &end)?;
                let mut node = self.anchors[&id].clone();
                node.span = pos(self.file, &start, &end);
                self.push(node)?;
            }
            Event::Scalar(value, style, anchor, _tag) => {
                let node = Node {
                    kind: NodeKind::Scalar {
                        value: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    span: pos(self.file, &start, &end),
                    weight: 1,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(&start, &end)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start,
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                self.open(&start, &end)?;
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    start,
                    anchor,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self.stack.pop().expect("parser balances collections");
                let (kind, fstart, anchor) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                    } => (NodeKind::Seq(items), start, anchor),
                    Frame::Map {
                        entries,
                        start,
                        anchor,
                        ..
                    } => (NodeKind::Map(entries), start, anchor),
                };
                let weight = 1 + match &kind {
                    NodeKind::Seq(items) => items.iter().map(|n| n.weight).sum::<usize>(),
                    NodeKind::Map(e) => e.iter().map(|(k, v)| k.weight + v.weight).sum(),
                    NodeKind::Scalar { .. } => 0,
                };
                let mut span = pos(self.file, &fstart, &end);
                if span.end_line > span.line {
                    // Block collections end at the start of the next token: keep the first line.
                    span.end_line = span.line;
                    span.end_col = span.col + 1;
                }
                let node = Node { kind, span, weight };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)?;
            }
        }
        Ok(false)
    }

    fn open(&mut self, start: &Marker, end: &Marker) -> Result<(), Diagnostic> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Diagnostic::error(
                CODE_LIMIT,
                pos(self.file, start, end),
                format!(
                    "YAML nesting is deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
            )
            .help("specs nest a few levels; this input is not a spec"));
        }
        Ok(())
    }

    /// Counts the `n` nodes an alias adds, against the alias limit.
    fn count_alias(&mut self, n: usize, start: &Marker, end: &Marker) -> Result<(), Diagnostic> {
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(Diagnostic::error(
                CODE_LIMIT,
                pos(self.file, start, end),
                format!(
                    "aliases expand the document by more than {} nodes (an alias bomb?)",
                    self.limits.max_alias_nodes
                ),
            )
            .help("anchors and aliases may be used for reuse, but not to multiply the document"));
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => self.roots.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if !matches!(node.kind, NodeKind::Scalar { .. }) {
                        return Err(Diagnostic::error(
                            CODE_SYNTAX,
                            node.span,
                            format!("mapping keys must be strings, found {}", node.describe()),
                        ));
                    }
                    *key = Some(node);
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS001",
        title: "YAML syntax error",
        severity: "error",
        explanation: "The file is not valid YAML (or not UTF-8, or holds more than one document). The finding points at the place the parser stopped. Common causes: a tab used for indentation, an unclosed `[` or `{`, or an unquoted string containing `: ` or ` #`.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "   help: Orders placed. # <- OBS001"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS006",
        title: "input limit exceeded",
        severity: "error",
        explanation: "The file is larger than 64 MiB, nests more than 64 levels, or its anchors and aliases add more than 1,000,000 nodes (an \"alias bomb\"). obspec stops reading it at once rather than hang or exhaust memory. The size of a spec written out in full is bounded by the file size alone: a service with 100,000 metrics loads. Anchors and aliases are fine for reuse; multiplying a document is not.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "x0: &a [x, x, x, x, x, x, x, x, x, x]\n",
            "x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            "x2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            "x3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "x4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "x5: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e] # <- OBS006\n",
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  status: &outcome {values: [ok, failed]}"
            "  refund_status: *outcome"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}"
            "  shop_refunds_total: {type: counter, help: Refunds., labels: [refund_status]}"
        ))],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Option<Node>, Diagnostic> {
        parse(FileId(0), s, Limits::default())
    }

    #[test]
    fn locations() {
        let n = p("a: 1\nb:\n  - x\n  - 'y'\n").unwrap().unwrap();
        let NodeKind::Map(e) = &n.kind else { panic!() };
        assert_eq!(e[0].0.as_scalar(), Some("a"));
        assert_eq!((e[0].1.span.line, e[0].1.span.col), (1, 4));
        let NodeKind::Seq(items) = &e[1].1.kind else {
            panic!()
        };
        assert_eq!((items[1].span.line, items[1].span.col), (4, 5));
        assert!(items[1].is_quoted());
        assert_eq!(items[1].sub_span(0, 1).col, 6);
    }

    #[test]
    fn syntax_error_located() {
        let e = p("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(e.code, CODE_SYNTAX);
        assert!(e.span.unwrap().line >= 2);
    }

    #[test]
    fn alias_bomb_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = p(&s).unwrap_err();
        assert_eq!(e.code, CODE_LIMIT);
    }

    #[test]
    fn deep_nesting_refused() {
        let s = "[".repeat(100_000);
        let e = p(&s).unwrap_err();
        assert!(e.code == CODE_LIMIT || e.code == CODE_SYNTAX);
        let s = (0..200)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>();
        assert_eq!(p(&s).unwrap_err().code, CODE_LIMIT);
    }

    #[test]
    fn duplicate_keys_kept_and_empty_file() {
        let n = p("a: 1\na: 2\n").unwrap().unwrap();
        let NodeKind::Map(e) = &n.kind else { panic!() };
        assert_eq!(e.len(), 2);
        assert!(p("").unwrap().is_none());
        assert!(p("# only a comment\n").unwrap().is_none());
        assert_eq!(p("a: 1\n---\nb: 2\n").unwrap_err().code, CODE_SYNTAX);
    }
}
