//! `obspec import sloth|openslo|prometheus FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use obspec_core::ops::import::{self, SlothOptions};

use crate::output::{fail, print_out};

#[derive(Clone, Copy, ValueEnum)]
pub enum From {
    /// Sloth `prometheus/v1` specs.
    Sloth,
    /// OpenSLO v1 `SLO` (and `SLI`) documents.
    Openslo,
    /// A Prometheus rule file (or PrometheusRule resource): its alerting and
    /// recording rules, for the service named after the file.
    Prometheus,
}

impl From {
    fn op(self) -> import::From {
        match self {
            From::Sloth => import::From::Sloth,
            From::Openslo => import::From::Openslo,
            From::Prometheus => import::From::Prometheus,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The input format.
    #[arg(value_enum)]
    from: From,
    /// The file to convert.
    file: PathBuf,
    /// Write one spec file per service into this directory (`<service>.yaml`)
    /// instead of printing them.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Sloth: the SLO period Sloth was run with (`--default-slo-period`).
    #[arg(long)]
    period: Option<String>,
    /// Sloth: an `AlertWindows` file, or a directory of them, as Sloth's
    /// `--slo-period-windows-path` (repeatable).
    #[arg(long)]
    windows: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let input = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {e}", args.file.display())),
    };
    if !matches!(args.from, From::Sloth) && (args.period.is_some() || !args.windows.is_empty()) {
        return fail(
            "--period and --windows describe a Sloth run: they apply to `import sloth` only",
        );
    }
    let mut options = SlothOptions {
        period: args.period,
        windows: Vec::new(),
    };
    for w in &args.windows {
        match import::windows_files(w) {
            Ok(texts) => options.windows.extend(texts),
            Err(e) => return fail(e),
        }
    }
    let cannot = |e: import::ImportError| {
        eprintln!("obspec: cannot convert {}: {e}", args.file.display());
        ExitCode::from(1)
    };
    let Some(dir) = &args.out else {
        return match import::spec(args.from.op(), &input, &args.file, &options) {
            Ok(spec) => {
                print_out(&spec);
                ExitCode::SUCCESS
            }
            Err(e) => cannot(e),
        };
    };
    let services = match import::services(args.from.op(), &input, &args.file, &options) {
        Ok(s) => s,
        Err(e) => return cannot(e),
    };
    match import::write_services(dir, &services, |path| {
        eprintln!("obspec: wrote {}", path.display())
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
