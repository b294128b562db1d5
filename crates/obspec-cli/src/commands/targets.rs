//! `obspec targets`.

use std::process::ExitCode;

use obspec_core::targets::TARGETS;

use crate::output::print_out;

pub fn run() -> ExitCode {
    let mut s = String::new();
    for t in TARGETS {
        s.push_str(&format!("{:<12} {}/  {}\n", t.name, t.dir, t.description));
    }
    print_out(&s);
    ExitCode::SUCCESS
}
