//! The conventions of the tree, checked over source text:
//!
//! - **layers**: inside `obspec-core`, a module may use its own layer and
//!   the ones below it (`format` < `expr` < `slo` < `lint` < `targets` <
//!   `ops`), never one above;
//! - **no module cycles** in any crate: between two sibling modules, uses go
//!   one way only (a module using its own ancestors is containment, not a
//!   cycle);
//! - **functions of one screen**: no production function over
//!   [`MAX_FN_LINES`] lines;
//! - **self-contained packages**: `include!`/`include_str!`/`include_bytes!`
//!   never reach outside the package.
//!
//! Test code (`#[cfg(test)]` items and the files of test-only modules) is
//! left out: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::lex::{lex, Kind, Token};

/// The layers of `obspec-core`, bottom first.
pub const CORE_LAYERS: &[&str] = &["format", "expr", "slo", "lint", "targets", "ops"];

/// The longest production function allowed.
pub const MAX_FN_LINES: usize = 150;

/// Longer than this, a function says why beside it: a `// Long: …` comment
/// among the lines just above it (with its doc comment and attributes).
pub const PLAIN_FN_LINES: usize = 120;

/// Whether the lines just above line `line` (from 1) of `text` hold a
/// `// Long:` reason, before a blank line or the end of another item.
fn has_reason(text: &str, line: usize) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = line.saturating_sub(1);
    while i > 0 {
        i -= 1;
        let l = lines.get(i).map_or("", |l| l.trim());
        if l.is_empty() || l.ends_with('}') || l.ends_with(';') {
            return false;
        }
        if l.to_ascii_lowercase().starts_with("// long:") {
            return true;
        }
    }
    false
}

/// One source file of a crate.
pub struct File {
    /// Relative to the crate's `src/`, `/`-separated.
    pub rel: String,
    pub text: String,
}

/// What breaks a convention, located.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// A function's length, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnLength {
    pub file: String,
    pub line: usize,
    pub name: String,
    pub lines: usize,
}

/// The module path of a file: `lib.rs` → ``, `a/mod.rs` → `a`, `a/b.rs` → `a::b`.
pub fn module_of(rel: &str) -> String {
    let rel = rel.trim_end_matches(".rs");
    let parts: Vec<&str> = rel.split('/').collect();
    let parts: Vec<&str> = match parts.as_slice() {
        ["lib" | "main"] => vec![],
        [rest @ .., "mod"] => rest.to_vec(),
        all => all.to_vec(),
    };
    parts.join("::")
}

/// A use of another module: the path (`a::b::c`) and where.
struct Use {
    path: Vec<String>,
    line: usize,
}

/// The production parts of one file: its uses and functions.
struct Scan {
    uses: Vec<Use>,
    fns: Vec<(String, usize, usize)>,
    includes: Vec<(String, usize)>,
    /// Modules declared `#[cfg(test)] mod name;` here.
    test_mods: Vec<String>,
}

/// Whether the tokens from `i` are `# [ cfg ( test ) ]`.
fn cfg_test_at(t: &[Token], i: usize) -> Option<usize> {
    let want: [&dyn Fn(&Token) -> bool; 7] = [
        &|t| t.is_punct('#'),
        &|t| t.is_punct('['),
        &|t| t.is_ident("cfg"),
        &|t| t.is_punct('('),
        &|t| t.is_ident("test"),
        &|t| t.is_punct(')'),
        &|t| t.is_punct(']'),
    ];
    want.iter()
        .enumerate()
        .all(|(k, f)| t.get(i + k).is_some_and(f))
        .then_some(i + 7)
}

/// The index after the item starting at `i`: its `{…}` block or its `;`.
fn item_end(t: &[Token], mut i: usize) -> usize {
    while i < t.len() {
        if t[i].is_punct(';') {
            return i + 1;
        }
        if t[i].is_punct('{') {
            return block_end(t, i);
        }
        i += 1;
    }
    i
}

/// The index after the `}` closing the `{` at `open`.
fn block_end(t: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (k, tok) in t.iter().enumerate().skip(open) {
        if tok.is_punct('{') {
            depth += 1;
        } else if tok.is_punct('}') {
            depth -= 1;
            if depth == 0 {
                return k + 1;
            }
        }
    }
    t.len()
}

/// The paths a use tree starting at `i` (after `crate ::`) names, with the
/// index after it. `{a, b::{c, d}}` gives `a`, `b::c`, `b::d`.
fn use_tree(t: &[Token], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match t.get(i).map(|x| &x.kind) {
            Some(Kind::Ident(id)) => {
                path.push(id.clone());
                i += 1;
                if t.get(i).is_some_and(|x| x.kind == Kind::PathSep) {
                    i += 1;
                    continue;
                }
                out.push(path);
                return i;
            }
            Some(Kind::Punct('{')) => {
                i += 1;
                loop {
                    match t.get(i) {
                        None => return i,
                        Some(x) if x.is_punct('}') => return i + 1,
                        Some(x) if x.is_punct(',') => i += 1,
                        Some(_) => {
                            let before = i;
                            i = use_tree(t, i, &path, out);
                            if i == before {
                                i += 1;
                            }
                        }
                    }
                }
            }
            Some(Kind::Punct('*')) => {
                out.push(path);
                return i + 1;
            }
            _ => {
                if path.len() > prefix.len() {
                    out.push(path);
                }
                return i;
            }
        }
    }
}

fn scan(text: &str, module: &str) -> Scan {
    let t = lex(text);
    let mut s = Scan {
        uses: Vec::new(),
        fns: Vec::new(),
        includes: Vec::new(),
        test_mods: Vec::new(),
    };
    let here: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let mut i = 0;
    while i < t.len() {
        if let Some(after) = cfg_test_at(&t, i) {
            // `#[cfg(test)] mod name;` declares a test-only file.
            if t.get(after).is_some_and(|x| x.is_ident("mod"))
                && t.get(after + 2).is_some_and(|x| x.is_punct(';'))
            {
                if let Some(name) = t.get(after + 1).and_then(Token::ident) {
                    s.test_mods.push(name.to_string());
                }
            }
            i = item_end(&t, after);
            continue;
        }
        let tok = &t[i];
        let sep = |k: usize| t.get(k).is_some_and(|x| x.kind == Kind::PathSep);
        if (tok.is_ident("crate") || tok.is_ident("super")) && sep(i + 1) {
            let mut base: Vec<String> = if tok.is_ident("crate") {
                Vec::new()
            } else {
                here[..here.len().saturating_sub(1)].to_vec()
            };
            let mut j = i + 2;
            // `super::super::…`
            while t.get(j).is_some_and(|x| x.is_ident("super")) && sep(j + 1) {
                base.pop();
                j += 2;
            }
            let mut paths = Vec::new();
            let end = use_tree(&t, j, &base, &mut paths);
            for p in paths {
                s.uses.push(Use {
                    path: p,
                    line: tok.line,
                });
            }
            i = end.max(i + 1);
            continue;
        }
        if tok.is_ident("fn") {
            if let Some(name) = t.get(i + 1).and_then(Token::ident) {
                // The body: the first `{` before a `;`.
                let mut k = i + 2;
                while k < t.len() && !t[k].is_punct('{') && !t[k].is_punct(';') {
                    k += 1;
                }
                if k < t.len() && t[k].is_punct('{') {
                    let end = block_end(&t, k);
                    let last = t[end - 1].line;
                    s.fns
                        .push((name.to_string(), tok.line, last - tok.line + 1));
                }
            }
        }
        if let Some(mac) = tok.ident() {
            if matches!(mac, "include" | "include_str" | "include_bytes")
                && t.get(i + 1).is_some_and(|x| x.is_punct('!'))
                && t.get(i + 2).is_some_and(|x| x.is_punct('('))
            {
                if let Some(Kind::Str(p)) = t.get(i + 3).map(|x| &x.kind) {
                    s.includes.push((p.clone(), tok.line));
                }
            }
        }
        i += 1;
    }
    s
}

/// `a/b/../c` → `a/c`, without touching the file system (a symbolic link
/// inside the package stays inside it).
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// The report of one crate.
#[derive(Default)]
pub struct Report {
    pub violations: Vec<Violation>,
    pub fns: Vec<FnLength>,
}

// Long: one pass over a crate's files collecting every kind of finding.
/// Checks one crate. `layers`: the crate's layer order (empty: none).
pub fn check_crate(name: &str, files: &[File], layers: &[&str]) -> Report {
    let mut report = Report::default();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&f.rel)).collect();
    let scans: Vec<(String, &File, Scan)> = files
        .iter()
        .map(|f| {
            let m = module_of(&f.rel);
            let s = scan(&f.text, &m);
            (m, f, s)
        })
        .collect();
    // Files of test-only modules, and everything below them.
    let test_only: BTreeSet<String> = scans
        .iter()
        .flat_map(|(m, _, s)| {
            s.test_mods.iter().map(move |t| {
                if m.is_empty() {
                    t.clone()
                } else {
                    format!("{m}::{t}")
                }
            })
        })
        .collect();
    let is_test = |m: &str| {
        test_only
            .iter()
            .any(|t| m == t || m.starts_with(&format!("{t}::")))
    };
    let layer = |m: &str| {
        let first = m.split("::").next().unwrap_or("");
        layers.iter().position(|l| *l == first)
    };
    let mut edges = Edges::new();
    for (m, f, s) in &scans {
        if is_test(m) {
            continue;
        }
        let file = format!("{name}/src/{}", f.rel);
        for u in &s.uses {
            // The module the path reaches: its longest known prefix.
            let target = (0..=u.path.len())
                .rev()
                .map(|n| u.path[..n].join("::"))
                .find(|p| modules.contains(p))
                .unwrap_or_default();
            if let (Some(from), Some(to)) = (layer(m), layer(&target)) {
                if to > from {
                    report.violations.push(Violation {
                        file: file.clone(),
                        line: u.line,
                        message: format!(
                            "`{}` (layer `{}`) uses `{}` of the higher layer `{}`",
                            m,
                            layers[from],
                            u.path.join("::"),
                            layers[to]
                        ),
                    });
                }
            }
            let a: Vec<&str> = if m.is_empty() {
                vec![]
            } else {
                m.split("::").collect()
            };
            let b: Vec<&str> = if target.is_empty() {
                vec![]
            } else {
                target.split("::").collect()
            };
            let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            if common == a.len() || common == b.len() {
                continue; // an ancestor or a descendant
            }
            let parent = a[..common].join("::");
            edges
                .entry(parent)
                .or_default()
                .entry((a[common].to_string(), b[common].to_string()))
                .or_insert((file.clone(), u.line));
        }
        for (fname, line, lines) in &s.fns {
            report.fns.push(FnLength {
                file: file.clone(),
                line: *line,
                name: if m.is_empty() {
                    fname.clone()
                } else {
                    format!("{m}::{fname}")
                },
                lines: *lines,
            });
            if *lines > MAX_FN_LINES {
                report.violations.push(Violation {
                    file: file.clone(),
                    line: *line,
                    message: format!(
                        "fn `{fname}` has {lines} lines, over {MAX_FN_LINES}: split it into named steps"
                    ),
                });
            } else if *lines > PLAIN_FN_LINES && !has_reason(&f.text, *line) {
                report.violations.push(Violation {
                    file: file.clone(),
                    line: *line,
                    message: format!(
                        "fn `{fname}` has {lines} lines, over {PLAIN_FN_LINES}: split it, or say why beside it (`// Long: …`)"
                    ),
                });
            }
        }
        let dir = Path::new(name).join("src").join(&f.rel);
        let dir = dir.parent().unwrap_or(Path::new(""));
        for (p, line) in &s.includes {
            let inside = normalize(&dir.join(p)).is_some_and(|n| n.starts_with(name));
            if !inside {
                report.violations.push(Violation {
                    file: file.clone(),
                    line: *line,
                    message: format!("`{p}` is outside the package: `cargo package` leaves it out"),
                });
            }
        }
    }
    report.violations.extend(cycle_violations(&edges));
    report.violations.sort();
    report
}

/// Sibling edges of each parent module: `(from child, to child)` → the
/// first place the use is.
type Edges = BTreeMap<String, BTreeMap<(String, String), (String, usize)>>;

/// One violation per parent module whose children use each other in a cycle.
fn cycle_violations(edges: &Edges) -> Vec<Violation> {
    let mut out = Vec::new();
    for (parent, es) in edges {
        let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (a, b) in es.keys() {
            graph.entry(a.as_str()).or_default().push(b.as_str());
        }
        let Some(cycle) = find_cycle(&graph) else {
            continue;
        };
        let name_of = |x: &str| {
            if parent.is_empty() {
                x.to_string()
            } else {
                format!("{parent}::{x}")
            }
        };
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let (file, line) = &es[&(w[0].to_string(), w[1].to_string())];
                format!(
                    "`{}` uses `{}` at {file}:{line}",
                    name_of(w[0]),
                    name_of(w[1])
                )
            })
            .collect();
        let (file, line) = &es[&(cycle[0].to_string(), cycle[1].to_string())];
        out.push(Violation {
            file: file.clone(),
            line: *line,
            message: format!("module cycle: {}", steps.join(", ")),
        });
    }
    out
}

/// A cycle of `graph`, if it has one: its nodes, the first repeated at the end.
fn find_cycle<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        n: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = stack.iter().position(|x| *x == n) {
            let mut c = stack[at..].to_vec();
            c.push(n);
            return Some(c);
        }
        if !done.insert(n) {
            return None;
        }
        stack.push(n);
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        let mut stack = Vec::new();
        if let Some(c) = visit(n, graph, &mut stack, &mut done) {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<File> {
        list.iter()
            .map(|(rel, text)| File {
                rel: rel.to_string(),
                text: text.to_string(),
            })
            .collect()
    }

    const LAYERS: &[&str] = &["format", "expr", "ops"];

    fn tree(extra: &str) -> Vec<File> {
        files(&[
            ("lib.rs", "pub mod format; pub mod expr; pub mod ops;"),
            ("format/mod.rs", "pub mod case;"),
            ("format/case.rs", extra),
            ("expr/mod.rs", "use crate::format::case::snake;"),
            ("ops/mod.rs", "use crate::{expr, format::case};"),
        ])
    }

    #[test]
    fn downward_uses_pass() {
        let r = check_crate("c", &tree("pub fn snake() {}"), LAYERS);
        assert_eq!(r.violations, []);
    }

    #[test]
    fn an_upward_use_fails() {
        for bad in [
            "use crate::ops;",
            "fn f() { crate::expr::x(); }",
            "use crate::{format, ops::y};",
            "use super::super::ops::y;",
        ] {
            let r = check_crate("c", &tree(bad), LAYERS);
            let up: Vec<&Violation> = r
                .violations
                .iter()
                .filter(|v| v.message.contains("of the higher layer"))
                .collect();
            assert_eq!(up.len(), 1, "{bad}: {:?}", r.violations);
            assert_eq!(up[0].file, "c/src/format/case.rs");
        }
    }

    #[test]
    fn test_code_may_reach_anywhere() {
        let src = "#[cfg(test)]\nmod tests {\n    use crate::ops;\n}\n";
        let mut t = tree(src);
        t[1].text.push_str("\n#[cfg(test)]\nmod helper;\n");
        t.push(File {
            rel: "format/helper.rs".into(),
            text: "use crate::ops;".into(),
        });
        let r = check_crate("c", &t, LAYERS);
        assert_eq!(r.violations, []);
    }

    #[test]
    fn sibling_cycles_fail_and_ancestors_do_not_count() {
        let t = files(&[
            ("lib.rs", "mod a; mod b;"),
            ("a.rs", "use crate::b::x;"),
            ("b/mod.rs", "mod c; fn y() { c::z(); }"),
            ("b/c.rs", "use crate::a::w; use super::y;"),
        ]);
        let r = check_crate("c", &t, &[]);
        assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
        assert!(
            r.violations[0].message.contains(
                "module cycle: `a` uses `b` at c/src/a.rs:1, `b` uses `a` at c/src/b/c.rs:1"
            ),
            "{:?}",
            r.violations
        );
        let t = files(&[
            ("lib.rs", "mod a; mod b; mod c;"),
            ("a.rs", "use crate::b::x;"),
            ("b.rs", "use crate::c::x;"),
            ("c.rs", "use crate::a::x;"),
        ]);
        let r = check_crate("c", &t, &[]);
        assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
        assert!(
            r.violations[0]
                .message
                .contains("`c` uses `a` at c/src/c.rs:1"),
            "{:?}",
            r.violations
        );
    }

    #[test]
    fn long_functions_and_outside_includes_fail() {
        let body = "    x();\n".repeat(MAX_FN_LINES);
        let src = format!(
            "fn long() {{\n{body}}}\nfn short() {{}}\nconst T: &str = include_str!(\"../../x\");\nconst U: &str = include_str!(\"../x\");\n"
        );
        let t = files(&[("lib.rs", &src)]);
        let r = check_crate("c", &t, &[]);
        let msgs: Vec<&str> = r.violations.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        // Over the plain length: a reason beside it, or a finding.
        let body = "    x();\n".repeat(PLAIN_FN_LINES);
        let bare = format!("fn f() {{\n{body}}}\n");
        let r = check_crate("c", &files(&[("lib.rs", &bare)]), &[]);
        assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
        assert!(r.violations[0].message.contains("say why beside it"));
        let with = format!("// Long: one match over every token.\n/// Docs.\n#[inline]\n{bare}");
        let r = check_crate("c", &files(&[("lib.rs", &with)]), &[]);
        assert_eq!(r.violations, []);
        assert!(msgs.iter().any(|m| m.contains("fn `long` has 152 lines")));
        assert!(msgs
            .iter()
            .any(|m| m.contains("`../../x` is outside the package")));
    }

    #[test]
    fn modules_of_files() {
        assert_eq!(module_of("lib.rs"), "");
        assert_eq!(module_of("a/mod.rs"), "a");
        assert_eq!(module_of("a/b.rs"), "a::b");
    }
}
