//! The checker of JSONL log lines that `obspec live-check --logs` runs:
//! every line of a service's `target` against the events its spec declares
//! (fields, types, closed values, forbidden fields), in parallel chunks so
//! that memory stays bounded by a few chunks.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use obspec_spec::model::{LogEvent, LogFieldType, Specs, LOG_LINE_FIELDS};
use obspec_spec::source::Span;

use crate::expr::logs::{forbidden_fields, target_of};
use crate::lint::examples::order_line;
use crate::lint::examples::LOG_SPEC;
use obspec_spec::catalog::Rule;

pub const CODE_NOT_JSON: &str = "OBS611";
pub const CODE_UNKNOWN_EVENT: &str = "OBS612";
pub const CODE_MISSING_FIELD: &str = "OBS613";
pub const CODE_FIELD_TYPE: &str = "OBS614";
pub const CODE_FIELD_DOMAIN: &str = "OBS615";
pub const CODE_FORBIDDEN_FIELD: &str = "OBS616";
pub const CODE_UNDECLARED_FIELD: &str = "OBS617";

/// How one field of an event is checked.
struct FieldCheck<'a> {
    kind: LogFieldType,
    values: HashSet<&'a str>,
    required: bool,
    span: Span,
}

struct EventCheck<'a> {
    level: &'static str,
    message: &'a str,
    fields: HashMap<&'a str, FieldCheck<'a>>,
    span: Span,
}

/// The events of one service, compiled for checking lines.
struct ServiceCheck<'a> {
    name: &'a str,
    events: HashMap<&'a str, EventCheck<'a>>,
}

/// One finding about a log line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFinding {
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The input line, from 1.
    pub line: u64,
    /// The field the finding is about, if any.
    pub field: Option<String>,
    pub message: String,
    /// Where the spec declares what the line breaks.
    pub spec: Option<Span>,
}

/// The checker of JSONL log lines against the specs' log events. Lines are
/// routed to a service by their `target`; lines of other targets (libraries)
/// are counted, not checked.
pub struct LineChecker<'a> {
    by_target: HashMap<String, ServiceCheck<'a>>,
    forbidden: HashSet<&'a str>,
}

/// The findings of one line, in order.
struct Found {
    line: u64,
    list: Vec<LineFinding>,
}

impl Found {
    fn add(
        &mut self,
        code: &'static str,
        field: Option<&str>,
        message: String,
        spec: Option<Span>,
    ) {
        self.list.push(LineFinding {
            code,
            severity: if code == CODE_UNDECLARED_FIELD {
                "warning"
            } else {
                "error"
            },
            line: self.line,
            field: field.map(str::to_string),
            message,
            spec,
        });
    }
}

/// Totals of a run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LineTotals {
    pub lines: u64,
    pub checked: u64,
    pub other_targets: u64,
    pub errors: u64,
    pub warnings: u64,
}

impl<'a> LineChecker<'a> {
    /// A checker for the services of `specs` with a `logs:` section (only
    /// `service`, when given). `None`: no such service.
    pub fn new(specs: &'a Specs, service: Option<&str>) -> Option<Self> {
        let mut by_target = HashMap::new();
        for svc in &specs.services {
            let Some(logs) = &svc.logs else { continue };
            if service.is_some_and(|s| s != svc.service.value) {
                continue;
            }
            let events = logs
                .events
                .iter()
                .map(|(n, e): (_, &'a LogEvent)| {
                    let fields = e
                        .fields
                        .iter()
                        .map(|(f, fc)| {
                            (
                                f.as_str(),
                                FieldCheck {
                                    kind: fc.kind.value,
                                    values: fc
                                        .values
                                        .iter()
                                        .flatten()
                                        .map(|v| v.as_str())
                                        .collect(),
                                    required: !fc.is_optional(),
                                    span: f.span,
                                },
                            )
                        })
                        .collect();
                    (
                        n.as_str(),
                        EventCheck {
                            level: e.level.value.as_line(),
                            message: e.message.as_str(),
                            fields,
                            span: n.span,
                        },
                    )
                })
                .collect();
            by_target.insert(
                target_of(svc),
                ServiceCheck {
                    name: svc.service.as_str(),
                    events,
                },
            );
        }
        if by_target.is_empty() {
            return None;
        }
        let forbidden = forbidden_fields(specs).into_iter().collect();
        Some(LineChecker {
            by_target,
            forbidden,
        })
    }

    /// The services checked, by name.
    pub fn services(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_target.values().map(|s| s.name).collect();
        v.sort_unstable();
        v
    }

    /// Checks one line (without its newline), calling `report` per finding.
    pub fn check_line(
        &self,
        text: &str,
        line: u64,
        totals: &mut LineTotals,
        mut report: impl FnMut(LineFinding),
    ) {
        totals.lines += 1;
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            return;
        }
        let mut push = |totals: &mut LineTotals, f: LineFinding| {
            if f.severity == "error" {
                totals.errors += 1;
            } else {
                totals.warnings += 1;
            }
            report(f);
        };
        let finding = |code, field: Option<&str>, message: String, spec| LineFinding {
            code,
            severity: if code == CODE_UNDECLARED_FIELD {
                "warning"
            } else {
                "error"
            },
            line,
            field: field.map(str::to_string),
            message,
            spec,
        };
        let obj: Map<String, Value> = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => o,
            Ok(other) => {
                let kind = json_kind(&other);
                push(
                    totals,
                    finding(
                        CODE_NOT_JSON,
                        None,
                        format!("the line is JSON {kind}, not an object"),
                        None,
                    ),
                );
                return;
            }
            Err(e) => {
                push(
                    totals,
                    finding(
                        CODE_NOT_JSON,
                        None,
                        format!("the line is not JSON: {e}"),
                        None,
                    ),
                );
                return;
            }
        };
        let target = obj.get("target").and_then(Value::as_str);
        let Some(svc) = target.and_then(|t| self.by_target.get(t)) else {
            if target.is_none() {
                push(
                    totals,
                    finding(
                        CODE_MISSING_FIELD,
                        Some("target"),
                        "the line has no string `target`: it cannot be told apart from other logs"
                            .into(),
                        None,
                    ),
                );
            } else {
                totals.other_targets += 1;
            }
            return;
        };
        totals.checked += 1;
        let mut found = Found {
            line,
            list: Vec::new(),
        };
        self.check_envelope(svc, &obj, &mut found);
        self.check_event(svc, &obj, target, &mut found);
        for f in found.list {
            push(totals, f);
        }
    }

    /// The fields every line has: no forbidden field, the envelope's
    /// `timestamp`, `level` and `message`, trace and span ids.
    fn check_envelope(&self, svc: &ServiceCheck<'a>, obj: &Map<String, Value>, found: &mut Found) {
        // Forbidden fields, wherever the line has them, unless the line's
        // event declares the field (hashed).
        let own = obj
            .get("event")
            .and_then(Value::as_str)
            .and_then(|e| svc.events.get(e));
        for k in obj.keys() {
            let declared = match own {
                Some(e) => e.fields.contains_key(k.as_str()),
                None => svc
                    .events
                    .values()
                    .any(|e| e.fields.contains_key(k.as_str())),
            };
            if self.forbidden.contains(k.as_str()) && !declared {
                found.add(
                    CODE_FORBIDDEN_FIELD,
                    Some(k),
                    format!("field `{k}` is personal data or a secret, forbidden in log lines"),
                    None,
                );
            }
        }
        for f in ["timestamp", "level", "message"] {
            match obj.get(f) {
                Some(Value::String(_)) => {}
                Some(v) => found.add(
                    CODE_FIELD_TYPE,
                    Some(f),
                    format!("line field `{f}` is {}, not a string", json_kind(v)),
                    None,
                ),
                None => found.add(
                    CODE_MISSING_FIELD,
                    Some(f),
                    format!("the line has no `{f}`"),
                    None,
                ),
            }
        }
        if let Some(Value::String(ts)) = obj.get("timestamp") {
            if !is_rfc3339(ts) {
                found.add(
                    CODE_FIELD_TYPE,
                    Some("timestamp"),
                    format!("`timestamp` `{ts}` is not an RFC 3339 date-time"),
                    None,
                );
            }
        }
        for (f, len) in [("trace_id", 32), ("span_id", 16)] {
            if let Some(v) = obj.get(f) {
                let ok = v.as_str().is_some_and(|s| {
                    s.len() == len
                        && s.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
                if !ok {
                    found.add(
                        CODE_FIELD_TYPE,
                        Some(f),
                        format!("`{f}` is not {len} lowercase hex digits"),
                        None,
                    );
                }
            }
        }
    }

    // Long: one event's checks in catalog order (known, level, message, fields, undeclared).
    /// The line against its event: known, its level and message, its
    /// declared fields (types, domains), no undeclared one.
    fn check_event(
        &self,
        svc: &ServiceCheck<'a>,
        obj: &Map<String, Value>,
        target: Option<&str>,
        found: &mut Found,
    ) {
        let Some(event_name) = obj.get("event").and_then(Value::as_str) else {
            found.add(CODE_MISSING_FIELD, Some("event"), format!("the line of target `{}` has no string `event`: it is not one of the events of {}", target.unwrap_or(""), svc.name), None);
            return;
        };
        let Some(ev) = svc.events.get(event_name) else {
            let names: Vec<&str> = {
                let mut v: Vec<&str> = svc.events.keys().copied().collect();
                v.sort_unstable();
                v
            };
            let hint = obspec_spec::load::did_you_mean(event_name, &names)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            found.add(
                CODE_UNKNOWN_EVENT,
                Some("event"),
                format!("`{event_name}` is not an event of {}{hint}", svc.name),
                None,
            );
            return;
        };
        if let Some(Value::String(l)) = obj.get("level") {
            if l != ev.level {
                found.add(
                    CODE_FIELD_DOMAIN,
                    Some("level"),
                    format!(
                        "`{event_name}` is logged at {}, the line says {l}",
                        ev.level
                    ),
                    Some(ev.span),
                );
            }
        }
        if let Some(Value::String(m)) = obj.get("message") {
            if m != ev.message {
                found.add(
                    CODE_FIELD_DOMAIN,
                    Some("message"),
                    format!(
                        "the message of `{event_name}` is {:?}, the line says {m:?}",
                        ev.message
                    ),
                    Some(ev.span),
                );
            }
        }
        let mut names: Vec<&str> = ev.fields.keys().copied().collect();
        names.sort_unstable();
        for name in names {
            let fc = &ev.fields[name];
            match obj.get(name) {
                None | Some(Value::Null) if fc.required => found.add(
                    CODE_MISSING_FIELD,
                    Some(name),
                    format!("`{event_name}` requires field `{name}`"),
                    Some(fc.span),
                ),
                None | Some(Value::Null) => {}
                Some(v) => {
                    let ok = match fc.kind {
                        LogFieldType::String | LogFieldType::Enum => v.is_string(),
                        // As JSON Schema's `integer`: `1904.0` is one.
                        LogFieldType::Int => {
                            v.is_i64()
                                || v.is_u64()
                                || v.as_f64()
                                    .is_some_and(|x| x.is_finite() && x.fract() == 0.0)
                        }
                        LogFieldType::Float => v.is_number(),
                        LogFieldType::Bool => v.is_boolean(),
                        LogFieldType::Duration => v.as_f64().is_some_and(|d| d >= 0.0),
                    };
                    if !ok {
                        let want = match fc.kind {
                            LogFieldType::String => "a string",
                            LogFieldType::Enum => "a string of its domain",
                            LogFieldType::Int => "an integer",
                            LogFieldType::Float => "a number",
                            LogFieldType::Bool => "true or false",
                            LogFieldType::Duration => "seconds, a number ≥ 0",
                        };
                        found.add(
                            CODE_FIELD_TYPE,
                            Some(name),
                            format!(
                                "field `{name}` of `{event_name}` is {}, expected {want}",
                                json_kind(v)
                            ),
                            Some(fc.span),
                        );
                    } else if fc.kind == LogFieldType::Enum {
                        let s = v.as_str().unwrap_or("");
                        if !fc.values.contains(s) {
                            let mut dom: Vec<&str> = fc.values.iter().copied().collect();
                            dom.sort_unstable();
                            found.add(CODE_FIELD_DOMAIN, Some(name), format!("field `{name}` of `{event_name}` is `{s}`, outside its domain ({})", dom.join(", ")), Some(fc.span));
                        }
                    }
                }
            }
        }
        let mut extra: Vec<&str> = obj
            .keys()
            .map(String::as_str)
            .filter(|k| {
                !LOG_LINE_FIELDS.contains(k)
                    && !ev.fields.contains_key(k)
                    && !self.forbidden.contains(k)
            })
            .collect();
        extra.sort_unstable();
        for k in extra {
            found.add(
                CODE_UNDECLARED_FIELD,
                Some(k),
                format!("field `{k}` is not declared for `{event_name}`"),
                Some(ev.span),
            );
        }
    }
}

/// Checks one line's bytes (without the newline).
fn check_bytes(
    checker: &LineChecker<'_>,
    line: &[u8],
    n: u64,
    totals: &mut LineTotals,
    sink: &mut impl FnMut(LineFinding),
) {
    match std::str::from_utf8(line) {
        Ok(text) => checker.check_line(text, n, totals, sink),
        Err(e) => {
            totals.lines += 1;
            totals.errors += 1;
            sink(LineFinding {
                code: CODE_NOT_JSON,
                severity: "error",
                line: n,
                field: None,
                message: format!("the line is not UTF-8 text (byte {})", e.valid_up_to()),
                spec: None,
            });
        }
    }
}

/// The longest line checked (1 MiB): a longer line is one OBS611 finding,
/// and is skipped without ever being held in memory whole.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The finding of a line over [`MAX_LINE_BYTES`].
fn too_long(n: u64, bytes: u64, totals: &mut LineTotals) -> LineFinding {
    totals.lines += 1;
    totals.errors += 1;
    LineFinding {
        code: CODE_NOT_JSON,
        severity: "error",
        line: n,
        field: None,
        message: format!(
            "the line is {bytes} bytes long, over live-check's limit of {MAX_LINE_BYTES}: not checked"
        ),
        spec: None,
    }
}

/// Keeps findings up to `keep` of each code.
#[derive(Default)]
struct Kept {
    list: Vec<LineFinding>,
    per_code: HashMap<&'static str, usize>,
}

impl Kept {
    fn offer(&mut self, f: LineFinding, keep: usize) {
        let n = self.per_code.entry(f.code).or_insert(0);
        if *n < keep {
            *n += 1;
            self.list.push(f);
        }
    }
}

/// What a worker is given: whole lines, the first being line `first`, or
/// a line too long to be read.
enum Job {
    Lines(Vec<u8>),
    TooLong(u64),
}

/// Checks the lines of `chunk` (whole lines; the last may lack its
/// newline), the first being line `first`; keeps at most `keep` findings
/// of each code.
fn check_chunk(
    checker: &LineChecker<'_>,
    chunk: &[u8],
    first: u64,
    keep: usize,
) -> (LineTotals, Vec<LineFinding>) {
    let mut totals = LineTotals::default();
    let mut kept = Kept::default();
    let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    if chunk.is_empty() {
        return (totals, kept.list);
    }
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        let n = first + i as u64;
        if line.len() > MAX_LINE_BYTES {
            let f = too_long(n, line.len() as u64, &mut totals);
            kept.offer(f, keep);
            continue;
        }
        check_bytes(checker, line, n, &mut totals, &mut |f| kept.offer(f, keep));
    }
    (totals, kept.list)
}

/// Bytes per chunk handed to a worker.
const CHUNK: usize = 1 << 20;

/// Fills `buf[filled..]` from `input`; whether the input ended.
fn fill(
    input: &mut impl std::io::Read,
    buf: &mut [u8],
    filled: &mut usize,
) -> std::io::Result<bool> {
    while *filled < buf.len() {
        match input.read(&mut buf[*filled..]) {
            Ok(0) => return Ok(true),
            Ok(k) => *filled += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Checks every line of `input`, streaming, on all cores: the input is cut
/// into chunks of whole lines, checked in parallel and merged in input
/// order, so the findings and totals are those of a serial run. Memory stays
/// bounded by a few chunks (a line over [`MAX_LINE_BYTES`] is skipped, not
/// held) and the `keep` findings kept of each code; the rest are only
/// counted.
// Long: the reader, its workers and the in-order merge share one scope of threads and channels.
pub fn check_reader(
    checker: &LineChecker<'_>,
    mut input: impl std::io::Read,
    keep: usize,
) -> std::io::Result<(LineTotals, Vec<LineFinding>)> {
    use std::sync::{mpsc, Arc, Mutex};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, u64, Job)>(workers * 2);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (res_tx, res_rx) = mpsc::channel::<(u64, LineTotals, Vec<LineFinding>)>();
        for _ in 0..workers {
            let (job_rx, res_tx) = (Arc::clone(&job_rx), res_tx.clone());
            scope.spawn(move || loop {
                let job = job_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((idx, first, job))) = job else {
                    break;
                };
                let (t, f) = match job {
                    Job::Lines(chunk) => check_chunk(checker, &chunk, first, keep),
                    Job::TooLong(bytes) => {
                        let mut t = LineTotals::default();
                        let f = too_long(first, bytes, &mut t);
                        (t, if keep > 0 { vec![f] } else { Vec::new() })
                    }
                };
                if res_tx.send((idx, t, f)).is_err() {
                    break;
                }
            });
        }
        drop(res_tx);
        // Results are merged in chunk order as they arrive.
        let mut totals = LineTotals::default();
        let mut kept = Kept::default();
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0u64;
        let merge =
            |pending: &mut std::collections::BTreeMap<u64, (LineTotals, Vec<LineFinding>)>,
             next: &mut u64,
             totals: &mut LineTotals,
             kept: &mut Kept| {
                while let Some((t, f)) = pending.remove(next) {
                    totals.lines += t.lines;
                    totals.checked += t.checked;
                    totals.other_targets += t.other_targets;
                    totals.errors += t.errors;
                    totals.warnings += t.warnings;
                    for f in f {
                        kept.offer(f, keep);
                    }
                    *next += 1;
                }
            };
        let mut carry: Vec<u8> = Vec::new();
        // Bytes of an over-long line being skipped.
        let mut skipping: Option<u64> = None;
        let mut line = 1u64;
        let mut idx = 0u64;
        let mut result = Ok(());
        loop {
            let mut buf = std::mem::take(&mut carry);
            let start = buf.len();
            buf.resize(start + CHUNK, 0);
            let mut filled = start;
            let eof = match fill(&mut input, &mut buf, &mut filled) {
                Ok(eof) => eof,
                Err(e) => {
                    result = Err(e);
                    true
                }
            };
            buf.truncate(filled);
            let mut jobs = Vec::new();
            if let Some(skipped) = skipping {
                // The rest of an over-long line: up to its newline.
                match buf.iter().position(|b| *b == b'\n') {
                    Some(p) => {
                        jobs.push(Job::TooLong(skipped + p as u64));
                        skipping = None;
                        buf.drain(..=p);
                    }
                    None => {
                        skipping = Some(skipped + buf.len() as u64);
                        buf.clear();
                    }
                }
            }
            if !eof && skipping.is_none() {
                // Whole lines only; what follows the last newline waits.
                match buf.iter().rposition(|b| *b == b'\n') {
                    Some(p) => carry = buf.split_off(p + 1),
                    None if buf.len() > MAX_LINE_BYTES => {
                        skipping = Some(buf.len() as u64);
                        buf.clear();
                    }
                    None => carry = std::mem::take(&mut buf),
                }
            }
            if eof {
                if let Some(skipped) = skipping.take() {
                    jobs.push(Job::TooLong(skipped));
                }
            }
            if !buf.is_empty() {
                jobs.push(Job::Lines(buf));
            }
            let mut stop = false;
            for job in jobs {
                let lines = match &job {
                    Job::TooLong(_) => 1,
                    Job::Lines(b) => {
                        b.iter().filter(|b| **b == b'\n').count() as u64
                            + u64::from(!b.ends_with(b"\n"))
                    }
                };
                if job_tx.send((idx, line, job)).is_err() {
                    stop = true;
                    break;
                }
                idx += 1;
                line += lines;
            }
            while let Ok((i, t, f)) = res_rx.try_recv() {
                pending.insert(i, (t, f));
            }
            merge(&mut pending, &mut next, &mut totals, &mut kept);
            if eof || stop {
                break;
            }
        }
        drop(job_tx);
        for (i, t, f) in res_rx.iter() {
            pending.insert(i, (t, f));
            merge(&mut pending, &mut next, &mut totals, &mut kept);
        }
        result.map(|()| (totals, kept.list))
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `2026-12-02T16:40:00.123456Z` or with an offset: RFC 3339's date-time.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS611",
        title: "log line that is not a JSON object",
        severity: "error",
        explanation: "`obspec live-check --logs` reads JSONL: one JSON object per line, as `obspec::logs::JsonLayer` writes them. A line that is not JSON (a plain-text log line, a line cut in two by a crash, invalid UTF-8) or is JSON but not an object cannot be parsed by the collector's `json_parser`, and Loki's `| json` gives it no fields: every query on its fields misses it.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(), "\n", "2026-12-02 10:00:01 INFO order placed # <- OBS611\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS612",
        title: "unknown log event",
        severity: "error",
        explanation: "A line of the service's target names an `event` the spec does not declare (or has no `event`): it was written by hand, or by an event renamed in the code and not in the spec. Dashboards and alerts built on the declared events do not see it.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_created","message":"Order placed."}"#, " # <- OBS612\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS613",
        title: "log line without a required field",
        severity: "error",
        explanation: "Every line carries `timestamp`, `level`, `target`, `event` and `message`, and every field its event declares that is not `optional: true`. A field missing from a line is usually a field renamed in the code: the queries and alerts that filter on the old name go blind.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total":1250,"channel":"web"}"#, " # <- OBS613\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(r#","coupon":"WINTER""#), "\n"))],
    },
    Rule {
        code: "OBS614",
        title: "log field of the wrong type",
        severity: "error",
        explanation: "A field's JSON type must be its declared type: `string` and `enum` a string, `int` an integer, `float` a number, `bool` true or false, `duration` seconds as a number ≥ 0; `timestamp` is an RFC 3339 date-time, `trace_id` 32 and `span_id` 16 lowercase hex digits. A number written as text compares as text in LogQL (`| total_cents > 1000` stops matching).",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":"1250","channel":"web"}"#, " # <- OBS614\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS615",
        title: "log value outside its domain",
        severity: "error",
        explanation: "An `enum` field holds one of its declared values, and the line's `level` and `message` are the event's: a value outside the closed domain is a new Loki stream when the field is a stream label, and falls outside every panel that lists the values.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":1250,"channel":"kiosk"}"#, " # <- OBS615\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS616",
        title: "forbidden field in a log line",
        severity: "error",
        explanation: "A line holds a field named in `conventions.forbidden_log_fields` or a secret's name (OBS953) that its event does not declare hashed: personal data or a credential on its way to every place logs are copied to. The collector's JSONL pipeline drops such fields, but the line was written with them.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(r#","email":"jane@example.com""#), " # <- OBS616\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS617",
        title: "undeclared log field",
        severity: "warning",
        explanation: "A line holds a field its event does not declare: the code logs more than the spec says, so the JSON Schema (with `unevaluatedProperties: false`) refuses the line and nobody reviewed what the field holds. Declare it, or stop logging it. `--deny-warnings` makes it fail the check.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(r#","debug":"cart=3""#), " # <- OBS617\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The parallel, chunked check finds what a line-by-line check finds, at
    /// the same line numbers: lines across chunk boundaries, a line longer
    /// than a chunk, CRLF, invalid UTF-8, no final newline.
    #[test]
    fn chunked_check_equals_the_serial_one() {
        let loaded = crate::testing::bundled();
        let checker = LineChecker::new(&loaded.specs, None).unwrap();
        let good = r#"{"timestamp":"2026-12-02T16:42:26.721635Z","level":"INFO","target":"payment","event":"payment_authorized","message":"Payment authorized.","region":"cn","payment_channel":"card","amount_cents":1904,"latency":0.13}"#;
        let bad = good.replace("amount_cents", "amount");
        let mut input: Vec<u8> = Vec::new();
        let mut n = 0;
        while n < 12000 {
            n += 1;
            let line = match n % 97 {
                0 => bad.clone(),
                13 if n % 2000 == 13 => format!(
                    "{{\"target\":\"payment\",\"pad\":\"{}\"}}",
                    "x".repeat(CHUNK + 17)
                ),
                // Exactly the limit: checked; far over it: skipped.
                17 if n % 3000 == 17 => format!(
                    "{{\"target\":\"payment\",\"pad\":\"{}\"}}",
                    "x".repeat(MAX_LINE_BYTES - 30)
                ),
                19 if n % 5000 == 19 => "y".repeat(3 * CHUNK + 5),
                29 => "not json".to_string(),
                41 => format!("{good}\r"),
                _ => good.to_string(),
            };
            input.extend_from_slice(line.as_bytes());
            if n % 89 == 0 {
                input.extend_from_slice(b"\xff\xfe");
            }
            input.push(b'\n');
        }
        input.extend_from_slice(bad.as_bytes()); // no final newline
        let (totals, findings) = check_reader(&checker, &input[..], usize::MAX).unwrap();
        // The reference: line by line.
        let mut t = LineTotals::default();
        let mut f = Vec::new();
        let body = input.strip_suffix(b"\n").unwrap_or(&input);
        for (i, line) in body.split(|b| *b == b'\n').enumerate() {
            if line.len() > MAX_LINE_BYTES {
                f.push(too_long(i as u64 + 1, line.len() as u64, &mut t));
            } else {
                check_bytes(&checker, line, i as u64 + 1, &mut t, &mut |x| f.push(x));
            }
        }
        assert_eq!(totals, t);
        assert!(f
            .iter()
            .any(|x| x.message.contains("over live-check's limit")));
        assert_eq!(findings, f);
        assert!(input.len() > 3 * CHUNK, "{} bytes", input.len());
        assert!(t.errors > 100 && t.lines as usize == n + 1, "{t:?}");
        // A limit keeps the first findings of each code, in input order.
        let (_, first) = check_reader(&checker, &input[..], 5).unwrap();
        let mut per_code = HashMap::new();
        let want: Vec<_> = f
            .iter()
            .filter(|x| {
                let n = per_code.entry(x.code).or_insert(0);
                *n += 1;
                *n <= 5
            })
            .cloned()
            .collect();
        assert_eq!(first, want);
        assert!(want.len() > 5);
    }

    /// Input without a newline (`/dev/zero`) is one line over the limit,
    /// read through in chunks, never held.
    #[test]
    fn an_endless_line_is_skipped_not_held() {
        use std::io::Read as _;
        let loaded = crate::testing::bundled();
        let checker = LineChecker::new(&loaded.specs, None).unwrap();
        let zeros = std::io::repeat(0).take(64 << 20);
        let (totals, findings) = check_reader(&checker, zeros, 10).unwrap();
        assert_eq!((totals.lines, totals.errors), (1, 1));
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains(&(64u64 << 20).to_string()),
            "{findings:?}"
        );
        let then = b"\n{\"target\":\"x\"}\n";
        let input = std::io::repeat(b'a').take(5 << 20).chain(&then[..]);
        let (totals, _) = check_reader(&checker, input, 10).unwrap();
        assert_eq!((totals.lines, totals.other_targets), (2, 1), "{totals:?}");
    }

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2026-12-02T16:40:00.123456Z"));
        assert!(is_rfc3339("2026-12-02T16:40:00+01:00"));
        assert!(!is_rfc3339("2026-12-02 16:40"));
        assert!(!is_rfc3339("2026-13-02T16:40:00Z"));
        assert!(!is_rfc3339("1733157600"));
    }
}
