//! `#[metrics(spec = "...")]`: a derived struct checked against a spec file.
//!
//! The spec is read with the same loader `obspec lint` uses. Metric names,
//! types, units, buckets and help texts are compared at expansion time; label
//! names, which belong to another type, are compared by a `const` assertion
//! that fails compilation with a message naming the spec file and line. The
//! spec files are `include_bytes!`-ed so that cargo rebuilds when they change.

use std::path::PathBuf;

use obspec_rules::MetricKind;
use obspec_spec::model::MetricType;
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::LitStr;

use crate::errors::Errors;
use crate::field::Field;

pub struct SpecMetric {
    pub name: String,
    pub kind: MetricType,
    pub unit: Option<String>,
    pub help: String,
    pub buckets: Vec<f64>,
    pub labels: Vec<String>,
    /// `specs/payment-gateway.yaml:14`.
    pub at: String,
}

pub struct SpecService {
    pub name: String,
    pub namespace: String,
    pub const_labels: Vec<(String, String)>,
    pub metrics: Vec<SpecMetric>,
    /// `functions:`: the `function` label's domain and where it is declared.
    pub functions: Option<(Vec<String>, String)>,
    /// The closed domains of the service's labels (`None`: bounded, open).
    pub label_values: Vec<(String, Option<Vec<String>>, String)>,
    /// `functions: outcomes:`: the `outcome` values beyond `ok` and `error`.
    pub outcomes: Vec<String>,
    /// Metrics recorded by obspec's runtimes (`functions:`, `http:`).
    pub owned: Vec<String>,
    /// The spec files, for `include_bytes!` (cargo rebuilds when they change).
    pub files: Vec<PathBuf>,
    display: String,
    span: Span,
}

fn kind_name(k: MetricKind) -> &'static str {
    k.as_str()
}

/// Loads the spec file `lit` (relative to the crate's manifest directory).
pub fn load(lit: &LitStr, ident: &syn::Ident, errors: &mut Errors) -> Option<SpecService> {
    let rel = lit.value();
    let base = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = base.join(&rel);
    let loaded = match obspec_spec::load::load_paths(std::slice::from_ref(&path)) {
        Ok(l) => l,
        Err(e) => {
            errors.at(lit, format!("cannot read spec `{rel}`: {}", e.error));
            return None;
        }
    };
    let at = |span: &obspec_spec::source::Span| {
        let name = loaded.sources.get(span.file).rel.clone();
        let dir = std::path::Path::new(&rel)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        format!("{file}:{}:{}", span.line, span.col)
    };
    if loaded.diagnostics.has_errors() {
        let list: Vec<String> = loaded
            .diagnostics
            .clone()
            .into_sorted()
            .into_iter()
            .filter(|d| d.severity == obspec_spec::diag::Severity::Error)
            .take(5)
            .map(|d| match &d.span {
                Some(s) => format!("{}: [{}] {}", at(s), d.code, d.message),
                None => format!("[{}] {}", d.code, d.message),
            })
            .collect();
        errors.at(
            lit,
            format!(
                "spec `{rel}` has errors (run `obspec lint`):\n{}",
                list.join("\n")
            ),
        );
        return None;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(svc) = loaded.specs.services.iter().find(|s| {
        s.file
            .is_some_and(|f| loaded.sources.get(f).rel == file_name)
    }) else {
        errors.at(lit, format!("`{rel}` declares no service"));
        return None;
    };
    let _ = ident;
    let metrics = svc
        .metrics
        .iter()
        .map(|(name, m)| SpecMetric {
            name: name.value.clone(),
            kind: m.kind.value,
            unit: m.unit.as_ref().map(|u| u.value.clone()),
            help: m.help.as_ref().map(|h| h.value.clone()).unwrap_or_default(),
            buckets: m
                .buckets
                .as_ref()
                .map(|b| b.iter().map(|v| v.value).collect())
                .unwrap_or_default(),
            labels: m.labels.iter().map(|l| l.value.clone()).collect(),
            at: at(&name.span),
        })
        .collect();
    Some(SpecService {
        name: svc.service.value.clone(),
        namespace: svc.namespace.value.clone(),
        const_labels: svc
            .const_labels
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        metrics,
        owned: obspec_spec::model::runtime_owned_metrics(svc),
        label_values: svc
            .labels
            .iter()
            .map(|(n, d)| {
                (
                    n.value.clone(),
                    d.values
                        .as_ref()
                        .map(|v| v.iter().map(|x| x.value.clone()).collect()),
                    at(&n.span),
                )
            })
            .collect(),
        outcomes: svc
            .functions
            .iter()
            .flat_map(|f| f.outcomes.iter().flatten())
            .map(|o| o.value.clone())
            .collect(),
        functions: svc.functions.as_ref().map(|f| {
            (
                f.names.iter().map(|n| n.value.clone()).collect(),
                f.span.map(|s| at(&s)).unwrap_or_default(),
            )
        }),
        files: loaded.sources.iter().map(|(_, f)| f.path.clone()).collect(),
        display: rel,
        span: lit.span(),
    })
}

impl SpecService {
    /// Compares one field with the spec. Returns the spec's metric when the
    /// field matches it in name and type; `Err(())` when it does not (reported:
    /// the field's other checks would only repeat the mismatch).
    pub fn check_field(
        &self,
        f: &Field,
        errors: &mut Errors,
        checks: &mut TokenStream,
    ) -> Result<&SpecMetric, ()> {
        let Some(sm) = self.metrics.iter().find(|m| m.name == f.name) else {
            let names: Vec<&str> = self.metrics.iter().map(|m| m.name.as_str()).collect();
            let hint = obspec_spec::load::did_you_mean(&f.name, &names)
                .map(|s| format!("\n  = help: did you mean `{s}`?"))
                .unwrap_or_default();
            errors.span(
                f.name_span,
                format!(
                    "metric `{}` is not declared in `{}` (service `{}`){hint}",
                    f.name, self.display, self.name
                ),
            );
            return Err(());
        };
        if let Some(kind) = f.kind {
            let same = sm.kind.kind() == Some(kind)
                || (sm.kind == MetricType::Info && kind == MetricKind::Gauge);
            if !same {
                errors.at(
                    &f.ty,
                    format!(
                        "`{}` is a {} in {}, but this field is a {}",
                        f.name,
                        sm.kind.as_str(),
                        sm.at,
                        kind_name(kind)
                    ),
                );
                return Err(());
            }
        }
        if let Some((unit, span)) = &f.unit {
            if sm.unit.as_deref() != Some(unit.as_str()) {
                errors.span(
                    *span,
                    format!(
                        "unit `{unit}` differs from the spec ({}: {})",
                        sm.at,
                        sm.unit
                            .as_deref()
                            .map_or("no unit".to_string(), |u| format!("`{u}`"))
                    ),
                );
            }
        }
        if let Some(help) = &f.help {
            if *help != sm.help {
                errors.span(
                    f.name_span,
                    format!(
                        "help of `{}` differs from the spec ({}): {:?}",
                        f.name, sm.at, sm.help
                    ),
                );
            }
        }
        if let Some((b, span)) = &f.buckets {
            if *b != sm.buckets {
                errors.span(
                    *span,
                    format!(
                        "buckets of `{}` differ from the spec ({}): {:?}",
                        f.name, sm.at, sm.buckets
                    ),
                );
            }
        }
        match (&f.label_ty, sm.labels.is_empty()) {
            (None, false) => errors.at(
                &f.ty,
                format!(
                    "`{}` has labels [{}] in {}: declare the field as `obspec::Dense<_, Labels>`",
                    f.name,
                    sm.labels.join(", "),
                    sm.at
                ),
            ),
            (Some(l), true) => errors.at(l, format!("`{}` has no labels in {}", f.name, sm.at)),
            (Some(l), false) => {
                let names = &sm.labels;
                let msg = format!(
                    "the labels of `{}` differ from the spec: {} declares [{}], in this order",
                    f.name,
                    sm.at,
                    names.join(", ")
                );
                checks.extend(quote_spanned! {l.span()=>
                    const _: () = if !::obspec::__private::names_eq(<#l as ::obspec::LabelNames>::NAMES, &[#(#names),*]) {
                        ::core::panic!(#msg)
                    };
                });
            }
            (None, true) => {}
        }
        Ok(sm)
    }

    /// Metrics of the spec that no field declares.
    pub fn check_missing(&self, fields: &[Field], ident: &syn::Ident, errors: &mut Errors) {
        // Function and HTTP metrics are recorded by `#[obspec::instrument]`
        // and `obspec::http`.
        for m in self
            .metrics
            .iter()
            .filter(|m| !self.owned.contains(&m.name))
        {
            if !fields.iter().any(|f| f.name == m.name) {
                errors.at(
                    ident,
                    format!("metric `{}` ({}) is missing from `{ident}`", m.name, m.at),
                );
            }
        }
    }

    /// Makes cargo rebuild when a spec file changes.
    pub fn tracking(&self) -> TokenStream {
        let files = self.files.iter().map(|p| p.to_string_lossy().into_owned());
        let span = self.span;
        quote_spanned! {span=> #(const _: &[u8] = include_bytes!(#files);)* }
    }
}
