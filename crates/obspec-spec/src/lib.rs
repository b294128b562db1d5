//! The obspec spec model and its loader.
//!
//! [`yaml`] builds a located YAML tree (with limits against hostile input);
//! [`load`] maps it onto the [`model`], collecting every problem as a located
//! [`diag::Diagnostic`]. This crate is small on purpose: the derive macros link
//! it to check Rust types against specs at compile time. Serialization and the
//! JSON Schema derive are behind the `serde` and `schema` features.

#![forbid(unsafe_code)]

pub mod catalog;
pub mod diag;
pub mod duration;
pub mod load;
pub mod model;
pub mod par;
pub mod secrets;
pub mod source;
pub mod yaml;
