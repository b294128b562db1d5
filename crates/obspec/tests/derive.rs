//! The derive macros, used as a service would.

use obspec::prometheus::{Encoder, Gauge, Histogram, IntCounter, IntGauge, Registry, TextEncoder};
use obspec::{Dense, LabelSet, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Region {
    Cn,
    Us,
    Eu,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum PaymentChannel {
    Card,
    Wallet,
    BankTransfer,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Status {
    #[label(rename = "success")]
    Ok,
    Failed,
}

#[derive(LabelSet, Clone, Copy)]
struct Attempt {
    region: Region,
    payment_channel: PaymentChannel,
    status: Status,
}

#[derive(LabelSet, Clone, Copy)]
struct ByRegion {
    region: Region,
}

/// Declared in Rust, checked against the bundled spec at compile time.
#[derive(Metrics)]
#[metrics(spec = "../../specs/payment-gateway.yaml")]
struct PaymentGateway {
    payment_attempts_total: Dense<IntCounter, Attempt>,
    payment_latency_seconds: Dense<Histogram, ByRegion>,
    payment_inflight: Gauge,
}

/// Declared in Rust only.
#[derive(Metrics)]
#[metrics(namespace = "shop", const_labels(tier = "gold"))]
struct Shop {
    #[metric(help = "Orders placed.", labels = ByRegion)]
    shop_orders_total: Dense<IntCounter, ByRegion>,
    #[metric(help = "Checkout latency.", unit = "seconds", buckets = [0.1, 0.5, 1, 5])]
    shop_checkout_seconds: Histogram,
    #[metric(help = "Open carts.")]
    shop_open_carts: IntGauge,
}

fn exposition(r: &Registry) -> String {
    let mut out = Vec::new();
    TextEncoder::new().encode(&r.gather(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn label_values() {
    assert_eq!(Region::Cn.as_str(), "cn");
    assert_eq!(PaymentChannel::BankTransfer.as_str(), "bank_transfer");
    assert_eq!(Status::Ok.to_string(), "success");
    assert_eq!("failed".parse::<Status>(), Ok(Status::Failed));
    assert!("nope".parse::<Status>().is_err());
    assert_eq!(<Region as LabelValue>::COUNT, 3);
    assert_eq!(Region::ALL, [Region::Cn, Region::Us, Region::Eu]);
    assert_eq!(
        <Attempt as obspec::LabelNames>::NAMES,
        ["region", "payment_channel", "status"]
    );
    assert_eq!(<Attempt as LabelSet>::COUNT, 18);
}

#[test]
fn spec_checked_struct_registers_like_generated_code() {
    let r = Registry::new();
    let m = PaymentGateway::register(&r).unwrap();
    m.payment_attempts_total
        .with(Attempt {
            region: Region::Eu,
            payment_channel: PaymentChannel::Wallet,
            status: Status::Failed,
        })
        .inc();
    m.payment_latency_seconds
        .with(ByRegion { region: Region::Us })
        .observe(0.2);
    m.payment_inflight.set(4.0);
    let out = exposition(&r);
    assert!(
        out.contains("# HELP payment_attempts_total Payment attempts by outcome."),
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("payment_attempts_total{"))
            .count(),
        18,
        "{out}"
    );
    assert!(out.contains("payment_attempts_total{payment_channel=\"wallet\",region=\"eu\",sla_tier=\"P0\",status=\"failed\"} 1"), "{out}");
    assert!(
        out.contains("payment_latency_seconds_bucket{region=\"us\",sla_tier=\"P0\",le=\"0.25\"} 1"),
        "{out}"
    );
    assert!(out.contains("payment_inflight{sla_tier=\"P0\"} 4"), "{out}");

    // The typed exposition of the derived struct: the same lines.
    let mut typed = Vec::new();
    m.exposition().encode(obspec::Format::Text, &mut typed);
    let typed = String::from_utf8(typed).unwrap();
    let mut a: Vec<&str> = typed.lines().collect();
    let mut b: Vec<&str> = out.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}

#[test]
fn rust_declared_struct_registers() {
    let r = Registry::new();
    let m = Shop::register(&r).unwrap();
    m.shop_orders_total
        .with(ByRegion { region: Region::Cn })
        .inc_by(2);
    m.shop_checkout_seconds.observe(0.7);
    m.shop_open_carts.set(3);
    let out = exposition(&r);
    assert!(
        out.contains("shop_orders_total{region=\"cn\",tier=\"gold\"} 2"),
        "{out}"
    );
    assert!(
        out.contains("shop_orders_total{region=\"us\",tier=\"gold\"} 0"),
        "{out}"
    );
    assert!(
        out.contains("shop_checkout_seconds_bucket{tier=\"gold\",le=\"1\"} 1"),
        "{out}"
    );
    assert!(out.contains("# HELP shop_open_carts Open carts."), "{out}");
}
