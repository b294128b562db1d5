//! obspec: one reviewed YAML spec as the single source of truth for metrics,
//! rules, routes, dashboards and deployment glue.
//!
//! The pipeline: [`load`] reads spec files into the [`model`] with locations,
//! [`lint`] checks them, and [`generate`] renders targets through templates.

pub mod diag;
pub mod load;
pub mod model;
pub mod source;
pub mod yaml;
