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
    // Functions of the domain never called are exported at 0.
    assert_eq!(count("describe", "ok"), 0.0);
    let seconds = "checkout_function_duration_seconds";
    assert_eq!(value(&registry, seconds, &[("function", "authorize")]), 3.0);
    assert_eq!(value(&registry, seconds, &[("function", "slow")]), 0.0);
    for f in ["authorize", "explode", "slow", "fetch", "lookup"] {
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
