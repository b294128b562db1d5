//! The `obspec` command line: argument parsing, one module per command over
//! `obspec_core::ops`, and the terminal. Only this crate knows flags, colour,
//! HTTP and exit statuses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bundled;
mod commands;
mod fetch;
mod output;

use commands::{diff, generate, import, lint, live_check, schema};

/// Observability as code: lint service specs and generate metrics code, rules,
/// routes, dashboards and docs from them.
#[derive(Parser)]
#[command(name = "obspec", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs: naming, labels, cardinality, PromQL, SLOs, alerts.
    Lint(lint::Args),
    /// Lint the specs, then render targets into the output directory atomically.
    Generate(generate::Args),
    /// Hold a service's spec against what it exposes (`--scrape URL`) or what
    /// a Prometheus stores for it (`--prometheus URL`). Credentials come from
    /// OBSPEC_BEARER_TOKEN[_FILE] or OBSPEC_BASIC_AUTH_USERNAME with
    /// OBSPEC_BASIC_AUTH_PASSWORD[_FILE], never from flags.
    #[command(name = "live-check")]
    LiveCheck(live_check::Args),
    /// Classify the changes between two versions of the specs as breaking or
    /// compatible, with what depends on each breaking change. Exit 1 when
    /// something breaks.
    Diff(diff::Args),
    /// Exit 1 if the output directory differs from what `generate` would write.
    Check(generate::Args),
    /// Explain a lint code (`obspec explain OBS204`), or list all codes.
    Explain { code: Option<String> },
    /// Print the JSON Schema of spec files.
    Schema {
        /// Which file: a service spec or the project file (obspec.yaml).
        #[arg(value_enum, default_value_t = schema::Kind::Service)]
        kind: schema::Kind,
    },
    /// List the generation targets.
    Targets,
    /// Print an obspec spec equivalent to another tool's SLO file.
    Import(import::Args),
}

/// Whether the raw arguments ask for `--format json` (for errors found
/// before or instead of a report).
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.iter().any(|a| a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&raw) {
        Ok(c) => c,
        Err(e) if wants_json(&raw) && e.use_stderr() => {
            output::print_out(&obspec_core::lint::report::json_error(
                "usage",
                e.to_string().trim(),
            ));
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Generate(args) => generate::run(args, false),
        Command::LiveCheck(args) => live_check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Check(args) => generate::run(args, true),
        Command::Explain { code } => commands::explain::run(code),
        Command::Schema { kind } => schema::run(kind),
        Command::Targets => commands::targets::run(),
        Command::Import(args) => import::run(args),
    }
}
