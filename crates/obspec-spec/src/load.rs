//! Loading spec files into the model, collecting every problem with its location.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalog::spec;
use crate::catalog::Rule;
use crate::catalog::HEAD;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::yaml::{self, Limits, Node, NodeKind};

pub const CODE_UNKNOWN_KEY: &str = "OBS002";
pub const CODE_TYPE: &str = "OBS003";
pub const CODE_MISSING: &str = "OBS004";
pub const CODE_VERSION: &str = "OBS005";
pub const CODE_DUP_KEY: &str = "OBS007";
pub const CODE_NO_SPECS: &str = "OBS008";
pub const CODE_PROJECT: &str = "OBS009";
pub const CODE_REFUSED: &str = "OBS010";
pub const CODE_DUP_METRIC: &str = "OBS801";
pub const CODE_DUP_SLO: &str = "OBS802";
pub const CODE_DUP_ALERT: &str = "OBS803";

/// The file name of the project file.
pub const PROJECT_FILE: &str = "obspec.yaml";

/// A failure to read input: a usage or I/O error (exit code 2), not a finding.
#[derive(Debug)]
pub struct IoError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for IoError {}

/// The result of loading: the files read, the model, and what was wrong.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub specs: Specs,
    pub diagnostics: Diagnostics,
}

fn io(path: &Path, error: std::io::Error) -> IoError {
    IoError {
        path: path.to_path_buf(),
        error,
    }
}

fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

fn is_project_file(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some("obspec.yaml") | Some("obspec.yml")
    )
}

/// Why a spec file is not read: its content is never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A symbolic link to a file outside the directory it was found in.
    Outside,
    /// A FIFO, socket or device: reading could block, or never end.
    NotRegular,
}

/// The files not read, with why.
type Refused = Vec<(PathBuf, Refusal)>;

/// Whether the file at `p` may be read as a spec of `root` (a canonical
/// directory): a regular file, itself or through links inside `root`.
fn admit(p: &Path, root: &Path) -> Result<Option<Refusal>, IoError> {
    let meta = std::fs::metadata(p).map_err(|e| io(p, e))?;
    if !meta.is_file() {
        return Ok(Some(Refusal::NotRegular));
    }
    let real = std::fs::canonicalize(p).map_err(|e| io(p, e))?;
    Ok((!real.starts_with(root)).then_some(Refusal::Outside))
}

/// Collects YAML files below `dir`, recursively, skipping hidden entries;
/// files that may not be read go to `refused`.
fn walk(
    dir: &Path,
    root: &Path,
    out: &mut Vec<PathBuf>,
    refused: &mut Refused,
) -> Result<(), IoError> {
    let mut entries = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let e = e.map_err(|e| io(dir, e))?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(e.path());
    }
    entries.sort();
    for p in entries {
        let meta = std::fs::metadata(&p).map_err(|e| io(&p, e))?;
        if meta.is_dir() {
            // Symbolic links to directories are not followed: no cycles.
            let link = std::fs::symlink_metadata(&p).map_err(|e| io(&p, e))?;
            if !link.file_type().is_symlink() {
                walk(&p, root, out, refused)?;
            }
        } else if is_yaml(&p) {
            match admit(&p, root)? {
                None => out.push(p),
                Some(why) => refused.push((p, why)),
            }
        }
    }
    Ok(())
}

/// One input file: where it is and the name it has relative to its spec root.
struct Input {
    path: PathBuf,
    rel: String,
}

fn rel_name(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn display_name(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Resolves the command-line paths to the list of files, in a deterministic
/// order, and the files that may not be read.
fn inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, Refused), IoError> {
    let mut out: Vec<Input> = Vec::new();
    let mut refused = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |out: &mut Vec<Input>, path: PathBuf, rel: String| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            out.push(Input { path, rel });
        }
    };
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| io(root, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let canon = std::fs::canonicalize(root).map_err(|e| io(root, e))?;
            walk(root, &canon, &mut files, &mut refused)?;
            // Sort by the name relative to the root, so order does not depend on the machine.
            let mut files: Vec<_> = files.into_iter().map(|f| (rel_name(root, &f), f)).collect();
            files.sort();
            for (rel, f) in files {
                push(&mut out, f, rel);
            }
        } else {
            // A single file: its directory's project file applies too.
            let dir = root.parent().unwrap_or(Path::new(""));
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            let canon = std::fs::canonicalize(dir).map_err(|e| io(dir, e))?;
            for name in ["obspec.yaml", "obspec.yml"] {
                let p = dir.join(name);
                if !is_project_file(root) && p.exists() {
                    match admit(&p, &canon)? {
                        None => push(&mut out, p, name.to_string()),
                        Some(why) => refused.push((p, why)),
                    }
                }
            }
            let rel = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match admit(root, &canon)? {
                None => push(&mut out, root.clone(), rel),
                Some(why) => refused.push((root.clone(), why)),
            }
        }
    }
    Ok((out, refused))
}

/// Loads every spec under `paths` (directories are read recursively). Only
/// regular files are read, and a link only to a file inside the directory it
/// is in: others are refused with a finding that shows none of their content.
pub fn load_paths(paths: &[PathBuf]) -> Result<Loaded, IoError> {
    let mut files = Vec::new();
    let (inputs, refused) = inputs(paths)?;
    for input in inputs {
        // Never read more than the limit: a huge file is refused, not loaded.
        use std::io::Read;
        let max = Limits::default().max_bytes as u64;
        let mut bytes = Vec::new();
        std::fs::File::open(&input.path)
            .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
            .map_err(|e| io(&input.path, e))?;
        files.push((input, bytes));
    }
    let mut loaded = Loaded::default();
    for (path, why) in refused {
        let name = display_name(&path);
        let id = loaded.sources.add(SourceFile {
            name: name.clone(),
            rel: name,
            path,
            text: String::new(),
        });
        let (message, help) = match why {
            Refusal::Outside => (
                "a link to a file outside the spec directory: not read",
                "copy the spec into the directory, or point obspec at its own directory",
            ),
            Refusal::NotRegular => (
                "not a regular file (a FIFO, socket or device): not read",
                "spec files are regular files",
            ),
        };
        loaded
            .diagnostics
            .push(Diagnostic::error(CODE_REFUSED, Span::point(id, 1, 1), message).help(help));
    }
    let mut texts = Vec::new();
    for (input, bytes) in files {
        let name = display_name(&input.path);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let id = loaded.sources.add(SourceFile {
                    name,
                    rel: input.rel,
                    path: input.path,
                    text: String::new(),
                });
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let valid = String::from_utf8_lossy(valid);
                let line = valid.matches('\n').count() as u32 + 1;
                let col = valid.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                loaded.diagnostics.push(
                    Diagnostic::error(
                        yaml::CODE_SYNTAX,
                        Span::point(id, line, col),
                        "file is not valid UTF-8",
                    )
                    .help("spec files are UTF-8 text"),
                );
                continue;
            }
        };
        let project = is_project_file(&input.path);
        let id = loaded.sources.add(SourceFile {
            name,
            rel: input.rel,
            path: input.path,
            text,
        });
        texts.push((id, project));
    }
    let parsed = crate::par::map(&texts, |(id, _)| {
        parse_text(*id, &loaded.sources.get(*id).text)
    });
    for ((id, project), parsed) in texts.into_iter().zip(parsed) {
        apply(&mut loaded, id, project, parsed);
    }
    if loaded.sources.iter().next().is_none() {
        loaded.diagnostics.push(Diagnostic {
            code: CODE_NO_SPECS,
            severity: crate::diag::Severity::Error,
            message: format!(
                "no spec files (*.yaml, *.yml) found in {}",
                paths
                    .iter()
                    .map(|p| display_name(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            span: None,
            help: Some("point obspec at a directory of service specs".into()),
            notes: Vec::new(),
        });
    }
    Ok(loaded)
}

/// Loads specs from in-memory files `(name, text)`: the same rules as [`load_paths`]
/// (a file named `obspec.yaml` is the project file).
pub fn load_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort();
    for (name, text) in files {
        let project = is_project_file(Path::new(name));
        let id = loaded.sources.add(SourceFile {
            name: name.to_string(),
            rel: name.to_string(),
            path: PathBuf::from(name),
            text: text.to_string(),
        });
        load_text(&mut loaded, id, project);
    }
    loaded
}

fn load_text(loaded: &mut Loaded, id: FileId, project: bool) {
    let parsed = parse_text(id, &loaded.sources.get(id).text);
    apply(loaded, id, project, parsed);
}

/// What reading one file gives before the model: its YAML tree and the
/// secrets found in it. Independent of every other file, so files are read
/// in parallel.
struct Parsed {
    root: Result<Option<Node>, Diagnostic>,
    secret_diags: Vec<Diagnostic>,
    found: Vec<crate::secrets::Found>,
}

fn parse_text(id: FileId, text: &str) -> Parsed {
    let root = yaml::parse(id, text, Limits::default());
    let mut found = Vec::new();
    let mut secret_diags = Vec::new();
    if let Ok(Some(root)) = &root {
        // One secret policy for every string of every file, before the model.
        crate::secrets::scan(root, &mut secret_diags, &mut found);
        crate::secrets::scan_comments(id, text, &mut secret_diags, &mut found);
    }
    Parsed {
        root,
        secret_diags,
        found,
    }
}

fn apply(loaded: &mut Loaded, id: FileId, project: bool, parsed: Parsed) {
    let root = match parsed.root {
        Ok(Some(root)) => root,
        Ok(None) => {
            loaded.diagnostics.push(
                Diagnostic::error(CODE_MISSING, Span::point(id, 1, 1), "spec file is empty")
                    .help("a service spec starts with `obspec: 1` and `service: <name>`"),
            );
            return;
        }
        Err(d) => {
            loaded.diagnostics.push(d);
            return;
        }
    };
    for d in parsed.secret_diags {
        loaded.diagnostics.push(d);
    }
    for f in &parsed.found {
        loaded.sources.add_secret(&f.literal);
        // The literal as written in the source, when it differs (escapes, quotes).
        let raw = loaded.sources.slice(f.span).map(str::to_string);
        if let Some(raw) = raw {
            let raw = raw.trim_matches(|c| c == '"' || c == '\'');
            loaded.sources.add_secret(raw);
        }
    }
    let mut cx = Cx {
        diags: &mut loaded.diagnostics,
    };
    if project {
        if let Some(first) = loaded.specs.project.file {
            let first_span = Span::point(first, 1, 1);
            cx.diags.push(
                Diagnostic::error(CODE_PROJECT, Span::point(id, 1, 1), "a second project file")
                    .note(first_span, "the project file already read")
                    .help("keep one `obspec.yaml`, at the root of the spec directory"),
            );
            return;
        }
        if let Some(mut p) = project_from(&mut cx, &root) {
            p.file = Some(id);
            loaded.specs.project = p;
        }
    } else if let Some(mut s) = service_from(&mut cx, &root) {
        s.file = Some(id);
        loaded.specs.services.push(s);
    }
}

/// Loading context: where diagnostics go.
pub(crate) struct Cx<'a> {
    pub diags: &'a mut Diagnostics,
}

impl Cx<'_> {
    fn err(&mut self, code: &'static str, span: Span, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, span, msg)
    }
    fn type_error(&mut self, node: &Node, expected: &str) {
        let d = self
            .err(
                CODE_TYPE,
                node.span,
                format!("expected {expected}, found {}", node.describe()),
            )
            .help(format!("write {expected} here"));
        self.diags.push(d);
    }
}

/// Reads the fields of a mapping; reports unknown and missing keys.
pub(crate) struct Fields<'n> {
    node: &'n Node,
    entries: &'n [(Node, Node)],
    what: &'static str,
    known: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    pub fn new(cx: &mut Cx<'_>, node: &'n Node, what: &'static str) -> Option<Self> {
        let NodeKind::Map(entries) = &node.kind else {
            cx.type_error(node, &format!("a mapping ({what})"));
            return None;
        };
        report_duplicate_keys(cx, entries, CODE_DUP_KEY, "key");
        Some(Fields {
            node,
            entries,
            what,
            known: Vec::new(),
        })
    }

    /// The value of `key` (the first, if duplicated). `null` counts as absent.
    pub fn get(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    pub fn opt<T: FromNode>(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<T> {
        self.get(key).and_then(|n| T::from_node(cx, n))
    }

    /// A required field. `Err(())` means reported (missing or malformed).
    pub fn req<T: FromNode>(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Result<T, ()> {
        match self.get(key) {
            Some(n) => T::from_node(cx, n).ok_or(()),
            None => {
                let d = cx
                    .err(
                        CODE_MISSING,
                        self.node.span,
                        format!("{} is missing the required key `{key}`", self.what),
                    )
                    .help(format!("add `{key}:` to the {}", self.what));
                cx.diags.push(d);
                Err(())
            }
        }
    }

    /// Reports keys that no `get` asked for.
    pub fn finish(self, cx: &mut Cx<'_>) {
        for (k, _) in self.entries {
            let key = k.as_scalar().unwrap_or("");
            if self.known.contains(&key) {
                continue;
            }
            let mut d = cx.err(
                CODE_UNKNOWN_KEY,
                k.span,
                format!("unknown key `{key}` in {}", self.what),
            );
            d = match did_you_mean(key, &self.known) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("known keys: {}", self.known.join(", "))),
            };
            cx.diags.push(d);
        }
    }
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for &c in candidates {
        let score = strsim::jaro_winkler(word, c);
        let dist = strsim::damerau_levenshtein(word, c);
        let close = dist <= (c.len().max(word.len()) / 3).max(1) || score > 0.88;
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

fn report_duplicate_keys(
    cx: &mut Cx<'_>,
    entries: &[(Node, Node)],
    code: &'static str,
    what: &str,
) {
    let mut first: std::collections::HashMap<&str, &Node> =
        std::collections::HashMap::with_capacity(entries.len());
    for (k, _) in entries {
        let Some(key) = k.as_scalar() else { continue };
        match first.get(key) {
            Some(f) => {
                let d = cx
                    .err(code, k.span, format!("duplicate {what} `{key}`"))
                    .note(f.span, "first defined here")
                    .help(format!(
                        "each {what} is defined once; rename or remove one of them"
                    ));
                cx.diags.push(d);
            }
            None => {
                first.insert(key, k);
            }
        }
    }
}

/// Conversion from a YAML node, reporting problems. `None` means reported.
pub(crate) trait FromNode: Sized {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self>;
}

impl<T: FromNode> FromNode for Spanned<T> {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        T::from_node(cx, node).map(|v| Spanned::new(v, node.span))
    }
}

impl FromNode for String {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        match node.as_scalar() {
            Some(s) => Some(s.to_string()),
            None => {
                cx.type_error(node, "a string");
                None
            }
        }
    }
}

fn plain_scalar(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { value, plain: true } => Some(value),
        _ => None,
    }
}

impl FromNode for f64 {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let v = plain_scalar(node).and_then(|s| match s {
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
            "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
            s if s
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eE_".contains(c)) =>
            {
                s.replace('_', "").parse().ok()
            }
            _ => None,
        });
        if v.is_none() {
            cx.type_error(node, "a number");
        }
        v
    }
}

macro_rules! int_from_node {
    ($($t:ty),*) => {$(
        impl FromNode for $t {
            fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
                let v = plain_scalar(node).and_then(|s| s.replace('_', "").parse::<$t>().ok());
                if v.is_none() {
                    cx.type_error(node, concat!("a whole number (", stringify!($t), ")"));
                }
                v
            }
        }
    )*};
}
int_from_node!(u32, u64);

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            cx.type_error(node, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match T::from_node(cx, item) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// Enumerations read from a string among fixed words.
fn enum_from_node<T: Copy>(
    cx: &mut Cx<'_>,
    node: &Node,
    what: &str,
    options: &[(&'static str, T)],
) -> Option<T> {
    let names: Vec<&'static str> = options.iter().map(|(n, _)| *n).collect();
    let Some(s) = node.as_scalar() else {
        cx.type_error(node, &format!("one of {}", names.join(", ")));
        return None;
    };
    if let Some((_, v)) = options.iter().find(|(n, _)| *n == s) {
        return Some(*v);
    }
    let mut d = cx.err(CODE_TYPE, node.span, format!("unknown {what} `{s}`"));
    d = match did_you_mean(s, &names) {
        Some(m) => d.help(format!(
            "did you mean `{m}`? ({what} is one of {})",
            names.join(", ")
        )),
        None => d.help(format!("{what} is one of {}", names.join(", "))),
    };
    cx.diags.push(d);
    None
}

impl FromNode for MetricType {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        use MetricType::*;
        enum_from_node(
            cx,
            node,
            "metric type",
            &[
                ("counter", Counter),
                ("gauge", Gauge),
                ("histogram", Histogram),
                ("info", Info),
                ("summary", Summary),
                ("untyped", Untyped),
            ],
        )
    }
}

impl FromNode for Stability {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        use Stability::*;
        enum_from_node(
            cx,
            node,
            "stability",
            &[
                ("stable", Stable),
                ("experimental", Experimental),
                ("deprecated", Deprecated),
            ],
        )
    }
}

/// A mapping of named items. Items whose value fails to load are left out and
/// their names added to `broken`.
fn named_map<V>(
    cx: &mut Cx<'_>,
    node: &Node,
    what: &str,
    dup_code: &'static str,
    broken: &mut HashSet<String>,
    mut item: impl FnMut(&mut Cx<'_>, &Node) -> Option<V>,
) -> NamedMap<V> {
    let NodeKind::Map(entries) = &node.kind else {
        cx.type_error(node, &format!("a mapping of {what} names"));
        return NamedMap::default();
    };
    report_duplicate_keys(cx, entries, dup_code, what);
    let mut out = NamedMap::default();
    let mut seen = HashSet::new();
    for (k, v) in entries {
        let name = k.as_scalar().unwrap_or("").to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        match item(cx, v) {
            Some(value) => out.entries.push((Spanned::new(name, k.span), value)),
            None => {
                broken.insert(name);
            }
        }
    }
    out
}

fn version(cx: &mut Cx<'_>, f: &mut Fields<'_>) -> Result<Spanned<u32>, ()> {
    let v: Spanned<u32> = f.req(cx, "obspec")?;
    if v.value != 1 {
        let d = cx
            .err(
                CODE_VERSION,
                v.span,
                format!("unsupported spec format version {}", v.value),
            )
            .help("this obspec reads format version 1: write `obspec: 1`");
        cx.diags.push(d);
        return Err(());
    }
    Ok(v)
}

fn project_from(cx: &mut Cx<'_>, root: &Node) -> Option<Project> {
    let mut f = Fields::new(cx, root, "the project file")?;
    let obspec = version(cx, &mut f);
    let project = f.opt(cx, "project");
    let conventions = f
        .get("conventions")
        .and_then(|n| conventions_from(cx, n))
        .unwrap_or_default();
    let environments = f.opt(cx, "environments").unwrap_or_default();
    let kubernetes = f.opt(cx, "kubernetes").unwrap_or_default();
    let prometheus = f.opt(cx, "prometheus").unwrap_or_default();
    let routing = f.opt(cx, "routing");
    let deploy = f.opt(cx, "deploy");
    let ignore = f.opt(cx, "ignore").unwrap_or_default();
    f.finish(cx);
    Some(Project {
        obspec: obspec.ok()?,
        project,
        conventions,
        environments,
        kubernetes,
        prometheus,
        routing,
        deploy,
        ignore,
        file: None,
    })
}

fn conventions_from(cx: &mut Cx<'_>, node: &Node) -> Option<Conventions> {
    let mut f = Fields::new(cx, node, "conventions")?;
    let c = Conventions {
        required_target_labels: f.opt(cx, "required_target_labels").unwrap_or_default(),
        forbidden_labels: f
            .opt(cx, "forbidden_labels")
            .unwrap_or_else(default_forbidden),
        max_series_per_metric: f
            .opt(cx, "max_series_per_metric")
            .unwrap_or_else(default_max_metric),
        max_series_per_service: f
            .opt(cx, "max_series_per_service")
            .unwrap_or_else(default_max_service),
        severities: f.opt(cx, "severities").unwrap_or_else(default_severities),
        forbidden_log_fields: f
            .opt(cx, "forbidden_log_fields")
            .unwrap_or_else(default_forbidden_log_fields),
        max_log_streams_per_service: f
            .opt(cx, "max_log_streams_per_service")
            .unwrap_or_else(default_max_streams),
    };
    f.finish(cx);
    Some(c)
}

fn service_from(cx: &mut Cx<'_>, root: &Node) -> Option<Service> {
    let mut f = Fields::new(cx, root, "the service spec")?;
    let mut broken = HashSet::new();
    let obspec = version(cx, &mut f);
    let service = f.req(cx, "service");
    let external: Option<Spanned<bool>> = f.opt(cx, "external");
    let namespace = if external.as_ref().is_some_and(|e| e.value) {
        Ok(f.opt(cx, "namespace")
            .unwrap_or_else(|| Spanned::new(String::new(), root.span)))
    } else {
        f.req(cx, "namespace")
    };
    let team = f.opt(cx, "team");
    let description = f.opt(cx, "description");
    let const_labels = string_map(cx, f.get("const_labels"), "const label");
    let labels = f
        .get("labels")
        .map(|n| {
            named_map(
                cx,
                n,
                "label",
                CODE_DUP_KEY,
                &mut HashSet::new(),
                label_from,
            )
        })
        .unwrap_or_default();
    let metrics = f
        .get("metrics")
        .map(|n| named_map(cx, n, "metric", CODE_DUP_METRIC, &mut broken, metric_from))
        .unwrap_or_default();
    let slos = f
        .get("slos")
        .map(|n| named_map(cx, n, "SLO", CODE_DUP_SLO, &mut broken, slo_from))
        .unwrap_or_default();
    let depends_on = f.opt(cx, "depends_on").unwrap_or_default();
    let alerts = f
        .get("alerts")
        .map(|n| alert_map(cx, n, &mut broken))
        .unwrap_or_default();
    let recordings = f
        .get("recordings")
        .map(|n| {
            named_map(
                cx,
                n,
                "recording rule",
                CODE_DUP_KEY,
                &mut broken,
                |cx, v| {
                    let mut f = Fields::new(cx, v, "a recording rule")?;
                    let expr = f.req(cx, "expr");
                    let labels = string_map(cx, f.get("labels"), "recording label");
                    f.finish(cx);
                    Some(Recording {
                        expr: expr.ok()?,
                        labels,
                    })
                },
            )
        })
        .unwrap_or_default();
    let functions: Option<Functions> = f.opt(cx, "functions");
    let http: Option<Http> = f.opt(cx, "http");
    let logs: Option<Logs> = f.opt(cx, "logs");
    f.finish(cx);
    let namespace: Spanned<String> = namespace.ok()?;
    let (mut labels, mut metrics) = (labels, metrics);
    if let Some(fns) = &functions {
        declare_functions(fns, &namespace.value, &mut labels, &mut metrics);
    }
    if let Some(h) = &http {
        declare_http(h, &namespace.value, &mut labels, &mut metrics);
    }
    Some(Service {
        functions,
        http,
        logs,
        obspec: obspec.ok()?,
        service: service.ok()?,
        namespace,
        external,
        team,
        description,
        const_labels,
        labels,
        metrics,
        slos,
        alerts,
        recordings,
        depends_on,
        file: None,
        broken,
    })
}

impl FromNode for Functions {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "function metrics")?;
        let names = f.req(cx, "names");
        let outcomes = f.opt(cx, "outcomes");
        let in_flight = f.opt(cx, "in_flight");
        let buckets = f.opt(cx, "buckets");
        f.finish(cx);
        Some(Functions {
            names: names.ok()?,
            outcomes,
            in_flight,
            buckets,
            span: Some(node.span),
        })
    }
}

/// What a runtime section (`functions:`, `http:`) adds to the service's
/// labels and metrics, all located at the section. A name declared by hand
/// stays as written; lint then checks it.
struct Declared<'a> {
    span: Span,
    labels: &'a mut NamedMap<LabelDomain>,
    metrics: &'a mut NamedMap<Metric>,
}

impl Declared<'_> {
    fn at(&self, v: &str) -> Spanned<String> {
        Spanned::new(v.to_string(), self.span)
    }

    fn label(&mut self, name: &str, values: Vec<Spanned<String>>, what: &str) {
        if self.labels.get(name).is_none() {
            let entry = (
                self.at(name),
                LabelDomain {
                    values: Some(values),
                    max_cardinality: None,
                    overflow_value: None,
                    description: Some(self.at(what)),
                },
            );
            self.labels.entries.push(entry);
        }
    }

    fn metric(
        &mut self,
        name: String,
        kind: MetricType,
        unit: Option<&str>,
        help: &str,
        labels: &[&str],
        buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    ) {
        if self.metrics.get(&name).is_none() {
            let m = Metric {
                kind: Spanned::new(kind, self.span),
                unit: unit.map(|u| self.at(u)),
                help: Some(self.at(help)),
                labels: labels.iter().map(|l| self.at(l)).collect(),
                buckets,
                subsystem: None,
                stability: None,
                deprecated: None,
            };
            self.metrics
                .entries
                .push((Spanned::new(name, self.span), m));
        }
    }

    /// The section's buckets, or the default duration buckets.
    fn buckets(&self, given: &Option<Spanned<Vec<Spanned<f64>>>>) -> Spanned<Vec<Spanned<f64>>> {
        given.clone().unwrap_or_else(|| {
            Spanned::new(
                FUNCTION_BUCKETS
                    .iter()
                    .map(|b| Spanned::new(*b, self.span))
                    .collect(),
                self.span,
            )
        })
    }
}

fn section_span(span: Option<Span>) -> Span {
    span.unwrap_or(Span::point(FileId(u32::MAX), 1, 1))
}

/// Adds what `functions:` declares to the service's labels and metrics.
fn declare_functions(
    fns: &Functions,
    namespace: &str,
    labels: &mut NamedMap<LabelDomain>,
    metrics: &mut NamedMap<Metric>,
) {
    let mut d = Declared {
        span: section_span(fns.span),
        labels,
        metrics,
    };
    d.label("function", fns.names.clone(), "An instrumented function.");
    let mut outcomes = vec![d.at("ok"), d.at("error")];
    outcomes.extend(fns.outcomes.iter().flatten().cloned());
    d.label(
        "outcome",
        outcomes,
        "How a call ended: ok, or error (an `Err` or a panic), or the value of its error enum.",
    );
    let [calls, duration, in_flight] = function_metric_names(namespace);
    let buckets = d.buckets(&fns.buckets);
    d.metric(
        calls,
        MetricType::Counter,
        None,
        "Calls of instrumented functions, by outcome.",
        &["function", "outcome"],
        None,
    );
    d.metric(
        duration,
        MetricType::Histogram,
        Some("seconds"),
        "Duration of calls of instrumented functions.",
        &["function"],
        Some(buckets),
    );
    if fns.in_flight.as_ref().is_some_and(|v| v.value) {
        d.metric(
            in_flight,
            MetricType::Gauge,
            None,
            "Calls of instrumented functions in flight.",
            &["function"],
            None,
        );
    }
}

impl FromNode for Logs {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "the logs section")?;
        let target = f.opt(cx, "target");
        let stream_labels = f.opt(cx, "stream_labels").unwrap_or_default();
        let events = f
            .get("events")
            .map(|n| {
                named_map(
                    cx,
                    n,
                    "log event",
                    CODE_DUP_KEY,
                    &mut HashSet::new(),
                    |cx, v| {
                        let mut f = Fields::new(cx, v, "a log event")?;
                        let level = f.req(cx, "level");
                        let message = f.req(cx, "message");
                        let description = f.opt(cx, "description");
                        let fields = f
                            .get("fields")
                            .map(|n| {
                                named_map(
                                    cx,
                                    n,
                                    "log field",
                                    CODE_DUP_KEY,
                                    &mut HashSet::new(),
                                    LogField::from_node,
                                )
                            })
                            .unwrap_or_default();
                        f.finish(cx);
                        Some(LogEvent {
                            level: level.ok()?,
                            message: message.ok()?,
                            description,
                            fields,
                        })
                    },
                )
            })
            .unwrap_or_default();
        let alerts = f
            .get("alerts")
            .map(|n| {
                named_map(
                    cx,
                    n,
                    "log alert",
                    CODE_DUP_KEY,
                    &mut HashSet::new(),
                    |cx, v| {
                        let mut f = Fields::new(cx, v, "a log alert")?;
                        let events = f.req(cx, "events");
                        let of = f.opt(cx, "of");
                        let window = f.req(cx, "window");
                        let above = f.req(cx, "above");
                        let by = f.opt(cx, "by").unwrap_or_default();
                        let for_ = f.opt(cx, "for");
                        let severity = f.req(cx, "severity");
                        let summary = f.opt(cx, "summary");
                        let runbook = f.opt(cx, "runbook");
                        f.finish(cx);
                        Some(LogAlert {
                            events: events.ok()?,
                            of,
                            window: window.ok()?,
                            above: above.ok()?,
                            by,
                            for_,
                            severity: severity.ok()?,
                            summary,
                            runbook,
                        })
                    },
                )
            })
            .unwrap_or_default();
        f.finish(cx);
        Some(Logs {
            target,
            stream_labels,
            events,
            alerts,
            span: Some(node.span),
        })
    }
}

impl FromNode for LogLevel {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        use LogLevel::*;
        enum_from_node(
            cx,
            node,
            "log level",
            &[
                ("trace", Trace),
                ("debug", Debug),
                ("info", Info),
                ("warn", Warn),
                ("error", Error),
            ],
        )
    }
}

impl FromNode for LogFieldType {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        use LogFieldType::*;
        enum_from_node(
            cx,
            node,
            "log field type",
            &[
                ("string", String),
                ("int", Int),
                ("float", Float),
                ("bool", Bool),
                ("duration", Duration),
                ("enum", Enum),
            ],
        )
    }
}

impl FromNode for LogField {
    /// `amount: int`, or `currency: {type: enum, values: [EUR, USD]}`.
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        if node.as_scalar().is_some() {
            return Some(LogField {
                kind: Spanned::<LogFieldType>::from_node(cx, node)?,
                values: None,
                optional: None,
                hashed: None,
                description: None,
            });
        }
        let mut f = Fields::new(cx, node, "a log field")?;
        let kind = f.req(cx, "type");
        let values = f.opt(cx, "values");
        let optional = f.opt(cx, "optional");
        let hashed = f.opt(cx, "hashed");
        let description = f.opt(cx, "description");
        f.finish(cx);
        Some(LogField {
            kind: kind.ok()?,
            values,
            optional,
            hashed,
            description,
        })
    }
}

impl FromNode for Http {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "HTTP metrics")?;
        let routes = f.req(cx, "routes");
        let methods = f.opt(cx, "methods");
        let in_flight = f.opt(cx, "in_flight");
        let buckets = f.opt(cx, "buckets");
        f.finish(cx);
        Some(Http {
            routes: routes.ok()?,
            methods,
            in_flight,
            buckets,
            span: Some(node.span),
        })
    }
}

/// Adds what `http:` declares to the service's labels and metrics.
fn declare_http(
    h: &Http,
    namespace: &str,
    labels: &mut NamedMap<LabelDomain>,
    metrics: &mut NamedMap<Metric>,
) {
    let mut d = Declared {
        span: section_span(h.span),
        labels,
        metrics,
    };
    let mut routes = h.routes.clone();
    routes.push(d.at(HTTP_UNMATCHED_ROUTE));
    d.label(
        "route",
        routes,
        "The route template that matched the request (`unmatched`: none did).",
    );
    let mut methods = h
        .methods
        .clone()
        .unwrap_or_else(|| HTTP_DEFAULT_METHODS.iter().map(|m| d.at(m)).collect());
    methods.push(d.at(HTTP_OTHER_METHOD));
    d.label(
        "method",
        methods,
        "The request method (`OTHER`: one the spec does not list).",
    );
    let classes = HTTP_STATUS_CLASSES.iter().map(|c| d.at(c)).collect();
    d.label(
        "status_class",
        classes,
        "The first digit of the response status (an error of the service: `5xx`).",
    );
    let [requests, duration, in_flight] = http_metric_names(namespace);
    let buckets = d.buckets(&h.buckets);
    d.metric(
        requests,
        MetricType::Counter,
        None,
        "HTTP requests, by route, method and status class.",
        &["route", "method", "status_class"],
        None,
    );
    d.metric(
        duration,
        MetricType::Histogram,
        Some("seconds"),
        "Duration of HTTP requests until the response head, by route and method.",
        &["route", "method"],
        Some(buckets),
    );
    if h.in_flight.as_ref().is_some_and(|v| v.value) {
        d.metric(
            in_flight,
            MetricType::Gauge,
            None,
            "HTTP requests in flight, by route.",
            &["route"],
            None,
        );
    }
}

fn label_from(cx: &mut Cx<'_>, node: &Node) -> Option<LabelDomain> {
    let mut f = Fields::new(cx, node, "a label domain")?;
    let d = LabelDomain {
        values: f.opt(cx, "values"),
        max_cardinality: f.opt(cx, "max_cardinality"),
        overflow_value: f.opt(cx, "overflow_value"),
        description: f.opt(cx, "description"),
    };
    f.finish(cx);
    Some(d)
}

fn metric_from(cx: &mut Cx<'_>, node: &Node) -> Option<Metric> {
    let mut f = Fields::new(cx, node, "a metric")?;
    let kind = f.req(cx, "type");
    let m = Metric {
        kind: Spanned::new(MetricType::Counter, node.span),
        unit: f.opt(cx, "unit"),
        help: f.opt(cx, "help"),
        labels: f.opt(cx, "labels").unwrap_or_default(),
        buckets: f.opt(cx, "buckets"),
        subsystem: f.opt(cx, "subsystem"),
        stability: f.opt(cx, "stability"),
        deprecated: f.opt(cx, "deprecated"),
    };
    f.finish(cx);
    Some(Metric {
        kind: kind.ok()?,
        ..m
    })
}

fn slo_from(cx: &mut Cx<'_>, node: &Node) -> Option<Slo> {
    let mut f = Fields::new(cx, node, "an SLO")?;
    let description = f.opt(cx, "description");
    let objective = f.req(cx, "objective");
    let window = f.req(cx, "window");
    let sli = f.req::<Sli>(cx, "sli");
    let grouping = f.opt(cx, "grouping").unwrap_or_default();
    let alerting = f.opt(cx, "alerting").unwrap_or_default();
    let info_labels = string_map(cx, f.get("info_labels"), "info label");
    let calendar = f.opt(cx, "calendar");
    let timeslice = f.opt(cx, "timeslice");
    f.finish(cx);
    Some(Slo {
        description,
        objective: objective.ok()?,
        window: window.ok()?,
        sli: sli.ok()?,
        grouping,
        alerting,
        calendar,
        timeslice,
        info_labels,
    })
}

impl FromNode for AnyValue {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        Some(match &node.kind {
            NodeKind::Seq(items) => AnyValue::List(
                items
                    .iter()
                    .filter_map(|n| Spanned::<AnyValue>::from_node(cx, n))
                    .collect(),
            ),
            NodeKind::Map(_) => AnyValue::Map(named_map(
                cx,
                node,
                "key",
                CODE_DUP_KEY,
                &mut HashSet::new(),
                Spanned::<AnyValue>::from_node,
            )),
            NodeKind::Scalar { value, plain } => {
                if node.is_null() {
                    AnyValue::Null
                } else if !plain {
                    AnyValue::String(value.clone())
                } else if value == "true" || value == "false" {
                    AnyValue::Bool(value == "true")
                } else if let Some(n) = value.parse::<f64>().ok().filter(|n| n.is_finite()) {
                    AnyValue::Number(n)
                } else {
                    AnyValue::String(value.clone())
                }
            }
        })
    }
}

impl FromNode for Deploy {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "deploy")?;
        let aws_region = f.req(cx, "aws_region");
        let ssm_prefix = f.req(cx, "ssm_prefix");
        let collector = f.opt(cx, "collector");
        f.finish(cx);
        Some(Deploy {
            aws_region: aws_region.ok()?,
            ssm_prefix: ssm_prefix.ok()?,
            collector,
        })
    }
}

impl FromNode for Collector {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "collector")?;
        let image = f.req(cx, "image");
        let remote_write_url_env = f.req(cx, "remote_write_url_env");
        let loki_url_env = f.req(cx, "loki_url_env");
        let c = (
            f.opt(cx, "remote_write_auth_env"),
            f.opt(cx, "traces_endpoint_env"),
            f.opt(cx, "memory_mib"),
            f.opt(cx, "cpu"),
            f.opt(cx, "log_paths"),
        );
        f.finish(cx);
        Some(Collector {
            image: image.ok()?,
            remote_write_url_env: remote_write_url_env.ok()?,
            remote_write_auth_env: c.0,
            loki_url_env: loki_url_env.ok()?,
            traces_endpoint_env: c.1,
            memory_mib: c.2,
            cpu: c.3,
            log_paths: c.4,
        })
    }
}

impl FromNode for Routing {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "routing")?;
        let default_receiver = f.req(cx, "default_receiver");
        let r = Routing {
            group_by: f.opt(cx, "group_by").unwrap_or_default(),
            group_wait: f.opt(cx, "group_wait"),
            group_interval: f.opt(cx, "group_interval"),
            repeat_interval: f.opt(cx, "repeat_interval"),
            default_receiver: Spanned::new(String::new(), node.span),
            receivers: f
                .get("receivers")
                .map(|n| {
                    named_map(
                        cx,
                        n,
                        "receiver",
                        CODE_DUP_KEY,
                        &mut HashSet::new(),
                        |cx, v| {
                            named_map(
                                cx,
                                v,
                                "integration",
                                CODE_DUP_KEY,
                                &mut HashSet::new(),
                                Spanned::<AnyValue>::from_node,
                            )
                            .into()
                        },
                    )
                })
                .unwrap_or_default(),
            routes: f.opt(cx, "routes").unwrap_or_default(),
            teams: string_map(cx, f.get("teams"), "team"),
            inhibit: f.opt(cx, "inhibit").unwrap_or_default(),
            time_intervals: f
                .get("time_intervals")
                .map(|n| {
                    named_map(
                        cx,
                        n,
                        "time interval",
                        CODE_DUP_KEY,
                        &mut HashSet::new(),
                        Spanned::<AnyValue>::from_node,
                    )
                })
                .unwrap_or_default(),
            span: Some(node.span),
        };
        f.finish(cx);
        Some(Routing {
            default_receiver: default_receiver.ok()?,
            ..r
        })
    }
}

impl FromNode for Route {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "a route")?;
        let receiver = f.req(cx, "receiver");
        let r = Route {
            match_: string_map(cx, f.get("match"), "label"),
            match_re: string_map(cx, f.get("match_re"), "label"),
            receiver: Spanned::new(String::new(), node.span),
            continue_: f.opt(cx, "continue"),
            group_by: f.opt(cx, "group_by").unwrap_or_default(),
            group_wait: f.opt(cx, "group_wait"),
            group_interval: f.opt(cx, "group_interval"),
            repeat_interval: f.opt(cx, "repeat_interval"),
            mute_time_intervals: f.opt(cx, "mute_time_intervals").unwrap_or_default(),
            active_time_intervals: f.opt(cx, "active_time_intervals").unwrap_or_default(),
            span: Some(node.span),
        };
        f.finish(cx);
        Some(Route {
            receiver: receiver.ok()?,
            ..r
        })
    }
}

impl FromNode for Inhibit {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "an inhibition rule")?;
        let i = Inhibit {
            source: string_map(cx, f.get("source"), "label"),
            target: string_map(cx, f.get("target"), "label"),
            equal: f.opt(cx, "equal").unwrap_or_default(),
        };
        f.finish(cx);
        Some(i)
    }
}

impl FromNode for Ignore {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "an ignore entry")?;
        let codes = f.req(cx, "codes");
        let services = f.opt(cx, "services").unwrap_or_default();
        let paths = f.opt(cx, "paths").unwrap_or_default();
        let reason = f.req(cx, "reason");
        f.finish(cx);
        Some(Ignore {
            codes: codes.ok()?,
            services,
            paths,
            reason: reason.ok()?,
            span: Some(node.span),
        })
    }
}

impl FromNode for PrometheusSettings {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "prometheus settings")?;
        let p = PrometheusSettings {
            unit_tests: f.opt(cx, "unit_tests"),
            scrape_interval: f.opt(cx, "scrape_interval"),
            evaluation_interval: f.opt(cx, "evaluation_interval"),
        };
        f.finish(cx);
        Some(p)
    }
}

impl FromNode for KubernetesSettings {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "kubernetes settings")?;
        let k = KubernetesSettings {
            namespace: f.opt(cx, "namespace"),
            name_prefix: f.opt(cx, "name_prefix"),
            name_suffix: f.opt(cx, "name_suffix"),
            labels: string_map(cx, f.get("labels"), "label"),
            annotations: string_map(cx, f.get("annotations"), "annotation"),
        };
        f.finish(cx);
        Some(k)
    }
}

impl FromNode for SloAlerting {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "SLO alerting")?;
        let a = SloAlerting {
            name: f.opt(cx, "name"),
            page: f.opt(cx, "page").unwrap_or_default(),
            ticket: f.opt(cx, "ticket").unwrap_or_default(),
            labels: string_map(cx, f.get("labels"), "alert label"),
            annotations: string_map(cx, f.get("annotations"), "annotation"),
            runbook: f.opt(cx, "runbook"),
            dashboard: f.opt(cx, "dashboard"),
            min_events: f.opt(cx, "min_events"),
            sli_missing_for: f.opt(cx, "sli_missing_for"),
            disabled: f.opt(cx, "disabled"),
        };
        f.finish(cx);
        Some(a)
    }
}

impl FromNode for BurnAlert {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "a burn-rate alert")?;
        let a = BurnAlert {
            severity: f.opt(cx, "severity"),
            for_: f.opt(cx, "for"),
            labels: string_map(cx, f.get("labels"), "alert label"),
            disabled: f.opt(cx, "disabled"),
            windows: f.opt(cx, "windows").unwrap_or_default(),
        };
        f.finish(cx);
        Some(a)
    }
}

impl FromNode for Timeslice {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "time-slice budgeting")?;
        let window = f.req(cx, "window");
        let target = f.opt(cx, "target");
        f.finish(cx);
        Some(Timeslice {
            window: window.ok()?,
            target,
            span: Some(node.span),
        })
    }
}

impl FromNode for BurnWindowSpec {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "a burn window")?;
        let long = f.req(cx, "long");
        let short = f.req(cx, "short");
        let budget_percent = f.req(cx, "budget_percent");
        f.finish(cx);
        Some(BurnWindowSpec {
            long: long.ok()?,
            short: short.ok()?,
            budget_percent: budget_percent.ok()?,
            span: Some(node.span),
        })
    }
}

impl FromNode for bool {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        match plain_scalar(node) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => {
                cx.type_error(node, "`true` or `false`");
                None
            }
        }
    }
}

impl FromNode for Sli {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "an SLI")?;
        let sli = Sli {
            errors: f.opt(cx, "errors"),
            total: f.opt(cx, "total"),
            latency: f.opt(cx, "latency"),
            error_ratio: f.opt(cx, "error_ratio"),
            threshold: f.opt(cx, "threshold"),
            span: Some(node.span),
        };
        f.finish(cx);
        Some(sli)
    }
}

impl FromNode for ThresholdSli {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "a threshold SLI")?;
        let query = f.req(cx, "query");
        let op = f.req(cx, "op");
        let value = f.req(cx, "value");
        f.finish(cx);
        Some(ThresholdSli {
            query: query.ok()?,
            op: op.ok()?,
            value: value.ok()?,
        })
    }
}

impl FromNode for LatencySli {
    fn from_node(cx: &mut Cx<'_>, node: &Node) -> Option<Self> {
        let mut f = Fields::new(cx, node, "a latency SLI")?;
        let metric = f.req(cx, "metric");
        let threshold = f.req(cx, "threshold");
        let selector = f.opt(cx, "selector");
        f.finish(cx);
        Some(LatencySli {
            metric: metric.ok()?,
            threshold: threshold.ok()?,
            selector,
        })
    }
}

fn string_map(cx: &mut Cx<'_>, node: Option<&Node>, what: &str) -> NamedMap<Spanned<String>> {
    node.map(|n| {
        named_map(cx, n, what, CODE_DUP_KEY, &mut HashSet::new(), |cx, v| {
            Spanned::<String>::from_node(cx, v)
        })
    })
    .unwrap_or_default()
}

/// The `alerts:` mapping. A name maps to one rule, or to a list of rules
/// that share it (severity tiers): each becomes an entry of its own, in
/// order, under the one name.
fn alert_map(cx: &mut Cx<'_>, node: &Node, broken: &mut HashSet<String>) -> NamedMap<Alert> {
    let NodeKind::Map(entries) = &node.kind else {
        cx.type_error(node, "a mapping of alert names");
        return NamedMap::default();
    };
    report_duplicate_keys(cx, entries, CODE_DUP_ALERT, "alert");
    let mut out = NamedMap::default();
    let mut seen = HashSet::new();
    for (k, v) in entries {
        let name = k.as_scalar().unwrap_or("").to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        let rules: Vec<&Node> = match &v.kind {
            NodeKind::Seq(items) if items.is_empty() => {
                cx.type_error(
                    v,
                    "an alert, or a non-empty list of alerts sharing the name",
                );
                broken.insert(name);
                continue;
            }
            NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![v],
        };
        for r in rules {
            match alert_from(cx, r) {
                Some(a) => out.entries.push((Spanned::new(name.clone(), k.span), a)),
                None => {
                    broken.insert(name.clone());
                }
            }
        }
    }
    out
}

fn alert_from(cx: &mut Cx<'_>, node: &Node) -> Option<Alert> {
    let mut f = Fields::new(cx, node, "an alert")?;
    let expr = f.req(cx, "expr");
    let for_ = f.opt(cx, "for");
    let keep_firing_for = f.opt(cx, "keep_firing_for");
    let severity = f.req(cx, "severity");
    let summary = f.opt(cx, "summary");
    let description = f.opt(cx, "description");
    let runbook = f.opt(cx, "runbook");
    let labels = string_map(cx, f.get("labels"), "alert label");
    let annotations = string_map(cx, f.get("annotations"), "annotation");
    let infrastructure = f.opt(cx, "infrastructure");
    f.finish(cx);
    Some(Alert {
        infrastructure,
        expr: expr.ok()?,
        for_,
        keep_firing_for,
        severity: severity.ok()?,
        summary,
        description,
        runbook,
        labels,
        annotations,
    })
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS002",
        title: "unknown key",
        severity: "error",
        explanation: "A key that the spec format does not define. Unknown keys are errors, not ignored, so that a typo (`tpye`, `bucket`) never silently drops a setting. The help line suggests the closest known key.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    tpye: counter # <- OBS002"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS003",
        title: "value of the wrong type",
        severity: "error",
        explanation: "A value is not of the expected type: a list where a mapping is expected, text where a number is expected, or a word outside a fixed set (such as a metric `type` other than counter, gauge, histogram or info).",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: countr # <- OBS003"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS004",
        title: "missing required key",
        severity: "error",
        explanation: "A required key is absent: `obspec`, `service` and `namespace` in a service spec; `type` in a metric; `objective`, `window` and `sli` in an SLO; `expr` and `severity` in an alert. An empty spec file is reported with this code too.",
        bad: &[("shop.yaml", "obspec: 1 # <- OBS004\nservice: shop\nmetrics: {}\n")],
        good: &[("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics: {}\n")],
    },
    Rule {
        code: "OBS005",
        title: "unsupported spec format version",
        severity: "error",
        explanation: "Every file starts with `obspec: 1`, the version of the spec format. A file written for another version is refused rather than misread.",
        bad: &[("shop.yaml", "obspec: 2 # <- OBS005\nservice: shop\nnamespace: shop\n")],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS007",
        title: "duplicate key",
        severity: "error",
        explanation: "The same key appears twice in one mapping. YAML parsers disagree on which one wins, so obspec refuses both and points at each.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    help: Orders. # <- OBS007"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS008",
        title: "no spec files",
        severity: "error",
        explanation: "The paths given to obspec hold no `*.yaml` or `*.yml` file. This finding has no location. Check the path (the default is `specs/`).",
        bad: &[],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS009",
        title: "second project file",
        severity: "error",
        explanation: "A spec directory has one project file, `obspec.yaml` (or `obspec.yml`), at its root. A second one would make conventions depend on which file is read last.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nproject: shop\n"),
            ("sub/obspec.yaml", "obspec: 1 # <- OBS009\nproject: other\n"),
        ],
        good: &[("obspec.yaml", "obspec: 1\nproject: shop\n")],
    },
    Rule {
        code: "OBS010",
        title: "file refused",
        severity: "error",
        explanation: "obspec reads only regular files as specs, and follows a symbolic link only to a file inside the directory it was found in: a link to `/proc/self/environ`, to a file elsewhere on the machine, a FIFO or a device is refused, and the finding shows none of its content (so no secret can leak through a link, and no read can block). The examples are files, which links cannot be; the finding comes from the file system: `ln -s /proc/self/environ specs/env.yaml` makes `specs/env.yaml` refused.",
        bad: &[],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS801",
        title: "metric defined twice",
        severity: "error",
        explanation: "A metric name is defined twice, in one file or in two. Prometheus has one namespace of metric names: the second definition would collide at registration or in queries. The finding points at both places.",
        bad: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders billed.}\n"),
            ("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed.} # <- OBS801\n"),
        ],
        good: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nmetrics:\n  billing_orders_total: {type: counter, help: Orders billed.}\n"),
            ("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n"),
        ],
    },
    Rule {
        code: "OBS802",
        title: "SLO defined twice",
        severity: "error",
        explanation: "An SLO name is defined twice in one service's spec. SLO names are scoped to their service: the recording rules and alerts generated for an SLO carry both its `slo` and its `service` label, so two services may each have an `availability` SLO, but one service cannot have two.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n",
            "  orders: {objective: 99.9, window: 30d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
            "  orders: {objective: 99, window: 7d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}} # <- OBS802\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n",
            "  orders: {objective: 99.9, window: 30d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
            "  orders-weekly: {objective: 99, window: 7d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
        ))],
    },
    Rule {
        code: "OBS803",
        title: "alert defined twice",
        severity: "error",
        explanation: "Alert names are scoped the way Prometheus scopes them: by name and label set. A name may hold a list of rules (severity tiers, each with its own `expr`, `for`, `severity`, labels and annotations), and two services may use one name, since every alert carries its service (the `service` label, or the series' own). Two rules of one name are refused when Prometheus could not tell their alerts apart: in one service with the same labels (severity, team, service and the alert's `labels:`), or in two services with the same labels and nothing in their results to separate them (results without labels, or the same expression). Alertmanager would merge them into one alert, and a silence or inhibition on one would act on both. Inside a service, an alert may not take the name of a burn-rate alert generated for one of its SLOs, nor two SLOs generate one alert name.",
        bad: &[
            ("a.yaml", concat!(
                "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  QueueDeep:\n",
                "    - {expr: a_queue_depth > 100, severity: warning, summary: Deep.}\n",
                "    - {expr: a_queue_depth > 1000, severity: warning, summary: Very deep.} # <- OBS803\n",
            )),
        ],
        good: &[
            ("a.yaml", concat!(
                "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  QueueDeep:\n",
                "    - {expr: a_queue_depth > 100, severity: warning, summary: Deep.}\n",
                "    - {expr: a_queue_depth > 1000, severity: critical, summary: Very deep.}\n",
            )),
            ("b.yaml", concat!(
                "obspec: 1\nservice: b\nnamespace: b\nmetrics:\n  b_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  QueueDeep: {expr: b_queue_depth > 100, severity: warning, summary: Deep.}\n",
            )),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(l: &Loaded) -> Vec<&'static str> {
        l.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn unknown_key_did_you_mean() {
        let l = load_texts([(
            "a.yaml",
            "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_x_total:\n    tpye: counter\n",
        )]);
        let c = codes(&l);
        assert!(c.contains(&CODE_UNKNOWN_KEY), "{c:?}");
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.code == CODE_UNKNOWN_KEY)
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `type`?"));
        assert_eq!(d.span.unwrap().line, 6);
        // The missing `type` is reported too, and the metric is marked broken.
        assert!(c.contains(&CODE_MISSING));
        assert!(l.specs.services[0].broken.contains("a_x_total"));
    }

    #[test]
    fn collects_all_problems() {
        let l = load_texts([(
            "a.yaml",
            "obspec: 2\nservice: [x]\nnamespace: a\nfoo: 1\nmetrics:\n  m: {type: countr}\n  m: {type: gauge}\n",
        )]);
        let c = codes(&l);
        for code in [CODE_VERSION, CODE_TYPE, CODE_UNKNOWN_KEY, CODE_DUP_METRIC] {
            assert!(c.contains(&code), "{code} not in {c:?}");
        }
    }

    #[test]
    fn did_you_mean_is_selective() {
        assert_eq!(
            did_you_mean("severty", &["severity", "summary"]),
            Some("severity")
        );
        assert_eq!(did_you_mean("zzz", &["severity", "summary"]), None);
    }
}
