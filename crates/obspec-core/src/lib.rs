//! obspec-core: the library behind the `obspec` command and `build.rs`
//! codegen. One reviewed YAML spec (loaded by `obspec-spec`) becomes lint
//! findings, generated artifacts, imports, diffs and live checks.
//!
//! The modules are layers; each may use the ones listed before it and never
//! one after it (`xtask` checks this, see ARCHITECTURE.md):
//!
//! 1. [`format`]: how names, strings and numbers are written in each output
//!    language.
//! 2. [`expr`]: PromQL, exposition, LogQL and log-line analysis against the
//!    registry; series estimates.
//! 3. [`slo`]: burn-rate windows, the rule plan, promtool tests.
//! 4. [`lint`]: every check with its catalog entry, and the report renderers.
//! 5. [`targets`]: artifacts and the targets that render them through
//!    templates.
//! 6. [`ops`]: generate, check, the `build.rs` builder, import, diff,
//!    live-check.

pub mod format;

pub mod expr;

pub mod slo;

pub mod lint;

pub mod targets;

pub mod ops;

pub mod catalog;

#[cfg(test)]
mod catalog_tests;

#[cfg(test)]
mod testing;
