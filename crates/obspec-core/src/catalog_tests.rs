//! Runs every catalog example through the linter.

use crate::catalog::{find, rules};
use crate::lint::check_texts;
use obspec_spec::diag::Severity;

/// Runs an example: the linter over its spec files, and `obspec live-check`
/// over its exposition (`.prom`) or stored series (`.series`), if any.
fn run(files: &[(&'static str, &'static str)]) -> obspec_spec::load::Loaded {
    if files.iter().any(|(n, _)| n.starts_with("old/")) {
        return run_diff(files);
    }
    let specs: Vec<(&str, &str)> = files
        .iter()
        .copied()
        .filter(|(n, _)| n.ends_with(".yaml"))
        .collect();
    let mut loaded = check_texts(specs);
    for (name, text) in files {
        if name.ends_with(".jsonl") {
            // Log lines; a line's trailing `# <- OBSxxx` marker is not part of it.
            let id = loaded.sources.add(obspec_spec::source::SourceFile {
                name: name.to_string(),
                rel: name.to_string(),
                path: name.into(),
                text: text.to_string(),
            });
            let clean: String = text
                .lines()
                .map(|l| l.split(" # <- ").next().unwrap_or(l).to_string() + "\n")
                .collect();
            let checker = crate::ops::live_logs::LineChecker::new(&loaded.specs, None).unwrap();
            let (_, findings) =
                crate::ops::live_logs::check_reader(&checker, clean.as_bytes(), usize::MAX)
                    .unwrap();
            for f in findings {
                let span = obspec_spec::source::Span::point(id, f.line as u32, 1);
                loaded.diagnostics.push(if f.severity == "error" {
                    obspec_spec::diag::Diagnostic::error(f.code, span, f.message)
                } else {
                    obspec_spec::diag::Diagnostic::warning(f.code, span, f.message)
                });
            }
        } else if name.ends_with(".prom") {
            let expo = crate::expr::exposition::parse(text, crate::expr::exposition::Format::Text)
                .unwrap();
            let svc = crate::ops::live::select_service(&loaded.specs, None, &expo).unwrap();
            let report = crate::ops::live::check(&loaded.specs, svc, &expo, &Default::default());
            for d in report.diagnostics.iter() {
                loaded.diagnostics.push(d.clone());
            }
        } else if name.ends_with(".series") {
            // Each line a stored series; a selector matches by its matchers.
            let stored: crate::ops::series::Series = text
                .lines()
                .filter_map(|l| {
                    let sel = l.rsplit_once(' ')?.0;
                    let promql_parser::parser::Expr::VectorSelector(vs) =
                        promql_parser::parser::parse(sel).ok()?
                    else {
                        return None;
                    };
                    let mut m: std::collections::BTreeMap<String, String> = vs
                        .matchers
                        .matchers
                        .iter()
                        .map(|m| (m.name.clone(), m.value.clone()))
                        .collect();
                    m.insert("__name__".into(), vs.name.clone()?);
                    Some(m)
                })
                .collect();
            let svc = &loaded.specs.services[0];
            let uses = crate::ops::live::selector_uses(svc);
            let mut diags = obspec_spec::diag::Diagnostics::default();
            let answer = |sel: &str| {
                let promql_parser::parser::Expr::VectorSelector(vs) =
                    promql_parser::parser::parse(sel).unwrap()
                else {
                    panic!("{sel}");
                };
                stored.filtered(|s| {
                    vs.name
                        .as_ref()
                        .is_none_or(|n| s.get("__name__") == Some(n.as_str()))
                        && vs
                            .matchers
                            .matchers
                            .iter()
                            .all(|m| m.is_match(s.get(&m.name).unwrap_or("")))
                })
            };
            crate::ops::live::check_selectors(
                &uses,
                |sel| -> Result<_, String> { Ok(answer(sel).len()) },
                |sel| -> Result<_, String> { Ok(answer(sel)) },
                &mut diags,
            )
            .unwrap();
            for d in diags.iter() {
                loaded.diagnostics.push(d.clone());
            }
        }
    }
    loaded
}

/// A diff example: `old/…` and `new/…` versions of the same files. Each
/// change becomes a finding at its place in the new version (or, for a
/// removal, the old one), breaking ones as errors; lint findings of the
/// versions are left out. The findings are reported against one set of
/// sources holding both versions.
fn run_diff(files: &[(&'static str, &'static str)]) -> obspec_spec::load::Loaded {
    let side =
        |prefix: &str| check_texts(files.iter().copied().filter(|(n, _)| n.starts_with(prefix)));
    let (old, new) = (side("old/"), side("new/"));
    let changes = crate::ops::diff::diff(&old, &new, &Default::default(), &[]);
    let mut both = obspec_spec::load::load_texts(files.iter().copied());
    both.diagnostics = Default::default();
    for c in changes {
        for p in [&c.old, &c.new].into_iter().flatten() {
            let Some(file) = both
                .sources
                .iter()
                .find(|(_, f)| f.name == p.file)
                .map(|(id, _)| id)
            else {
                continue;
            };
            let span = obspec_spec::source::Span::point(file, p.line, 1);
            let d = if c.breaking {
                obspec_spec::diag::Diagnostic::error(c.code, span, c.message.clone())
            } else {
                obspec_spec::diag::Diagnostic::warning(c.code, span, c.message.clone())
            };
            both.diagnostics.push(d);
        }
    }
    both
}

fn describe(l: &obspec_spec::load::Loaded) -> String {
    let d: Vec<_> = l.diagnostics.iter().cloned().collect();
    crate::lint::report::render(crate::lint::report::Format::Human, &d, &l.sources, false)
}

#[test]
fn every_failing_example_fails_on_the_marked_line() {
    for rule in rules().iter().filter(|r| !r.bad.is_empty()) {
        let loaded = run(rule.bad);
        let marker = format!("# <- {}", rule.code);
        let mut marked = 0;
        for (name, text) in rule.bad {
            for (i, line) in text.lines().enumerate() {
                if !line.contains(&marker) {
                    continue;
                }
                marked += 1;
                let hit = loaded.diagnostics.iter().any(|d| {
                    d.code == rule.code
                        && d.span.is_some_and(|s| {
                            s.line as usize == i + 1 && loaded.sources.get(s.file).name == *name
                        })
                });
                assert!(
                    hit,
                    "{}: no finding at {name}:{}\n{}",
                    rule.code,
                    i + 1,
                    describe(&loaded)
                );
            }
        }
        assert!(
            marked > 0,
            "{}: failing example has no `{marker}` marker",
            rule.code
        );
        let expected = if rule.severity == "error" {
            Severity::Error
        } else {
            Severity::Warning
        };
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|d| d.code == rule.code && d.severity == expected),
            "{}: no {} finding\n{}",
            rule.code,
            rule.severity,
            describe(&loaded)
        );
    }
}

#[test]
fn every_passing_example_is_clean() {
    for rule in rules() {
        assert!(
            !rule.good.is_empty(),
            "{} has no passing example",
            rule.code
        );
        let loaded = run(rule.good);
        assert!(
            loaded.diagnostics.is_empty(),
            "{}: passing example has findings\n{}",
            rule.code,
            describe(&loaded)
        );
    }
}

#[test]
fn every_code_in_the_source_is_in_the_catalog() {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../obspec-rules/src"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../obspec-spec/src"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../obspec-cli/src"),
    ];
    let mut seen = 0;
    for dir in dirs {
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.ends_with("catalog_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, _) in text.match_indices("\"OBS") {
                let code = &text[i + 1..i + 7];
                if code[3..].chars().all(|c| c.is_ascii_digit()) {
                    seen += 1;
                    assert!(
                        find(code).is_some(),
                        "{code} used in {} has no catalog entry",
                        p.display()
                    );
                }
            }
        }
    }
    assert!(seen > 40);
    // Codes are unique and sorted.
    let codes: Vec<_> = rules().iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted);
}

#[test]
fn lookup_forms() {
    assert_eq!(find("obs204").unwrap().code, "OBS204");
    assert_eq!(find("204").unwrap().code, "OBS204");
    assert!(find("OBS999").is_none());
}

#[test]
fn docs_lints_md_is_current() {
    let path = obspec_test_support::repo_root().join("docs/lints.md");
    obspec_test_support::snapshot(&path, &crate::catalog::render_all());
}
