//! `obspec diff OLD NEW` and `obspec diff --base REF [SPECS]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use obspec_core::lint::report;
use obspec_core::ops::{diff, git};

use crate::output::{print_out, usage};

/// `--format` of `diff`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    /// A pull-request comment: one short table, breaking first.
    Markdown,
}

impl Format {
    fn op(self) -> diff::Format {
        match self {
            Format::Human => diff::Format::Human,
            Format::Json => diff::Format::Json,
            Format::Github => diff::Format::Github,
            Format::Markdown => diff::Format::Markdown,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// OLD_SPECS NEW_SPECS, or with --base: the specs of the working tree (default specs/).
    paths: Vec<PathBuf>,
    /// Read the old version from this git ref (`origin/main`, a tag, `HEAD~1`), without a checkout.
    #[arg(long, value_name = "GIT_REF")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Let breaking changes with this code through (repeatable), e.g. a planned removal.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
}

pub fn run(args: Args) -> ExitCode {
    let json = args.format == Format::Json;
    let usage = |message: String| usage(json, message);
    let (old, new) = match (&args.base, args.paths.as_slice()) {
        (Some(base), paths) if paths.len() <= 1 => {
            let dir = paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("specs"));
            let files = match git::specs_at(base, &dir) {
                Ok(f) => f,
                Err(e) => return usage(e),
            };
            let old =
                obspec_core::lint::check_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
            let new = match obspec_core::lint::check_paths(&[dir]) {
                Ok(l) => l,
                Err(e) => return usage(e.to_string()),
            };
            (old, new)
        }
        (None, [a, b]) => {
            let load = |p: &PathBuf| {
                obspec_core::lint::check_paths(std::slice::from_ref(p)).map_err(|e| e.to_string())
            };
            match (load(a), load(b)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return usage(e),
            }
        }
        _ => return usage("give OLD_SPECS NEW_SPECS, or --base GIT_REF [SPECS]".into()),
    };
    // A version that does not load cannot be compared.
    for (which, l) in [("old", &old), ("new", &new)] {
        let broken = diff::load_errors(l);
        if !broken.is_empty() {
            eprint!(
                "{}",
                report::render(report::Format::Human, &broken, &l.sources, false)
            );
            return usage(format!("the {which} specs do not load"));
        }
    }
    let artifacts = diff::old_artifacts(&old).unwrap_or_else(|e| {
        eprintln!("obspec: warning: the old specs do not render ({e}): dependents in generated artifacts are not listed");
        Default::default()
    });
    let changes = diff::diff(&old, &new, &artifacts, &args.allow);
    print_out(&diff::render(&changes, args.format.op()));
    ExitCode::from(u8::from(diff::breaks(&changes)))
}
