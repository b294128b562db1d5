use obspec::prometheus::{Histogram, IntCounter};
use obspec::Metrics;

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct Shop {
    shop_orders_total: IntCounter,
    #[metric(help = "Latency.", unit = "seconds", buckets = [0.5, 0.1, 1])]
    shop_latency_seconds: Histogram,
    #[metric(help = "Checkout.", unit = "seconds")]
    shop_checkout_seconds: Histogram,
    #[metric(help = "Carts.", buckets = [1, 2])]
    shop_carts_total: IntCounter,
}

fn main() {}
