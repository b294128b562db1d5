// `errors = "variants"` misused: an error type that is not a label value, a
// function that returns no `Result`, an unknown `errors` mode, and an error
// enum with a value the spec's `outcomes:` does not list.
#[derive(Debug)]
struct Plain;

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", errors = "variants")]
fn authorize(amount: u64) -> Result<u64, Plain> {
    if amount == 0 { Err(Plain) } else { Ok(amount) }
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", errors = "variants")]
fn quote(items: &[u64]) -> u64 {
    items.iter().sum()
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", errors = "by-kind")]
fn total() -> u64 {
    0
}

#[derive(Debug, Clone, Copy, obspec::LabelValue)]
enum PayError {
    Declined,
    Fraud,
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", errors = "variants")]
async fn pay(cents: u64) -> Result<u64, PayError> {
    if cents == 0 { Err(PayError::Fraud) } else { Err(PayError::Declined) }
}

fn main() {
    let _ = authorize(1);
    let _ = quote(&[]);
    let _ = total();
    let _ = pay(1);
}
