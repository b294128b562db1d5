//! Runs every catalog example through the linter.

use crate::catalog::{find, RULES};
use crate::check_texts;
use crate::diag::Severity;

fn describe(l: &crate::Loaded) -> String {
    let d: Vec<_> = l.diagnostics.iter().cloned().collect();
    crate::report::render(crate::report::Format::Human, &d, &l.sources, false)
}

#[test]
fn every_failing_example_fails_on_the_marked_line() {
    for rule in RULES.iter().filter(|r| !r.bad.is_empty()) {
        let loaded = check_texts(rule.bad.iter().copied());
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
    for rule in RULES {
        assert!(
            !rule.good.is_empty(),
            "{} has no passing example",
            rule.code
        );
        let loaded = check_texts(rule.good.iter().copied());
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
        concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/src"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/src"),
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
    let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
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
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lints.md");
    let want = crate::catalog::render_all();
    if std::env::var_os("OBSPEC_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(have == want, "docs/lints.md is stale: run `OBSPEC_BLESS=1 cargo test -p obspec-codegen docs_lints_md_is_current`");
}
