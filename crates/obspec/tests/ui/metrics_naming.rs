use obspec::prometheus::{Gauge, Histogram, IntCounter};
use obspec::Metrics;

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct Shop {
    #[metric(help = "Orders.")]
    shop_orders: IntCounter,
    #[metric(help = "Refunds.")]
    refunds_total: IntCounter,
    #[metric(help = "Latency.", unit = "milliseconds", buckets = [1, 5])]
    shop_latency_milliseconds: Histogram,
    #[metric(help = "Queue.")]
    shop_queue_count: Gauge,
}

fn main() {}
