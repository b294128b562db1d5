//! obspec: one reviewed YAML spec as the single source of truth for metrics,
//! rules, routes, dashboards and deployment glue.
//!
//! The pipeline: [`load`] reads spec files into the [`model`] with locations,
//! [`lint`] checks them, and [`generate`] renders targets through templates.
//! Every problem is a located [`diag::Diagnostic`] with a stable code from the
//! [`catalog`].

pub use obspec_spec::{diag, duration, load, model, secrets, source, yaml};

pub mod analysis;
pub mod build;
pub mod bundled;
pub mod case;
pub mod catalog;
pub mod diff;
pub mod escape;
pub mod exposition;
pub mod fetch;
pub mod generate;
pub mod gotmpl;
pub mod import;
pub mod lint;
pub mod live;
pub mod logs;
pub mod num;
pub use obspec_spec::par;
pub mod promtool;
pub mod report;
pub mod rules;
pub mod schema;
pub mod slo;
pub mod targets;
pub mod templates;
pub mod tree;
pub mod view;

use std::path::PathBuf;

pub use load::Loaded;

/// Loads the specs under `paths` and lints them: every finding of the run.
pub fn check_paths(paths: &[PathBuf]) -> Result<Loaded, load::IoError> {
    let mut loaded = load::load_paths(paths)?;
    lint::lint(&loaded.specs, &loaded.sources, &mut loaded.diagnostics);
    Ok(loaded)
}

/// Loads in-memory spec files `(name, text)` and lints them.
pub fn check_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut loaded = load::load_texts(files);
    lint::lint(&loaded.specs, &loaded.sources, &mut loaded.diagnostics);
    loaded
}

#[cfg(test)]
mod catalog_tests;
