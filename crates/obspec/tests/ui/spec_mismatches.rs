// Checked against the bundled specs/payment-gateway.yaml.
use obspec::prometheus::{Histogram, IntCounter};
use obspec::{Dense, LabelSet, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Region {
    Cn,
    Us,
    Eu,
}

#[derive(LabelSet, Clone, Copy)]
struct ByRegion {
    region: Region,
}

#[derive(Metrics)]
#[metrics(spec = "../../../../specs/payment-gateway.yaml")]
struct PaymentGateway {
    payment_attempts_total: IntCounter,
    #[metric(buckets = [0.1, 1])]
    payment_latency_seconds: Dense<Histogram, ByRegion>,
    payment_inflight: IntCounter,
    payment_refunds_total: IntCounter,
}

fn main() {}
