//! `obspec explain [CODE]`.

use std::process::ExitCode;

use obspec_core::catalog;

use crate::output::{fail, print_out};

pub fn run(code: Option<String>) -> ExitCode {
    let Some(code) = code else {
        let mut s = String::new();
        for r in catalog::rules() {
            s.push_str(&format!("{}  {:<7}  {}\n", r.code, r.severity, r.title));
        }
        print_out(&s);
        return ExitCode::SUCCESS;
    };
    match catalog::find(&code) {
        Some(rule) => {
            print_out(&catalog::render(rule, "#"));
            ExitCode::SUCCESS
        }
        None => fail(format!(
            "unknown code `{code}`; `obspec explain` lists them"
        )),
    }
}
