//! JSONL logs (feature `logs`): the line format the specs' `logs:` sections
//! describe, written by a `tracing_subscriber` layer, and the `tracing`
//! re-export the generated log events call.
//!
//! Every line is one JSON object: `timestamp` (RFC 3339, UTC, microseconds),
//! `level` (`INFO`...), `target`, then `event` and `message` when the event
//! has them, `trace_id` and `span_id` when a span in scope recorded them
//! (e.g. from the OpenTelemetry context: `tracing::info_span!("request",
//! trace_id = %id, span_id = %sid)`), then the event's other fields.
//! `obspec live-check --logs` checks such lines against the specs.
//!
//! ```no_run
//! use tracing_subscriber::layer::SubscriberExt;
//! let subscriber = tracing_subscriber::registry().with(obspec::logs::JsonLayer::stdout());
//! tracing::subscriber::set_global_default(subscriber).unwrap();
//! ```

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub use tracing;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Record};
use tracing::{Event, Id, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// A layer that writes each event as one JSON line.
pub struct JsonLayer {
    out: Mutex<Box<dyn Write + Send>>,
}

impl JsonLayer {
    /// Lines go to `out`, one `write_all` per line.
    pub fn new(out: impl Write + Send + 'static) -> Self {
        JsonLayer {
            out: Mutex::new(Box::new(out)),
        }
    }

    /// Lines go to standard output.
    pub fn stdout() -> Self {
        Self::new(std::io::stdout())
    }
}

/// The trace context a span recorded.
#[derive(Default)]
struct TraceIds {
    trace_id: Option<String>,
    span_id: Option<String>,
}

impl Visit for TraceIds {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "trace_id" => self.trace_id = Some(value.to_string()),
            "span_id" => self.span_id = Some(value.to_string()),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "trace_id" | "span_id") {
            let s = format!("{value:?}");
            let s = s.trim_matches('"').to_string();
            self.record_str(field, &s);
        }
    }
}

/// The parts of a line, gathered from an event's fields.
#[derive(Default)]
struct Line {
    event: String,
    message: String,
    has_event: bool,
    has_message: bool,
    fields: String,
    out: String,
}

thread_local! {
    static LINE: RefCell<Line> = RefCell::new(Line::default());
}

/// Appends `s` as a JSON string.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

impl Line {
    fn key(&mut self, name: &str) {
        self.fields.push(',');
        push_json_str(&mut self.fields, name);
        self.fields.push(':');
    }
}

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "event" => {
                self.event.clear();
                self.event.push_str(value);
                self.has_event = true;
            }
            "message" => {
                self.message.clear();
                self.message.push_str(value);
                self.has_message = true;
            }
            name => {
                self.key(name);
                push_json_str(&mut self.fields, value);
            }
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.key(field.name());
        self.fields.push_str(itoa::Buffer::new().format(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field.name());
        self.fields.push_str(itoa::Buffer::new().format(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.key(field.name());
        if value.is_finite() {
            self.fields
                .push_str(ryu::Buffer::new().format_finite(value));
        } else {
            self.fields.push_str("null");
        }
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.key(field.name());
        self.fields.push_str(if value { "true" } else { "false" });
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message.clear();
            let _ = write!(self.message, "{value:?}");
            self.has_message = true;
            return;
        }
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        self.record_str(field, &s);
    }
}

/// `2026-12-02T16:40:00.123456Z`.
fn push_timestamp(out: &mut String, now: SystemTime) {
    let d = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_micros()
    );
}

impl<S> Layer<S> for JsonLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut ids = TraceIds::default();
        attrs.record(&mut ids);
        if ids.trace_id.is_some() || ids.span_id.is_some() {
            if let Some(span) = ctx.span(id) {
                span.extensions_mut().insert(ids);
            }
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut ids = TraceIds::default();
        values.record(&mut ids);
        if ids.trace_id.is_none() && ids.span_id.is_none() {
            return;
        }
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            match ext.get_mut::<TraceIds>() {
                Some(t) => {
                    if ids.trace_id.is_some() {
                        t.trace_id = ids.trace_id;
                    }
                    if ids.span_id.is_some() {
                        t.span_id = ids.span_id;
                    }
                }
                None => ext.insert(ids),
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        LINE.with(|cell| {
            let Ok(mut line) = cell.try_borrow_mut() else {
                return;
            };
            let line = &mut *line;
            line.fields.clear();
            line.has_event = false;
            line.has_message = false;
            event.record(line);
            let meta = event.metadata();
            let out = &mut line.out;
            out.clear();
            out.push_str("{\"timestamp\":\"");
            push_timestamp(out, SystemTime::now());
            out.push_str("\",\"level\":\"");
            out.push_str(meta.level().as_str());
            out.push_str("\",\"target\":");
            push_json_str(out, meta.target());
            if line.has_event {
                out.push_str(",\"event\":");
                push_json_str(out, &line.event);
            }
            if line.has_message {
                out.push_str(",\"message\":");
                push_json_str(out, &line.message);
            }
            if let Some(scope) = ctx.event_scope(event) {
                let (mut trace, mut span_id) = (None, None);
                for span in scope {
                    if let Some(t) = span.extensions().get::<TraceIds>() {
                        if trace.is_none() {
                            trace.clone_from(&t.trace_id);
                        }
                        if span_id.is_none() {
                            span_id.clone_from(&t.span_id);
                        }
                    }
                    if trace.is_some() && span_id.is_some() {
                        break;
                    }
                }
                for (k, v) in [("trace_id", trace), ("span_id", span_id)] {
                    if let Some(v) = v {
                        out.push_str(",\"");
                        out.push_str(k);
                        out.push_str("\":");
                        push_json_str(out, &v);
                    }
                }
            }
            out.push_str(&line.fields);
            out.push_str("}\n");
            if let Ok(mut w) = self.out.lock() {
                let _ = w.write_all(out.as_bytes());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339() {
        let mut s = String::new();
        push_timestamp(
            &mut s,
            UNIX_EPOCH + std::time::Duration::from_micros(1_764_693_600_123_456),
        );
        assert_eq!(s, "2025-12-02T16:40:00.123456Z");
        s.clear();
        push_timestamp(
            &mut s,
            UNIX_EPOCH + std::time::Duration::from_secs(951_782_400),
        );
        assert_eq!(s, "2000-02-29T00:00:00.000000Z");
    }

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_carry_fields_in_order_and_the_nearest_trace_context() {
        use tracing_subscriber::layer::SubscriberExt;
        let out = Shared::default();
        let subscriber = tracing_subscriber::registry().with(JsonLayer::new(out.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(target: "shop", event = "plain", n = -3_i64, "no span");
            let outer = tracing::info_span!(
                "outer",
                trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                span_id = "00f067aa0ba902b7"
            );
            let _o = outer.enter();
            let inner = tracing::info_span!("inner", span_id = tracing::field::Empty);
            let _i = inner.enter();
            inner.record("span_id", "1111111111111111");
            tracing::error!(
                target: "shop",
                event = "order_failed",
                total = 12.5_f64,
                count = 7_u64,
                ok = false,
                missing = Option::<&str>::None,
                note = "a \"quoted\"\nline",
                "Order {} failed.",
                42
            );
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let first = lines[0];
        assert!(first.starts_with("{\"timestamp\":\""), "{first}");
        assert!(
            first.contains(
                r#""level":"WARN","target":"shop","event":"plain","message":"no span","n":-3}"#
            ),
            "{first}"
        );
        assert!(!first.contains("trace_id"), "{first}");
        let second = lines[1];
        assert!(
            second.contains(r#""level":"ERROR","target":"shop","event":"order_failed","message":"Order 42 failed.","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"1111111111111111","total":12.5,"count":7,"ok":false,"note":"a \"quoted\"\nline"}"#),
            "{second}"
        );
        assert!(!second.contains("missing"), "{second}");
    }

    #[test]
    fn strings_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "a\"b\\c\nd\u{1}é");
        assert_eq!(s, "\"a\\\"b\\\\c\\nd\\u0001é\"");
    }
}
