//! HTTP RED metrics: requests by route, method and status class, their
//! duration and the requests in flight, recorded into the metrics a
//! service's spec declares under `http:`.
//!
//! The route label is the **template** that matched (`/payments/{id}`), found
//! among the spec's routes, never the raw path: an ID in the path cannot
//! create a series. A request no template matches is `unmatched`; a method
//! the spec does not list is `OTHER`; the status class is the first digit of
//! the status (`2xx`), and an error of the inner service is `5xx`. Every
//! value is in the closed domains the spec declares, so the series count is
//! the one `obspec lint` computed.
//!
//! The generated code of a service with `http:` holds its [`Spec`] as
//! `HTTP`. With the `tower` feature, [`HttpMetrics::layer`] records every
//! request of a tower stack (axum, tonic, hyper):
//!
//! ```ignore
//! let http = obspec::http::HttpMetrics::register(&metrics::HTTP, &registry)?;
//! let app = axum::Router::new()
//!     .route(metrics::Route::Payments.as_str(), post(create))
//!     .layer(http.layer());
//! ```
//!
//! Without it, [`HttpMetrics::start`] and [`Call::finish`] record a request
//! by hand. The children of a (route, method) pair are resolved on its first
//! request, its five status classes at once; after that a request is a
//! template match, one `Instant::now()` pair and atomic adds.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use prometheus::{Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec};

use crate::MetricOpts;

/// The `route` value of a request no template matches.
pub const UNMATCHED: &str = "unmatched";
/// The `method` value of a method the spec does not list.
pub const OTHER_METHOD: &str = "OTHER";
/// The `status_class` values.
pub const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// What a service's spec says about its HTTP metrics; written by the code
/// generator from the `http:` section.
#[derive(Debug)]
pub struct Spec {
    pub service: &'static str,
    pub requests: &'static str,
    pub duration: &'static str,
    /// The in-flight gauge, when the spec declares one.
    pub in_flight: Option<&'static str>,
    pub buckets: &'static [f64],
    pub const_labels: &'static [(&'static str, &'static str)],
    /// The route templates (the `route` domain, without `unmatched`).
    pub routes: &'static [&'static str],
    /// The methods the `method` label names (without `OTHER`).
    pub methods: &'static [&'static str],
}

/// One segment of a route template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Static(&'static str),
    /// `{id}` or `:id`: one non-empty segment.
    Param,
    /// `{*rest}` or `*rest`: the rest of the path, non-empty.
    CatchAll,
}

impl Segment {
    /// Precedence when two templates match: static, then a parameter, then
    /// a catch-all, as axum's router decides.
    fn rank(&self) -> u8 {
        match self {
            Segment::Static(_) => 0,
            Segment::Param => 1,
            Segment::CatchAll => 2,
        }
    }
}

fn parse_template(t: &'static str) -> Vec<Segment> {
    t.strip_prefix('/')
        .unwrap_or(t)
        .split('/')
        .map(|s| {
            if (s.starts_with("{*") && s.ends_with('}')) || (s.starts_with('*') && s.len() > 1) {
                Segment::CatchAll
            } else if (s.starts_with('{') && s.ends_with('}') && s.len() > 2)
                || (s.starts_with(':') && s.len() > 1)
            {
                Segment::Param
            } else {
                Segment::Static(s)
            }
        })
        .collect()
}

/// Whether `path` (without its query) matches the template.
fn matches(template: &[Segment], path: &str) -> bool {
    let Some(mut rest) = path.strip_prefix('/') else {
        return false;
    };
    for (i, seg) in template.iter().enumerate() {
        let last = i + 1 == template.len();
        if let Segment::CatchAll = seg {
            return !rest.is_empty();
        }
        let (head, tail) = match rest.find('/') {
            Some(p) => (&rest[..p], Some(&rest[p + 1..])),
            None => (rest, None),
        };
        let ok = match seg {
            Segment::Static(s) => head == *s,
            Segment::Param => !head.is_empty(),
            Segment::CatchAll => unreachable!("handled above"),
        };
        if !ok {
            return false;
        }
        match tail {
            Some(t) if !last => rest = t,
            None if last => return true,
            _ => return false,
        }
    }
    false
}

/// The routes of a spec, compiled for matching.
#[derive(Debug)]
struct Router {
    templates: Vec<Vec<Segment>>,
}

impl Router {
    fn new(routes: &'static [&'static str]) -> Router {
        Router {
            templates: routes.iter().map(|r| parse_template(r)).collect(),
        }
    }

    /// The index of the template that matches `path` (the most specific
    /// one), or `None`.
    fn find(&self, path: &str) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, t) in self.templates.iter().enumerate() {
            if !matches(t, path) {
                continue;
            }
            best = match best {
                Some(b) if !more_specific(t, &self.templates[b]) => Some(b),
                _ => Some(i),
            };
        }
        best
    }
}

fn more_specific(a: &[Segment], b: &[Segment]) -> bool {
    a.iter().map(Segment::rank).lt(b.iter().map(Segment::rank))
}

/// The children of one (route, method) pair.
#[derive(Debug)]
struct Cell {
    classes: [IntCounter; 5],
    duration: Histogram,
}

#[derive(Debug)]
struct Inner {
    spec: &'static Spec,
    router: Router,
    requests: IntCounterVec,
    duration: HistogramVec,
    in_flight: Option<IntGaugeVec>,
    /// `routes + 1` (unmatched) × `methods + 1` (OTHER) cells.
    cells: Vec<OnceLock<Cell>>,
    gauges: Vec<OnceLock<IntGauge>>,
}

impl Inner {
    fn methods(&self) -> usize {
        self.spec.methods.len() + 1
    }

    fn route_name(&self, route: usize) -> &'static str {
        self.spec.routes.get(route).copied().unwrap_or(UNMATCHED)
    }

    fn method_name(&self, method: usize) -> &'static str {
        self.spec
            .methods
            .get(method)
            .copied()
            .unwrap_or(OTHER_METHOD)
    }

    fn cell(&self, route: usize, method: usize) -> &Cell {
        self.cells[route * self.methods() + method].get_or_init(|| {
            let (r, m) = (self.route_name(route), self.method_name(method));
            Cell {
                classes: STATUS_CLASSES.map(|c| self.requests.with_label_values(&[r, m, c])),
                duration: self.duration.with_label_values(&[r, m]),
            }
        })
    }

    fn gauge(&self, route: usize) -> Option<&IntGauge> {
        let g = self.in_flight.as_ref()?;
        Some(self.gauges[route].get_or_init(|| g.with_label_values(&[self.route_name(route)])))
    }
}

/// The HTTP metrics of one service, registered in a registry. Cheap to
/// clone (one `Arc`).
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    inner: Arc<Inner>,
}

impl HttpMetrics {
    /// Creates the families of `spec` and registers them in `registry`.
    pub fn register(
        spec: &'static Spec,
        registry: &prometheus::Registry,
    ) -> prometheus::Result<HttpMetrics> {
        let consts = spec.const_labels;
        let requests = IntCounterVec::new(
            MetricOpts::plain(
                spec.requests,
                "HTTP requests, by route, method and status class.",
                consts,
            )
            .opts(),
            &["route", "method", "status_class"],
        )?;
        let duration = HistogramVec::new(
            MetricOpts {
                name: spec.duration,
                help: "Duration of HTTP requests until the response head, by route and method.",
                buckets: spec.buckets,
                const_labels: consts,
            }
            .histogram_opts(),
            &["route", "method"],
        )?;
        let in_flight = spec
            .in_flight
            .map(|name| {
                IntGaugeVec::new(
                    MetricOpts::plain(name, "HTTP requests in flight, by route.", consts).opts(),
                    &["route"],
                )
            })
            .transpose()?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        if let Some(g) = &in_flight {
            registry.register(Box::new(g.clone()))?;
        }
        let routes = spec.routes.len() + 1;
        let cells = routes * (spec.methods.len() + 1);
        Ok(HttpMetrics {
            inner: Arc::new(Inner {
                spec,
                router: Router::new(spec.routes),
                requests,
                duration,
                in_flight,
                cells: (0..cells).map(|_| OnceLock::new()).collect(),
                gauges: (0..routes).map(|_| OnceLock::new()).collect(),
            }),
        })
    }

    /// The `route` value of a request path: the most specific template of
    /// the spec that matches it, or [`UNMATCHED`].
    pub fn route_of(&self, path: &str) -> &'static str {
        self.inner.route_name(self.route_index(path))
    }

    fn route_index(&self, path: &str) -> usize {
        self.inner
            .router
            .find(path)
            .unwrap_or(self.inner.spec.routes.len())
    }

    fn method_index(&self, method: &str) -> usize {
        let methods = self.inner.spec.methods;
        methods
            .iter()
            .position(|m| *m == method)
            .unwrap_or(methods.len())
    }

    /// Starts recording a request: the in-flight gauge of its route goes up
    /// until the [`Call`] ends.
    pub fn start(&self, method: &str, path: &str) -> Call {
        let route = self.route_index(path);
        let method = self.method_index(method);
        if let Some(g) = self.inner.gauge(route) {
            g.inc();
        }
        Call {
            metrics: self.clone(),
            route,
            method,
            start: Instant::now(),
            done: false,
        }
    }

    /// The tower layer that records every request of the services it wraps.
    #[cfg(feature = "tower")]
    pub fn layer(&self) -> tower_impl::HttpMetricsLayer {
        tower_impl::HttpMetricsLayer {
            metrics: self.clone(),
        }
    }
}

/// A request in progress. [`Call::finish`] records its status and duration;
/// dropped without it, it takes the in-flight gauge down, and counts a `5xx`
/// if the thread is panicking. A request whose future is dropped before the
/// response (the client went away) is not counted.
#[derive(Debug)]
pub struct Call {
    metrics: HttpMetrics,
    route: usize,
    method: usize,
    start: Instant,
    done: bool,
}

impl Call {
    /// The `route` value this request is recorded under.
    pub fn route(&self) -> &'static str {
        self.metrics.inner.route_name(self.route)
    }

    /// Records the response status (`0` or above `599`: `5xx`).
    #[inline]
    pub fn finish(mut self, status: u16) {
        self.record(status);
        self.done = true;
    }

    #[inline]
    fn record(&self, status: u16) {
        let cell = self.metrics.inner.cell(self.route, self.method);
        cell.duration.observe(self.start.elapsed().as_secs_f64());
        let class = match status / 100 {
            c @ 1..=5 => c as usize - 1,
            _ => 4,
        };
        cell.classes[class].inc();
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.done && std::thread::panicking() {
            self.record(500);
        }
        if let Some(g) = self.metrics.inner.gauge(self.route) {
            g.dec();
        }
    }
}

#[cfg(feature = "tower")]
mod tower_impl {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{ready, Context, Poll};

    use super::{Call, HttpMetrics};

    /// Records the requests of the services it wraps: see [`super`].
    #[derive(Debug, Clone)]
    pub struct HttpMetricsLayer {
        pub(super) metrics: HttpMetrics,
    }

    impl<S> tower_layer::Layer<S> for HttpMetricsLayer {
        type Service = HttpMetricsService<S>;
        fn layer(&self, inner: S) -> HttpMetricsService<S> {
            HttpMetricsService {
                inner,
                metrics: self.metrics.clone(),
            }
        }
    }

    /// A service wrapped by [`HttpMetricsLayer`].
    #[derive(Debug, Clone)]
    pub struct HttpMetricsService<S> {
        inner: S,
        metrics: HttpMetrics,
    }

    impl<S, B, RB> tower_service::Service<http::Request<B>> for HttpMetricsService<S>
    where
        S: tower_service::Service<http::Request<B>, Response = http::Response<RB>>,
    {
        type Response = S::Response;
        type Error = S::Error;
        type Future = ResponseFuture<S::Future>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.inner.poll_ready(cx)
        }

        fn call(&mut self, req: http::Request<B>) -> Self::Future {
            let call = self.metrics.start(req.method().as_str(), req.uri().path());
            ResponseFuture {
                inner: self.inner.call(req),
                call: Some(call),
            }
        }
    }

    pin_project_lite::pin_project! {
        /// The response of a [`HttpMetricsService`]: records the status when
        /// the response head is ready.
        pub struct ResponseFuture<F> {
            #[pin]
            inner: F,
            call: Option<Call>,
        }
    }

    impl<F, RB, E> Future for ResponseFuture<F>
    where
        F: Future<Output = Result<http::Response<RB>, E>>,
    {
        type Output = F::Output;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let this = self.project();
            let out = ready!(this.inner.poll(cx));
            if let Some(call) = this.call.take() {
                call.finish(match &out {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 500,
                });
            }
            Poll::Ready(out)
        }
    }
}

#[cfg(feature = "tower")]
pub use tower_impl::{HttpMetricsLayer, HttpMetricsService, ResponseFuture};

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &'static [&'static str]) -> Router {
        Router::new(routes)
    }

    #[test]
    fn templates_match_whole_segments() {
        let r = router(&[
            "/payments",
            "/payments/{id}",
            "/payments/{id}/refunds",
            "/files/{*path}",
            "/",
        ]);
        assert_eq!(r.find("/payments"), Some(0));
        assert_eq!(r.find("/payments/42"), Some(1));
        assert_eq!(r.find("/payments/42/refunds"), Some(2));
        assert_eq!(r.find("/files/a/b/c"), Some(3));
        assert_eq!(r.find("/"), Some(4));
        // Trailing slashes, empty parameters and extra segments are different paths.
        assert_eq!(r.find("/payments/"), None);
        assert_eq!(r.find("/payments/42/"), None);
        assert_eq!(r.find("/payments/42/refunds/7"), None);
        assert_eq!(r.find("/files/"), None);
        assert_eq!(r.find("/files"), None);
        assert_eq!(r.find("payments"), None);
        assert_eq!(r.find(""), None);
        assert_eq!(r.find("/paymentsx"), None);
    }

    #[test]
    fn the_most_specific_template_wins_whatever_the_order() {
        let r = router(&["/{*any}", "/users/{id}", "/users/me", "/users/{id}/{*rest}"]);
        assert_eq!(r.find("/users/me"), Some(2));
        assert_eq!(r.find("/users/7"), Some(1));
        assert_eq!(r.find("/users/7/a/b"), Some(3));
        assert_eq!(r.find("/elsewhere/x"), Some(0));
        let r = router(&["/users/me", "/users/{id}"]);
        assert_eq!(r.find("/users/me"), Some(0));
        assert_eq!(r.find("/users/you"), Some(1));
    }

    #[test]
    fn axum_07_syntax_is_read_too() {
        let r = router(&["/items/:id", "/static/*path"]);
        assert_eq!(r.find("/items/3"), Some(0));
        assert_eq!(r.find("/static/css/a.css"), Some(1));
    }

    static SPEC: Spec = Spec {
        service: "shop",
        requests: "shop_http_requests_total",
        duration: "shop_http_request_duration_seconds",
        in_flight: Some("shop_http_requests_in_flight"),
        buckets: &[0.1, 1.0],
        const_labels: &[("tier", "gold")],
        routes: &["/orders", "/orders/{id}"],
        methods: &["GET", "POST"],
    };

    fn text(registry: &prometheus::Registry) -> String {
        let mut out = Vec::new();
        prometheus::Encoder::encode(
            &prometheus::TextEncoder::new(),
            &registry.gather(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn requests_are_recorded_by_template_method_and_class() {
        let registry = prometheus::Registry::new();
        let m = HttpMetrics::register(&SPEC, &registry).unwrap();
        let call = m.start("GET", "/orders/123");
        assert_eq!(call.route(), "/orders/{id}");
        call.finish(200);
        m.start("GET", "/orders/9").finish(404);
        m.start("BREW", "/coffee").finish(418);
        m.start("POST", "/orders").finish(503);
        m.start("POST", "/orders").finish(0);
        let t = text(&registry);
        let line = |s: &str| t.lines().any(|l| l == s);
        assert!(
            line(
                r#"shop_http_requests_total{method="GET",route="/orders/{id}",status_class="2xx",tier="gold"} 1"#
            ),
            "{t}"
        );
        assert!(
            line(
                r#"shop_http_requests_total{method="GET",route="/orders/{id}",status_class="4xx",tier="gold"} 1"#
            ),
            "{t}"
        );
        // The pair's other classes exist at 0, so ratios have a denominator.
        assert!(
            line(
                r#"shop_http_requests_total{method="GET",route="/orders/{id}",status_class="5xx",tier="gold"} 0"#
            ),
            "{t}"
        );
        assert!(
            line(
                r#"shop_http_requests_total{method="OTHER",route="unmatched",status_class="4xx",tier="gold"} 1"#
            ),
            "{t}"
        );
        assert!(
            line(
                r#"shop_http_requests_total{method="POST",route="/orders",status_class="5xx",tier="gold"} 2"#
            ),
            "{t}"
        );
        assert!(
            line(
                r#"shop_http_request_duration_seconds_count{method="GET",route="/orders/{id}",tier="gold"} 2"#
            ),
            "{t}"
        );
        // No raw path ever becomes a label value.
        assert!(!t.contains("/orders/123") && !t.contains("/coffee"), "{t}");
        assert!(
            line(r#"shop_http_requests_in_flight{route="/orders/{id}",tier="gold"} 0"#),
            "{t}"
        );
    }

    #[test]
    fn in_flight_goes_down_on_every_exit() {
        let registry = prometheus::Registry::new();
        let m = HttpMetrics::register(&SPEC, &registry).unwrap();
        let a = m.start("GET", "/orders");
        let b = m.start("GET", "/orders");
        assert!(text(&registry)
            .contains(r#"shop_http_requests_in_flight{route="/orders",tier="gold"} 2"#));
        drop(a); // the client went away: not counted
        b.finish(200);
        let m2 = m.clone();
        let _ = std::thread::spawn(move || {
            let _call = m2.start("GET", "/orders");
            panic!("handler panicked");
        })
        .join();
        let t = text(&registry);
        assert!(
            t.contains(r#"shop_http_requests_in_flight{route="/orders",tier="gold"} 0"#),
            "{t}"
        );
        assert!(t.contains(r#"shop_http_requests_total{method="GET",route="/orders",status_class="2xx",tier="gold"} 1"#), "{t}");
        assert!(t.contains(r#"shop_http_requests_total{method="GET",route="/orders",status_class="5xx",tier="gold"} 1"#), "{t}");
    }

    #[test]
    fn registering_twice_is_an_error() {
        let registry = prometheus::Registry::new();
        HttpMetrics::register(&SPEC, &registry).unwrap();
        assert!(HttpMetrics::register(&SPEC, &registry).is_err());
    }
}
