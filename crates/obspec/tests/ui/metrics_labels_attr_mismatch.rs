use obspec::prometheus::IntCounter;
use obspec::{Dense, LabelSet, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Region {
    Eu,
    Us,
}

#[derive(LabelSet, Clone, Copy)]
struct ByRegion {
    region: Region,
}

#[derive(LabelSet, Clone, Copy)]
struct ByZone {
    zone: Region,
}

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct Shop {
    #[metric(help = "Orders.", labels = ByZone)]
    shop_orders_total: Dense<IntCounter, ByRegion>,
}

fn main() {}
