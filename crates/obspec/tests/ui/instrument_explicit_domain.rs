// Metrics named in the attribute, in a spec without `functions:`: the
// function's name must be in the closed domain of the `function` label.
#[obspec::instrument(
    spec = "../../../../crates/obspec/tests/fixtures/explicit-functions.yaml",
    calls = "billing_calls_total",
    duration = "billing_call_duration_seconds"
)]
fn refund() {}

#[obspec::instrument(
    spec = "../../../../crates/obspec/tests/fixtures/explicit-functions.yaml",
    calls = "billing_calls_total",
    duration = "billing_call_duration_seconds"
)]
fn invoice() {}

fn main() {
    refund();
    invoice();
}
