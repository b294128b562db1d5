//! What the catalog entries' examples share: a head of a service spec, a
//! clean service, services for the expression and log examples, and a log
//! line that keeps the spec.

pub(crate) const HEAD: &str = "obspec: 1\nservice: shop\nnamespace: shop\n";

/// A service for the expression examples: a counter, a gauge and a histogram.
macro_rules! api_spec {
    () => {
        "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  code: {values: ['200', '500']}\n  route: {max_cardinality: 50}\nmetrics:\n  api_requests_total: {type: counter, help: Requests., labels: [code, route]}\n  api_queue_depth: {type: gauge, help: Queued jobs.}\n  api_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.1, 0.5, 1]}\n"
    };
}

macro_rules! spec {
    ($($line:literal)*) => { concat!("obspec: 1\nservice: shop\nnamespace: shop\n", $($line, "\n"),*) };
}

pub(crate) const GOOD: &str = spec!(
    "labels:"
    "  status: {values: [ok, failed]}"
    "metrics:"
    "  shop_orders_total:"
    "    type: counter"
    "    help: Orders placed."
    "    labels: [status]"
);

pub(crate) const LOG_SPEC: &str = spec!(
    "logs:"
    "  events:"
    "    order_placed:"
    "      level: info"
    "      message: Order placed."
    "      fields:"
    "        total_cents: int"
    "        channel: {type: enum, values: [web, app]}"
    "        coupon: {type: string, optional: true}"
);

/// A line of `order_placed` that keeps the spec.
macro_rules! order_line {
    ($($rest:literal)?) => {
        concat!(r#"{"timestamp":"2026-12-02T10:00:00.000000Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":1250,"channel":"web""#, $($rest,)? "}")
    };
}

pub(crate) use {api_spec, order_line, spec};
