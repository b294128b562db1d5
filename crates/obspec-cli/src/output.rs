//! Terminal concerns shared by the commands: colour, exit statuses, writing
//! to a closed pipe, the default specs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use obspec_core::lint::report;
use obspec_spec::diag::Diagnostic;
use obspec_spec::load::Loaded;

/// `--color`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// `--format` of `lint` and `live-check`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

impl From<Format> for report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => report::Format::Human,
            Format::Json => report::Format::Json,
            Format::Github => report::Format::Github,
        }
    }
}

/// Whether to colour a stream.
pub fn use_color(c: Color, stream_is_tty: bool) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            stream_is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Whether to colour standard output.
pub fn stdout_color(c: Color) -> bool {
    use_color(c, std::io::stdout().is_terminal())
}

/// Exit status 2: usage or I/O error.
/// The message may hold text from outside (an HTTP answer, a file name):
/// its control characters are shown escaped.
pub fn fail(msg: impl std::fmt::Display) -> ExitCode {
    let msg = msg.to_string();
    eprintln!(
        "obspec: error: {}",
        obspec_core::format::escape::terminal(&msg)
    );
    ExitCode::from(2)
}

/// [`fail`], with the message also as a JSON error document on standard
/// output when the command's output is JSON.
pub fn usage(json: bool, message: String) -> ExitCode {
    if json {
        print_out(&report::json_error("usage", &message));
    }
    fail(message)
}

/// Writes to standard output; a closed pipe (`obspec lint | head`) is not an
/// error worth a panic.
pub fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Findings on standard error, in the human format.
pub fn print_findings(diags: &[Diagnostic], loaded: &Loaded, color: Color) {
    if diags.is_empty() {
        return;
    }
    let color = use_color(color, std::io::stderr().is_terminal());
    eprint!(
        "{}",
        report::render(report::Format::Human, diags, &loaded.sources, color)
    );
}

/// The bundled example specs, loaded and linted.
fn bundled() -> Loaded {
    obspec_core::lint::check_texts(crate::bundled::SPECS.iter().copied())
}

/// [`load`] for `--format json`: the error comes back as text instead of on
/// standard error, so that it can go into the JSON document.
pub fn load_quiet(paths: Vec<PathBuf>) -> Result<Loaded, (ExitCode, String)> {
    let paths = if paths.is_empty() {
        if !Path::new("specs").exists() {
            return Ok(bundled());
        }
        vec![PathBuf::from("specs")]
    } else {
        paths
    };
    obspec_core::lint::check_paths(&paths).map_err(|e| (ExitCode::from(2), e.to_string()))
}

/// Loads the given specs; with none, `specs/` or the bundled examples.
pub fn load(paths: Vec<PathBuf>) -> Result<Loaded, ExitCode> {
    if paths.is_empty() {
        let default = Path::new("specs");
        if !default.exists() {
            eprintln!("obspec: no specs/ directory here: using the bundled example specs");
            return Ok(bundled());
        }
        return obspec_core::lint::check_paths(&[default.to_path_buf()]).map_err(fail);
    }
    obspec_core::lint::check_paths(&paths).map_err(fail)
}
