//! What every obspec test shares, in one place:
//!
//! - [`repo_root`]: the repository, for the bundled specs, `generated/` and
//!   the fixtures;
//! - the `CI=true` rule for external tools ([`ci`], [`require`]): a test whose
//!   tool is missing fails under `CI=true`; elsewhere it says loudly what it
//!   skipped (on stderr and in `target/obspec-skipped.txt`, which survives
//!   libtest's capture) and passes;
//! - [`has_command`], [`python_module`], [`npm_package`]: tool discovery;
//! - [`scratch`]: a fresh temporary directory per test;
//! - [`free_port`]: a port on 127.0.0.1 for a real server;
//! - [`bless`]: the one way to rewrite a snapshot (`OBSPEC_BLESS=1`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The root of the repository (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// Whether the run is CI's (`CI=true`), where every tool is required.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether snapshots are to be rewritten (`OBSPEC_BLESS=1`) rather than compared.
pub fn bless() -> bool {
    std::env::var_os("OBSPEC_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The `CI=true` rule for a tool a test needs. `available`: whether it was
/// found. Returns `available`; when it is missing, panics under `CI=true`
/// (with `install`, how to get it), and otherwise reports the skip loudly.
pub fn require(tool: &str, available: bool, install: &str) -> bool {
    if available {
        return true;
    }
    if ci() {
        panic!("{tool} is required under CI=true ({install})");
    }
    report_skip(&format!("{tool} is not installed ({install})"));
    false
}

/// Whether `cmd` runs (`cmd --version` or the given probe arguments exit 0).
pub fn has_command(cmd: &str, probe: &[&str]) -> bool {
    let args: &[&str] = if probe.is_empty() {
        &["--version"]
    } else {
        probe
    };
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether `python3` can import every one of `modules`.
pub fn python_module(modules: &[&str]) -> bool {
    has_command(
        "python3",
        &["-c", &format!("import {}", modules.join(", "))],
    )
}

/// Whether the npm package `package` is installed under `target/<prefix>`
/// (where `.ci/run` installs it).
pub fn npm_package(prefix: &str, package: &str) -> bool {
    repo_root()
        .join("target")
        .join(prefix)
        .join("node_modules")
        .join(package)
        .is_dir()
}

/// A fresh, empty directory for one test: unique to the process and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("obspec-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("a scratch directory");
    d
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Compares `actual` with the snapshot at `path`, or rewrites it under
/// [`bless`]. Panics with the first differing line otherwise.
pub fn snapshot(path: &Path, actual: &str) {
    if bless() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the snapshot's directory");
        }
        std::fs::write(path, actual).expect("the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || expected.lines().count().min(actual.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{} differs from the output at line {line}; rerun with OBSPEC_BLESS=1 to accept it",
            path.display()
        );
    }
}

/// `(file name, text)` of every bundled example spec (the repository's
/// `specs/`), sorted by name.
pub fn bundled_specs() -> Vec<(String, String)> {
    let dir = repo_root().join("specs");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("specs/")
        .map(|e| e.expect("an entry of specs/").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("a spec file"))
        })
        .collect();
    files.sort();
    files
}

/// The `CI=true` rule where a test found its tool missing: under CI, a
/// failure saying what is `required`; elsewhere, `skipped` reported loudly
/// (stderr and `target/obspec-skipped.txt`). Returns when the test may skip.
pub fn skip_or_fail(required: &str, skipped: &str) {
    if ci() {
        panic!("{required}");
    }
    report_skip(skipped);
}

/// Says loudly that a test skipped: on stderr (shown by `--nocapture`) and in
/// `target/obspec-skipped.txt`, which survives libtest's capture.
pub fn report_skip(what: &str) {
    let line = format!(
        "SKIPPED ({}): {what}; set CI=true to make this a failure",
        std::thread::current().name().unwrap_or("test")
    );
    eprintln!("{line}");
    let log = repo_root().join("target/obspec-skipped.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        let _ = writeln!(f, "{line}");
    }
}
