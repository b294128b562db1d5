//! `rust`: typed metrics for each service, depending only on the `obspec` crate.
//!
//! The template (`rust/service.rs.j2`) receives a view in which every Rust
//! identifier, type and literal is precomputed here; the output is parsed with
//! `syn` and formatted with `prettyplease`, so a broken override fails loudly.
//!
//! Value mangling (documented in docs/rust.md): a label value becomes an
//! UpperCamelCase variant by splitting on every character that is not an ASCII
//! letter or digit and capitalising each part (`bank_transfer` → `BankTransfer`,
//! `GET` → `Get`, `5xx` → `V5xx`, `claude-3.5` → `Claude35`); an empty result is
//! `Empty`. Two values that mangle alike get their position appended.

use minijinja::value::Serde;
use minijinja::{context, Environment, Error, ErrorKind};
use serde::Serialize;

use crate::generate::OutFile;
use crate::load::Loaded;
use crate::model::{MetricType, Service};
use crate::num::fmt_f64;
use obspec_rules::DEFAULT_OVERFLOW_VALUE;

pub use crate::case::{snake, upper_camel};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// A snake_case identifier, raw if it is a keyword (`type` → `r#type`).
pub fn field_ident(s: &str) -> String {
    let s = snake(s);
    match s.as_str() {
        "self" | "super" | "crate" | "Self" => format!("{s}_"),
        k if KEYWORDS.contains(&k) => format!("r#{k}"),
        _ => s,
    }
}

/// A Rust string literal holding `s` exactly.
pub fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// An `f64` literal.
pub fn rust_f64(v: f64) -> String {
    let s = fmt_f64(v);
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

#[derive(Serialize)]
struct EnumView {
    label: String,
    ident: String,
    doc: String,
    variants: Vec<VariantView>,
}

#[derive(Serialize)]
struct VariantView {
    ident: String,
    value: String,
}

#[derive(Serialize)]
struct GuardView {
    label: String,
    ident: String,
    max: u64,
    overflow: String,
}

#[derive(Serialize)]
struct ArgView {
    /// The argument name.
    ident: String,
    /// Its type: the enum, or `&str` for an open domain.
    ty: String,
    label: String,
    closed: bool,
    /// The guard variable of an open-domain label.
    guard: String,
}

#[derive(Serialize)]
struct MetricView {
    name: String,
    field: String,
    /// The family struct, for metrics with labels.
    family: String,
    doc: String,
    help: String,
    /// `IntCounter`, `Counter`, `Gauge`, `Histogram`, `IntGauge`.
    child: &'static str,
    /// `IntCounterVec`...
    vec: &'static str,
    histogram: bool,
    /// An info metric: set to 1 at registration when it has no labels.
    info: bool,
    buckets: Vec<String>,
    args: Vec<ArgView>,
    all_closed: bool,
    /// `(Region, Status)`: the label set tuple of a closed family.
    tuple: String,
}

#[derive(Serialize)]
struct ServiceView {
    name: String,
    namespace: String,
    ident: String,
    doc: String,
    const_labels: Vec<(String, String)>,
    enums: Vec<EnumView>,
    guards: Vec<GuardView>,
    overflow_metric: String,
    metrics: Vec<MetricView>,
    http: Option<HttpView>,
}

/// What `obspec::http::Spec` needs of a service's `http:` section.
#[derive(Serialize)]
struct HttpView {
    requests: String,
    duration: String,
    in_flight: Option<String>,
    buckets: Vec<String>,
    routes: Vec<String>,
    methods: Vec<String>,
}

fn http_view(svc: &Service) -> Option<HttpView> {
    let h = svc.http.as_ref()?;
    let [requests, duration, in_flight] = crate::model::http_metric_names(&svc.namespace.value);
    let buckets = svc
        .metrics
        .get(&duration)
        .and_then(|m| m.buckets.as_ref())
        .map(|b| b.iter().map(|v| rust_f64(v.value)).collect())
        .unwrap_or_default();
    Some(HttpView {
        in_flight: svc.metrics.get(&in_flight).map(|_| in_flight.clone()),
        requests,
        duration,
        buckets,
        routes: h.routes.iter().map(|r| r.value.clone()).collect(),
        methods: h
            .method_domain()
            .into_iter()
            .filter(|m| m != crate::model::HTTP_OTHER_METHOD)
            .collect(),
    })
}

fn doc_lines(lines: &[String]) -> String {
    lines.join("\n")
}

fn service_view(svc: &Service) -> Result<ServiceView, Error> {
    let mut enums = Vec::new();
    for (name, dom) in svc.labels.iter() {
        let Some(values) = &dom.values else { continue };
        let mut variants: Vec<VariantView> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let mut ident = upper_camel(v);
            if variants.iter().any(|o| o.ident == ident) {
                ident = format!("{ident}{i}");
            }
            variants.push(VariantView {
                ident,
                value: v.value.clone(),
            });
        }
        let mut doc = vec![format!("Values of the label `{}`.", name.value)];
        if let Some(d) = &dom.description {
            doc.push(String::new());
            doc.push(d.value.clone());
        }
        enums.push(EnumView {
            label: name.value.clone(),
            ident: upper_camel(name),
            doc: doc_lines(&doc),
            variants,
        });
    }
    let used_open: Vec<&str> = svc
        .labels
        .iter()
        .filter(|(n, d)| {
            d.values.is_none()
                && svc
                    .metrics
                    .iter()
                    .any(|(_, m)| m.labels.iter().any(|l| l.value == n.value))
        })
        .map(|(n, _)| n.value.as_str())
        .collect();
    let guards = used_open
        .iter()
        .map(|l| {
            let dom = svc.labels.get(l).expect("declared");
            GuardView {
                label: l.to_string(),
                ident: format!("{}_guard", snake(l)),
                max: dom.max_cardinality.as_ref().map_or(1, |m| m.value),
                overflow: dom
                    .overflow_value
                    .as_ref()
                    .map_or_else(|| DEFAULT_OVERFLOW_VALUE.to_string(), |o| o.value.clone()),
            }
        })
        .collect();

    // Function and HTTP metrics belong to the runtimes that record them
    // (`obspec::instrument`, `obspec::http`): not generated twice.
    let owned = crate::model::runtime_owned_metrics(svc);
    let mut metrics = Vec::new();
    for (name, m) in svc
        .metrics
        .iter()
        .filter(|(n, _)| !owned.contains(&n.value))
    {
        let (child, vec) = match (m.kind.value, m.unit.is_some()) {
            (MetricType::Counter, false) => ("IntCounter", "IntCounterVec"),
            (MetricType::Counter, true) => ("Counter", "CounterVec"),
            (MetricType::Gauge, _) => ("Gauge", "GaugeVec"),
            (MetricType::Histogram, _) => ("Histogram", "HistogramVec"),
            (MetricType::Info, _) => ("IntGauge", "IntGaugeVec"),
        };
        let help = m.help.as_ref().map(|h| h.value.clone()).unwrap_or_default();
        let mut doc = vec![help.clone(), String::new()];
        doc.push(format!(
            "`{}`: {}{}.",
            name.value,
            m.kind.as_str(),
            m.unit
                .as_ref()
                .map(|u| format!(" in {}", u.value))
                .unwrap_or_default()
        ));
        let args: Vec<ArgView> = m
            .labels
            .iter()
            .map(|l| {
                let closed = svc.labels.get(l).is_some_and(|d| d.values.is_some());
                ArgView {
                    ident: field_ident(l),
                    ty: if closed {
                        upper_camel(l)
                    } else {
                        "&str".into()
                    },
                    label: l.value.clone(),
                    closed,
                    guard: format!("{}_guard", snake(l)),
                }
            })
            .collect();
        for l in &m.labels {
            let dom = svc.labels.get(l);
            let domain = match dom.and_then(|d| d.values.as_ref()) {
                Some(v) => v
                    .iter()
                    .map(|x| format!("`{}`", x.value))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => format!(
                    "at most {} distinct values",
                    dom.and_then(|d| d.max_cardinality.as_ref())
                        .map_or(0, |m| m.value)
                ),
            };
            doc.push(format!("- `{}`: {domain}", l.value));
        }
        let all_closed = args.iter().all(|a| a.closed);
        let tuple = format!(
            "({})",
            args.iter()
                .map(|a| format!("{},", a.ty))
                .collect::<String>()
        );
        metrics.push(MetricView {
            name: name.value.clone(),
            field: field_ident(name),
            family: upper_camel(name),
            doc: doc_lines(&doc),
            help,
            child,
            vec,
            histogram: m.kind.value == MetricType::Histogram,
            info: m.kind.value == MetricType::Info,
            buckets: m
                .buckets
                .as_ref()
                .map(|b| b.iter().map(|v| rust_f64(v.value)).collect())
                .unwrap_or_default(),
            args,
            all_closed,
            tuple,
        });
    }
    // Generated type names must not collide.
    let mut names: Vec<&str> = enums.iter().map(|e| e.ident.as_str()).collect();
    names.extend(
        metrics
            .iter()
            .filter(|m| !m.args.is_empty())
            .map(|m| m.family.as_str()),
    );
    let ident = format!("{}Metrics", upper_camel(&svc.service));
    names.push(&ident);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "service `{}`: two generated Rust types are named `{}`",
                svc.service.value, w[0]
            ),
        ));
    }
    let mut doc = vec![format!("Metrics of the service `{}`.", svc.service.value)];
    if let Some(d) = &svc.description {
        doc.push(String::new());
        doc.push(d.value.clone());
    }
    Ok(ServiceView {
        name: svc.service.value.clone(),
        namespace: svc.namespace.value.clone(),
        ident,
        doc: doc_lines(&doc),
        const_labels: svc
            .const_labels
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        enums,
        guards,
        overflow_metric: format!("{}_obspec_label_overflow_total", svc.namespace.value),
        metrics,
        http: http_view(svc),
    })
}

/// Formats Rust source with prettyplease.
pub fn format_rust(code: &str) -> Result<String, Error> {
    let file = syn::parse_file(code).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("generated Rust does not parse: {e}"),
        )
    })?;
    Ok(prettyplease::unparse(&file))
}

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, Error> {
    let tpl = env.get_template("rust/service.rs.j2")?;
    let mut out = Vec::new();
    for svc in &loaded.specs.services {
        let view = service_view(svc)?;
        let code = tpl.render(context! { service => Serde(&view), spec => Serde(svc) })?;
        out.push(OutFile {
            path: format!("rust/{}.rs", snake(&svc.service)),
            content: format_rust(&code)?,
            sources: super::spec_files(loaded, svc),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangling() {
        assert_eq!(upper_camel("bank_transfer"), "BankTransfer");
        assert_eq!(upper_camel("GET"), "Get");
        assert_eq!(upper_camel("5xx"), "V5xx");
        assert_eq!(upper_camel("claude-3.5"), "Claude35");
        assert_eq!(upper_camel("--"), "Empty");
        assert_eq!(upper_camel("payment-gateway"), "PaymentGateway");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("payment_total"), "payment_total");
        assert_eq!(rust_f64(1.0), "1.0");
        assert_eq!(rust_f64(0.05), "0.05");
        assert_eq!(rust_str("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
