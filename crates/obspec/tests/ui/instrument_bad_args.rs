// Arguments the attribute does not take, or of the wrong kind.
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", color = "blue")]
fn authorize() {}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", name = 3)]
fn quote() {}

#[obspec::instrument]
fn total() {}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/no-such-spec.yaml")]
fn describe() {}

fn main() {}
