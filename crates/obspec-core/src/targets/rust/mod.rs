//! `rust`: typed metrics for each service, depending only on the `obspec` crate.
//!
//! The template (`rust/service.rs.j2`) receives a view in which every Rust
//! identifier, type and literal is precomputed here, and every piece whose
//! layout depends on its width is laid out by [`layout`] as rustfmt lays it
//! out: the embedded template's output is final, rustfmt-stable Rust, written
//! without parsing or re-printing. The output of an overridden template is
//! parsed with `syn` and printed with `prettyplease`, so a broken override
//! fails loudly and a hand-written one need not care about layout.
//!
//! Value mangling (documented in docs/rust.md): a label value becomes an
//! UpperCamelCase variant by splitting on every character that is not an ASCII
//! letter or digit and capitalising each part (`bank_transfer` → `BankTransfer`,
//! `GET` → `Get`, `5xx` → `V5xx`, `claude-3.5` → `Claude35`); an empty result is
//! `Empty`. Two values that mangle alike get their position appended.

use minijinja::value::Serde;
use minijinja::{context, Environment, Error, ErrorKind};
use serde::Serialize;

use crate::format::decimal::fmt_f64;
use crate::targets::artifact::{spec_files, OutFile};
use obspec_rules::DEFAULT_OVERFLOW_VALUE;
use obspec_spec::load::Loaded;
use obspec_spec::model::{MetricType, Service};

use crate::format::case::{snake, upper_camel};

use crate::format::rust::{arm, assign, atom, field, field_init, list, Doc, Kind};

/// A snake_case identifier, raw if it is a keyword (`type` → `r#type`).
pub fn field_ident(s: &str) -> String {
    let s = snake(s);
    match s.as_str() {
        "self" | "super" | "crate" | "Self" => format!("{s}_"),
        k if crate::format::case::RUST_KEYWORDS.contains(&k) => format!("r#{k}"),
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
    /// `pub const LABEL: &'static str = "…";` at indentation 4.
    label_code: String,
    /// `pub const ALL: [Self; N] = […];` at indentation 4.
    all_code: String,
    /// `const VALUES: &'static [&'static str] = &[…];` at indentation 4.
    values_code: String,
}

#[derive(Serialize)]
struct VariantView {
    ident: String,
    value: String,
    /// `Self::Variant => "value",` at indentation 12.
    arm_code: String,
}

#[derive(Serialize)]
struct GuardView {
    label: String,
    ident: String,
    max: u64,
    overflow: String,
    /// `let …_guard = ::obspec::LabelGuard::shared(…)?;` at indentation 8.
    code: String,
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
    /// The guard's field in the family struct, at indentation 4.
    field_code: String,
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
    /// The field holding a closed family's children, at indentation 4.
    children_code: String,
    /// The signature of `with`, up to its opening brace, at indentation 4.
    with_code: String,
    /// The first statement of `with` (`let labels = …;` or `let values = […];`),
    /// at indentation 8.
    labels_code: String,
    /// `let opts = ::obspec::MetricOpts { … };` at indentation 12.
    opts_code: String,
    /// `let names = […];` at indentation 12.
    names_code: String,
    /// `let vec: … = ::obspec::register_vec(…)?;` at indentation 12.
    vec_code: String,
    /// `let metric: … = ::obspec::Metric::register_one(…)?;` at indentation 12.
    metric_code: String,
    /// The family struct built from `vec`, at indentation 12.
    build_code: String,
    /// The field in the service struct, at indentation 4.
    field_code: String,
    /// `::obspec::Exposition::add(&mut exposition, &self.…);` at indentation 8.
    expose_code: String,
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
    /// `const CONST_LABELS: &[(&str, &str)] = &[…];` at indentation 8.
    const_labels_code: String,
    /// `let overflow = ::obspec::LabelGuard::register_overflow(…)?;` at indentation 8.
    overflow_code: String,
    /// `::core::result::Result::Ok(Self { … })` at indentation 8.
    ok_code: String,
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
    /// `pub static HTTP: ::obspec::http::Spec = …;` at indentation 0.
    code: String,
}

fn http_view(svc: &Service, const_labels: &Doc) -> Option<HttpView> {
    let h = svc.http.as_ref()?;
    let [requests, duration, in_flight] =
        obspec_spec::model::http_metric_names(&svc.namespace.value);
    let buckets: Vec<String> = svc
        .metrics
        .get(&duration)
        .and_then(|m| m.buckets.as_ref())
        .map(|b| b.iter().map(|v| rust_f64(v.value)).collect())
        .unwrap_or_default();
    let in_flight = svc.metrics.get(&in_flight).map(|_| in_flight.clone());
    let routes: Vec<String> = h.routes.iter().map(|r| r.value.clone()).collect();
    let methods: Vec<String> = h
        .method_domain()
        .into_iter()
        .filter(|m| m != obspec_spec::model::HTTP_OTHER_METHOD)
        .collect();
    let strs = |v: &[String]| v.iter().map(|s| rust_str(s)).collect::<Vec<_>>();
    let spec = list(
        "::obspec::http::Spec",
        Kind::Struct,
        [
            field_init("service", rust_str(&svc.service.value)),
            field_init("requests", rust_str(&requests)),
            field_init("duration", rust_str(&duration)),
            field_init(
                "in_flight",
                match in_flight.as_deref() {
                    None => atom("::core::option::Option::None"),
                    Some(n) => list("::core::option::Option::Some", Kind::Call, [rust_str(n)]),
                },
            ),
            field_init("buckets", list("&", Kind::Array, buckets.clone())),
            field_init("const_labels", const_labels.clone()),
            field_init("routes", list("&", Kind::Array, strs(&routes))),
            field_init("methods", list("&", Kind::Array, strs(&methods))),
        ],
    );
    Some(HttpView {
        code: assign(0, "pub static HTTP: ::obspec::http::Spec", &spec, ";"),
        in_flight,
        requests,
        duration,
        buckets,
        routes,
        methods,
    })
}

/// `&self.field` at `indent`, followed by `tail` characters; rustfmt moves
/// `.field` to the next line when the line is too long.
fn self_field(indent: usize, field: &str, tail: usize) -> String {
    if indent + "&self.".len() + field.len() + tail <= crate::format::rust::MAX_WIDTH {
        format!("&self.{field}")
    } else {
        format!("&self\n{}.{field}", " ".repeat(indent + 4))
    }
}

/// The width-dependent pieces of one metric's code.
struct MetricCodes {
    children: String,
    with: String,
    labels: String,
    opts: String,
    names: String,
    vec: String,
    metric: String,
    build: String,
}

fn metric_codes(
    name: &obspec_spec::model::Spanned<String>,
    m: &obspec_spec::model::Metric,
    args: &[ArgView],
    vec: &str,
    child_path: &str,
    buckets: &[String],
) -> MetricCodes {
    let all_closed = args.iter().all(|a| a.closed);
    let tuple = list("", Kind::Tuple, args.iter().map(|a| a.ty.clone()));
    let children = list("::obspec::Dense", Kind::Generics, [atom(child_path), tuple]);
    let params = std::iter::once("&self".to_string())
        .chain(args.iter().map(|a| format!("{}: {}", a.ident, a.ty)));
    let ret = if all_closed {
        format!(" -> &{child_path}")
    } else {
        format!(" -> {child_path}")
    };
    let with = list("pub fn with", Kind::Params, params);
    let with = format!("{}{ret}", with.layout(4, 4, ret.len() + 2));
    let labels = if all_closed {
        let t = list("", Kind::Tuple, args.iter().map(|a| a.ident.clone()));
        assign(8, "let labels", &t, ";")
    } else {
        let values = args.iter().map(|a| {
            if a.closed {
                list(format!("{}::as_str", a.ty), Kind::Call, [a.ident.clone()])
            } else {
                list(
                    "::obspec::LabelGuard::admit",
                    Kind::Call,
                    [format!("&self.{}", a.ident), a.ident.clone()],
                )
            }
        });
        assign(8, "let values", &list("", Kind::Array, values), ";")
    };
    let help = m
        .help
        .as_ref()
        .map(|h| h.value.as_str())
        .unwrap_or_default();
    let opts = list(
        "::obspec::MetricOpts",
        Kind::Struct,
        [
            field_init("name", rust_str(&name.value)),
            field_init("help", rust_str(help)),
            field_init("buckets", list("&", Kind::Array, buckets.to_vec())),
            field_init("const_labels", "CONST_LABELS"),
        ],
    );
    let names = list("", Kind::Array, args.iter().map(|a| rust_str(&a.label)));
    let register_vec = list(
        "::obspec::register_vec",
        Kind::Call,
        ["registry", "&opts", "&names"],
    )
    .then("?");
    let register_one = list(
        "::obspec::Metric::register_one",
        Kind::Call,
        ["registry", "&opts"],
    )
    .then("?");
    let build = if all_closed {
        list(
            upper_camel(name),
            Kind::Struct,
            [field_init("children", "::obspec::Dense::resolve(&vec)?")],
        )
    } else {
        let guards = args.iter().filter(|a| !a.closed).map(|a| {
            field_init(
                a.ident.clone(),
                list(
                    "::std::sync::Arc::clone",
                    Kind::Call,
                    [format!("&{}", a.guard)],
                ),
            )
        });
        list(
            upper_camel(name),
            Kind::Struct,
            std::iter::once(atom("vec")).chain(guards),
        )
    };
    MetricCodes {
        build: build.layout(12, 12, 0),
        children: field(4, "children", &children, ","),
        with,
        labels,
        opts: assign(12, "let opts", &opts, ";"),
        names: assign(12, "let names", &names, ";"),
        vec: assign(
            12,
            &format!("let vec: ::obspec::prometheus::{vec}"),
            &register_vec,
            ";",
        ),
        metric: assign(12, &format!("let metric: {child_path}"), &register_one, ";"),
    }
}

fn doc_lines(lines: &[String]) -> String {
    lines.join("\n")
}

fn service_view(svc: &Service) -> Result<ServiceView, Error> {
    let enums = label_enums(svc);
    let guards = label_guards(svc);

    let metrics = metric_views(svc);
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
    let const_labels: Vec<(String, String)> = svc
        .const_labels
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect();
    let const_labels_doc = list(
        "&",
        Kind::Array,
        const_labels
            .iter()
            .map(|(k, v)| format!("({}, {})", rust_str(k), rust_str(v))),
    );
    let overflow_metric = format!("{}_obspec_label_overflow_total", svc.namespace.value);
    let overflow = list(
        "::obspec::LabelGuard::register_overflow",
        Kind::Call,
        [
            "registry".to_string(),
            rust_str(&overflow_metric),
            "CONST_LABELS".into(),
        ],
    )
    .then("?");
    let ok = list(
        "::core::result::Result::Ok",
        Kind::Call,
        [list(
            "Self",
            Kind::Struct,
            metrics.iter().map(|m| m.field.clone()),
        )],
    );
    Ok(ServiceView {
        ok_code: ok.layout(8, 8, 0),
        name: svc.service.value.clone(),
        namespace: svc.namespace.value.clone(),
        ident,
        doc: doc_lines(&doc),
        const_labels_code: assign(
            8,
            "const CONST_LABELS: &[(&str, &str)]",
            &const_labels_doc,
            ";",
        ),
        overflow_code: assign(8, "let overflow", &overflow, ";"),
        http: http_view(svc, &const_labels_doc),
        const_labels,
        enums,
        guards,
        overflow_metric,
        metrics,
    })
}

/// The enums of the closed label domains.
fn label_enums(svc: &Service) -> Vec<EnumView> {
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
                arm_code: String::new(),
            });
        }
        let mut doc = vec![format!("Values of the label `{}`.", name.value)];
        if let Some(d) = &dom.description {
            doc.push(String::new());
            doc.push(d.value.clone());
        }
        for v in &mut variants {
            v.arm_code = arm(12, &format!("Self::{}", v.ident), &rust_str(&v.value));
        }
        let all = list(
            "",
            Kind::Array,
            variants.iter().map(|v| format!("Self::{}", v.ident)),
        );
        let strs = list(
            "&",
            Kind::Array,
            variants.iter().map(|v| rust_str(&v.value)),
        );
        enums.push(EnumView {
            label: name.value.clone(),
            ident: upper_camel(name),
            doc: doc_lines(&doc),
            label_code: assign(
                4,
                "pub const LABEL: &'static str",
                &atom(rust_str(&name.value)),
                ";",
            ),
            all_code: assign(
                4,
                &format!("pub const ALL: [Self; {}]", variants.len()),
                &all,
                ";",
            ),
            values_code: assign(4, "const VALUES: &'static [&'static str]", &strs, ";"),
            variants,
        });
    }
    enums
}

/// The guards of the open label domains the metrics use.
fn label_guards(svc: &Service) -> Vec<GuardView> {
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
    used_open
        .iter()
        .map(|l| {
            let dom = svc.labels.get(l).expect("declared");
            let ident = format!("{}_guard", snake(l));
            let max = dom.max_cardinality.as_ref().map_or(1, |m| m.value);
            let overflow = dom
                .overflow_value
                .as_ref()
                .map_or_else(|| DEFAULT_OVERFLOW_VALUE.to_string(), |o| o.value.clone());
            let call = list(
                "::obspec::LabelGuard::shared",
                Kind::Call,
                [
                    "&overflow".to_string(),
                    rust_str(l),
                    max.to_string(),
                    rust_str(&overflow),
                ],
            )
            .then("?");
            GuardView {
                label: l.to_string(),
                code: assign(8, &format!("let {ident}"), &call, ";"),
                ident,
                max,
                overflow,
            }
        })
        .collect()
}

// Long: each field of a metric's generated code computed in order.
/// The metrics the generated struct holds.
fn metric_views(svc: &Service) -> Vec<MetricView> {
    // Function and HTTP metrics belong to the runtimes that record them
    // (`obspec::instrument`, `obspec::http`): not generated twice.
    let owned = obspec_spec::model::runtime_owned_metrics(svc);
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
            // Only external catalogs declare them, and obspec emits no code for those.
            (MetricType::Summary | MetricType::Untyped, _) => continue,
        };
        let help = m.help.as_ref().map(|h| h.value.clone()).unwrap_or_default();
        let buckets: Vec<String> = m
            .buckets
            .as_ref()
            .map(|b| b.iter().map(|v| rust_f64(v.value)).collect())
            .unwrap_or_default();
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
                    field_code: field(
                        4,
                        &field_ident(l),
                        &atom("::std::sync::Arc<::obspec::LabelGuard>"),
                        ",",
                    ),
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
        let child_path = format!("::obspec::prometheus::{child}");
        let codes = metric_codes(name, m, &args, vec, &child_path, &buckets);
        let expose_code = format!(
            "{};",
            list(
                "::obspec::Exposition::add",
                Kind::Call,
                [
                    "&mut exposition".to_string(),
                    self_field(12, &field_ident(name), 1)
                ],
            )
            .layout(8, 8, 1)
        );
        let field_code = field(
            4,
            &format!("pub {}", field_ident(name)),
            &atom(if args.is_empty() {
                child_path.clone()
            } else {
                upper_camel(name)
            }),
            ",",
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
            buckets,
            args,
            all_closed,
            tuple,
            children_code: codes.children,
            with_code: codes.with,
            labels_code: codes.labels,
            opts_code: codes.opts,
            names_code: codes.names,
            vec_code: codes.vec,
            metric_code: codes.metric,
            build_code: codes.build,
            field_code,
            expose_code,
        });
    }
    metrics
}

/// Parses Rust source and prints it with prettyplease: the output of an
/// overridden template, which may be laid out any way.
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
    // The embedded template's output is laid out already.
    let embedded = crate::targets::templates::is_embedded(&tpl);
    // An external catalog's metrics are emitted by another program.
    let owned: Vec<&obspec_spec::model::Service> = loaded
        .specs
        .services
        .iter()
        .filter(|s| !s.is_external())
        .collect();
    obspec_spec::par::map(&owned, |svc| {
        let svc: &obspec_spec::model::Service = svc;
        let view = service_view(svc)?;
        let code = tpl.render(context! { service => Serde(&view), spec => Serde(svc) })?;
        Ok(OutFile {
            path: format!("rust/{}.rs", snake(&svc.service)),
            content: if embedded { code } else { format_rust(&code)? },
            sources: spec_files(loaded, svc),
        })
    })
    .into_iter()
    .collect()
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
