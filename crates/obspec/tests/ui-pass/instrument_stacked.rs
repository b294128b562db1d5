// `#[tracing::instrument]` and `#[tokio::main]` stacked above and below.
#[derive(Debug)]
struct Declined;

#[tracing::instrument]
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
async fn traced_outer(id: u32) -> u32 {
    id
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
#[tracing::instrument(skip_all, err(Debug))]
async fn traced_inner(id: u32) -> Result<u32, Declined> {
    if id == 0 { Err(Declined) } else { Ok(id) }
}

#[tracing::instrument(ret)]
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn traced_sync(id: u32) -> u32 {
    id
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
#[tokio::main(flavor = "current_thread")]
async fn runtime_inside() -> u32 {
    traced_outer(1).await
}

#[tokio::main(flavor = "current_thread")]
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
async fn runtime_outside() -> Result<u32, Declined> {
    traced_inner(1).await
}

fn main() {
    assert_eq!(traced_sync(1), 1);
    assert_eq!(runtime_inside(), 1);
    assert!(runtime_outside().is_ok());
}
