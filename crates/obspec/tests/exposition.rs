//! The typed exposition (`obspec::expose`) against the `prometheus` crate's
//! own `gather()` + `TextEncoder`: the same lines for every kind of metric
//! (escaping, const labels, histograms, families created on demand, other
//! collectors in the registry), and no allocation per scrape for counters
//! and gauges once the buffer has grown.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use obspec::prometheus::{
    Counter, Encoder, Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};
use obspec::{Dense, Exposition, Format, LabelValue};

/// Counts allocations per thread, so tests running beside each other do not
/// count each other's.
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

fn allocations() -> usize {
    ALLOCS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Debug, Clone, Copy, PartialEq, Eq, LabelValue)]
enum Region {
    #[label(rename = "eu-west")]
    EuWest,
    #[label(rename = "us \"east\"\\1\n")]
    Odd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, LabelValue)]
enum Status {
    Ok,
    Failed,
}

fn text(registry: &Registry) -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

struct Setup {
    registry: Registry,
    exposition: Exposition,
    requests: Dense<IntCounter, (Region, Status)>,
    gauge: Gauge,
    open: IntCounterVec,
}

fn setup() -> Setup {
    let registry = Registry::new();
    let labels = [("tier".to_string(), "gold\\\"x".to_string())]
        .into_iter()
        .collect();
    let vec = IntCounterVec::new(
        Opts::new(
            "app_requests_total",
            "Requests by \"region\"\\status.\nSecond line.",
        )
        .const_labels(labels),
        &["region", "status"],
    )
    .unwrap();
    registry.register(Box::new(vec.clone())).unwrap();
    let requests: Dense<IntCounter, (Region, Status)> = Dense::resolve(&vec).unwrap();
    let gauge = Gauge::new("app_temperature_celsius", "Temperature.").unwrap();
    registry.register(Box::new(gauge.clone())).unwrap();
    let int_gauge = IntGauge::new("app_queue_depth", "Queue depth.").unwrap();
    registry.register(Box::new(int_gauge.clone())).unwrap();
    let counter = Counter::new("app_sent_bytes_total", "Bytes sent.").unwrap();
    registry.register(Box::new(counter.clone())).unwrap();
    let hist = Histogram::with_opts(
        HistogramOpts::new("app_latency_seconds", "Latency.").buckets(vec![0.005, 0.1, 1.0, 2.5]),
    )
    .unwrap();
    registry.register(Box::new(hist.clone())).unwrap();
    let open =
        IntCounterVec::new(Opts::new("app_tool_calls_total", "Tool calls."), &["tool"]).unwrap();
    registry.register(Box::new(open.clone())).unwrap();

    requests.get((Region::Odd, Status::Failed)).inc_by(7);
    requests.get((Region::EuWest, Status::Ok)).inc();
    gauge.set(-12.375);
    int_gauge.set(-3);
    counter.inc_by(1.5e3);
    for v in [0.001, 0.05, 0.3, 3.0] {
        hist.observe(v);
    }
    open.with_label_values(&["search"]).inc();

    let mut exposition = Exposition::new();
    exposition.add(&requests);
    exposition.add(&gauge);
    exposition.add(&int_gauge);
    exposition.add(&counter);
    exposition.add(&hist);
    exposition.add(&open);
    Setup {
        registry,
        exposition,
        requests,
        gauge,
        open,
    }
}

#[test]
fn text_format_has_the_lines_of_gather_and_text_encoder() {
    let s = setup();
    // Also something only the registry holds.
    let other = IntCounter::new("other_events_total", "Registry only.").unwrap();
    other.inc_by(2);
    s.registry.register(Box::new(other)).unwrap();
    // Values change after the exposition was built: read at encode time.
    s.requests.get((Region::EuWest, Status::Failed)).inc_by(4);
    s.open.with_label_values(&["fetch"]).inc();

    let mut out = Vec::new();
    s.exposition
        .encode_with(&s.registry, Format::Text, &mut out);
    let ours = String::from_utf8(out).unwrap();
    let theirs = text(&s.registry);
    assert_eq!(
        sorted_lines(&ours),
        sorted_lines(&theirs),
        "ours:\n{ours}\ntheirs:\n{theirs}"
    );
    // Each family once, HELP before TYPE before samples.
    assert_eq!(
        ours.matches("# TYPE app_requests_total counter\n").count(),
        1
    );
    assert!(ours.contains(
        "app_requests_total{region=\"us \\\"east\\\"\\\\1\\n\",status=\"failed\",tier=\"gold\\\\\\\"x\"} 7\n"
    ), "{ours}");
    assert!(
        ours.contains(
            "app_requests_total{region=\"eu-west\",status=\"failed\",tier=\"gold\\\\\\\"x\"} 4\n"
        ),
        "{ours}"
    );
}

#[test]
fn openmetrics_names_counter_families_without_total_and_ends_with_eof() {
    let s = setup();
    let mut out = Vec::new();
    s.exposition.encode(Format::OpenMetrics, &mut out);
    let om = String::from_utf8(out).unwrap();
    assert!(om.contains("# TYPE app_requests counter\n"), "{om}");
    assert!(
        om.contains("# HELP app_requests Requests by \\\"region\\\"\\\\status.\\nSecond line.\n"),
        "{om}"
    );
    assert!(
        om.contains("# TYPE app_sent_bytes counter\napp_sent_bytes_total 1500\n"),
        "{om}"
    );
    assert!(
        om.contains("app_latency_seconds_bucket{le=\"0.1\"} 2\n"),
        "{om}"
    );
    assert!(om.contains("app_latency_seconds_bucket{le=\"+Inf\"} 4\napp_latency_seconds_sum 3.351\napp_latency_seconds_count 4\n"), "{om}");
    assert!(
        om.contains("# TYPE app_tool_calls counter\napp_tool_calls_total{tool=\"search\"} 1\n"),
        "{om}"
    );
    assert!(om.ends_with("# EOF\n"), "{om}");
    assert_eq!(om.matches("# EOF").count(), 1);
}

#[test]
fn encoding_counters_and_gauges_does_not_allocate_after_warm_up() {
    let s = setup();
    let mut only = Exposition::new();
    only.add(&s.requests);
    only.add(&s.gauge);
    let mut out = Vec::new();
    only.encode(Format::Text, &mut out);
    for format in [Format::Text, Format::OpenMetrics] {
        out.clear();
        only.encode(format, &mut out);
        out.clear();
        let before = allocations();
        only.encode(format, &mut out);
        let after = allocations();
        assert_eq!(after - before, 0, "{format:?} allocated");
    }
    assert!(!out.is_empty());
}

#[test]
fn a_family_in_both_is_written_once_from_the_typed_path() {
    let s = setup();
    let mut out = Vec::new();
    s.exposition
        .encode_with(&s.registry, Format::Text, &mut out);
    let ours = String::from_utf8(out).unwrap();
    for name in [
        "app_requests_total",
        "app_temperature_celsius",
        "app_latency_seconds",
    ] {
        assert_eq!(
            ours.matches(&format!("# TYPE {name} ")).count(),
            1,
            "{name}:\n{ours}"
        );
    }
    assert_eq!(
        Format::OpenMetrics.content_type(),
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
}
