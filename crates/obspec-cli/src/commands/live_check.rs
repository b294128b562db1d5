//! `obspec live-check`: `--scrape URL`, `--prometheus URL` or `--logs FILE|-`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use obspec_core::lint::report;
use obspec_core::ops::live_check;
use obspec_spec::load::Loaded;

use crate::fetch;
use crate::output::{self, print_out, Color, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Spec files or directories (default: specs/).
    specs: Vec<PathBuf>,
    /// The service's metrics endpoint, e.g. http://127.0.0.1:9464/metrics.
    #[arg(
        long,
        conflicts_with_all = ["prometheus", "logs"],
        required_unless_present_any = ["prometheus", "logs"]
    )]
    scrape: Option<String>,
    /// A Prometheus server, e.g. http://127.0.0.1:9090.
    #[arg(long, conflicts_with = "logs")]
    prometheus: Option<String>,
    /// JSONL log lines to check against the specs' log events: a file, or
    /// `-` for standard input (streamed, any size).
    #[arg(long, value_name = "FILE|-")]
    logs: Option<String>,
    /// Most findings printed of each code (all are counted).
    #[arg(long, default_value_t = 100)]
    max_findings: usize,
    /// The service to check (default: the only one, or the one whose namespace the metrics use).
    #[arg(long)]
    service: Option<String>,
    /// With --prometheus: matchers that select the service's targets, e.g. '{job="checkout"}'.
    #[arg(long)]
    selector: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Timeout of each HTTP request, a duration such as `10s`.
    #[arg(long, default_value = "10s")]
    timeout: String,
    /// Most bytes read from one response.
    #[arg(long, default_value_t = 64 << 20)]
    max_bytes: u64,
    /// With --prometheus: how far back series count as stored now.
    #[arg(long, default_value = "10m")]
    lookback: String,
    /// Colour for the human format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// A duration flag in milliseconds.
fn millis(s: &str, flag: &str) -> Result<u64, String> {
    obspec_spec::duration::parse_duration(s)
        .ok_or_else(|| format!("--{flag} `{s}` is not a duration such as `10s`"))
}

pub fn run(args: Args) -> ExitCode {
    let json = args.format == Format::Json;
    let usage = |message: String| output::usage(json, message);
    let loaded = match output::load_quiet(args.specs.clone()) {
        Ok(l) => l,
        Err((code, message)) => {
            if json {
                print_out(&report::json_error("io", &message));
            }
            output::fail(&message);
            return code;
        }
    };
    if loaded.diagnostics.has_errors() {
        let diags = loaded.diagnostics.clone().into_sorted();
        eprint!(
            "{}",
            report::render(report::Format::Human, &diags, &loaded.sources, false)
        );
        return usage(
            "the specs have lint errors: fix them before checking a service against them".into(),
        );
    }
    if let Some(input) = &args.logs {
        return logs(&args, &loaded, input);
    }
    let zero = args.timeout.starts_with('0')
        && !args
            .timeout
            .trim_start_matches('0')
            .starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let timeout = match millis(&args.timeout, "timeout") {
        _ if zero => {
            return usage(format!(
                "--timeout `{}` gives no time to answer: give a duration such as `10s`",
                args.timeout
            ))
        }
        Ok(t) => Duration::from_millis(t),
        Err(e) => return usage(e),
    };
    let client = match fetch::Client::from_env(timeout, args.max_bytes) {
        Ok(c) => c,
        Err(e) => return usage(e.to_string()),
    };
    let observed = match observe(&args, &loaded, &client) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let report = live_check::check(
        &loaded.specs,
        args.service.as_deref(),
        &observed,
        args.max_findings,
    );
    let color = output::stdout_color(args.color);
    print_out(&live_check::render(
        &report,
        args.format.into(),
        &loaded.sources,
        color,
    ));
    ExitCode::from(u8::from(live_check::fails(&report, args.deny_warnings)))
}

/// What the service exposes (`--scrape`) or Prometheus stores (`--prometheus`).
fn observe<'a>(
    args: &Args,
    loaded: &'a Loaded,
    client: &fetch::Client,
) -> Result<live_check::Observed<'a>, String> {
    let service = args.service.as_deref();
    if let Some(url) = &args.scrape {
        let (body, format) = client
            .scrape(url)
            .map_err(|e| format!("cannot scrape: {e}"))?;
        return live_check::scraped(
            &loaded.specs,
            service,
            &body,
            format,
            &fetch::redact_url(url),
        );
    }
    let base = args.prometheus.as_deref().expect("clap requires one");
    let lookback = millis(&args.lookback, "lookback")? / 1000;
    let api = fetch::Prometheus { client, base };
    // Progress on standard error once the queries take more than a second.
    let started = Instant::now();
    let quiet = args.format == Format::Json;
    let mut shown = false;
    let result = live_check::stored(
        &loaded.specs,
        &api,
        service,
        args.selector.as_deref(),
        lookback,
        |done, total| {
            if started.elapsed() > Duration::from_secs(1) && !quiet {
                eprint!("\robspec: querying Prometheus: {done}/{total}");
                shown = true;
            }
        },
    );
    if shown {
        eprintln!();
    }
    result
}

/// `obspec live-check --logs FILE|-`.
fn logs(args: &Args, loaded: &Loaded, input: &str) -> ExitCode {
    let usage = |message: String| output::usage(args.format == Format::Json, message);
    let checker = match live_check::log_checker(&loaded.specs, args.service.as_deref()) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let result = if input == "-" {
        live_check::logs(&checker, std::io::stdin().lock(), input, args.max_findings)
    } else {
        match std::fs::File::open(input) {
            Ok(f) => live_check::logs(
                &checker,
                std::io::BufReader::with_capacity(1 << 16, f),
                input,
                args.max_findings,
            ),
            Err(e) => return usage(format!("{input}: {e}")),
        }
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let name = if input == "-" { "<stdin>" } else { input };
    print_out(&live_check::render_logs(
        &report,
        args.format.into(),
        name,
        loaded,
    ));
    ExitCode::from(u8::from(report.fails(args.deny_warnings)))
}
