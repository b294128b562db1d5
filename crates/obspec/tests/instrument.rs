//! `#[obspec::instrument]` on every supported function shape, recording into
//! the function metrics of tests/fixtures/instrumented.yaml: calls by outcome,
//! latency, calls in flight, on every exit path (return, `?`, panic, a
//! dropped future).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const SPEC: &str = "tests/fixtures/instrumented.yaml";

#[derive(Debug, PartialEq)]
struct Declined;

#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn authorize(amount: u64) -> Result<u64, Declined> {
    if amount == 0 {
        return Err(Declined);
    }
    let checked = check(amount)?;
    Ok(checked * 2)
}

fn check(amount: u64) -> Result<u64, Declined> {
    if amount > 1000 {
        Err(Declined)
    } else {
        Ok(amount)
    }
}

/// Not a `Result`: every call is `ok`.
#[inline]
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
#[allow(clippy::needless_return)]
fn quote(items: &[u64]) -> u64 {
    return items.iter().sum();
}

/// A generic function with an `impl Trait` argument.
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn sum_all<T: Copy + Into<u64>>(values: impl IntoIterator<Item = T>) -> u64 {
    values.into_iter().map(Into::into).sum()
}

struct Cart {
    items: Vec<u64>,
}

impl Cart {
    #[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
    fn total(&self) -> u64 {
        self.items.iter().sum()
    }

    /// `self` by value, and `name = ...` for the label value.
    #[obspec::instrument(spec = "tests/fixtures/instrumented.yaml", name = "renamed_here")]
    fn into_items(self) -> Vec<u64> {
        self.items
    }
}

trait Catalog {
    async fn lookup(&self, id: u32) -> Result<String, Declined>;
}

struct Shop;

impl Catalog for Shop {
    #[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
    async fn lookup(&self, id: u32) -> Result<String, Declined> {
        yield_once().await;
        if id == 0 {
            return Err(Declined);
        }
        Ok(format!("item {id}"))
    }
}

#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
async fn fetch(id: u32) -> Result<u32, Declined> {
    let v = Shop.lookup(id).await?;
    Ok(v.len() as u32)
}

/// Never completes: dropped mid-flight.
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
async fn slow() -> u32 {
    std::future::pending::<()>().await;
    1
}

#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn explode(on: bool) -> u32 {
    if on {
        panic!("boom");
    }
    1
}

/// Not an `async fn`: returns a future. The call is the future, from its
/// first poll; what the body does before is not timed.
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn later(id: u32) -> impl Future<Output = Result<u32, Declined>> + Send {
    let doubled = id * 2;
    async move {
        yield_once().await;
        if doubled == 0 {
            return Err(Declined);
        }
        Ok(doubled)
    }
}

/// A boxed future, as `#[async_trait]` and hand-written trait objects return.
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn boxed<'a>(name: &'a str) -> Pin<Box<dyn Future<Output = usize> + Send + 'a>> {
    Box::pin(async move {
        yield_once().await;
        name.len()
    })
}

#[async_trait::async_trait]
trait Gateway {
    async fn charge(&self, cents: u64) -> Result<u64, Declined>;
}

struct Bank;

#[async_trait::async_trait]
impl Gateway for Bank {
    #[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
    async fn charge(&self, cents: u64) -> Result<u64, Declined> {
        yield_once().await;
        if cents == 0 {
            return Err(Declined);
        }
        Ok(cents)
    }
}

/// An error enum whose values are outcomes (`functions: outcomes:`).
#[derive(Debug, Clone, Copy, PartialEq, obspec::LabelValue)]
enum PayError {
    Declined,
    Timeout,
}

#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml", errors = "variants")]
async fn pay(cents: u64) -> Result<u64, PayError> {
    match cents {
        0 => Err(PayError::Declined),
        1 => Err(PayError::Timeout),
        c => Ok(c),
    }
}

// `#[tracing::instrument]` stacked above and below, async and sync.
#[tracing::instrument]
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
async fn traced_outer(id: u32) -> u32 {
    tracing::info!(id, "inside");
    id + 1
}

#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
#[tracing::instrument(skip_all, err(Debug))]
async fn traced_inner(id: u32) -> Result<u32, Declined> {
    if id == 0 {
        return Err(Declined);
    }
    Ok(id)
}

#[tracing::instrument(ret)]
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
fn traced_sync(id: u32) -> u32 {
    id * 3
}

// `#[tokio::main]` on either side: the whole runtime call is the call.
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
#[tokio::main(flavor = "current_thread")]
async fn runtime_inside() -> u32 {
    tokio::task::yield_now().await;
    traced_outer(1).await
}

#[tokio::main(flavor = "current_thread")]
#[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
async fn runtime_outside() -> Result<u32, Declined> {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    traced_inner(2).await
}

/// Into metrics declared by hand and named in the attribute (another
/// service, no `functions:`).
#[obspec::instrument(
    spec = "tests/fixtures/explicit-functions.yaml",
    calls = "billing_calls_total",
    duration = "billing_call_duration_seconds"
)]
fn invoice(cents: u64) -> Result<u64, Declined> {
    if cents == 0 {
        Err(Declined)
    } else {
        Ok(cents)
    }
}

/// Returns `Pending` once, then `Ready`.
fn yield_once() -> impl Future<Output = ()> {
    let mut first = true;
    std::future::poll_fn(move |cx| {
        if first {
            first = false;
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// The value of a series of the function families.
fn value(registry: &obspec::prometheus::Registry, family: &str, labels: &[(&str, &str)]) -> f64 {
    let families = registry.gather();
    let f = families
        .iter()
        .find(|f| f.name() == family)
        .unwrap_or_else(|| panic!("no family {family}"));
    let m = f
        .get_metric()
        .iter()
        .find(|m| {
            labels.iter().all(|(k, v)| {
                m.get_label()
                    .iter()
                    .any(|l| l.name() == *k && l.value() == *v)
            })
        })
        .unwrap_or_else(|| panic!("no series {family}{labels:?}"));
    if family.ends_with("_total") {
        m.get_counter().get_value()
    } else if family.ends_with("_seconds") {
        m.get_histogram().get_sample_count() as f64
    } else {
        m.get_gauge().get_value()
    }
}

#[test]
fn every_shape_records_into_the_spec_metrics() {
    let _ = SPEC;
    let registry = obspec::prometheus::Registry::new();
    obspec::instrument::register(&registry).unwrap();

    assert!(authorize(10).is_ok());
    assert!(authorize(0).is_err()); // early return
    assert!(authorize(5000).is_err()); // `?`
    assert_eq!(quote(&[1, 2]), 3);
    assert_eq!(sum_all([1u8, 2, 3]), 6);
    let cart = Cart { items: vec![4, 5] };
    assert_eq!(cart.total(), 9);
    assert_eq!(cart.into_items(), [4, 5]);
    assert_eq!(block_on(fetch(7)), Ok(6));
    assert!(block_on(fetch(0)).is_err());
    assert!(std::panic::catch_unwind(|| explode(true)).is_err());
    assert_eq!(explode(false), 1);
    // A future polled once, then dropped.
    {
        let mut fut = Box::pin(slow());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::as_mut(&mut fut).poll(&mut cx).is_pending());
        assert_eq!(
            value(
                &registry,
                "checkout_function_in_flight",
                &[("function", "slow")]
            ),
            1.0
        );
    }

    assert_eq!(block_on(later(3)), Ok(6));
    assert!(block_on(later(0)).is_err());
    {
        // Built, never polled, dropped: no call, nothing in flight.
        let f = later(5);
        assert_eq!(
            value(
                &registry,
                "checkout_function_in_flight",
                &[("function", "later")]
            ),
            0.0
        );
        drop(f);
    }
    assert_eq!(block_on(boxed("four")), 4);
    assert_eq!(block_on(Bank.charge(7)), Ok(7));
    assert!(block_on(Bank.charge(0)).is_err());
    assert_eq!(block_on(pay(5)), Ok(5));
    assert_eq!(block_on(pay(0)), Err(PayError::Declined));
    assert_eq!(block_on(pay(1)), Err(PayError::Timeout));
    assert_eq!(block_on(pay(1)), Err(PayError::Timeout));
    assert_eq!(block_on(traced_outer(1)), 2);
    assert!(block_on(traced_inner(0)).is_err());
    assert_eq!(traced_sync(2), 6);
    assert_eq!(runtime_inside(), 2);
    assert_eq!(runtime_outside(), Ok(2));

    assert!(invoice(0).is_err());
    assert!(invoice(3).is_ok());
    assert_eq!(
        value(
            &registry,
            "billing_calls_total",
            &[("function", "invoice"), ("outcome", "error")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &registry,
            "billing_call_duration_seconds",
            &[("function", "invoice")]
        ),
        2.0
    );

    let calls = "checkout_function_calls_total";
    let count = |f: &str, o: &str| {
        value(
            &registry,
            calls,
            &[("function", f), ("outcome", o), ("tier", "gold")],
        )
    };
    assert_eq!(
        (count("authorize", "ok"), count("authorize", "error")),
        (1.0, 2.0)
    );
    assert_eq!((count("quote", "ok"), count("quote", "error")), (1.0, 0.0));
    assert_eq!(count("sum_all", "ok"), 1.0);
    assert_eq!(count("total", "ok"), 1.0);
    assert_eq!(count("renamed_here", "ok"), 1.0);
    assert_eq!((count("fetch", "ok"), count("fetch", "error")), (1.0, 1.0));
    assert_eq!(
        (count("lookup", "ok"), count("lookup", "error")),
        (1.0, 1.0)
    );
    assert_eq!(
        (count("explode", "ok"), count("explode", "error")),
        (1.0, 1.0),
        "a panic is an error"
    );
    assert_eq!(
        (count("slow", "ok"), count("slow", "error")),
        (0.0, 0.0),
        "a dropped future is no call"
    );
    assert_eq!((count("later", "ok"), count("later", "error")), (1.0, 1.0));
    assert_eq!(count("boxed", "ok"), 1.0);
    assert_eq!(
        (count("charge", "ok"), count("charge", "error")),
        (1.0, 1.0)
    );
    assert_eq!(
        (
            count("pay", "ok"),
            count("pay", "declined"),
            count("pay", "timeout"),
            count("pay", "error")
        ),
        (1.0, 1.0, 2.0, 0.0),
        "the error enum's value is the outcome"
    );
    // Every function has every outcome of the domain, at 0 until it happens.
    assert_eq!(count("authorize", "timeout"), 0.0);
    assert_eq!(
        count("traced_outer", "ok"),
        2.0,
        "once alone, once under runtime_inside"
    );
    assert_eq!(
        (count("traced_inner", "ok"), count("traced_inner", "error")),
        (1.0, 1.0)
    );
    assert_eq!(count("traced_sync", "ok"), 1.0);
    assert_eq!(count("runtime_inside", "ok"), 1.0);
    assert_eq!(count("runtime_outside", "ok"), 1.0);
    // Functions of the domain never called are exported at 0.
    assert_eq!(count("describe", "ok"), 0.0);
    let seconds = "checkout_function_duration_seconds";
    assert_eq!(value(&registry, seconds, &[("function", "authorize")]), 3.0);
    assert_eq!(value(&registry, seconds, &[("function", "slow")]), 0.0);
    assert_eq!(value(&registry, seconds, &[("function", "later")]), 2.0);
    assert_eq!(value(&registry, seconds, &[("function", "pay")]), 4.0);
    for f in [
        "authorize",
        "explode",
        "slow",
        "fetch",
        "lookup",
        "later",
        "boxed",
        "charge",
        "pay",
        "runtime_inside",
        "runtime_outside",
    ] {
        assert_eq!(
            value(&registry, "checkout_function_in_flight", &[("function", f)]),
            0.0,
            "{f}: in flight after every exit path"
        );
    }
    // The exposition carries the spec's buckets.
    let mut text = Vec::new();
    obspec::prometheus::Encoder::encode(
        &obspec::prometheus::TextEncoder::new(),
        &registry.gather(),
        &mut text,
    )
    .unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("checkout_function_duration_seconds_bucket{function=\"authorize\",tier=\"gold\",le=\"0.001\"}"), "{text}");
}
