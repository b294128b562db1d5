//! The typed exposition: the text format (0.0.4) and OpenMetrics 1.0, written
//! straight from the metrics, without `Registry::gather`.
//!
//! `gather()` builds a protobuf-shaped tree of every family, every child and
//! every label pair, sorts it, and the `TextEncoder` escapes each label value
//! again on every scrape. An [`Exposition`] does that work once, when a metric
//! is added: the name, help and type lines and each child's label text
//! (`name{a="x",b="y"} `) are rendered then, in both formats. A scrape reads
//! each child's atomic value and appends it to a caller-owned buffer: for
//! counters and gauges, no allocation once the buffer has grown to size.
//!
//! Histograms read their buckets through the `prometheus` crate's
//! `Metric::metric()`, which builds the bucket list: one allocation per
//! histogram child per scrape. Families whose children are created on demand
//! (the `*Vec` types behind open-domain labels) are collected at each scrape.
//!
//! It coexists with a `prometheus::Registry`: [`Exposition::encode_with`]
//! writes the typed families, then every family of the registry the
//! exposition does not already hold (so a metric registered in both is
//! written once, from the fast path). Register the typed metrics in a
//! registry of their own to keep `gather()` from visiting them at all.
//!
//! ```
//! use obspec::expose::{Exposition, Format};
//! let registry = obspec::prometheus::Registry::new();
//! let requests = obspec::prometheus::IntCounter::new("app_requests_total", "Requests.").unwrap();
//! let mut exposition = Exposition::new();
//! exposition.add(&requests);
//! requests.inc();
//! let mut out = Vec::new();
//! exposition.encode_with(&registry, Format::Text, &mut out);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "# HELP app_requests_total Requests.\n# TYPE app_requests_total counter\napp_requests_total 1\n"
//! );
//! ```

use std::collections::HashSet;

use prometheus::core::{Collector, MetricVec, MetricVecBuilder};
use prometheus::proto::{LabelPair, MetricFamily, MetricType};

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Prometheus text format, version 0.0.4.
    Text,
    /// OpenMetrics 1.0.0 (ends with `# EOF`).
    OpenMetrics,
}

impl Format {
    /// The format a scraper asks for in its `Accept` header: OpenMetrics when
    /// it lists `application/openmetrics-text` (as Prometheus does), the text
    /// format otherwise.
    pub fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::Text,
        }
    }

    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// A metric an [`Exposition`] can write: a `prometheus` counter, gauge or
/// histogram, a [`Dense`](crate::Dense) family of them, or a `*Vec` family.
pub trait Expose {
    #[doc(hidden)]
    fn source(&self) -> Box<dyn Source>;
}

/// What an [`Exposition`] holds for one family.
#[doc(hidden)]
pub trait Source: Send + Sync {
    /// The family name (as registered).
    fn name(&self) -> &str;
    fn write(&self, format: Format, out: &mut Vec<u8>);
}

/// The families to write, in the order they were added.
#[derive(Default)]
pub struct Exposition {
    sources: Vec<Box<dyn Source>>,
    names: HashSet<String>,
}

impl std::fmt::Debug for Exposition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exposition")
            .field("families", &self.sources.len())
            .finish()
    }
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// Adds a family; its text is rendered now. A family whose name is
    /// already here is not added twice.
    pub fn add<E: Expose + ?Sized>(&mut self, metric: &E) {
        let source = metric.source();
        if self.names.insert(source.name().to_string()) {
            self.sources.push(source);
        }
    }

    /// Whether a family of this name is here.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Appends the typed families to `out` (with `# EOF` in OpenMetrics).
    pub fn encode(&self, format: Format, out: &mut Vec<u8>) {
        self.write_typed(format, out);
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
    }

    /// Appends the typed families, then the families of `registry` not
    /// already written (with `# EOF` in OpenMetrics).
    pub fn encode_with(&self, registry: &prometheus::Registry, format: Format, out: &mut Vec<u8>) {
        self.write_typed(format, out);
        for mf in registry.gather() {
            if !self.names.contains(mf.name()) {
                write_family(&mf, format, out);
            }
        }
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
    }

    fn write_typed(&self, format: Format, out: &mut Vec<u8>) {
        for s in &self.sources {
            s.write(format, out);
        }
    }
}

/// Encodes every family of `registry` (the slow path, for comparison and for
/// registries without typed metrics).
pub fn encode_registry(registry: &prometheus::Registry, format: Format, out: &mut Vec<u8>) {
    Exposition::new().encode_with(registry, format, out);
}

// ---------------------------------------------------------------------------
// Rendering helpers

fn push_escaped(out: &mut Vec<u8>, s: &str, quote: bool) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if quote => out.extend_from_slice(b"\\\""),
            _ => out.push(b),
        }
    }
}

/// A sample value as the text formats write it: integers without a
/// fraction, `+Inf`, `-Inf`, `NaN`, the shortest round-trip form otherwise.
fn push_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v == v.trunc() && v.abs() < 1e15 {
        push_i64(out, v as i64);
    } else {
        out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
    }
}

fn push_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

fn push_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// `{a="x",b="y"` (no closing brace), or empty without labels.
fn label_text(pairs: &[LabelPair]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        out.push(if i == 0 { b'{' } else { b',' });
        out.extend_from_slice(p.name().as_bytes());
        out.extend_from_slice(b"=\"");
        push_escaped(&mut out, p.value(), true);
        out.push(b'"');
    }
    out
}

/// `name` plus `suffix`, then the labels (with `extra` last), a space.
fn sample_prefix(name: &str, suffix: &str, labels: &[u8], extra: Option<(&str, &str)>) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len() + suffix.len() + labels.len() + 16);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(suffix.as_bytes());
    out.extend_from_slice(labels);
    if let Some((k, v)) = extra {
        out.push(if labels.is_empty() { b'{' } else { b',' });
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b"=\"");
        push_escaped(&mut out, v, true);
        out.push(b'"');
    }
    if !labels.is_empty() || extra.is_some() {
        out.push(b'}');
    }
    out.push(b' ');
    out
}

/// The `# HELP` and `# TYPE` lines of a family.
fn header(name: &str, help: &str, kind: &str, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    let (family, kind) = match format {
        Format::Text => (name, kind),
        Format::OpenMetrics => (
            if kind == "counter" {
                name.strip_suffix("_total").unwrap_or(name)
            } else {
                name
            },
            if kind == "untyped" { "unknown" } else { kind },
        ),
    };
    if !help.is_empty() {
        out.extend_from_slice(b"# HELP ");
        out.extend_from_slice(family.as_bytes());
        out.push(b' ');
        push_escaped(&mut out, help, format == Format::OpenMetrics);
        out.push(b'\n');
    }
    out.extend_from_slice(b"# TYPE ");
    out.extend_from_slice(family.as_bytes());
    out.push(b' ');
    out.extend_from_slice(kind.as_bytes());
    out.push(b'\n');
    out
}

/// The sample name of a counter in OpenMetrics: always ends in `_total`.
fn om_counter_name(name: &str) -> String {
    if name.ends_with("_total") {
        name.to_string()
    } else {
        format!("{name}_total")
    }
}

// ---------------------------------------------------------------------------
// Typed children

/// A child metric whose value an [`Exposition`] reads directly.
#[doc(hidden)]
pub trait Child: prometheus::core::Metric + Collector + Clone + Send + Sync + 'static {
    /// `counter`, `gauge` or `histogram`.
    const TYPE: &'static str;
    /// Appends the value of a counter or gauge.
    fn push_value(&self, _out: &mut Vec<u8>) {}
}

macro_rules! value_child {
    ($($t:ty: $kind:literal, $push:ident;)*) => {$(
        impl Child for $t {
            const TYPE: &'static str = $kind;
            #[inline]
            fn push_value(&self, out: &mut Vec<u8>) {
                $push(out, self.get());
            }
        }
    )*};
}

value_child! {
    prometheus::IntCounter: "counter", push_u64;
    prometheus::Counter: "counter", push_f64;
    prometheus::IntGauge: "gauge", push_i64;
    prometheus::Gauge: "gauge", push_f64;
}

impl Child for prometheus::Histogram {
    const TYPE: &'static str = "histogram";
}

/// One child's pre-rendered sample prefixes, per format.
struct Series {
    /// Counters and gauges: `name{labels} ` in each format.
    text: Vec<u8>,
    om: Vec<u8>,
    /// Histograms: `name_bucket{labels,le="…"} ` per bound (and `+Inf`),
    /// then `name_sum{labels} ` and `name_count{labels} `; the same in both
    /// formats.
    histogram: Vec<Vec<u8>>,
}

/// A family of children known up front: a single metric or a [`Dense`](crate::Dense) family.
struct Typed<M> {
    name: String,
    text_header: Vec<u8>,
    om_header: Vec<u8>,
    children: Vec<M>,
    series: Vec<Series>,
}

impl<M: Child> Typed<M> {
    fn new(children: &[M]) -> Typed<M> {
        let (name, help) = children
            .first()
            .and_then(|c| {
                c.desc()
                    .first()
                    .map(|d| (d.fq_name.clone(), d.help.clone()))
            })
            .unwrap_or_default();
        let om_name = if M::TYPE == "counter" {
            om_counter_name(&name)
        } else {
            name.clone()
        };
        let series = children
            .iter()
            .map(|c| {
                let proto = c.metric();
                let labels = label_text(proto.get_label());
                let mut histogram = Vec::new();
                if M::TYPE == "histogram" {
                    let h = proto.get_histogram();
                    let mut inf = false;
                    for b in h.get_bucket() {
                        let ub = b.upper_bound();
                        inf |= ub == f64::INFINITY;
                        histogram.push(sample_prefix(
                            &name,
                            "_bucket",
                            &labels,
                            Some(("le", &ub.to_string())),
                        ));
                    }
                    if !inf {
                        histogram.push(sample_prefix(
                            &name,
                            "_bucket",
                            &labels,
                            Some(("le", "+Inf")),
                        ));
                    }
                    histogram.push(sample_prefix(&name, "_sum", &labels, None));
                    histogram.push(sample_prefix(&name, "_count", &labels, None));
                }
                Series {
                    text: sample_prefix(&name, "", &labels, None),
                    om: sample_prefix(&om_name, "", &labels, None),
                    histogram,
                }
            })
            .collect();
        Typed {
            text_header: header(&name, &help, M::TYPE, Format::Text),
            om_header: header(&name, &help, M::TYPE, Format::OpenMetrics),
            name,
            children: children.to_vec(),
            series,
        }
    }
}

impl<M: Child> Source for Typed<M> {
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&self, format: Format, out: &mut Vec<u8>) {
        out.extend_from_slice(match format {
            Format::Text => &self.text_header,
            Format::OpenMetrics => &self.om_header,
        });
        if M::TYPE == "histogram" {
            for (c, s) in self.children.iter().zip(&self.series) {
                let proto = c.metric();
                let h = proto.get_histogram();
                let buckets = h.get_bucket();
                let n = s.histogram.len();
                for (i, prefix) in s.histogram[..n - 2].iter().enumerate() {
                    out.extend_from_slice(prefix);
                    let count = buckets
                        .get(i)
                        .map_or(h.get_sample_count(), |b| b.cumulative_count());
                    push_u64(out, count);
                    out.push(b'\n');
                }
                out.extend_from_slice(&s.histogram[n - 2]);
                push_f64(out, h.get_sample_sum());
                out.push(b'\n');
                out.extend_from_slice(&s.histogram[n - 1]);
                push_u64(out, h.get_sample_count());
                out.push(b'\n');
            }
        } else {
            for (c, s) in self.children.iter().zip(&self.series) {
                out.extend_from_slice(match format {
                    Format::Text => &s.text,
                    Format::OpenMetrics => &s.om,
                });
                c.push_value(out);
                out.push(b'\n');
            }
        }
    }
}

impl<M: Child, L: crate::LabelSet> Expose for crate::Dense<M, L> {
    fn source(&self) -> Box<dyn Source> {
        Box::new(Typed::new(self.children()))
    }
}

macro_rules! expose_child {
    ($($t:ty),*) => {$(
        impl Expose for $t {
            fn source(&self) -> Box<dyn Source> {
                Box::new(Typed::new(std::slice::from_ref(self)))
            }
        }
    )*};
}

expose_child!(
    prometheus::IntCounter,
    prometheus::Counter,
    prometheus::IntGauge,
    prometheus::Gauge,
    prometheus::Histogram
);

// ---------------------------------------------------------------------------
// Families collected at each scrape

/// A `*Vec` family: children appear as label values are seen, so it is
/// collected at each scrape.
struct Collected<B: MetricVecBuilder> {
    name: String,
    vec: MetricVec<B>,
}

impl<B: MetricVecBuilder + 'static> Source for Collected<B>
where
    MetricVec<B>: Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&self, format: Format, out: &mut Vec<u8>) {
        for mf in self.vec.collect() {
            write_family(&mf, format, out);
        }
    }
}

impl<B: MetricVecBuilder + 'static> Expose for MetricVec<B>
where
    MetricVec<B>: Send + Sync,
{
    fn source(&self) -> Box<dyn Source> {
        let name = self
            .desc()
            .first()
            .map(|d| d.fq_name.clone())
            .unwrap_or_default();
        Box::new(Collected {
            name,
            vec: self.clone(),
        })
    }
}

/// Writes one gathered family, as the typed path would.
fn write_family(mf: &MetricFamily, format: Format, out: &mut Vec<u8>) {
    let name = mf.name();
    let kind = match mf.get_field_type() {
        MetricType::COUNTER => "counter",
        MetricType::GAUGE => "gauge",
        MetricType::HISTOGRAM => "histogram",
        MetricType::SUMMARY => "summary",
        MetricType::UNTYPED => "untyped",
    };
    out.extend_from_slice(&header(name, mf.help(), kind, format));
    for m in mf.get_metric() {
        let labels = label_text(m.get_label());
        let sample = |out: &mut Vec<u8>, suffix: &str, extra: Option<(&str, &str)>, v: f64| {
            out.extend_from_slice(&sample_prefix(name, suffix, &labels, extra));
            push_f64(out, v);
            out.push(b'\n');
        };
        match mf.get_field_type() {
            MetricType::COUNTER => {
                let n = if format == Format::OpenMetrics {
                    om_counter_name(name)
                } else {
                    name.to_string()
                };
                out.extend_from_slice(&sample_prefix(&n, "", &labels, None));
                push_f64(out, m.get_counter().get_value());
                out.push(b'\n');
            }
            MetricType::GAUGE => sample(out, "", None, m.get_gauge().get_value()),
            // A custom collector's; the accessor is deprecated upstream but
            // the only way to the value.
            #[allow(deprecated)]
            MetricType::UNTYPED => sample(out, "", None, m.get_untyped().get_value()),
            MetricType::HISTOGRAM => {
                let h = m.get_histogram();
                let mut inf = false;
                for b in h.get_bucket() {
                    let ub = b.upper_bound();
                    inf |= ub == f64::INFINITY;
                    sample(
                        out,
                        "_bucket",
                        Some(("le", &ub.to_string())),
                        b.cumulative_count() as f64,
                    );
                }
                if !inf {
                    sample(
                        out,
                        "_bucket",
                        Some(("le", "+Inf")),
                        h.get_sample_count() as f64,
                    );
                }
                sample(out, "_sum", None, h.get_sample_sum());
                sample(out, "_count", None, h.get_sample_count() as f64);
            }
            MetricType::SUMMARY => {
                let s = m.get_summary();
                for q in s.get_quantile() {
                    sample(
                        out,
                        "",
                        Some(("quantile", &q.quantile().to_string())),
                        q.value(),
                    );
                }
                sample(out, "_sum", None, s.sample_sum());
                sample(out, "_count", None, s.sample_count() as f64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_prometheus_reads_them() {
        let mut out = Vec::new();
        for v in [
            0.0,
            3.0,
            -2.0,
            0.5,
            1e-7,
            1e20,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            push_f64(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 3 -2 0.5 1e-7 1e20 +Inf -Inf NaN "
        );
        let mut out = Vec::new();
        push_escaped(&mut out, "a\\b\n\"c\"", true);
        assert_eq!(out, b"a\\\\b\\n\\\"c\\\"");
        assert_eq!(
            Format::negotiate(Some(
                "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
            )),
            Format::OpenMetrics
        );
        assert_eq!(Format::negotiate(Some("text/plain")), Format::Text);
        assert_eq!(Format::negotiate(None), Format::Text);
    }
}
