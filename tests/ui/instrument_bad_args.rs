// Arguments the attribute does not take, or of the wrong kind.
#[obspec::instrument(spec = "../../../../tests/fixtures/instrumented.yaml", color = "blue")]
fn authorize() {}

#[obspec::instrument(spec = "../../../../tests/fixtures/instrumented.yaml", name = 3)]
fn quote() {}

#[obspec::instrument]
fn total() {}

#[obspec::instrument(spec = "../../../../tests/fixtures/no-such-spec.yaml")]
fn describe() {}

fn main() {}
