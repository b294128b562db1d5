// Every asynchronous shape: `async fn`, also generic and in traits (native
// and `#[async_trait]`), and error enums recorded by value.
use std::fmt::Debug;

#[derive(Debug)]
struct Declined;

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
async fn fetch<T: Debug + Send>(id: T) -> Result<String, Declined> {
    Ok(format!("{id:?}"))
}

trait Catalog {
    async fn lookup(&self, id: u32) -> Result<String, Declined>;
}

struct Shop;

impl Catalog for Shop {
    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
    async fn lookup(&self, id: u32) -> Result<String, Declined> {
        fetch(id).await
    }
}

#[async_trait::async_trait]
trait Gateway {
    async fn charge(&self, cents: u64) -> Result<u64, Declined>;
}

#[async_trait::async_trait]
impl Gateway for Shop {
    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
    async fn charge(&self, cents: u64) -> Result<u64, Declined> {
        Ok(cents)
    }
}

#[derive(Debug, Clone, Copy, obspec::LabelValue)]
enum PayError {
    Declined,
    Timeout,
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", errors = "variants")]
async fn pay(cents: u64) -> Result<u64, PayError> {
    if cents == 0 { Err(PayError::Declined) } else if cents == 1 { Err(PayError::Timeout) } else { Ok(cents) }
}

fn main() {
    let _ = fetch(1);
    let _ = Shop.lookup(1);
    let _ = Shop.charge(1);
    let _ = pay(1);
}
