// A metric of the spec that the struct does not declare.
use obspec::prometheus::Gauge;
use obspec::Metrics;

#[derive(Metrics)]
#[metrics(spec = "../../../../specs/payment-gateway.yaml")]
struct PaymentGateway {
    payment_inflight: Gauge,
}

fn main() {}
