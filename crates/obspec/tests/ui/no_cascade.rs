// One mistake, one error: the stub impls keep later uses quiet.
use obspec::prometheus::IntCounter;
use obspec::{Dense, LabelSet, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Region {
    Cn(u8),
}

#[derive(LabelSet, Clone, Copy)]
struct ByRegion {
    region: Region,
}

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct Shop {
    #[metric(help = "Orders.")]
    shop_orders_total: Dense<IntCounter, ByRegion>,
}

fn main() {
    let _ = Shop::register(&obspec::prometheus::Registry::new());
}
