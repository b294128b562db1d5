//! Compile-fail tests of the derive and attribute macros: each case in
//! tests/ui/ has the exact compiler output checked in next to it
//! (`TRYBUILD=overwrite` to bless). The cases in tests/ui-pass/ are every
//! function shape `#[obspec::instrument]` takes: they compile and run.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
