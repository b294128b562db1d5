// Every synchronous shape `#[obspec::instrument]` takes: free functions,
// methods on `&self`, `&mut self` and `self`, generics with `where` clauses,
// `impl Trait` arguments and returns, unit returns, early returns and `?`,
// functions returning `impl Future` or a boxed future, other attributes.
use std::future::Future;
use std::pin::Pin;

#[derive(Debug)]
struct Declined;

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn authorize(amount: u64) -> Result<u64, Declined> {
    if amount == 0 {
        return Err(Declined);
    }
    let checked = check(amount)?;
    Ok(checked)
}

fn check(amount: u64) -> Result<u64, Declined> {
    Ok(amount)
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn describe() {}

#[inline]
#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
#[must_use]
fn quote(items: &[u64]) -> u64 {
    items.iter().sum()
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn sum_all<T>(values: impl IntoIterator<Item = T>) -> impl Iterator<Item = u64>
where
    T: Copy + Into<u64>,
{
    let total: u64 = values.into_iter().map(Into::into).sum();
    std::iter::once(total)
}

struct Cart {
    items: Vec<u64>,
}

impl Cart {
    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
    fn total(&self) -> u64 {
        self.items.iter().sum()
    }

    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", name = "slow")]
    fn add(&mut self, item: u64) {
        self.items.push(item);
    }

    #[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml", name = "renamed_here")]
    pub(crate) fn into_items(self) -> Vec<u64> {
        self.items
    }
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn later(id: u32) -> impl Future<Output = Result<u32, Declined>> + Send {
    async move { if id == 0 { Err(Declined) } else { Ok(id) } }
}

#[obspec::instrument(spec = "../../../../crates/obspec/tests/fixtures/instrumented.yaml")]
fn boxed<'a>(name: &'a str) -> Pin<Box<dyn Future<Output = usize> + Send + 'a>> {
    Box::pin(async move { name.len() })
}

fn main() {
    let _ = authorize(1);
    describe();
    let _ = quote(&[1]);
    let _ = sum_all([1u8]).count();
    let mut cart = Cart { items: vec![] };
    cart.add(1);
    let _ = cart.total();
    let _ = cart.into_items();
    let _ = later(1);
    let _ = boxed("x");
}
