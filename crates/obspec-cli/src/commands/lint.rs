//! `obspec lint`.

use std::path::PathBuf;
use std::process::ExitCode;

use obspec_core::lint::report;
use obspec_spec::diag::Severity;

use crate::output::{self, print_out, Color, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Spec files or directories (default: specs/).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Colour for the human format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

pub fn run(args: Args) -> ExitCode {
    let json = args.format == Format::Json;
    let loaded = match if json {
        output::load_quiet(args.paths)
    } else {
        output::load(args.paths).map_err(|c| (c, String::new()))
    } {
        Ok(l) => l,
        Err((code, message)) => {
            if json {
                print_out(&report::json_error("io", &message));
            }
            return code;
        }
    };
    let failed = loaded.diagnostics.has_errors()
        || args.deny_warnings && loaded.diagnostics.count(Severity::Warning) > 0;
    let files = loaded.sources.iter().count();
    let suppressed = loaded.diagnostics.suppressed();
    let diags = loaded.diagnostics.clone().into_sorted();
    let color = output::stdout_color(args.color);
    let mut out = report::render_report(
        args.format.into(),
        &diags,
        &[],
        &suppressed,
        &loaded.sources,
        color,
    );
    if args.format == Format::Human && diags.is_empty() {
        let accepted = match suppressed.len() {
            0 => String::new(),
            1 => " (1 finding suppressed by `obspec:ignore`)".to_string(),
            n => format!(" ({n} findings suppressed by `obspec:ignore`)"),
        };
        out = format!(
            "obspec: {files} spec file{} clean{accepted}\n",
            if files == 1 { "" } else { "s" }
        );
    }
    print_out(&out);
    ExitCode::from(u8::from(failed))
}
