use obspec::Metrics;

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct Shop {
    #[metric(help = "Orders.", colour = "red")]
    shop_orders_total: String,
}

fn main() {}
