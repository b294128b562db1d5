// Metrics named in the attribute must exist with the type and labels the
// attribute records.
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", calls = "checkout_function_in_flight")]
fn authorize() {}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", duration = "checkout_nope_seconds")]
fn quote() {}

fn main() {
    authorize();
    quote();
}
