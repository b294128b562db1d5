//! The `obspec` command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use obspec_codegen::diag::{Diagnostic, Severity};
use obspec_codegen::generate::{self, Drift};
use obspec_codegen::report::{self, Format};
use obspec_codegen::{catalog, schema, targets, templates, Loaded};

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
    Lint {
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
    },
    /// Lint the specs, then render targets into the output directory atomically.
    Generate(GenArgs),
    /// Hold a service's spec against what it exposes (`--scrape URL`) or what
    /// a Prometheus stores for it (`--prometheus URL`). Credentials come from
    /// OBSPEC_BEARER_TOKEN[_FILE] or OBSPEC_BASIC_AUTH_USERNAME with
    /// OBSPEC_BASIC_AUTH_PASSWORD[_FILE], never from flags.
    #[command(name = "live-check")]
    LiveCheck(LiveArgs),
    /// Classify the changes between two versions of the specs as breaking or
    /// compatible, with what depends on each breaking change. Exit 1 when
    /// something breaks.
    Diff(DiffArgs),
    /// Exit 1 if the output directory differs from what `generate` would write.
    Check(GenArgs),
    /// Explain a lint code (`obspec explain OBS204`), or list all codes.
    Explain { code: Option<String> },
    /// Print the JSON Schema of spec files.
    Schema {
        /// Which file: a service spec or the project file (obspec.yaml).
        #[arg(value_enum, default_value_t = SchemaKind::Service)]
        kind: SchemaKind,
    },
    /// List the generation targets.
    Targets,
    /// Print an obspec spec equivalent to another tool's SLO file.
    Import {
        /// The input format.
        #[arg(value_enum)]
        from: ImportFormat,
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    /// Sloth `prometheus/v1` specs.
    Sloth,
    /// OpenSLO v1 `SLO` (and `SLI`) documents.
    Openslo,
    /// A Prometheus rule file (or PrometheusRule resource): its alerting and
    /// recording rules, for the service named after the file.
    Prometheus,
}

#[derive(clap::Args)]
struct GenArgs {
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

#[derive(clap::Args)]
struct DiffArgs {
    /// OLD_SPECS NEW_SPECS, or with --base: the specs of the working tree (default specs/).
    paths: Vec<PathBuf>,
    /// Read the old version from this git ref (`origin/main`, a tag, `HEAD~1`), without a checkout.
    #[arg(long, value_name = "GIT_REF")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = obspec_codegen::diff::Format::Human)]
    format: obspec_codegen::diff::Format,
    /// Let breaking changes with this code through (repeatable), e.g. a planned removal.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
}

#[derive(clap::Args)]
struct LiveArgs {
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
    /// With --logs: most findings printed (all are counted).
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

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    Service,
    Project,
}

fn use_color(c: Color, stream_is_tty: bool) -> bool {
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

/// Exit status 2: usage or I/O error.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("obspec: error: {msg}");
    ExitCode::from(2)
}

/// [`load`] for `--format json`: the error comes back as text instead of on
/// standard error, so that it can go into the JSON document.
fn load_quiet(paths: Vec<PathBuf>) -> Result<Loaded, (ExitCode, String)> {
    let paths = if paths.is_empty() {
        if !Path::new("specs").exists() {
            return Ok(obspec_codegen::check_texts(
                obspec_codegen::bundled::SPECS.iter().copied(),
            ));
        }
        vec![PathBuf::from("specs")]
    } else {
        paths
    };
    obspec_codegen::check_paths(&paths).map_err(|e| (ExitCode::from(2), e.to_string()))
}

/// Loads the given specs; with none, `specs/` or the bundled examples.
fn load(paths: Vec<PathBuf>) -> Result<Loaded, ExitCode> {
    if paths.is_empty() {
        let default = Path::new("specs");
        if !default.exists() {
            eprintln!("obspec: no specs/ directory here: using the bundled example specs");
            return Ok(obspec_codegen::check_texts(
                obspec_codegen::bundled::SPECS.iter().copied(),
            ));
        }
        return obspec_codegen::check_paths(&[default.to_path_buf()]).map_err(fail);
    }
    obspec_codegen::check_paths(&paths).map_err(fail)
}

/// Whether the raw arguments ask for `lint --format json` (for errors found
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
            print_out(&report::json_error("usage", e.to_string().trim()));
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Lint {
            paths,
            format,
            deny_warnings,
            color,
        } => {
            let loaded = match if format == Format::Json {
                load_quiet(paths)
            } else {
                load(paths).map_err(|c| (c, String::new()))
            } {
                Ok(l) => l,
                Err((code, message)) => {
                    if format == Format::Json {
                        print_out(&report::json_error("io", &message));
                    }
                    return code;
                }
            };
            let failed = loaded.diagnostics.has_errors()
                || deny_warnings && loaded.diagnostics.count(Severity::Warning) > 0;
            let files = loaded.sources.iter().count();
            let diags = loaded.diagnostics.clone().into_sorted();
            let color = use_color(color, std::io::stdout().is_terminal());
            let mut out = report::render(format, &diags, &loaded.sources, color);
            if format == Format::Human && diags.is_empty() {
                out = format!(
                    "obspec: {files} spec file{} clean\n",
                    if files == 1 { "" } else { "s" }
                );
            }
            print_out(&out);
            ExitCode::from(u8::from(failed))
        }
        Command::Generate(args) => generate_or_check(args, false),
        Command::LiveCheck(args) => live_check(args),
        Command::Diff(args) => diff(args),
        Command::Check(args) => generate_or_check(args, true),
        Command::Explain { code } => match code {
            Some(code) => match catalog::find(&code) {
                Some(rule) => {
                    print_out(&catalog::render(rule, "#"));
                    ExitCode::SUCCESS
                }
                None => fail(format!(
                    "unknown code `{code}`; `obspec explain` lists them"
                )),
            },
            None => {
                let mut s = String::new();
                for r in catalog::RULES {
                    s.push_str(&format!("{}  {:<7}  {}\n", r.code, r.severity, r.title));
                }
                print_out(&s);
                ExitCode::SUCCESS
            }
        },
        Command::Schema { kind } => {
            let s = match kind {
                SchemaKind::Service => schema::service_schema(),
                SchemaKind::Project => schema::project_schema(),
            };
            print_out(&s);
            ExitCode::SUCCESS
        }
        Command::Import {
            from,
            file,
            out,
            period,
            windows,
        } => {
            let input = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => return fail(format!("{}: {e}", file.display())),
            };
            if !matches!(from, ImportFormat::Sloth) && (period.is_some() || !windows.is_empty()) {
                return fail("--period and --windows describe a Sloth run: they apply to `import sloth` only");
            }
            let mut options = obspec_codegen::import::SlothOptions {
                period,
                windows: Vec::new(),
            };
            for w in &windows {
                match windows_files(w) {
                    Ok(texts) => options.windows.extend(texts),
                    Err(e) => return fail(e),
                }
            }
            if let Some(dir) = out {
                let services = match from {
                    ImportFormat::Sloth => {
                        obspec_codegen::import::sloth_services_with(&input, &options)
                    }
                    ImportFormat::Prometheus => {
                        let service = file_service(&file);
                        obspec_codegen::import::prometheus(&input, &service)
                            .map(|spec| vec![(service, spec)])
                    }
                    ImportFormat::Openslo => obspec_codegen::import::openslo(&input).map(|spec| {
                        let service = spec
                            .lines()
                            .find_map(|l| l.strip_prefix("service: "))
                            .map_or("imported", |s| s.trim().trim_matches(['\'', '"']))
                            .to_string();
                        vec![(service, spec)]
                    }),
                };
                let services = match services {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("obspec: cannot convert {}: {e}", file.display());
                        return ExitCode::from(1);
                    }
                };
                if let Err(e) = std::fs::create_dir_all(&dir) {
                    return fail(format!("{}: {e}", dir.display()));
                }
                for (service, spec) in &services {
                    let path = dir.join(format!("{service}.yaml"));
                    if path.exists() {
                        return fail(format!(
                            "{}: exists; import does not overwrite specs",
                            path.display()
                        ));
                    }
                    if let Err(e) = std::fs::write(&path, spec) {
                        return fail(format!("{}: {e}", path.display()));
                    }
                    eprintln!("obspec: wrote {}", path.display());
                }
                return ExitCode::SUCCESS;
            }
            let result = match from {
                ImportFormat::Sloth => obspec_codegen::import::sloth_with(&input, &options),
                ImportFormat::Openslo => obspec_codegen::import::openslo(&input),
                ImportFormat::Prometheus => {
                    obspec_codegen::import::prometheus(&input, &file_service(&file))
                }
            };
            match result {
                Ok(spec) => {
                    print_out(&spec);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("obspec: cannot convert {}: {e}", file.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Targets => {
            let mut s = String::new();
            for t in targets::TARGETS {
                s.push_str(&format!("{:<12} {}/  {}\n", t.name, t.dir, t.description));
            }
            print_out(&s);
            ExitCode::SUCCESS
        }
    }
}

/// The texts of an AlertWindows file, or of the `.yaml`/`.yml` files of a
/// directory (sorted by name, not recursive, like Sloth's windows path).
fn windows_files(path: &std::path::Path) -> Result<Vec<String>, String> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    if !path.is_dir() {
        return Ok(vec![read(path)?]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "{}: no .yaml or .yml AlertWindows file in the directory",
            path.display()
        ));
    }
    files.iter().map(|p| read(p)).collect()
}

/// The spec files of `dir` at the git ref `base`: `(name, text)`, named
/// `REF:path`.
fn specs_at(base: &str, dir: &Path) -> Result<Vec<(String, String)>, String> {
    let git = |args: &[&str], cwd: &Path| -> Result<String, String> {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let abs = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let (cwd, file) = if abs.is_dir() {
        (abs.clone(), None)
    } else {
        (
            abs.parent().unwrap_or(&abs).to_path_buf(),
            Some(abs.clone()),
        )
    };
    let root = PathBuf::from(git(&["rev-parse", "--show-toplevel"], &cwd)?.trim());
    let root = root.canonicalize().unwrap_or(root);
    let rel = file
        .as_ref()
        .unwrap_or(&abs)
        .strip_prefix(&root)
        .map_err(|_| {
            format!(
                "{} is not inside the git repository {}",
                abs.display(),
                root.display()
            )
        })?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
        &root,
    )
    .map_err(|_| {
        format!(
            "`{base}` is not a commit of the repository at {}",
            root.display()
        )
    })?;
    let listing = git(
        &[
            "ls-tree",
            "-r",
            "--name-only",
            base,
            "--",
            if rel.is_empty() { "." } else { &rel },
        ],
        &root,
    )?;
    let mut out = Vec::new();
    for path in listing
        .lines()
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
    {
        let text = git(&["show", &format!("{base}:{path}")], &root)?;
        out.push((format!("{base}:{path}"), text));
    }
    if out.is_empty() {
        return Err(format!(
            "no spec file under `{}` at `{base}`",
            if rel.is_empty() { "." } else { &rel }
        ));
    }
    Ok(out)
}

/// `obspec diff`.
fn diff(args: DiffArgs) -> ExitCode {
    use obspec_codegen::diff;
    let json = args.format == diff::Format::Json;
    let usage = |message: String| -> ExitCode {
        if json {
            print_out(&report::json_error("usage", &message));
        }
        fail(message)
    };
    let (old, new) = match (&args.base, args.paths.as_slice()) {
        (Some(base), paths) if paths.len() <= 1 => {
            let dir = paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("specs"));
            let files = match specs_at(base, &dir) {
                Ok(f) => f,
                Err(e) => return usage(e),
            };
            let old =
                obspec_codegen::check_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
            let new = match obspec_codegen::check_paths(&[dir]) {
                Ok(l) => l,
                Err(e) => return usage(e.to_string()),
            };
            (old, new)
        }
        (None, [a, b]) => {
            let load = |p: &PathBuf| {
                obspec_codegen::check_paths(std::slice::from_ref(p)).map_err(|e| e.to_string())
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
        let broken: Vec<_> = l
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.code.as_bytes().get(3) == Some(&b'0'))
            .cloned()
            .collect();
        if !broken.is_empty() {
            eprint!(
                "{}",
                report::render(Format::Human, &broken, &l.sources, false)
            );
            return usage(format!("the {which} specs do not load"));
        }
    }
    // The old version's artifacts, for what depends on a breaking change.
    let env = templates::environment(None);
    let all: Vec<_> = targets::TARGETS.iter().collect();
    let artifacts = match generate::render(&old, &all, &env) {
        Ok(r) => r.files,
        Err(e) => {
            eprintln!("obspec: warning: the old specs do not render ({e}): dependents in generated artifacts are not listed");
            Default::default()
        }
    };
    let changes = diff::diff(&old, &new, &artifacts, &args.allow);
    print_out(&diff::render(&changes, args.format));
    ExitCode::from(u8::from(diff::breaks(&changes)))
}

/// `obspec live-check`.
fn live_check(args: LiveArgs) -> ExitCode {
    use obspec_codegen::{exposition, fetch, live};
    let json = args.format == Format::Json;
    let usage = |message: String| -> ExitCode {
        if json {
            print_out(&report::json_error("usage", &message));
        }
        fail(message)
    };
    let loaded = match load_quiet(args.specs.clone()) {
        Ok(l) => l,
        Err((code, message)) => {
            if json {
                print_out(&report::json_error("io", &message));
            }
            eprintln!("obspec: error: {message}");
            return code;
        }
    };
    if loaded.diagnostics.has_errors() {
        let diags = loaded.diagnostics.clone().into_sorted();
        eprint!(
            "{}",
            report::render(Format::Human, &diags, &loaded.sources, false)
        );
        return usage(
            "the specs have lint errors: fix them before checking a service against them".into(),
        );
    }
    if let Some(input) = &args.logs {
        return live_check_logs(&args, &loaded, input);
    }
    let ms = |s: &str, flag: &str| {
        obspec_codegen::duration::parse_duration(s)
            .ok_or_else(|| format!("--{flag} `{s}` is not a duration such as `10s`"))
    };
    let timeout = match ms(&args.timeout, "timeout") {
        Ok(t) => std::time::Duration::from_millis(t),
        Err(e) => return usage(e),
    };
    let client = match fetch::Client::from_env(timeout, args.max_bytes) {
        Ok(c) => c,
        Err(e) => return usage(e.to_string()),
    };
    let mut extra_diags = obspec_codegen::diag::Diagnostics::default();
    let mut options = live::Options {
        service: args.service.clone(),
        target_labels: Vec::new(),
    };
    let (expo, svc) = if let Some(url) = &args.scrape {
        let (body, format) = match client.scrape(url) {
            Ok(b) => b,
            Err(e) => return usage(format!("cannot scrape: {e}")),
        };
        let expo = match exposition::parse(&body, format) {
            Ok(e) => e,
            Err(e) => {
                return usage(format!(
                    "{}: not a valid exposition: {e}",
                    fetch::redact_url(url)
                ))
            }
        };
        match live::select_service(&loaded.specs, args.service.as_deref(), &expo) {
            Ok(svc) => (expo, svc),
            Err(e) => return usage(e),
        }
    } else {
        let base = args.prometheus.clone().expect("clap requires one");
        let lookback = match ms(&args.lookback, "lookback") {
            Ok(l) => l / 1000,
            Err(e) => return usage(e),
        };
        let inner = match &args.selector {
            Some(sel) => {
                let t = sel.trim();
                match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(inner) if !inner.trim().is_empty() => format!("{}, ", inner.trim()),
                    Some(_) => String::new(),
                    None => return usage(format!("--selector `{sel}` is not label matchers in braces, e.g. '{{job=\"checkout\"}}'")),
                }
            }
            None => String::new(),
        };
        let namespace_matcher = |svc: &obspec_codegen::model::Service| {
            format!(
                "{{{inner}__name__=~{}}}",
                obspec_codegen::escape::promql_str(&format!("{}_.+", svc.namespace.value))
            )
        };
        // The service: by name, the only one, or the one whose namespace
        // the selected targets' series use.
        let svc = match (args.service.as_deref(), loaded.specs.services.as_slice()) {
            (Some(_), _) | (None, [_]) => {
                match live::select_service(
                    &loaded.specs,
                    args.service.as_deref(),
                    &exposition::Exposition::default(),
                ) {
                    Ok(s) => s,
                    Err(e) => return usage(e),
                }
            }
            (None, all) => {
                let mut found = Vec::new();
                for s in all {
                    match client.series(&base, &namespace_matcher(s), lookback) {
                        Ok(series) if !series.is_empty() => found.push(s),
                        Ok(_) => {}
                        Err(e) => return usage(format!("cannot query Prometheus: {e}")),
                    }
                }
                match found.as_slice() {
                    [one] => *one,
                    [] => return usage("Prometheus stores no series in the namespace of any service of the specs: pass --service (and --selector)".into()),
                    many => return usage(format!(
                        "series of several services are stored ({}): pass --service",
                        many.iter().map(|s| s.service.value.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        };
        let started = std::time::Instant::now();
        let progress = |done: usize, total: usize| {
            if started.elapsed() > std::time::Duration::from_secs(1) && !json {
                eprint!("\robspec: querying Prometheus: {done}/{total}");
            }
        };
        let series = match client.series(&base, &namespace_matcher(svc), lookback) {
            Ok(s) => s,
            Err(e) => return usage(format!("cannot query Prometheus: {e}")),
        };
        let metadata = match client.metadata(&base) {
            Ok(m) => m,
            Err(e) => return usage(format!("cannot query Prometheus: {e}")),
        };
        let expo = live::families_from_series(&series, &metadata);
        options.target_labels = vec!["job".into(), "instance".into()];
        let uses = live::selector_uses(svc);
        let total = uses.len();
        let mut done = 0;
        let result = live::check_selectors(
            &uses,
            |sel| {
                done += 1;
                progress(done, total);
                client.series(&base, sel, lookback)
            },
            &mut extra_diags,
        );
        if started.elapsed() > std::time::Duration::from_secs(1) && !json {
            eprintln!();
        }
        if let Err(e) = result {
            return usage(format!("cannot query Prometheus: {e}"));
        }
        (expo, svc)
    };
    let mut report = live::check(&loaded.specs, svc, &expo, &options);
    for d in extra_diags.iter() {
        report.diagnostics.push(d.clone());
    }
    let failed = report.diagnostics.has_errors()
        || args.deny_warnings && report.diagnostics.count(Severity::Warning) > 0;
    let diags = report.diagnostics.clone().into_sorted();
    let color = use_color(args.color, std::io::stdout().is_terminal());
    let mut out = report::render(args.format, &diags, &loaded.sources, color);
    match args.format {
        Format::Human => {
            // The summary replaces the renderer's count line.
            if let Some(i) = out.trim_end().rfind('\n').map(|i| i + 1).or(Some(0)) {
                if out[i..].starts_with("obspec: ") {
                    out.truncate(i);
                }
            }
            out.push_str(&report.summary());
            out.push('\n');
        }
        Format::Json => {
            let mut v: serde_json::Value =
                serde_json::from_str(&out).expect("the JSON renderer writes JSON");
            v["service"] = report.service.clone().into();
            v["metrics_checked"] = report.metrics_checked.into();
            v["series_seen"] = report.series_seen.into();
            out = serde_json::to_string_pretty(&v).expect("serializable") + "\n";
        }
        Format::Github => {}
    }
    print_out(&out);
    ExitCode::from(u8::from(failed))
}

/// `obspec live-check --logs FILE|-`.
fn live_check_logs(args: &LiveArgs, loaded: &Loaded, input: &str) -> ExitCode {
    use obspec_codegen::logs;
    let json = args.format == Format::Json;
    let usage = |message: String| -> ExitCode {
        if json {
            print_out(&report::json_error("usage", &message));
        }
        fail(message)
    };
    let Some(checker) = logs::LineChecker::new(&loaded.specs, args.service.as_deref()) else {
        return usage(match &args.service {
            Some(s) => format!("service `{s}` has no `logs:` section in the specs"),
            None => "no service of the specs has a `logs:` section".into(),
        });
    };
    let result = if input == "-" {
        logs::check_reader(&checker, std::io::stdin().lock(), args.max_findings)
    } else {
        match std::fs::File::open(input) {
            Ok(f) => logs::check_reader(
                &checker,
                std::io::BufReader::with_capacity(1 << 16, f),
                args.max_findings,
            ),
            Err(e) => return usage(format!("{input}: {e}")),
        }
    };
    let (totals, findings) = match result {
        Ok(r) => r,
        Err(e) => return usage(format!("{input}: {e}")),
    };
    let name = if input == "-" { "<stdin>" } else { input };
    let spec_at = |span: obspec_codegen::source::Span| {
        let file = loaded.sources.get(span.file).name.clone();
        (file, span.line, span.col)
    };
    let failed = totals.errors > 0 || args.deny_warnings && totals.warnings > 0;
    let more = (totals.errors + totals.warnings).saturating_sub(findings.len() as u64);
    let mut out = String::new();
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::json!({
                        "code": f.code,
                        "severity": f.severity,
                        "message": f.message,
                        "input": name,
                        "line": f.line,
                        "field": f.field,
                    });
                    if let Some(sp) = f.spec {
                        let (file, line, column) = spec_at(sp);
                        v["spec"] =
                            serde_json::json!({"file": file, "line": line, "column": column});
                    }
                    v
                })
                .collect();
            let doc = serde_json::json!({
                "version": 1,
                "services": checker.services(),
                "lines": totals.lines,
                "checked": totals.checked,
                "other_targets": totals.other_targets,
                "errors": totals.errors,
                "warnings": totals.warnings,
                "findings": list,
                "findings_left_out": more,
            });
            out = serde_json::to_string_pretty(&doc).expect("serializable") + "\n";
        }
        Format::Github => {
            for f in &findings {
                let kind = if f.severity == "error" {
                    "error"
                } else {
                    "warning"
                };
                out.push_str(&format!(
                    "::{kind} file={},line={}::{} {}\n",
                    report::gh_escape_prop(name),
                    f.line,
                    f.code,
                    report::gh_escape_data(&f.message)
                ));
            }
        }
        Format::Human => {
            for f in &findings {
                out.push_str(&format!(
                    "{name}:{}: {}[{}]: {}\n",
                    f.line, f.severity, f.code, f.message
                ));
                if let Some(sp) = f.spec {
                    let (file, line, col) = spec_at(sp);
                    out.push_str(&format!("  --> {file}:{line}:{col}: declared here\n"));
                }
            }
            if more > 0 {
                out.push_str(&format!("... and {more} more findings (--max-findings)\n"));
            }
            out.push_str(&format!(
                "obspec: {} lines of {}: {} checked, {} of other targets; {} errors, {} warnings\n",
                totals.lines,
                checker.services().join(", "),
                totals.checked,
                totals.other_targets,
                totals.errors,
                totals.warnings
            ));
        }
    }
    print_out(&out);
    ExitCode::from(u8::from(failed))
}

/// The service an imported rule file is for: the file's name without its
/// extensions (`checkout.rules.yml` → `checkout`).
fn file_service(file: &Path) -> String {
    let name = file
        .file_name()
        .map_or("imported".into(), |n| n.to_string_lossy().into_owned());
    name.split('.').next().unwrap_or("imported").to_string()
}

fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`obspec lint | head`) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn print_findings(diags: &[Diagnostic], loaded: &Loaded, color: Color) {
    if diags.is_empty() {
        return;
    }
    let color = use_color(color, std::io::stderr().is_terminal());
    eprint!(
        "{}",
        report::render(Format::Human, diags, &loaded.sources, color)
    );
}

fn generate_or_check(args: GenArgs, check: bool) -> ExitCode {
    let targets = match generate::select_targets(&args.targets) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if let Some(dir) = &args.templates {
        if !dir.is_dir() {
            return fail(format!("--templates {}: not a directory", dir.display()));
        }
    }
    let loaded = match load(args.specs) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let diags = loaded.diagnostics.clone().into_sorted();
    print_findings(&diags, &loaded, args.color);
    if loaded.diagnostics.has_errors() {
        eprintln!(
            "obspec: the specs have errors: nothing {}",
            if check { "checked" } else { "generated" }
        );
        return ExitCode::from(1);
    }
    let env = templates::environment(args.templates.as_deref());
    let rendered = match generate::render(&loaded, &targets, &env) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let out = &args.out;
    if check {
        let drift = match generate::check(out, &rendered) {
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
                Drift::Unexpected(p) => {
                    s.push_str(&format!("unexpected: {}\n", out.join(p).display()))
                }
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
    } else {
        match generate::write(out, &rendered) {
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
}
