//! The generated log events (`PaymentAuthorized { .. }.emit()`) against a plain `tracing::info!` with the same
//! target, level, fields and message: the hot path of the typed events is
//! the macro call itself. Run: `cargo bench -p obspec --features logs --bench logs`.
//!
//! The events are the committed `generated/logs/payment-gateway.rs`,
//! generated from the bundled payment-gateway spec. Each is measured with no
//! subscriber (the callsite is disabled: the cost of an event nobody
//! listens to), and with `obspec::logs::JsonLayer` writing the JSONL line to
//! `io::sink()` (the formatting cost of a line).

use std::time::Duration;

use divan::{black_box, AllocProfiler, Bencher};
use tracing_subscriber::layer::SubscriberExt;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

#[allow(dead_code)]
mod events {
    include!("../../../generated/logs/payment-gateway.rs");
}
use events::{PaymentChannel as Channel, Region};

fn main() {
    divan::main();
}

/// The inputs, behind `black_box` for both variants alike (computed before
/// the call, as the values a service logs are).
fn inputs() -> (Region, Channel, i64, Duration) {
    black_box((Region::Eu, Channel::Card, 1250, Duration::from_millis(135)))
}

fn generated() {
    let (region, payment_channel, amount_cents, latency) = inputs();
    events::PaymentAuthorized {
        region,
        payment_channel,
        amount_cents,
        latency,
    }
    .emit();
}

fn plain() {
    let (region, channel, amount_cents, latency) = inputs();
    tracing::info!(
        target: "payment",
        event = "payment_authorized",
        region = region.as_str(),
        payment_channel = channel.as_str(),
        amount_cents = amount_cents,
        latency = latency.as_secs_f64(),
        "Payment authorized."
    );
}

fn with_json(b: Bencher, f: fn()) {
    let subscriber =
        tracing_subscriber::registry().with(obspec::logs::JsonLayer::new(std::io::sink()));
    tracing::subscriber::with_default(subscriber, || b.bench(f));
}

#[divan::bench]
fn generated_event_no_subscriber(b: Bencher) {
    b.bench(generated);
}

#[divan::bench]
fn plain_info_no_subscriber(b: Bencher) {
    b.bench(plain);
}

#[divan::bench]
fn generated_event_json_line(b: Bencher) {
    with_json(b, generated);
}

#[divan::bench]
fn plain_info_json_line(b: Bencher) {
    with_json(b, plain);
}
