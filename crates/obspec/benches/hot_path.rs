//! The typed hot path of generated metrics against the `prometheus` crate's
//! own ways of doing the same. Run: `cargo bench -p obspec --bench hot_path`.
//!
//! The typed metrics are the committed `generated/rust/payment_gateway.rs`,
//! generated from the bundled payment-gateway spec.

use std::sync::atomic::{AtomicU64, Ordering};

use divan::{black_box, AllocProfiler, Bencher};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

#[allow(dead_code)]
mod payment {
    include!("../../../generated/rust/payment_gateway.rs");
}
use payment::{PaymentChannel, PaymentGatewayMetrics, Region, Status};

fn main() {
    divan::main();
}

fn typed() -> PaymentGatewayMetrics {
    PaymentGatewayMetrics::register(&Registry::new()).unwrap()
}

fn counter_vec() -> IntCounterVec {
    IntCounterVec::new(
        Opts::new("c_total", "c"),
        &["region", "payment_channel", "status"],
    )
    .unwrap()
}

fn histogram_vec() -> HistogramVec {
    HistogramVec::new(
        HistogramOpts::new("h_seconds", "h").buckets(vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
        &["region"],
    )
    .unwrap()
}

mod counter {
    use super::*;

    #[divan::bench]
    fn typed_with_inc(b: Bencher) {
        let m = typed();
        b.bench(|| {
            m.payment_attempts_total
                .with(
                    black_box(Region::Cn),
                    black_box(PaymentChannel::Card),
                    black_box(Status::Failed),
                )
                .inc()
        });
    }

    #[divan::bench]
    fn prometheus_with_label_values_inc(b: Bencher) {
        let v = counter_vec();
        b.bench(|| {
            v.with_label_values(black_box(&["cn", "card", "failed"]))
                .inc()
        });
    }

    #[divan::bench]
    fn prometheus_preresolved_inc(b: Bencher) {
        let c = counter_vec().with_label_values(&["cn", "card", "failed"]);
        b.bench(|| black_box(&c).inc());
    }

    #[divan::bench]
    fn raw_atomic_fetch_add(b: Bencher) {
        let a = AtomicU64::new(0);
        b.bench(|| black_box(&a).fetch_add(1, Ordering::Relaxed));
    }
}

mod histogram {
    use super::*;

    #[divan::bench]
    fn typed_with_observe(b: Bencher) {
        let m = typed();
        b.bench(|| {
            m.payment_latency_seconds
                .with(black_box(Region::Eu))
                .observe(black_box(0.3))
        });
    }

    #[divan::bench]
    fn prometheus_with_label_values_observe(b: Bencher) {
        let v = histogram_vec();
        b.bench(|| {
            v.with_label_values(black_box(&["eu"]))
                .observe(black_box(0.3))
        });
    }

    #[divan::bench]
    fn prometheus_preresolved_observe(b: Bencher) {
        let h = histogram_vec().with_label_values(&["eu"]);
        b.bench(|| black_box(&h).observe(black_box(0.3)));
    }
}

/// Two threads at once, each doing 1,000,000 increments (time per run of both).
/// False sharing shows as `adjacent` being as slow as `same`; children of a
/// typed family must behave like `padded`.
mod contention {
    use super::*;
    use std::sync::Barrier;

    const N: u64 = 1_000_000;

    fn race(a: &(dyn Fn() + Sync), b: &(dyn Fn() + Sync)) {
        let start = Barrier::new(2);
        std::thread::scope(|s| {
            s.spawn(|| {
                start.wait();
                for _ in 0..N {
                    a();
                }
            });
            start.wait();
            for _ in 0..N {
                b();
            }
        });
    }

    #[repr(C, align(128))]
    struct Padded(AtomicU64);

    #[repr(C)]
    struct Adjacent(AtomicU64, AtomicU64);

    #[divan::bench(sample_count = 20)]
    fn raw_same_atomic() {
        let x = AtomicU64::new(0);
        race(
            &|| {
                x.fetch_add(1, Ordering::Relaxed);
            },
            &|| {
                x.fetch_add(1, Ordering::Relaxed);
            },
        );
    }

    #[divan::bench(sample_count = 20)]
    fn raw_adjacent_atomics() {
        let x = Adjacent(AtomicU64::new(0), AtomicU64::new(0));
        race(
            &|| {
                x.0.fetch_add(1, Ordering::Relaxed);
            },
            &|| {
                x.1.fetch_add(1, Ordering::Relaxed);
            },
        );
    }

    #[divan::bench(sample_count = 20)]
    fn raw_padded_atomics() {
        let x = [Padded(AtomicU64::new(0)), Padded(AtomicU64::new(0))];
        race(
            &|| {
                x[0].0.fetch_add(1, Ordering::Relaxed);
            },
            &|| {
                x[1].0.fetch_add(1, Ordering::Relaxed);
            },
        );
    }

    #[divan::bench(sample_count = 20)]
    fn typed_same_child() {
        let m = typed();
        let c = &m.payment_attempts_total;
        race(
            &|| {
                c.with(Region::Cn, PaymentChannel::Card, Status::Failed)
                    .inc()
            },
            &|| {
                c.with(Region::Cn, PaymentChannel::Card, Status::Failed)
                    .inc()
            },
        );
    }

    /// Neighbours in the dense array (only `status` differs).
    #[divan::bench(sample_count = 20)]
    fn typed_neighbour_children() {
        let m = typed();
        let c = &m.payment_attempts_total;
        race(
            &|| {
                c.with(Region::Cn, PaymentChannel::Card, Status::Success)
                    .inc()
            },
            &|| {
                c.with(Region::Cn, PaymentChannel::Card, Status::Failed)
                    .inc()
            },
        );
    }

    #[divan::bench(sample_count = 20)]
    fn prometheus_with_label_values_same_child() {
        let v = counter_vec();
        race(
            &|| {
                v.with_label_values(black_box(&["cn", "card", "failed"]))
                    .inc()
            },
            &|| {
                v.with_label_values(black_box(&["cn", "card", "failed"]))
                    .inc()
            },
        );
    }
}

/// Issue 13: one call of a function under `#[obspec::instrument]` (an
/// `Instant::now()` pair, the in-flight gauge up and down, the outcome
/// counter, the latency histogram) against the same function plain and
/// recorded autometrics-style, through `with_label_values` on every call.
mod instrumented_call {
    use super::*;

    #[inline(never)]
    fn plain(x: u64) -> Result<u64, ()> {
        if x == u64::MAX {
            Err(())
        } else {
            Ok(x.wrapping_mul(3))
        }
    }

    #[inline(never)]
    #[obspec::instrument(spec = "tests/fixtures/instrumented.yaml")]
    fn authorize(x: u64) -> Result<u64, ()> {
        if x == u64::MAX {
            Err(())
        } else {
            Ok(x.wrapping_mul(3))
        }
    }

    #[divan::bench]
    fn uninstrumented(b: Bencher) {
        b.bench(|| plain(black_box(7)));
    }

    #[divan::bench]
    fn obspec_instrument(b: Bencher) {
        let _ = authorize(1); // resolves the children once
        b.bench(|| authorize(black_box(7)));
    }

    #[divan::bench]
    fn with_label_values_per_call(b: Bencher) {
        let calls = IntCounterVec::new(
            Opts::new("calls_total", "c"),
            &["function", "module", "result"],
        )
        .unwrap();
        let duration = HistogramVec::new(
            HistogramOpts::new("duration_seconds", "d").buckets(vec![0.001, 0.01, 0.1, 1.0]),
            &["function", "module"],
        )
        .unwrap();
        let in_flight =
            prometheus::IntGaugeVec::new(Opts::new("in_flight", "g"), &["function", "module"])
                .unwrap();
        b.bench(|| {
            let g = in_flight.with_label_values(&["authorize", "checkout"]);
            g.inc();
            let start = std::time::Instant::now();
            let r = plain(black_box(7));
            duration
                .with_label_values(&["authorize", "checkout"])
                .observe(start.elapsed().as_secs_f64());
            calls
                .with_label_values(&[
                    "authorize",
                    "checkout",
                    if r.is_ok() { "ok" } else { "error" },
                ])
                .inc();
            g.dec();
            r
        });
    }
}

/// Issue 13: one request recorded into the spec's `http:` metrics (a route
/// template match among the spec's routes, an `Instant::now()` pair, the
/// in-flight gauge up and down, the status class counter, the duration
/// histogram) against the same request recorded tower-http-metrics-style
/// through `with_label_values` with the matched path already known.
mod http_request {
    use super::*;

    fn registry_metrics() -> obspec::http::HttpMetrics {
        obspec::http::HttpMetrics::register(&payment::HTTP, &Registry::new()).unwrap()
    }

    #[divan::bench]
    fn obspec_http_start_finish(b: Bencher) {
        let m = registry_metrics();
        m.start("GET", "/payments/42").finish(200); // resolves the pair once
        b.bench(|| {
            m.start(black_box("GET"), black_box("/payments/42"))
                .finish(200)
        });
    }

    #[divan::bench]
    fn obspec_http_unmatched(b: Bencher) {
        let m = registry_metrics();
        m.start("GET", "/elsewhere/42").finish(404);
        b.bench(|| {
            m.start(black_box("GET"), black_box("/elsewhere/42"))
                .finish(404)
        });
    }

    #[divan::bench]
    fn with_label_values_per_request(b: Bencher) {
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "r"),
            &["route", "method", "status_class"],
        )
        .unwrap();
        let duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "d"),
            &["route", "method"],
        )
        .unwrap();
        let in_flight =
            prometheus::IntGaugeVec::new(Opts::new("http_in_flight", "g"), &["route"]).unwrap();
        b.bench(|| {
            let route = black_box("/payments/{id}");
            let method = black_box("GET");
            let g = in_flight.with_label_values(&[route]);
            g.inc();
            let start = std::time::Instant::now();
            duration
                .with_label_values(&[route, method])
                .observe(start.elapsed().as_secs_f64());
            requests.with_label_values(&[route, method, "2xx"]).inc();
            g.dec();
        });
    }

    /// Through the tower layer, around a service that answers at once.
    #[cfg(feature = "tower")]
    mod layer {
        use super::*;
        use std::future::Future;
        use std::task::{Context, Poll, Waker};
        use tower_layer::Layer;
        use tower_service::Service;

        #[derive(Clone)]
        struct Ok200;

        impl Service<http::Request<()>> for Ok200 {
            type Response = http::Response<()>;
            type Error = std::convert::Infallible;
            type Future = std::future::Ready<Result<http::Response<()>, std::convert::Infallible>>;
            fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
                Poll::Ready(Ok(()))
            }
            fn call(&mut self, _: http::Request<()>) -> Self::Future {
                std::future::ready(Ok(http::Response::new(())))
            }
        }

        fn once<S: Service<http::Request<()>>>(s: &mut S, req: http::Request<()>) -> bool {
            let mut cx = Context::from_waker(Waker::noop());
            let mut f = std::pin::pin!(s.call(req));
            matches!(f.as_mut().poll(&mut cx), Poll::Ready(Ok(_)))
        }

        fn request() -> http::Request<()> {
            http::Request::get("/payments/42").body(()).unwrap()
        }

        #[divan::bench]
        fn without_layer(b: Bencher) {
            let mut s = Ok200;
            b.with_inputs(request)
                .bench_local_values(|r| once(&mut s, r));
        }

        #[divan::bench]
        fn with_obspec_layer(b: Bencher) {
            let mut s = registry_metrics().layer().layer(Ok200);
            once(&mut s, request());
            b.with_inputs(request)
                .bench_local_values(|r| once(&mut s, r));
        }
    }
}
