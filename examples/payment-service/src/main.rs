//! An example payment service on axum and tokio, instrumented from
//! `specs/payment-gateway.yaml`:
//!
//! - the typed metrics generated from the spec's `metrics:` (by `build.rs`);
//! - `#[obspec::instrument]` on the payment steps, into the spec's
//!   `functions:` metrics (calls by outcome, latency, calls in flight);
//! - `obspec::http`'s tower layer on the API routes, into the spec's `http:`
//!   metrics (requests by route template, method and status class);
//! - JSONL logs on standard error through the events generated from the
//!   spec's `logs:` (`PaymentAuthorized`, `PaymentFailed`, `RequestFinished`
//!   with the trace context of the request's span),
//!   written by `obspec::logs::JsonLayer`.
//!
//! Its API:
//!
//! - `POST /payments`: authorizes a payment with the (simulated) issuing
//!   bank: `201` with `{"id": N, "status": "success"}`, or `502` when the
//!   bank fails;
//! - `GET /payments/{id}`: the payment, or `404`.
//!
//! And for operations (not recorded by the layer): `/metrics` (the
//! Prometheus text exposition), `/health` (200 while the process runs),
//! `/ready` (200 once the metrics are registered, 503 before).
//!
//! A built-in client drives the API at `--rate` payments per second (and
//! looks one up for every other payment), through the same router and layer
//! as network requests.
//!
//! ```text
//! payment-service [--listen 127.0.0.1:9464] [--error-rate 0.01] [--rate 50] [--latency-ms 200] [--deviate] [--log-file PATH|-|off]
//! ```
//!
//! `--deviate` switches on deliberate deviations from the spec, for
//! `obspec live-check` to find: a `region` value outside its domain, a `pod`
//! label the spec does not give `payment_inflight`, and an undeclared metric
//! in the namespace; and in the logs, a hand-written line with a renamed
//! field, a wrong type and a forbidden field.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use obspec::prometheus::{Encoder, Registry, TextEncoder};
use obspec::Format;
use tower::ServiceExt;

#[allow(dead_code)]
mod metrics {
    include!(concat!(env!("OUT_DIR"), "/rust/payment_gateway.rs"));
}

use metrics::{PaymentChannel, PaymentGatewayMetrics, Region, Route, Status};

#[allow(dead_code)]
mod events {
    include!(concat!(env!("OUT_DIR"), "/logs/payment-gateway.rs"));
}

const SPEC: &str = "specs/payment-gateway.yaml";

struct Config {
    listen: String,
    error_rate: f64,
    rate: f64,
    latency_ms: f64,
    deviate: bool,
    /// Where the JSONL logs go: `-` (standard error), a path, or `off`.
    log_file: String,
}

fn usage() -> ! {
    eprintln!("usage: payment-service [--listen ADDR] [--error-rate 0..1] [--rate PAYMENTS_PER_SECOND] [--latency-ms MEAN] [--deviate] [--log-file PATH|-|off]");
    std::process::exit(2)
}

fn parse_args() -> Config {
    let mut c = Config {
        listen: "127.0.0.1:9464".into(),
        error_rate: 0.01,
        rate: 50.0,
        latency_ms: 200.0,
        deviate: false,
        log_file: "-".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        let number = |s: String| s.parse::<f64>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--listen" => c.listen = value(),
            "--error-rate" => c.error_rate = number(value()),
            "--rate" => c.rate = number(value()),
            "--latency-ms" => c.latency_ms = number(value()),
            "--deviate" => c.deviate = true,
            "--log-file" => c.log_file = value(),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if !(0.0..=1.0).contains(&c.error_rate) || c.rate <= 0.0 || c.latency_ms <= 0.0 {
        usage();
    }
    c
}

/// xorshift64*: a small deterministic generator, enough for a simulation.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_f64() * items.len() as f64) as usize % items.len()]
    }
}

/// The issuing bank declined or failed.
#[derive(Debug)]
struct BankError;

struct App {
    metrics: PaymentGatewayMetrics,
    config: Config,
    /// The generated metrics, in a registry of their own: `/metrics` writes
    /// them through `exposition`, never through `gather()`.
    typed: Registry,
    exposition: obspec::Exposition,
    /// Everything else: the HTTP and function metrics.
    registry: Registry,
    ready: AtomicBool,
    rng: Mutex<Rng>,
    next_id: AtomicU64,
    /// The next request's trace number.
    next_trace: AtomicU64,
    payments: Mutex<HashMap<u64, &'static str>>,
}

type Shared = Arc<App>;

impl App {
    /// What the bank will do: fail or not, and after how long
    /// (exponentially distributed around the configured mean).
    fn draw(&self) -> (bool, Duration) {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let fails = rng.next_f64() < self.config.error_rate;
        let secs = -(1.0 - rng.next_f64()).ln() * self.config.latency_ms / 1000.0;
        (fails, Duration::from_secs_f64(secs))
    }
}

/// The simulated downstream call to the issuing bank. Recorded as
/// `call_bank` in `payment_function_*` (the spec's `functions:`).
#[obspec::instrument(spec = "../../specs/payment-gateway.yaml")]
async fn call_bank(app: &App) -> Result<(), BankError> {
    let (fails, after) = app.draw();
    tokio::time::sleep(after).await;
    if fails {
        return Err(BankError);
    }
    Ok(())
}

/// One payment: the bank call, then the outcome in the domain metrics.
#[obspec::instrument(spec = "../../specs/payment-gateway.yaml")]
async fn authorize(app: &App, region: Region, channel: PaymentChannel) -> Result<u64, BankError> {
    let m = &app.metrics;
    m.payment_inflight.inc();
    let start = Instant::now();
    let outcome = call_bank(app).await;
    m.payment_inflight.dec();
    m.payment_latency_seconds
        .with(region)
        .observe(start.elapsed().as_secs_f64());
    let status = if outcome.is_ok() {
        Status::Success
    } else {
        Status::Failed
    };
    m.payment_attempts_total.with(region, channel, status).inc();
    let (log_region, log_channel) = (log_region(region), log_channel(channel));
    match &outcome {
        Ok(()) => events::PaymentAuthorized {
            region: log_region,
            payment_channel: log_channel,
            amount_cents: 1000 + (start.elapsed().as_micros() % 9000) as i64,
            latency: start.elapsed(),
        }
        .emit(),
        Err(BankError) => events::PaymentFailed {
            region: log_region,
            payment_channel: log_channel,
            reason: events::Reason::BankError,
            bank_code: Some("B042"),
        }
        .emit(),
    }
    if app.config.deviate {
        // What hand-written logging drifts into: `amount` for `amount_cents`,
        // a latency as text, and an e-mail address.
        tracing::info!(target: "payment", event = "payment_authorized", region = "eu",
            payment_channel = "card", amount = 1200, latency = "0.2s", email = "jane@example.com",
            "Payment authorized.");
    }
    outcome?;
    let id = app.next_id.fetch_add(1, Ordering::Relaxed);
    app.payments
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, "success");
    Ok(id)
}

/// The metrics' label enums and the log events' field enums are generated
/// from different sections of the spec; the domains are the same here.
fn log_region(r: Region) -> events::Region {
    use events::Region as L;
    match r {
        Region::Cn => L::Cn,
        Region::Us => L::Us,
        Region::Eu => L::Eu,
    }
}

fn log_channel(c: PaymentChannel) -> events::PaymentChannel {
    use events::PaymentChannel as L;
    match c {
        PaymentChannel::Card => L::Card,
        PaymentChannel::Wallet => L::Wallet,
        PaymentChannel::BankTransfer => L::BankTransfer,
    }
}

/// A request's span carries its trace context: a trace id per request and
/// a span id, as an OpenTelemetry propagator would set them.
async fn traced(
    State(app): State<Shared>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    use tracing::Instrument;
    let n = app.next_trace.fetch_add(1, Ordering::Relaxed);
    let trace_id = format!("{:016x}{:016x}", 0x4bf9_2f35_77b3_4da6_u64, n);
    let span_id = format!("{:016x}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let method = match *req.method() {
        axum::http::Method::GET => events::Method::Get,
        axum::http::Method::POST => events::Method::Post,
        _ => events::Method::Other,
    };
    let route = match req.uri().path() {
        "/payments" => events::Route::Payments,
        p if p.starts_with("/payments/") && !p[10..].contains('/') => events::Route::PaymentsId,
        _ => events::Route::Unmatched,
    };
    let span = tracing::info_span!("request", trace_id = %trace_id, span_id = %span_id);
    let start = Instant::now();
    async move {
        let resp = next.run(req).await;
        events::RequestFinished {
            method,
            route,
            status: i64::from(resp.status().as_u16()),
            duration: start.elapsed(),
        }
        .emit();
        resp
    }
    .instrument(span)
    .await
}

/// `POST /payments`.
async fn create_payment(State(app): State<Shared>) -> Response {
    let (region, channel) = {
        let mut rng = app.rng.lock().unwrap_or_else(|e| e.into_inner());
        (rng.pick(&Region::ALL), rng.pick(&PaymentChannel::ALL))
    };
    match authorize(&app, region, channel).await {
        Ok(id) => (
            StatusCode::CREATED,
            Json(serde_json::json!({"id": id, "status": "success"})),
        )
            .into_response(),
        Err(BankError) => (
            StatusCode::BAD_GATEWAY,
            Json(serde_json::json!({"status": "failed", "error": "the issuing bank failed"})),
        )
            .into_response(),
    }
}

/// `GET /payments/{id}`.
async fn get_payment(State(app): State<Shared>, Path(id): Path<u64>) -> Response {
    let payments = app.payments.lock().unwrap_or_else(|e| e.into_inner());
    match payments.get(&id) {
        Some(status) => Json(serde_json::json!({"id": id, "status": status})).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `--deviate`: what a drifted deployment exposes. One `payment_attempts_total`
/// series reports the region `mars`, and `payment_inflight` carries a `pod`
/// label, as a wrapper library adding it would.
fn deviate(families: &mut [obspec::prometheus::proto::MetricFamily]) {
    use obspec::prometheus::proto::LabelPair;
    for f in families.iter_mut() {
        match f.name() {
            "payment_attempts_total" => {
                if let Some(m) = f.mut_metric().first_mut() {
                    for l in m.mut_label() {
                        if l.name() == "region" {
                            l.set_value("mars".into());
                        }
                    }
                }
            }
            "payment_inflight" => {
                for m in f.mut_metric() {
                    let mut labels = m.take_label();
                    let mut pod = LabelPair::default();
                    pod.set_name("pod".into());
                    pod.set_value("payment-7d9f".into());
                    labels.push(pod);
                    m.set_label(labels);
                }
            }
            _ => {}
        }
    }
}

/// `GET /metrics`: the typed exposition of the generated metrics, then the
/// rest of the registry, in the format the scraper asks for (OpenMetrics for
/// Prometheus, the text format otherwise).
async fn serve_metrics(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let format = Format::negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    if app.config.deviate {
        let mut families = app.typed.gather();
        families.extend(app.registry.gather());
        deviate(&mut families);
        let encoder = TextEncoder::new();
        let mut buf = Vec::new();
        return match encoder.encode(&families, &mut buf) {
            Ok(()) => (
                [(header::CONTENT_TYPE, encoder.format_type().to_string())],
                buf,
            )
                .into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        };
    }
    let mut buf = Vec::with_capacity(16 * 1024);
    app.exposition.encode_with(&app.registry, format, &mut buf);
    ([(header::CONTENT_TYPE, format.content_type())], buf).into_response()
}

async fn ready(State(app): State<Shared>) -> (StatusCode, &'static str) {
    if app.ready.load(Ordering::Acquire) {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// The API, every request of it recorded by the HTTP layer (an unknown path
/// too, as `unmatched`), and the operations endpoints, which are not.
fn router(app: Shared, http: &obspec::http::HttpMetrics) -> Router {
    let api = Router::new()
        .route(Route::Payments.as_str(), post(create_payment))
        .route(Route::PaymentsId.as_str(), get(get_payment))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(http.layer())
        .layer(axum::middleware::from_fn_with_state(app.clone(), traced));
    Router::new()
        .route("/metrics", get(serve_metrics))
        .route("/health", get(|| async { "ok\n" }))
        .route("/ready", get(ready))
        .merge(api)
        .with_state(app)
}

/// The built-in client: `rate` payments per second, each looked up after.
async fn drive(app: Router, rate: f64) {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        n += 1;
        let app = app.clone();
        tokio::spawn(async move {
            let created = app
                .clone()
                .oneshot(request("POST", "/payments"))
                .await
                .map(|r| r.status());
            // Every other payment is looked up; one in ten lookups asks for
            // an id that does not exist.
            if n.is_multiple_of(2) && created.is_ok() {
                let id = if n.is_multiple_of(20) {
                    u64::MAX
                } else {
                    n / 4
                };
                let _ = app
                    .oneshot(request("GET", &format!("/payments/{id}")))
                    .await;
            }
        });
    }
}

fn request(method: &str, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .expect("a valid request")
}

#[tokio::main]
async fn main() {
    let config = parse_args();
    // JSONL logs: to standard error (`-`, the default), a file, or `off`.
    let out: Option<Box<dyn std::io::Write + Send>> = match config.log_file.as_str() {
        "off" => None,
        "-" => Some(Box::new(std::io::stderr())),
        path => match std::fs::File::create(path) {
            Ok(f) => Some(Box::new(std::io::LineWriter::new(f))),
            Err(e) => {
                eprintln!("payment-service: cannot write {path}: {e}");
                std::process::exit(1)
            }
        },
    };
    if let Some(out) = out {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(obspec::logs::JsonLayer::new(out));
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .unwrap_or_else(|e| {
            eprintln!("payment-service: cannot listen on {}: {e}", config.listen);
            std::process::exit(1)
        });
    let typed = Registry::new();
    let registry = Registry::new();
    let fail = |what: &str, e: obspec::prometheus::Error| -> ! {
        eprintln!("payment-service: cannot register {what} metrics ({SPEC}): {e}");
        std::process::exit(1)
    };
    let metrics = PaymentGatewayMetrics::register(&typed).unwrap_or_else(|e| fail("the", e));
    let exposition = metrics.exposition();
    // The function metrics of `#[obspec::instrument]`, and the HTTP metrics.
    obspec::instrument::register(&registry).unwrap_or_else(|e| fail("function", e));
    let http = obspec::http::HttpMetrics::register(&metrics::HTTP, &registry)
        .unwrap_or_else(|e| fail("HTTP", e));
    if config.deviate {
        let retries = obspec::prometheus::IntCounter::new(
            "payment_debug_retries_total",
            "Hand-written next to the generated metrics.",
        )
        .expect("valid");
        retries.inc_by(3);
        registry.register(Box::new(retries)).expect("unique");
    }
    let rate = config.rate;
    let app = Arc::new(App {
        metrics,
        config,
        typed,
        exposition,
        registry,
        ready: AtomicBool::new(false),
        rng: Mutex::new(Rng(0x9E37_79B9_7F4A_7C15)),
        next_id: AtomicU64::new(0),
        next_trace: AtomicU64::new(1),
        payments: Mutex::new(HashMap::new()),
    });
    let routes = router(Arc::clone(&app), &http);
    app.ready.store(true, Ordering::Release);
    let addr = listener.local_addr().expect("bound");
    println!("payment-service listening on http://{addr}");
    tokio::spawn(drive(routes.clone(), rate));
    if let Err(e) = axum::serve(listener, routes).await {
        eprintln!("payment-service: {e}");
        std::process::exit(1)
    }
}
