//! One module per command: its arguments, the library operation it calls,
//! and what it prints. Nothing here decides anything a `build.rs` or another
//! front end would need: that lives in `obspec_core::ops`.

pub mod diff;
pub mod explain;
pub mod generate;
pub mod import;
pub mod lint;
pub mod live_check;
pub mod schema;
pub mod targets;
