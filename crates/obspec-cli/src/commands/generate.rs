//! `obspec generate` and `obspec check`.

use std::path::PathBuf;
use std::process::ExitCode;

use obspec_core::ops::generate::{self, Drift};
use obspec_core::targets::{self, templates};

use crate::output::{self, fail, print_out, Color};

#[derive(clap::Args)]
pub struct Args {
    /// Spec files or directories (default: specs/, or the bundled examples if there is none).
    specs: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Targets to render (repeatable; default: all).
    #[arg(long = "target", value_name = "TARGET")]
    targets: Vec<String>,
    /// Directory whose templates override the embedded ones, file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Colour for findings.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// `generate` (`check: false`) or `check`.
pub fn run(args: Args, check: bool) -> ExitCode {
    let targets = match targets::select_targets(&args.targets) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if let Some(dir) = &args.templates {
        if !dir.is_dir() {
            return fail(format!("--templates {}: not a directory", dir.display()));
        }
    }
    let loaded = match output::load(args.specs) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let diags = loaded.diagnostics.clone().into_sorted();
    output::print_findings(&diags, &loaded, args.color);
    if loaded.diagnostics.has_errors() {
        eprintln!(
            "obspec: the specs have errors: nothing {}",
            if check { "checked" } else { "generated" }
        );
        return ExitCode::from(1);
    }
    let env = templates::environment(args.templates.as_deref());
    let rendered = match targets::render(&loaded, &targets, &env) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if check {
        check_tree(&args.out, &rendered)
    } else {
        write_tree(&args.out, &rendered)
    }
}

fn check_tree(out: &std::path::Path, rendered: &targets::artifact::Rendered) -> ExitCode {
    let drift = match generate::check(out, rendered) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if drift.is_empty() {
        eprintln!(
            "obspec: {} is up to date ({} files)",
            out.display(),
            rendered.files.len()
        );
        return ExitCode::SUCCESS;
    }
    let mut s = String::new();
    for d in &drift {
        match d {
            Drift::Missing(p) => s.push_str(&format!("missing: {}\n", out.join(p).display())),
            Drift::Unexpected(p) => s.push_str(&format!("unexpected: {}\n", out.join(p).display())),
            Drift::Leftover(p) => s.push_str(&format!(
                "leftover: {} (run `obspec generate` to remove it)\n",
                p.display()
            )),
            Drift::Stale(p, diff) => {
                s.push_str(&format!("stale: {}\n", out.join(p).display()));
                s.push_str(diff);
            }
        }
    }
    print_out(&s);
    eprintln!(
        "obspec: {} is out of date ({} file{}): run `obspec generate`",
        out.display(),
        drift.len(),
        if drift.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

fn write_tree(out: &std::path::Path, rendered: &targets::artifact::Rendered) -> ExitCode {
    match generate::write(out, rendered) {
        Ok(summary) => {
            eprintln!(
                "obspec: wrote {} file{} to {} ({} unchanged, {} removed)",
                summary.written.len(),
                if summary.written.len() == 1 { "" } else { "s" },
                out.display(),
                summary.unchanged.len(),
                summary.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
