// Label names come from another type: a const assertion compares them with the spec.
use obspec::prometheus::{Gauge, Histogram, IntCounter};
use obspec::{Dense, LabelSet, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Region {
    Cn,
    Us,
    Eu,
}

#[derive(LabelValue, Clone, Copy)]
enum PaymentChannel {
    Card,
    Wallet,
    BankTransfer,
}

#[derive(LabelValue, Clone, Copy)]
enum Status {
    Success,
    Failed,
}

#[derive(LabelSet, Clone, Copy)]
struct Attempt {
    status: Status,
    region: Region,
    payment_channel: PaymentChannel,
}

#[derive(LabelSet, Clone, Copy)]
struct ByRegion {
    region: Region,
}

#[derive(Metrics)]
#[metrics(spec = "../../../../specs/payment-gateway.yaml")]
struct PaymentGateway {
    payment_attempts_total: Dense<IntCounter, Attempt>,
    payment_latency_seconds: Dense<Histogram, ByRegion>,
    payment_inflight: Gauge,
}

fn main() {}
