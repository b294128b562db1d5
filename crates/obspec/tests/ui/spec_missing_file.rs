use obspec::prometheus::Gauge;
use obspec::Metrics;

#[derive(Metrics)]
#[metrics(spec = "specs/nope.yaml")]
struct Nope {
    nope_gauge: Gauge,
}

fn main() {}
