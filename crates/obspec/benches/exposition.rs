//! One scrape of N counter series (N = 1,000, 10,000, 100,000; two labels,
//! every child present), three ways:
//! - `typed`: `obspec::Exposition::encode` over a `Dense` family;
//! - `gather_text_encoder`: the `prometheus` crate's `Registry::gather()` +
//!   `TextEncoder::encode`, the same children;
//! - `prometheus_client`: the `prometheus-client` crate's `encode` of a
//!   `Family` with the same label sets.
//!
//! Each writes into a buffer reused across iterations (the allocation counts
//! divan prints are per scrape). Run: `cargo bench -p obspec --bench exposition`.

use std::sync::OnceLock;

use divan::{AllocProfiler, Bencher};
use obspec::prometheus::{Encoder, IntCounterVec, Opts, Registry, TextEncoder};
use obspec::{Dense, Exposition, Format, LabelSet, LabelValue};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| (0..1000).map(|i| format!("value_{i}")).collect())
}

/// A closed domain of `N` values.
#[derive(Debug, Clone, Copy)]
struct V<const N: usize>(usize);

impl<const N: usize> LabelValue for V<N> {
    const COUNT: usize = N;
    fn index(self) -> usize {
        self.0
    }
    fn from_index(i: usize) -> Self {
        V(i)
    }
    fn as_str(self) -> &'static str {
        &names()[self.0]
    }
}

/// (outer, inner) domain sizes for `series`.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

struct Fixture {
    registry: Registry,
    exposition: Exposition,
    client: prometheus_client::registry::Registry,
}

fn fixture_of<L: LabelSet>() -> Fixture {
    let registry = Registry::new();
    let vec = IntCounterVec::new(
        Opts::new("app_requests_total", "Requests.").const_label("service", "bench"),
        &["a", "b"],
    )
    .unwrap();
    registry.register(Box::new(vec.clone())).unwrap();
    let dense: Dense<_, L> = Dense::resolve(&vec).unwrap();
    for (i, c) in dense.children().iter().enumerate() {
        c.inc_by(i as u64);
    }
    let mut exposition = Exposition::new();
    exposition.add(&dense);

    use prometheus_client::metrics::counter::Counter;
    use prometheus_client::metrics::family::Family;
    let family = Family::<Vec<(String, String)>, Counter>::default();
    for i in 0..L::COUNT {
        let v = L::values_at(i);
        let labels = vec![
            ("a".to_string(), v[0].to_string()),
            ("b".to_string(), v[1].to_string()),
        ];
        family.get_or_create(&labels).inc_by(i as u64);
    }
    let mut client = prometheus_client::registry::Registry::with_labels(
        [("service".into(), "bench".into())].into_iter(),
    );
    client.register("app_requests", "Requests.", family);
    Fixture {
        registry,
        exposition,
        client,
    }
}

fn fixture(series: usize) -> Fixture {
    match series {
        1_000 => fixture_of::<(V<10>, V<100>)>(),
        10_000 => fixture_of::<(V<100>, V<100>)>(),
        100_000 => fixture_of::<(V<100>, V<1000>)>(),
        _ => unreachable!(),
    }
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn typed(bencher: Bencher, series: usize) {
    let f = fixture(series);
    let mut out = Vec::new();
    f.exposition.encode(Format::Text, &mut out);
    bencher.bench_local(|| {
        out.clear();
        f.exposition.encode(Format::Text, &mut out);
        out.len()
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn typed_openmetrics(bencher: Bencher, series: usize) {
    let f = fixture(series);
    let mut out = Vec::new();
    f.exposition.encode(Format::OpenMetrics, &mut out);
    bencher.bench_local(|| {
        out.clear();
        f.exposition.encode(Format::OpenMetrics, &mut out);
        out.len()
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn gather_text_encoder(bencher: Bencher, series: usize) {
    let f = fixture(series);
    let mut out = Vec::new();
    bencher.bench_local(|| {
        out.clear();
        TextEncoder::new()
            .encode(&f.registry.gather(), &mut out)
            .unwrap();
        out.len()
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn prometheus_client(bencher: Bencher, series: usize) {
    let f = fixture(series);
    let mut out = String::new();
    bencher.bench_local(|| {
        out.clear();
        prometheus_client::encoding::text::encode(&mut out, &f.client).unwrap();
        out.len()
    });
}
