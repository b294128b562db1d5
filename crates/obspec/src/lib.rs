//! # obspec
//!
//! Observability as code: one reviewed YAML spec per service is the single
//! source of truth for its metrics, SLOs, alerts, routing, dashboards and
//! deployment glue. This is the facade crate services depend on.
//!
//! - Runtime support for generated and derived metrics: [`LabelValue`],
//!   [`LabelSet`], [`Dense`] (pre-resolved label children), [`LabelGuard`]
//!   (bounded open-domain labels), and the [`prometheus`] client re-exported.
//! - [`rules`]: the naming, unit and label rules of `obspec lint`, usable in
//!   `const` contexts and shared with the derive macros.
//! - [`instrument`](mod@instrument) and [`http`]: the runtimes of
//!   `#[obspec::instrument]` and of the HTTP RED metrics (a tower layer with
//!   the feature `tower`), recording into the metrics the spec declares under
//!   `functions:` and `http:`.
//! - [`expose`]: the typed exposition (text format and OpenMetrics written
//!   straight from the metrics, label text rendered once, no `gather()`).
//! - `build` (feature `build`): the `build.rs` builder that lints specs and
//!   generates artifacts into `OUT_DIR`:
//!
//! ```ignore
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     obspec::build::Builder::new().specs("specs").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! The `obspec` command line (lint, generate, check, explain, schema) is in the
//! `obspec-codegen` package: `cargo install --path codegen`.

#![forbid(unsafe_code)]

pub use obspec_rules as rules;

/// Derive macros: `#[derive(LabelValue)]` (unit enums: closed label domains),
/// `#[derive(LabelSet)]` (structs of label values), `#[derive(Metrics)]`
/// (structs of metrics: generates `register`, checks names, units, buckets and
/// labels at compile time, and with `#[metrics(spec = "...")]` against a spec).
pub use obspec_macros::{LabelSet, LabelValue, Metrics};

/// `#[obspec::instrument(spec = "...")]`: calls, outcomes, latency and calls in
/// flight of a function, into the metrics its spec declares under
/// `functions:`, checked at compile time. The runtime is [`instrument`](mod@instrument).
pub use obspec_macros::instrument;

pub mod instrument;

/// The typed exposition: text format and OpenMetrics written straight from
/// the metrics, label text rendered once, no `gather()`.
pub mod expose;
pub use expose::{Exposition, Format};

/// HTTP RED metrics into the spec's `http:` metrics; the tower layer is
/// behind the `tower` feature.
pub mod http;

/// The Prometheus client generated code is written against: depend on `obspec`
/// alone, no version matching needed.
pub use prometheus;

#[cfg(feature = "logs")]
pub mod logs;

mod runtime;
#[doc(hidden)]
pub use runtime::__private;
pub use runtime::{
    parse_label_value, register_vec, Dense, Family, LabelGuard, LabelNames, LabelSet, LabelValue,
    Metric, MetricOpts, Register, UnknownLabelValue, DEFAULT_OVERFLOW_VALUE,
};

/// The `build.rs` API: see [`build::Builder`].
#[cfg(feature = "build")]
pub mod build {
    pub use obspec_core::ops::build::{Builder, Error};
    pub use obspec_core::ops::tree::WriteSummary;
}
