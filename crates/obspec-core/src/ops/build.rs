//! The builder for `build.rs` (re-exported as `obspec::build` with the `build`
//! feature), in the style of prost-build:
//!
//! ```no_run
//! // build.rs
//! obspec_core::ops::build::Builder::new()
//!     .specs("specs")
//!     .out_dir(std::env::var("OUT_DIR").unwrap())
//!     .generate()
//!     .unwrap();
//! ```
//!
//! The default target is `rust`: include the module of a service with
//! `include!(concat!(env!("OUT_DIR"), "/rust/payment_gateway.rs"));`.
//! Specs are linted first; any error-level finding fails the build with the
//! same located report `obspec lint` prints. Every spec file read is announced
//! with `cargo:rerun-if-changed`, so cargo rebuilds when a spec changes.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::lint::report::{self, Format};
use crate::ops::generate;
use crate::ops::tree::WriteSummary;
use crate::targets::artifact::GenError;
use obspec_spec::diag::Severity;

/// Configures and runs generation.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    targets: Vec<String>,
    templates: Option<PathBuf>,
    emit_rerun: Option<bool>,
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The specs have error-level findings; the report is rustc-style text.
    Lint {
        errors: usize,
        report: String,
    },
    Generate(GenError),
    Io(obspec_spec::load::IoError),
    /// No output directory was set and `OUT_DIR` is not in the environment.
    NoOutDir,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Lint { errors, report } => {
                write!(f, "obspec: the specs have {errors} error(s):\n{report}")
            }
            Error::Generate(e) => write!(f, "obspec: {e}"),
            Error::Io(e) => write!(f, "obspec: {e}"),
            Error::NoOutDir => write!(f, "obspec: no out_dir set and OUT_DIR is not set"),
        }
    }
}

impl std::error::Error for Error {}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A spec file or directory (repeatable; default `specs`).
    pub fn specs(mut self, path: impl AsRef<Path>) -> Self {
        self.specs.push(path.as_ref().to_path_buf());
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// A target to render (repeatable; default: `rust`). See `obspec targets`.
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.targets.push(name.into());
        self
    }

    /// A directory of templates overriding the embedded ones.
    pub fn templates(mut self, dir: impl AsRef<Path>) -> Self {
        self.templates = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: when run by cargo,
    /// i.e. when `OUT_DIR` is set).
    pub fn emit_rerun_if_changed(mut self, yes: bool) -> Self {
        self.emit_rerun = Some(yes);
        self
    }

    /// Lints the specs and writes the targets. Returns what was written.
    pub fn generate(self) -> Result<WriteSummary, Error> {
        let specs = if self.specs.is_empty() {
            vec![PathBuf::from("specs")]
        } else {
            self.specs
        };
        let out = match self
            .out_dir
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(o) => o,
            None => return Err(Error::NoOutDir),
        };
        let emit = self
            .emit_rerun
            .unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some());
        if emit {
            for p in &specs {
                println!("cargo:rerun-if-changed={}", p.display());
            }
            if let Some(t) = &self.templates {
                println!("cargo:rerun-if-changed={}", t.display());
            }
        }
        let loaded = crate::lint::check_paths(&specs).map_err(Error::Io)?;
        if emit {
            for (_, f) in loaded.sources.iter() {
                println!("cargo:rerun-if-changed={}", f.path.display());
            }
        }
        if loaded.diagnostics.has_errors() {
            let errors = loaded.diagnostics.count(Severity::Error);
            let diags = loaded.diagnostics.clone().into_sorted();
            let report = report::render(Format::Human, &diags, &loaded.sources, false);
            return Err(Error::Lint { errors, report });
        }
        let names = if self.targets.is_empty() {
            vec!["rust".to_string()]
        } else {
            self.targets
        };
        let targets = crate::targets::select_targets(&names).map_err(Error::Generate)?;
        let env = crate::targets::templates::environment(self.templates.as_deref());
        let rendered = crate::targets::render(&loaded, &targets, &env).map_err(Error::Generate)?;
        generate::write(&out, &rendered).map_err(Error::Generate)
    }
}
