//! Operations, the top layer of the library: what a command does, as a
//! function the CLI calls and a `build.rs` can call. `generate` and `check`
//! over an atomically written tree, the `build.rs` builder, `import`, `diff`
//! and `live-check` (metrics and log lines). Operations take parsed options
//! and return data or typed errors; they print nothing and know no flags.

pub mod build;
pub mod diff;
pub mod generate;
pub mod git;
pub mod import;
pub mod live;
pub mod live_check;
pub mod live_logs;
pub mod series;
pub mod tree;
