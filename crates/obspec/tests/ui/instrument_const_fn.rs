// A `const fn` runs at compile time: nothing to record.
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
const fn total() -> u32 {
    1
}

fn main() {
    total();
}
