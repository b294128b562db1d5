// A spec without `functions:` and no metric named in the attribute.
#[obspec::instrument(spec = "../../../../specs/api-gateway.yaml")]
fn authorize() {}

fn main() {
    authorize();
}
