// A function whose name is not in the spec's `function` domain: renaming a
// function cannot create a series the spec does not know.
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn capture(amount: u64) -> u64 {
    amount
}

fn main() {
    capture(1);
}
