//! The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text,
//! read into metric families for `obspec live-check`: each family's type,
//! help, unit, series count, and the distinct values of each label.
//!
//! Families are grouped the way Prometheus groups them: a `# TYPE` line names
//! a family, and its samples are the family name or the family name with the
//! suffixes its type gives (`_bucket`, `_sum`, `_count`, `_created`, `_total`,
//! `_info`). Samples without metadata form an untyped family of their own.
//! Nothing is kept per sample: one exposition of 100,000 series is summarised
//! in one pass, in time linear in its size (a label set is kept as its
//! hash). Hostile input meets the [limits](MAX_LINE_BYTES) below: past one,
//! parsing stops with an error at the line, never in quadratic time or
//! unbounded memory.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use crate::format::escape::clip;

/// The longest line read (1 MiB): a HELP text or label value longer than
/// this is no metadata a reviewer reads.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Most labels on one sample.
pub const MAX_LABELS_PER_SAMPLE: usize = 512;
/// Most metric families in one exposition.
pub const MAX_FAMILIES: usize = 100_000;
/// Most distinct bucket bounds (`le`) of one histogram.
pub const MAX_BUCKETS_PER_FAMILY: usize = 10_000;
/// Characters of an input value shown in a message.
const SHOWN: usize = 60;

/// Which text format an exposition is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/plain; version=0.0.4`.
    Text,
    /// `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
}

impl Format {
    /// The format a `Content-Type` header names (text when it names neither).
    pub fn from_content_type(ct: &str) -> Format {
        if ct.trim_start().starts_with("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

/// One metric family, summarised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Family {
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `info`, `stateset`,
    /// `gaugehistogram`, `untyped` or `unknown` (as written).
    pub kind: Option<String>,
    pub help: Option<String>,
    pub unit: Option<String>,
    /// The 1-based line of the family's first line.
    pub line: usize,
    /// Distinct series: one per label set, histogram buckets and summary
    /// quantiles counting one each, as Prometheus stores them.
    pub series: usize,
    /// Label sets of the family with `le` and `quantile` left out: the
    /// children the instrumentation created.
    pub children: usize,
    /// Every label name (but `le` and `quantile`) and its distinct values.
    pub labels: BTreeMap<String, BTreeSet<String>>,
    /// Label names every child carries (but `le` and `quantile`).
    pub on_every_child: BTreeSet<String>,
    /// The `le` bounds of a histogram's buckets, `+Inf` left out.
    pub buckets: Vec<f64>,
    /// Whether a histogram has a `+Inf` bucket.
    pub has_inf_bucket: bool,
}

/// A parsed exposition.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    pub families: Vec<Family>,
    /// Series in all families.
    pub series: usize,
}

impl Exposition {
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }
}

/// A line that is not valid exposition text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The suffixes a sample of a family of `kind` may carry.
fn suffixes(kind: Option<&str>, format: Format) -> &'static [&'static str] {
    match (kind, format) {
        (Some("histogram" | "gaugehistogram"), _) => {
            &["_bucket", "_sum", "_count", "_created", "_gcount", "_gsum"]
        }
        (Some("summary"), _) => &["_sum", "_count", "_created"],
        (Some("counter"), Format::OpenMetrics) => &["_total", "_created"],
        (Some("counter"), Format::Text) => &["_total", "_created"],
        (Some("info"), _) => &["_info"],
        _ => &[],
    }
}

/// What is kept per family while parsing, beside its summary: hashes of
/// the label sets seen, and the bounds of its buckets.
#[derive(Default)]
struct Seen {
    /// Series: the sample name's suffix and every label.
    series: HashSet<u64>,
    /// Children: the labels but `le` and `quantile`.
    children: HashSet<u64>,
    /// Bucket bounds, as bits.
    bounds: HashSet<u64>,
}

struct Parser<'a> {
    text: &'a str,
    format: Format,
    families: Vec<Family>,
    /// Family index by name.
    index: HashMap<String, usize>,
    /// The family the last samples went to.
    current: Option<usize>,
    seen: Vec<Seen>,
}

/// A label set's hash (SipHash with fixed keys: deterministic).
fn hash_of(suffix: &str, labels: &[(String, String)]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    suffix.hash(&mut h);
    labels.hash(&mut h);
    h.finish()
}

/// Parses an exposition in `format`.
pub fn parse(text: &str, format: Format) -> Result<Exposition, ParseError> {
    let mut p = Parser {
        text,
        format,
        families: Vec::new(),
        index: HashMap::new(),
        current: None,
        seen: Vec::new(),
    };
    p.run()?;
    let mut families = p.families;
    for (f, seen) in families.iter_mut().zip(&p.seen) {
        f.children = seen.children.len();
        f.series = seen.series.len();
    }
    let series = families.iter().map(|f| f.series).sum();
    Ok(Exposition { families, series })
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

/// The metric or label name at the start of `s`, and the rest.
fn name(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.is_empty() || !is_name_start(b[0]) {
        return None;
    }
    let end = b.iter().position(|c| !is_name_char(*c)).unwrap_or(b.len());
    Some((&s[..end], &s[end..]))
}

/// Undoes the escapes of HELP text (`\\`, `\n`; OpenMetrics also `\"`).
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A float as the formats write it (`+Inf`, `-Inf`, `NaN`, Go's floats).
fn number(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        "NaN" | "nan" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), ParseError> {
        let mut eof = false;
        let total = self.text.split('\n').count();
        for (i, raw) in self.text.split('\n').enumerate() {
            let line = i + 1;
            if raw.len() > MAX_LINE_BYTES {
                return err(
                    line,
                    format!(
                        "a line of {} bytes, over live-check's limit of {MAX_LINE_BYTES} bytes per line",
                        raw.len()
                    ),
                );
            }
            let l = raw.strip_suffix('\r').unwrap_or(raw);
            if eof {
                if !l.is_empty() {
                    return err(line, "text after `# EOF`");
                }
                continue;
            }
            if l.is_empty() {
                if self.format == Format::OpenMetrics && i + 1 < total {
                    // OpenMetrics has no blank lines; be lenient about a
                    // trailing one only.
                    return err(line, "blank line in OpenMetrics text");
                }
                continue;
            }
            if let Some(rest) = l.strip_prefix('#') {
                if self.format == Format::OpenMetrics && l == "# EOF" {
                    eof = true;
                    continue;
                }
                self.comment(rest, line)?;
                continue;
            }
            self.sample(l, line)?;
        }
        if self.format == Format::OpenMetrics && !eof {
            return err(
                self.text.lines().count().max(1),
                "OpenMetrics text without `# EOF`",
            );
        }
        Ok(())
    }

    fn family_mut(&mut self, name: &str, line: usize) -> Result<usize, ParseError> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        if self.families.len() >= MAX_FAMILIES {
            return err(
                line,
                format!("more than {MAX_FAMILIES} metric families, live-check's limit (`{}` is one more)", clip(name, SHOWN)),
            );
        }
        self.families.push(Family {
            name: name.to_string(),
            line,
            ..Family::default()
        });
        self.seen.push(Seen::default());
        let i = self.families.len() - 1;
        self.index.insert(name.to_string(), i);
        Ok(i)
    }

    fn comment(&mut self, rest: &str, line: usize) -> Result<(), ParseError> {
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let (keyword, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
            if self.format == Format::OpenMetrics {
                return err(line, format!("unknown comment `# {keyword}`"));
            }
            return Ok(()); // free comment in the text format
        }
        let Some((fname, value)) = name(tail) else {
            return err(line, format!("`# {keyword}` without a metric name"));
        };
        let value = value.strip_prefix(' ').unwrap_or(value);
        let i = self.family_mut(fname, line)?;
        let f = &mut self.families[i];
        match keyword {
            "HELP" => {
                if f.help.is_some() {
                    return err(line, format!("second HELP for `{fname}`"));
                }
                f.help = Some(unescape(value));
            }
            "TYPE" => {
                if f.kind.is_some() {
                    return err(line, format!("second TYPE for `{fname}`"));
                }
                let known: &[&str] = match self.format {
                    Format::Text => &["counter", "gauge", "histogram", "summary", "untyped"],
                    Format::OpenMetrics => &[
                        "counter",
                        "gauge",
                        "histogram",
                        "gaugehistogram",
                        "summary",
                        "info",
                        "stateset",
                        "unknown",
                    ],
                };
                if !known.contains(&value) {
                    return err(
                        line,
                        format!("unknown metric type `{}`", clip(value, SHOWN)),
                    );
                }
                if !self.seen[i].series.is_empty() {
                    return err(line, format!("TYPE for `{fname}` after its samples"));
                }
                f.kind = Some(value.to_string());
            }
            _ => f.unit = Some(value.to_string()),
        }
        self.current = Some(i);
        Ok(())
    }

    /// The family a sample name belongs to: the current family (or any
    /// declared family) whose name plus a suffix of its type is the sample's
    /// name; else a family of the sample's own name.
    fn family_of(&mut self, sample: &str, line: usize) -> Result<usize, ParseError> {
        let fits = |f: &Family, format: Format| {
            sample == f.name
                || sample
                    .strip_prefix(f.name.as_str())
                    .is_some_and(|s| suffixes(f.kind.as_deref(), format).contains(&s))
        };
        if let Some(i) = self.current {
            if fits(&self.families[i], self.format) {
                return Ok(i);
            }
        }
        if let Some(&i) = self.index.get(sample) {
            return Ok(i);
        }
        for suffix in [
            "_bucket", "_sum", "_count", "_created", "_total", "_info", "_gcount", "_gsum",
        ] {
            if let Some(base) = sample.strip_suffix(suffix) {
                if let Some(&i) = self.index.get(base) {
                    if fits(&self.families[i], self.format) {
                        return Ok(i);
                    }
                }
            }
        }
        self.family_mut(sample, line)
    }

    /// One sample line, parsed left to right (name, labels, value,
    /// timestamp, exemplar) as the format's grammar reads, then counted.
    fn sample(&mut self, l: &str, line: usize) -> Result<(), ParseError> {
        let Some((sname, rest)) = name(l) else {
            return err(line, "a sample line must start with a metric name");
        };
        let (labels, rest) = sample_labels(sname, rest, line)?;
        self.sample_value(sname, rest, line)?;
        self.count(sname, labels, line)
    }

    /// The value, an optional timestamp, and (OpenMetrics) an exemplar.
    fn sample_value(&self, sname: &str, rest: &str, line: usize) -> Result<(), ParseError> {
        let rest = rest.trim_start_matches([' ', '\t']);
        let rest = match rest.find(" # ") {
            Some(i) if self.format == Format::OpenMetrics => &rest[..i],
            _ => rest,
        };
        let mut fields = rest.split_ascii_whitespace();
        let Some(v) = fields.next() else {
            return err(
                line,
                format!("sample `{}` has no value", clip(sname, SHOWN)),
            );
        };
        if number(v).is_none() {
            return err(line, format!("`{}` is not a number", clip(v, SHOWN)));
        }
        if let Some(ts) = fields.next() {
            if ts.parse::<f64>().is_err() {
                return err(line, format!("`{}` is not a timestamp", clip(ts, SHOWN)));
            }
        }
        if fields.next().is_some() {
            return err(line, "text after the sample's timestamp");
        }
        Ok(())
    }

    /// Counts a parsed sample into its family: its series, its child (the
    /// labels but `le` and `quantile`), its bucket bound and label values.
    fn count(
        &mut self,
        sname: &str,
        labels: Vec<(String, String)>,
        line: usize,
    ) -> Result<(), ParseError> {
        let i = self.family_of(sname, line)?;
        self.current = Some(i);
        let f = &mut self.families[i];
        let seen = &mut self.seen[i];
        let suffix = &sname[f.name.len().min(sname.len())..];
        // `_created`, `_sum` and `_count` are series too; `_created` is not
        // stored by Prometheus as a series of its own unless asked, but it
        // is exposed: count what the scrape stores (all but `_created`).
        // The same label set twice is one series (Prometheus keeps one).
        if suffix != "_created" {
            seen.series.insert(hash_of(suffix, &labels));
        }
        let is_hist = matches!(f.kind.as_deref(), Some("histogram" | "gaugehistogram"));
        if is_hist && suffix == "_bucket" {
            if let Some((_, le)) = labels.iter().find(|(k, _)| k == "le") {
                match number(le) {
                    Some(x) if x.is_infinite() && x > 0.0 => f.has_inf_bucket = true,
                    Some(x) => {
                        // -0 and 0 are one bound.
                        let x = if x == 0.0 { 0.0 } else { x };
                        if seen.bounds.insert(x.to_bits()) {
                            if seen.bounds.len() > MAX_BUCKETS_PER_FAMILY {
                                return err(
                                    line,
                                    format!("histogram `{}` has more than {MAX_BUCKETS_PER_FAMILY} bucket bounds, live-check's limit", clip(&f.name, SHOWN)),
                                );
                            }
                            f.buckets.push(x);
                        }
                    }
                    None => {
                        return err(
                            line,
                            format!("bucket bound `le=\"{}\"` is not a number", clip(le, SHOWN)),
                        )
                    }
                }
            }
        }
        let child: Vec<(String, String)> = labels
            .into_iter()
            .filter(|(k, _)| k != "le" && k != "quantile")
            .collect();
        let first_child = seen.children.is_empty();
        if seen.children.insert(hash_of("", &child)) {
            if first_child {
                f.on_every_child = child.iter().map(|(k, _)| k.clone()).collect();
            } else if !f.on_every_child.is_empty() {
                let names: HashSet<&str> = child.iter().map(|(k, _)| k.as_str()).collect();
                f.on_every_child.retain(|k| names.contains(k.as_str()));
            }
            for (k, v) in child {
                let set = f.labels.entry(k).or_default();
                if !set.contains(&v) {
                    set.insert(v);
                }
            }
        }
        Ok(())
    }
}

/// A sample's labels, in the order written.
type Labels = Vec<(String, String)>;

/// The label set of a sample, `{…}` with quoted values, and the rest of
/// the line after it; no label twice, at most [`MAX_LABELS_PER_SAMPLE`].
fn sample_labels<'t>(
    sname: &str,
    mut rest: &'t str,
    line: usize,
) -> Result<(Labels, &'t str), ParseError> {
    let mut labels: Vec<(String, String)> = Vec::new();
    if let Some(r) = rest.strip_prefix('{') {
        rest = r;
        loop {
            rest = rest.trim_start_matches([' ', '\t']);
            if let Some(r) = rest.strip_prefix('}') {
                rest = r;
                break;
            }
            let Some((lname, r)) = name(rest) else {
                return err(line, "expected a label name");
            };
            if labels.len() == MAX_LABELS_PER_SAMPLE {
                return err(
                    line,
                    format!("sample `{}` has more than {MAX_LABELS_PER_SAMPLE} labels, live-check's limit", clip(sname, SHOWN)),
                );
            }
            let lname_shown = clip(lname, SHOWN);
            let r = r.trim_start_matches([' ', '\t']);
            let Some(r) = r.strip_prefix('=') else {
                return err(line, format!("expected `=` after label `{lname_shown}`"));
            };
            let r = r.trim_start_matches([' ', '\t']);
            let Some(r) = r.strip_prefix('"') else {
                return err(
                    line,
                    format!("the value of label `{lname_shown}` is not quoted"),
                );
            };
            // The quoted value, with `\\`, `\"` and `\n` escapes.
            let bytes = r.as_bytes();
            let mut j = 0;
            let mut value = String::new();
            let mut start = 0;
            loop {
                match bytes.get(j) {
                    None => {
                        return err(line, format!("unterminated value of label `{lname_shown}`"))
                    }
                    Some(b'"') => break,
                    Some(b'\\') => {
                        value.push_str(&r[start..j]);
                        match bytes.get(j + 1) {
                            Some(b'n') => value.push('\n'),
                            Some(b'\\') => value.push('\\'),
                            Some(b'"') => value.push('"'),
                            _ => {
                                return err(
                                    line,
                                    format!("invalid escape in the value of label `{lname_shown}`"),
                                )
                            }
                        }
                        j += 2;
                        start = j;
                    }
                    Some(_) => j += 1,
                }
            }
            value.push_str(&r[start..j]);
            labels.push((lname.to_string(), value));
            rest = &r[j + 1..];
            rest = rest.trim_start_matches([' ', '\t']);
            if let Some(r) = rest.strip_prefix(',') {
                rest = r;
            } else if !rest.starts_with('}') {
                return err(line, "expected `,` or `}` between labels");
            }
        }
    }
    // A label twice: found on the sorted names, in n log n.
    if labels.len() > 1 {
        let mut names: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return err(
                line,
                format!("label `{}` twice in one sample", clip(w[0], SHOWN)),
            );
        }
    }
    Ok((labels, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_families() {
        let text = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\",route=\"/a\"} 10\nhttp_requests_total{code=\"500\",route=\"/a\"} 1 1700000000000\n# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\nlat_seconds_bucket{le=\"0.1\"} 1\nlat_seconds_bucket{le=\"0.5\"} 2\nlat_seconds_bucket{le=\"+Inf\"} 3\nlat_seconds_sum 0.7\nlat_seconds_count 3\nloose 1\n";
        let e = parse(text, Format::Text).unwrap();
        assert_eq!(e.families.len(), 3);
        let c = e.family("http_requests_total").unwrap();
        assert_eq!(c.kind.as_deref(), Some("counter"));
        assert_eq!(c.series, 2);
        assert_eq!(c.labels["code"].len(), 2);
        let h = e.family("lat_seconds").unwrap();
        assert_eq!(h.buckets, [0.1, 0.5]);
        assert!(h.has_inf_bucket);
        assert_eq!(h.series, 5);
        assert_eq!(h.children, 1);
        assert_eq!(e.family("loose").unwrap().kind, None);
        assert_eq!(e.series, 8);
    }

    #[test]
    fn openmetrics_families() {
        let text = "# TYPE req counter\n# HELP req Requests \\\"quoted\\\".\n# UNIT lat_seconds seconds\nreq_total{a=\"x\\\"y\"} 1 # {trace_id=\"abc\"} 1.0 1.5\nreq_created{a=\"x\\\"y\"} 1.7e9\n# EOF\n";
        let e = parse(text, Format::OpenMetrics).unwrap();
        let c = e.family("req").unwrap();
        assert_eq!(c.series, 1);
        assert_eq!(c.help.as_deref(), Some("Requests \"quoted\"."));
        assert!(c.labels["a"].contains("x\"y"));
        assert!(parse("# TYPE a counter\na_total 1\n", Format::OpenMetrics).is_err());
    }

    #[test]
    fn errors_are_located() {
        let e = parse("ok 1\nbad{a=\"1} 2\n", Format::Text).unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("a{b=\"1\"} x\n", Format::Text).unwrap_err();
        assert!(e.message.contains("not a number"), "{e}");
    }

    #[test]
    fn hostile_input_never_panics() {
        let base = "# HELP a_total Help \\n with \\\\ escapes.\n# TYPE a_total counter\na_total{x=\"1\",y=\"\\\"q\\\"\"} 1 123\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n# EOF\n";
        for format in [Format::Text, Format::OpenMetrics] {
            // Every prefix, and every byte replaced by each special byte.
            for i in 0..=base.len() {
                let _ = parse(&base[..i], format);
            }
            let bytes = base.as_bytes();
            for i in 0..bytes.len() {
                for b in [b'{', b'}', b'"', b'\\', b'=', b',', b' ', b'\n', b'#', 0xC3] {
                    let mut v = bytes.to_vec();
                    v[i] = b;
                    if let Ok(t) = std::str::from_utf8(&v) {
                        let _ = parse(t, format);
                    }
                }
            }
        }
    }
}
