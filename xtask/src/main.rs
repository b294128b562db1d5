//! `cargo run -p xtask -- check`: the conventions of the tree (see
//! [`arch`]), over every crate of the repository. `cargo run -p xtask --
//! fns` lists the longest functions. `cargo test -p xtask` runs the same
//! check, so the suite fails when a convention is broken.

mod arch;
mod lex;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Crates whose `[dependencies]` may not name a CLI or network crate: the
/// libraries a service's `build.rs` pulls in.
const LIBRARIES: &[&str] = &[
    "crates/obspec",
    "crates/obspec-core",
    "crates/obspec-spec",
    "crates/obspec-rules",
    "crates/obspec-macros",
];

/// What only the binary may depend on.
const CLI_ONLY: &[&str] = &["clap", "ureq", "rustls", "reqwest", "hyper-util"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, relative to it, sorted.
fn rust_files(dir: &Path) -> Vec<arch::File> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(dir)
                    .expect("below dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push(arch::File { rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// The crates of the repository: `crates/*`, `examples/*`, `xtask`.
fn crates(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for group in ["crates", "examples"] {
        if let Ok(entries) = std::fs::read_dir(root.join(group)) {
            for e in entries.flatten() {
                if e.path().join("Cargo.toml").is_file() {
                    out.push(format!("{group}/{}", e.file_name().to_string_lossy()));
                }
            }
        }
    }
    out.push("xtask".into());
    out.sort();
    out
}

/// `[dependencies]` entries of a library that only the CLI may have.
fn cli_dependencies(root: &Path, krate: &str) -> Vec<arch::Violation> {
    let path = format!("{krate}/Cargo.toml");
    let text = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
    let mut section = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_string();
            continue;
        }
        let name = l.split(['=', ' ', '.']).next().unwrap_or("");
        if section == "[dependencies]" && CLI_ONLY.contains(&name) {
            out.push(arch::Violation {
                file: path.clone(),
                line: i + 1,
                message: format!(
                    "`{name}` is a dependency of a library a build.rs pulls in: only obspec-cli may have it"
                ),
            });
        }
    }
    out
}

/// The whole check: violations, and every production function's length.
pub fn check(root: &Path) -> (Vec<arch::Violation>, Vec<arch::FnLength>) {
    let mut violations = Vec::new();
    let mut fns = Vec::new();
    for krate in crates(root) {
        let files = rust_files(&root.join(&krate).join("src"));
        let layers = if krate == "crates/obspec-core" {
            arch::CORE_LAYERS
        } else {
            &[]
        };
        let r = arch::check_crate(&krate, &files, layers);
        violations.extend(r.violations);
        fns.extend(r.fns);
        if LIBRARIES.contains(&krate.as_str()) {
            violations.extend(cli_dependencies(root, &krate));
        }
    }
    (violations, fns)
}

/// Standard output; a closed pipe (`| head`) is not an error.
fn print(s: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

fn main() -> ExitCode {
    let root = repo();
    let (violations, mut fns) = check(&root);
    match std::env::args().nth(1).as_deref() {
        Some("check") | None => {
            let mut s = String::new();
            for v in &violations {
                s.push_str(&format!("{}:{}: {}\n", v.file, v.line, v.message));
            }
            if violations.is_empty() {
                s.push_str("xtask: the tree keeps its conventions\n");
            } else {
                s.push_str(&format!("xtask: {} violations\n", violations.len()));
            }
            print(&s);
            if violations.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some("fns") => {
            fns.sort_by_key(|f| std::cmp::Reverse(f.lines));
            let mut s = String::new();
            for f in fns.iter().take_while(|f| f.lines >= 80) {
                s.push_str(&format!(
                    "{:>4}  {}  {}:{}\n",
                    f.lines, f.name, f.file, f.line
                ));
            }
            print(&s);
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown command `{other}` (check, fns)");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// The repository keeps every convention of [`crate::arch`].
    #[test]
    fn the_tree_keeps_its_conventions() {
        let (violations, fns) = super::check(&super::repo());
        assert!(fns.len() > 500, "the sources were found: {} fns", fns.len());
        let list: Vec<String> = violations
            .iter()
            .map(|v| format!("{}:{}: {}", v.file, v.line, v.message))
            .collect();
        assert!(list.is_empty(), "\n{}", list.join("\n"));
    }

    /// The check sees a library's CLI dependency.
    #[test]
    fn a_cli_dependency_of_a_library_fails() {
        let dir = std::env::temp_dir().join(format!("xtask-deps-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("crates/lib")).unwrap();
        std::fs::write(
            dir.join("crates/lib/Cargo.toml"),
            "[package]\nname = \"lib\"\n\n[dependencies]\nclap = \"4\"\n\n[dev-dependencies]\nureq = \"3\"\n",
        )
        .unwrap();
        let v = super::cli_dependencies(&dir, "crates/lib");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].line, 5);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
