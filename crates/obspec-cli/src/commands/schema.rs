//! `obspec schema [service|project]`.

use std::process::ExitCode;

use clap::ValueEnum;
use obspec_core::targets::schema;

use crate::output::print_out;

/// Which file's schema.
#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Service,
    Project,
}

pub fn run(kind: Kind) -> ExitCode {
    print_out(&match kind {
        Kind::Service => schema::service_schema(),
        Kind::Project => schema::project_schema(),
    });
    ExitCode::SUCCESS
}
