//! Compile-fail tests of the derive macros: each case in tests/ui/ has the
//! exact compiler output checked in next to it (`TRYBUILD=overwrite` to bless).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
