// The attribute goes on functions with a body.
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
struct Authorize;

trait Catalog {
    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
    fn lookup(&self) -> u32;
}

fn main() {}
