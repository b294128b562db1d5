//! The catalog of every code obspec reports, assembled from the entries each
//! module keeps beside the codes it reports (`CATALOG`, in the loader, the
//! lint families, live-check and diff). `obspec explain CODE` prints an
//! entry; docs/lints.md is rendered from it; the tests run every example
//! through the linter, so the catalog cannot drift from the code. It sits
//! above the layers: it reads every one of them, and none reads it.

use std::sync::OnceLock;

use obspec_spec::catalog::Rule;

/// Every entry, sorted by code.
pub fn rules() -> &'static [&'static Rule] {
    static RULES: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let families = FAMILIES;
        let mut all: Vec<&'static Rule> = families.iter().flat_map(|f| f.iter()).collect();
        all.sort_by_key(|r| r.code);
        all
    })
}

/// Looks up a rule by code (case-insensitive; `204` and `obs204` work too).
pub fn find(code: &str) -> Option<&'static Rule> {
    let c = code.trim().to_ascii_uppercase();
    let c = if c.starts_with("OBS") {
        c
    } else {
        format!("OBS{c:0>3}")
    };
    rules().iter().copied().find(|r| r.code == c)
}

/// Renders one rule as Markdown (for `obspec explain` and docs/lints.md).
pub fn render(rule: &Rule, heading: &str) -> String {
    let mut s = format!(
        "{heading} {}: {}\n\nSeverity: {}.\n\n{}\n",
        rule.code, rule.title, rule.severity, rule.explanation
    );
    let files = |s: &mut String, title: &str, files: &[(&str, &str)]| {
        if files.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title}\n"));
        for (name, text) in files {
            // Expositions and stored series are not YAML.
            let lang = if name.ends_with(".yaml") {
                "yaml"
            } else {
                "text"
            };
            s.push_str(&format!("\n```{lang}\n# {name}\n{text}```\n"));
        }
    };
    files(&mut s, "Fails:", rule.bad);
    files(&mut s, "Passes:", rule.good);
    s
}

/// The whole catalog as Markdown: the content of docs/lints.md.
pub fn render_all() -> String {
    let mut s = String::from(
        "# obspec lint catalog\n\n\
         <!-- Rendered from the CATALOG entries beside each family's checks (crates/obspec-core/src/catalog.rs assembles them); a test keeps this file current. -->\n\n\
         Every finding of `obspec lint` has a stable code. `obspec explain CODE` prints the entry below.\n\
         Codes never change meaning; retired codes are not reused.\n\n\
         | code | rule | severity |\n|---|---|---|\n",
    );
    for r in rules() {
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            r.code,
            r.code.to_lowercase(),
            r.title,
            r.severity
        ));
    }
    s.push_str(CODE_RANGES_DOC);
    s.push_str(JSON_FORMAT_DOC);
    for r in rules() {
        s.push('\n');
        s.push_str(&render(r, "##"));
    }
    s
}

/// The families of codes, for docs/lints.md.
const CODE_RANGES_DOC: &str = r#"
## Code ranges

Codes are grouped by what they are about. A code keeps its number for good
(users have them in configurations and suppressions), so two families sit in
ranges older codes gave them; they are marked.

| range | family | where the checks are |
|---|---|---|
| OBS001–099 | loading: YAML, keys, types, limits, files | `obspec-spec` (`yaml.rs`, `load.rs`) |
| OBS101–199 | metric names, units, help | `obspec-rules`, `lint/names.rs` |
| OBS201–299 | labels and their domains | `lint/names.rs`, `lint/cardinality.rs`, `lint/http.rs` |
| OBS301–309 | series budgets | `lint/cardinality.rs` |
| OBS311–329 | live-check of metrics (an exposition, stored series); in the cardinality hundred for history | `ops/live.rs` |
| OBS331–349 | diff: breaking and compatible changes; in the cardinality hundred for history | `ops/diff.rs` |
| OBS401–499 | histogram buckets | `lint/names.rs` |
| OBS501–599 | PromQL meaning against the registry | `lint/promql.rs` |
| OBS601–610 | SLOs | `lint/slos.rs` |
| OBS611–629 | live-check of log lines; in the SLO hundred for history | `ops/live_logs.rs` |
| OBS701–799 | alerts and recordings | `lint/alerts.rs` |
| OBS801–899 | definitions across specs | `obspec-spec` (`load.rs`), `lint/mod.rs` |
| OBS901–949 | routing, credentials, deploy, Kubernetes | `lint/routing.rs`, `lint/kubernetes.rs`, `obspec-spec` (`secrets.rs`) |
| OBS951–999 | the `logs:` section | `lint/logs.rs` |

A new family takes a free range of its own (a free decade of the hundred it
belongs to), listed here with its module.
"#;

const JSON_FORMAT_DOC: &str = r#"
## Output formats

`obspec lint --format human` (default) prints rustc-style findings with the source line and a caret
(colour only on a terminal, never when `NO_COLOR` is set). `--format github` prints GitHub Actions
workflow commands (`::error file=…,line=…,col=…::…`) that annotate pull requests.
`--format json` prints one JSON document:

```json
{
  "version": 1,
  "errors": 1,
  "warnings": 0,
  "findings": [
    {
      "code": "OBS205",
      "severity": "error",
      "message": "label `user_id` is forbidden by the project conventions",
      "help": "…",
      "file": "specs/shop.yaml",
      "line": 9,
      "column": 14,
      "end_line": 9,
      "end_column": 21,
      "notes": [{"message": "first defined here", "file": "specs/shop.yaml", "line": 3, "column": 3}]
    }
  ]
}
```

`version` changes only if a field changes meaning. Lines and columns are 1-based; columns count
characters; `end_column` is exclusive. `file`, `line` and the other location fields are `null` only for
findings about the run itself (OBS008). Findings are sorted by file, line, column and code.

Where findings are capped per code (live-check prints at most 100 of each, `--max-findings`), the
report counts the rest in `errors` and `warnings` and lists them as
`"omitted": [{"code": "OBS312", "severity": "error", "count": 4900}]` (absent when nothing was
left out); the human format ends with `... and 4900 more OBS312 errors not shown`, and `github` with a
`::notice`.

Findings accepted by `# obspec:ignore` or a project `ignore:` entry (docs/spec.md, "Suppressions")
stay in `findings`, in their place, with `"suppressed": true` and the ignore's `"reason"`; they
are not counted in `errors` and `warnings` but in `"suppressed"` (absent when none), and never
change the exit code.

Text that comes from input (names and values quoted in messages, file names, the source line of a
snippet) is printed escaped in every format: control characters as `\n`, `\r`, `\xNN`, bidirectional
overrides as `\u{…}`; JSON escapes them too. No finding can recolour a terminal or start a line that
GitHub Actions would read as a workflow command.

Exit codes: 0 when there is no error-level finding (and, with `--deny-warnings`, no warning);
1 when there is; 2 for a usage or I/O error.
"#;

/// The modules that report codes, each with its entries.
const FAMILIES: [&[Rule]; 17] = [
    crate::lint::alerts::CATALOG,
    crate::lint::cardinality::CATALOG,
    crate::lint::http::CATALOG,
    crate::lint::kubernetes::CATALOG,
    crate::lint::logs::CATALOG,
    crate::lint::CATALOG,
    crate::lint::names::CATALOG,
    crate::lint::promql::CATALOG,
    crate::lint::routing::CATALOG,
    crate::lint::slos::CATALOG,
    crate::lint::suppress::CATALOG,
    crate::ops::diff::CATALOG,
    crate::ops::live::CATALOG,
    crate::ops::live_logs::CATALOG,
    obspec_spec::load::CATALOG,
    obspec_spec::secrets::CATALOG,
    obspec_spec::yaml::CATALOG,
];
