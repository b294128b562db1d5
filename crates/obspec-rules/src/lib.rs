//! Naming, unit and label rules of obspec, shared by the linter (`obspec lint`)
//! and the derive macros, so that a name accepted at compile time is exactly a
//! name the linter accepts.
//!
//! The crate has no dependencies on purpose: the proc-macro crate links it, and
//! proc-macro build time is paid by every user.
//!
//! Every check returns [`Violation`]s carrying the stable lint code (`OBSxxx`),
//! a message and a help line. Callers attach locations.

#![forbid(unsafe_code)]

/// Lint codes owned by this crate. The full catalog, with explanations, lives in
/// `obspec-codegen` (`obspec explain CODE`).
pub mod codes {
    pub const METRIC_NAME_INVALID: &str = "OBS101";
    pub const METRIC_NAMESPACE: &str = "OBS102";
    pub const METRIC_RESERVED_SUFFIX: &str = "OBS103";
    pub const METRIC_TOTAL_SUFFIX: &str = "OBS104";
    pub const METRIC_UNIT_SUFFIX: &str = "OBS105";
    pub const METRIC_UNIT_NOT_BASE: &str = "OBS106";
    pub const METRIC_HELP_MISSING: &str = "OBS107";
    pub const NAMESPACE_INVALID: &str = "OBS108";
    pub const LABEL_NAME_INVALID: &str = "OBS201";
    pub const LABEL_RESERVED_PREFIX: &str = "OBS202";
    pub const LABEL_RESERVED_NAME: &str = "OBS203";
}

/// The value an open-domain label takes at run time once its `max_cardinality`
/// distinct values were seen, unless the spec sets `overflow_value`.
pub const DEFAULT_OVERFLOW_VALUE: &str = "__overflow__";

/// Labels no metric carries unless the project says otherwise: identifiers that
/// take a new value per user or request.
pub const DEFAULT_FORBIDDEN_LABELS: [&str; 6] = [
    "user_id",
    "request_id",
    "tracking_id",
    "session_id",
    "trace_id",
    "span_id",
];

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Warning,
    Error,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub help: String,
}

impl Violation {
    fn error(code: &'static str, message: String, help: impl Into<String>) -> Self {
        Violation {
            code,
            level: Level::Error,
            message,
            help: help.into(),
        }
    }
    fn warning(code: &'static str, message: String, help: impl Into<String>) -> Self {
        Violation {
            code,
            level: Level::Warning,
            message,
            help: help.into(),
        }
    }
}

/// The metric types obspec knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    /// An OpenMetrics info metric: a gauge of constant value 1 whose labels carry the information.
    Info,
}

impl MetricKind {
    pub const ALL: [MetricKind; 4] = [
        MetricKind::Counter,
        MetricKind::Gauge,
        MetricKind::Histogram,
        MetricKind::Info,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
            MetricKind::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether `name` is a non-empty identifier of `_`, ASCII letters (upper case
/// only if `upper`) and digits, not starting with a digit.
const fn is_ident(name: &str, upper: bool) -> bool {
    let b = name.as_bytes();
    if b.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let letter = c.is_ascii_lowercase() || (upper && c.is_ascii_uppercase());
        if !(c == b'_' || letter || (i > 0 && c.is_ascii_digit())) {
            return false;
        }
        i += 1;
    }
    true
}

/// `[a-z_][a-z0-9_]*`: the metric names obspec accepts (colons are reserved for
/// recording rules, upper case is not conventional).
pub const fn is_valid_metric_name(name: &str) -> bool {
    is_ident(name, false)
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`: any name Prometheus accepts for a metric
/// (what an exporter may expose; the names of external catalogs).
pub fn is_valid_prometheus_metric_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: a Prometheus label name.
pub const fn is_valid_label_name(name: &str) -> bool {
    is_ident(name, true)
}

/// Suffixes Prometheus client libraries append to exposed series.
pub const RESERVED_SUFFIXES: [&str; 4] = ["_bucket", "_count", "_sum", "_created"];

/// Labels that Prometheus itself gives a meaning to on histograms and summaries.
pub const RESERVED_LABELS: [&str; 2] = ["le", "quantile"];

/// Base units (Prometheus naming guide) plus obspec's accepted unit words.
pub const BASE_UNITS: [&str; 9] = [
    "seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius",
];

/// Units that are not base units, and the base unit to use instead.
pub const NON_BASE_UNITS: [(&str, &str); 22] = [
    ("nanoseconds", "seconds"),
    ("microseconds", "seconds"),
    ("milliseconds", "seconds"),
    ("millis", "seconds"),
    ("ms", "seconds"),
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("bits", "bytes"),
    ("kilobytes", "bytes"),
    ("megabytes", "bytes"),
    ("gigabytes", "bytes"),
    ("terabytes", "bytes"),
    ("kibibytes", "bytes"),
    ("mebibytes", "bytes"),
    ("gibibytes", "bytes"),
    ("percent", "ratio"),
    ("percentage", "ratio"),
    ("kilometers", "meters"),
    ("centimeters", "meters"),
    ("kilograms", "grams"),
    ("fahrenheit", "celsius"),
];

/// The base unit to use instead of `unit`, if `unit` is a known non-base unit.
pub fn base_unit_for(unit: &str) -> Option<&'static str> {
    NON_BASE_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, base)| *base)
}

/// Whether `unit` is one of the Prometheus base units.
pub fn is_base_unit(unit: &str) -> bool {
    BASE_UNITS.contains(&unit)
}

/// What is known about a metric when its name is checked.
#[derive(Debug, Clone, Copy)]
pub struct MetricName<'a> {
    pub name: &'a str,
    pub kind: MetricKind,
    /// The declared unit, if any (`seconds`, `bytes`, ...).
    pub unit: Option<&'a str>,
    /// The service's namespace: every metric name starts with `namespace_`.
    pub namespace: Option<&'a str>,
    /// An optional subsystem: the name then starts with `namespace_subsystem_`.
    pub subsystem: Option<&'a str>,
}

/// Checks a namespace or subsystem: `[a-z][a-z0-9_]*`, no trailing or double underscore.
pub fn check_namespace(what: &str, value: &str) -> Vec<Violation> {
    let ok = is_valid_metric_name(value)
        && value.as_bytes()[0].is_ascii_lowercase()
        && !value.ends_with('_')
        && !value.contains("__");
    if ok {
        Vec::new()
    } else {
        vec![Violation::error(
            codes::NAMESPACE_INVALID,
            format!("{what} `{value}` is not a valid metric name prefix"),
            format!(
                "a {what} is lower-case snake_case matching `[a-z][a-z0-9_]*`, without leading, trailing or double underscores"
            ),
        )]
    }
}

// Long: the naming rules in catalog order, each a few lines on the same name.
/// Checks a metric name against every naming rule. Returns all violations.
pub fn check_metric_name(m: MetricName<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let name = m.name;
    if !is_valid_metric_name(name) {
        out.push(Violation::error(
            codes::METRIC_NAME_INVALID,
            format!("metric name `{name}` does not match `[a-z_][a-z0-9_]*`"),
            "use lower-case snake_case: letters a-z, digits and underscores, not starting with a digit (colons are for recording rules)",
        ));
        return out;
    }
    if name.starts_with("__") {
        out.push(Violation::error(
            codes::METRIC_NAME_INVALID,
            format!("metric name `{name}` starts with `__`, which Prometheus reserves"),
            "drop the leading underscores",
        ));
    }
    if let Some(ns) = m.namespace {
        let prefix = match m.subsystem {
            Some(sub) => format!("{ns}_{sub}_"),
            None => format!("{ns}_"),
        };
        if !name.starts_with(&prefix) || name.len() == prefix.len() {
            let what = if m.subsystem.is_some() {
                "namespace and subsystem"
            } else {
                "namespace"
            };
            out.push(Violation::error(
                codes::METRIC_NAMESPACE,
                format!("metric name `{name}` does not start with the {what} prefix `{prefix}`"),
                format!(
                    "name metrics `namespace_subsystem_name`: rename it to `{prefix}{}`",
                    name.strip_prefix(&format!("{ns}_")).unwrap_or(name)
                ),
            ));
        }
    }

    for suffix in RESERVED_SUFFIXES {
        if name.ends_with(suffix) {
            out.push(Violation::error(
                codes::METRIC_RESERVED_SUFFIX,
                format!("metric name `{name}` ends with the reserved suffix `{suffix}`"),
                format!(
                    "Prometheus clients append `{suffix}` to the series they expose; a metric named like that collides with them. Choose another word (e.g. `_active`, `_current`, `_size`)"
                ),
            ));
        }
    }
    match (m.kind, name.ends_with("_info")) {
        (MetricKind::Info, false) => out.push(Violation::error(
            codes::METRIC_RESERVED_SUFFIX,
            format!("info metric `{name}` must end with `_info`"),
            format!("rename it to `{name}_info`"),
        )),
        (MetricKind::Info, true) | (_, false) => {}
        (kind, true) => out.push(Violation::error(
            codes::METRIC_RESERVED_SUFFIX,
            format!(
                "metric name `{name}` ends with `_info`, which is reserved for info metrics, but its type is {}",
                kind.as_str()
            ),
            "declare `type: info` for a metric whose labels carry information, or choose another name",
        )),
    }

    let ends_total = name.ends_with("_total");
    match (m.kind, ends_total) {
        (MetricKind::Counter, false) => out.push(Violation::error(
            codes::METRIC_TOTAL_SUFFIX,
            format!("counter `{name}` does not end with `_total`"),
            format!("rename it to `{name}_total`"),
        )),
        (MetricKind::Counter, true) => {}
        (kind, true) => out.push(Violation::error(
            codes::METRIC_TOTAL_SUFFIX,
            format!(
                "metric `{name}` ends with `_total` but is a {}; only counters end with `_total`",
                kind.as_str()
            ),
            "drop the `_total` suffix, or make it a counter if it only ever goes up",
        )),
        (_, false) => {}
    }

    // Unit suffix: the part before `_total` for counters.
    let stem = if m.kind == MetricKind::Counter {
        name.strip_suffix("_total").unwrap_or(name)
    } else {
        name
    };
    match m.unit {
        Some(unit) => {
            if let Some(base) = base_unit_for(unit) {
                out.push(Violation::error(
                    codes::METRIC_UNIT_NOT_BASE,
                    format!("unit `{unit}` of `{name}` is not a base unit"),
                    format!("use `{base}` and convert the values when recording"),
                ));
            } else if !stem.ends_with(&format!("_{unit}")) {
                let total = if m.kind == MetricKind::Counter {
                    "_total"
                } else {
                    ""
                };
                out.push(Violation::error(
                    codes::METRIC_UNIT_SUFFIX,
                    format!("metric `{name}` declares unit `{unit}` but its name does not end with `_{unit}{total}`"),
                    format!("rename it to `{}_{unit}{total}`", strip_unit_word(stem)),
                ));
            }
        }
        None => {
            let last = stem.rsplit('_').next().unwrap_or(stem);
            if let Some(base) = base_unit_for(last) {
                out.push(Violation::error(
                    codes::METRIC_UNIT_NOT_BASE,
                    format!("metric `{name}` is named with the non-base unit `{last}`"),
                    format!(
                        "record in {base} and rename it to `{}_{base}`, with `unit: {base}`",
                        stem.strip_suffix(&format!("_{last}")).unwrap_or(stem)
                    ),
                ));
            } else if is_base_unit(last) && stem != last {
                out.push(Violation::warning(
                    codes::METRIC_UNIT_SUFFIX,
                    format!("metric `{name}` ends with the unit `{last}` but declares no `unit`"),
                    format!("add `unit: {last}` so that tooling (dashboards, docs) knows the unit"),
                ));
            }
        }
    }
    out
}

fn strip_unit_word(stem: &str) -> &str {
    match stem.rsplit_once('_') {
        Some((head, last)) if is_base_unit(last) || base_unit_for(last).is_some() => head,
        _ => stem,
    }
}

/// Checks a unit word (`unit:`) on its own: syntax and base unit.
pub fn check_unit(unit: &str) -> Vec<Violation> {
    if !is_valid_metric_name(unit) || unit.starts_with('_') || unit.ends_with('_') {
        return vec![Violation::error(
            codes::METRIC_UNIT_SUFFIX,
            format!("unit `{unit}` is not a lower-case word"),
            "units are plural lower-case words such as `seconds`, `bytes` or `ratio`",
        )];
    }
    Vec::new()
}

/// Checks a user label name: syntax, `__` prefix, reserved names.
pub fn check_label_name(name: &str) -> Vec<Violation> {
    if !is_valid_label_name(name) {
        return vec![Violation::error(
            codes::LABEL_NAME_INVALID,
            format!("label name `{name}` does not match `[a-zA-Z_][a-zA-Z0-9_]*`"),
            "use snake_case letters, digits and underscores, not starting with a digit",
        )];
    }
    if name.starts_with("__") {
        return vec![Violation::error(
            codes::LABEL_RESERVED_PREFIX,
            format!(
                "label name `{name}` starts with `__`, which Prometheus reserves for internal use"
            ),
            "drop the leading underscores",
        )];
    }
    if RESERVED_LABELS.contains(&name) {
        return vec![Violation::error(
            codes::LABEL_RESERVED_NAME,
            format!("`{name}` cannot be a user label: Prometheus uses it for histogram and summary buckets"),
            "choose another name (e.g. `level`, `bucket_name`)",
        )];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(v: &[Violation]) -> Vec<&'static str> {
        v.iter().map(|v| v.code).collect()
    }

    fn m<'a>(name: &'a str, kind: MetricKind, unit: Option<&'a str>) -> MetricName<'a> {
        MetricName {
            name,
            kind,
            unit,
            namespace: Some("payment"),
            subsystem: None,
        }
    }

    #[test]
    fn good_names_pass() {
        assert!(
            check_metric_name(m("payment_attempts_total", MetricKind::Counter, None)).is_empty()
        );
        assert!(check_metric_name(m(
            "payment_latency_seconds",
            MetricKind::Histogram,
            Some("seconds")
        ))
        .is_empty());
        assert!(check_metric_name(m(
            "payment_sent_bytes_total",
            MetricKind::Counter,
            Some("bytes")
        ))
        .is_empty());
        assert!(check_metric_name(m("payment_inflight", MetricKind::Gauge, None)).is_empty());
        assert!(check_metric_name(m("payment_build_info", MetricKind::Info, None)).is_empty());
    }

    #[test]
    fn each_rule_fires() {
        assert_eq!(
            codes_of(&check_metric_name(m("Payment_x", MetricKind::Gauge, None))),
            ["OBS101"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m("pay_x", MetricKind::Gauge, None))),
            ["OBS102"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_count",
                MetricKind::Gauge,
                None
            ))),
            ["OBS103"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_info",
                MetricKind::Gauge,
                None
            ))),
            ["OBS103"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x",
                MetricKind::Counter,
                None
            ))),
            ["OBS104"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_total",
                MetricKind::Gauge,
                None
            ))),
            ["OBS104"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x",
                MetricKind::Gauge,
                Some("seconds")
            ))),
            ["OBS105"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_milliseconds",
                MetricKind::Gauge,
                Some("milliseconds")
            ))),
            ["OBS106"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_milliseconds",
                MetricKind::Gauge,
                None
            ))),
            ["OBS106"]
        );
        assert_eq!(
            codes_of(&check_metric_name(m(
                "payment_x_percent",
                MetricKind::Gauge,
                None
            ))),
            ["OBS106"]
        );
        let w = check_metric_name(m("payment_x_seconds", MetricKind::Gauge, None));
        assert_eq!(codes_of(&w), ["OBS105"]);
        assert_eq!(w[0].level, Level::Warning);
    }

    #[test]
    fn subsystem_prefix() {
        let v = check_metric_name(MetricName {
            name: "payment_card_attempts_total",
            kind: MetricKind::Counter,
            unit: None,
            namespace: Some("payment"),
            subsystem: Some("card"),
        });
        assert!(v.is_empty());
        let v = check_metric_name(MetricName {
            name: "payment_attempts_total",
            kind: MetricKind::Counter,
            unit: None,
            namespace: Some("payment"),
            subsystem: Some("card"),
        });
        assert_eq!(codes_of(&v), ["OBS102"]);
    }

    #[test]
    fn labels() {
        assert!(check_label_name("region").is_empty());
        assert_eq!(codes_of(&check_label_name("1x")), ["OBS201"]);
        assert_eq!(codes_of(&check_label_name("a-b")), ["OBS201"]);
        assert_eq!(codes_of(&check_label_name("__x")), ["OBS202"]);
        assert_eq!(codes_of(&check_label_name("le")), ["OBS203"]);
        assert_eq!(codes_of(&check_label_name("quantile")), ["OBS203"]);
    }

    #[test]
    fn const_fn_names() {
        const { assert!(is_valid_metric_name("a_b1")) };
        assert!(!is_valid_metric_name("1a"));
        assert!(!is_valid_metric_name(""));
        assert!(!is_valid_metric_name("a:b"));
    }
}
