// The spec's `payment_authorized` has `amount_cents`; code written against
// an older spec that called it `amount` no longer compiles.
#[allow(dead_code)]
mod events {
    include!("../../../../generated/logs/payment-gateway.rs");
}

fn main() {
    events::PaymentAuthorized {
        region: events::Region::Eu,
        payment_channel: events::PaymentChannel::Card,
        amount: 1250,
        latency: std::time::Duration::from_millis(135),
    }
    .emit();
}
