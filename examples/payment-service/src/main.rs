//! An example payment service instrumented with the metrics generated from
//! `specs/payment-gateway.yaml`. It simulates payments (configurable rate,
//! error rate and latency) and serves:
//!
//! - `/metrics`: the Prometheus text exposition;
//! - `/health`: 200 while the process runs;
//! - `/ready`: 200 once the metrics are registered, 503 before.
//!
//! ```text
//! payment-service [--listen 127.0.0.1:9464] [--error-rate 0.01] [--rate 50] [--latency-ms 200] [--deviate]
//! ```
//!
//! `--deviate` switches on deliberate deviations from the spec, for
//! `obspec live-check` to find: a `region` value outside its domain, a `pod`
//! label the spec does not give `payment_inflight`, and an undeclared metric
//! in the namespace.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use obspec::prometheus::{Encoder, Registry, TextEncoder};

#[allow(dead_code)]
mod metrics {
    include!(concat!(env!("OUT_DIR"), "/rust/payment_gateway.rs"));
}

use metrics::{PaymentChannel, PaymentGatewayMetrics, Region, Status};

struct Config {
    listen: String,
    error_rate: f64,
    rate: f64,
    latency_ms: f64,
    deviate: bool,
}

fn usage() -> ! {
    eprintln!("usage: payment-service [--listen ADDR] [--error-rate 0..1] [--rate PAYMENTS_PER_SECOND] [--latency-ms MEAN] [--deviate]");
    std::process::exit(2)
}

fn parse_args() -> Config {
    let mut c = Config {
        listen: "127.0.0.1:9464".into(),
        error_rate: 0.01,
        rate: 50.0,
        latency_ms: 200.0,
        deviate: false,
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

/// The simulated downstream call: fails at the configured error rate.
/// Recorded as `call_bank` in `payment_function_*` (the spec's `functions:`).
#[obspec::instrument(spec = "../../specs/payment-gateway.yaml")]
fn call_bank(rng: &mut Rng, error_rate: f64) -> Result<(), BankError> {
    if rng.next_f64() < error_rate {
        return Err(BankError);
    }
    Ok(())
}

/// One payment: the bank call, then the outcome.
#[obspec::instrument(spec = "../../specs/payment-gateway.yaml")]
fn authorize(rng: &mut Rng, error_rate: f64) -> Result<(), BankError> {
    call_bank(rng, error_rate)?;
    Ok(())
}

fn simulate(m: &PaymentGatewayMetrics, c: &Config) -> ! {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tick = Duration::from_secs_f64(1.0 / c.rate);
    loop {
        let region = rng.pick(&Region::ALL);
        let channel = rng.pick(&PaymentChannel::ALL);
        let status = match authorize(&mut rng, c.error_rate) {
            Ok(()) => Status::Success,
            Err(BankError) => Status::Failed,
        };
        // Exponentially distributed latency around the configured mean.
        let latency = -(1.0 - rng.next_f64()).ln() * c.latency_ms / 1000.0;
        m.payment_attempts_total.with(region, channel, status).inc();
        m.payment_latency_seconds.with(region).observe(latency);
        // Little's law: payments in flight = arrival rate × latency.
        m.payment_inflight.set((c.rate * latency).round());
        std::thread::sleep(tick);
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

fn respond(mut stream: TcpStream, registry: &Registry, ready: &AtomicBool, deviating: bool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, content_type, body) = match (method, path) {
        ("GET", "/metrics") => {
            let mut buf = Vec::new();
            let encoder = TextEncoder::new();
            let mut families = registry.gather();
            if deviating {
                deviate(&mut families);
            }
            match encoder.encode(&families, &mut buf) {
                Ok(()) => ("200 OK", encoder.format_type().to_string(), buf),
                Err(e) => (
                    "500 Internal Server Error",
                    "text/plain".into(),
                    e.to_string().into_bytes(),
                ),
            }
        }
        ("GET", "/health") => ("200 OK", "text/plain".into(), b"ok\n".to_vec()),
        ("GET", "/ready") if ready.load(Ordering::Acquire) => {
            ("200 OK", "text/plain".into(), b"ready\n".to_vec())
        }
        ("GET", "/ready") => (
            "503 Service Unavailable",
            "text/plain".into(),
            b"not ready\n".to_vec(),
        ),
        ("GET", _) => (
            "404 Not Found",
            "text/plain".into(),
            b"not found\n".to_vec(),
        ),
        _ => (
            "405 Method Not Allowed",
            "text/plain".into(),
            b"method not allowed\n".to_vec(),
        ),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn main() {
    let config = Arc::new(parse_args());
    let listener = TcpListener::bind(&config.listen).unwrap_or_else(|e| {
        eprintln!("payment-service: cannot listen on {}: {e}", config.listen);
        std::process::exit(1)
    });
    let addr = listener.local_addr().expect("bound");
    println!("payment-service listening on http://{addr}");
    let _ = std::io::stdout().flush();

    let registry = Registry::new();
    let ready = Arc::new(AtomicBool::new(false));
    static METRICS: OnceLock<PaymentGatewayMetrics> = OnceLock::new();
    let metrics = METRICS.get_or_init(|| {
        PaymentGatewayMetrics::register(&registry).unwrap_or_else(|e| {
            eprintln!("payment-service: cannot register metrics: {e}");
            std::process::exit(1)
        })
    });
    // The function metrics of `#[obspec::instrument]`.
    obspec::instrument::register(&registry).unwrap_or_else(|e| {
        eprintln!("payment-service: cannot register function metrics: {e}");
        std::process::exit(1)
    });
    ready.store(true, Ordering::Release);
    {
        let config = Arc::clone(&config);
        std::thread::spawn(move || simulate(metrics, &config));
    }
    if config.deviate {
        let retries = obspec::prometheus::IntCounter::new(
            "payment_debug_retries_total",
            "Hand-written next to the generated metrics.",
        )
        .expect("valid");
        retries.inc_by(3);
        registry.register(Box::new(retries)).expect("unique");
    }
    for stream in listener.incoming().flatten() {
        let registry = registry.clone();
        let ready = Arc::clone(&ready);
        let deviate = config.deviate;
        std::thread::spawn(move || respond(stream, &registry, &ready, deviate));
    }
}
