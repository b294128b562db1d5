//! `#[derive(Metrics)]`.

use obspec_rules::{check_metric_name, check_namespace, check_unit, MetricKind, MetricName};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Expr, Fields, GenericArgument, Lit, LitStr, PathArguments, Type, UnOp,
};

use crate::errors::{violation, Errors};
use crate::field::Field;
use crate::spec_check::{self, SpecMetric};

/// The metric kind of a field type and its label set type, if it is a family.
fn kind_of(ty: &Type) -> Option<(MetricKind, Option<Type>)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "IntCounter" | "Counter" => Some((MetricKind::Counter, None)),
        "IntGauge" | "Gauge" => Some((MetricKind::Gauge, None)),
        "Histogram" => Some((MetricKind::Histogram, None)),
        "Dense" => {
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let mut types = args.args.iter().filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            });
            let (m, l) = (types.next()?, types.next()?);
            let (kind, _) = kind_of(m)?;
            Some((kind, Some(l.clone())))
        }
        _ => None,
    }
}

fn number(e: &Expr) -> Option<f64> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Float(f) => f.base10_parse().ok(),
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(|v| v as f64),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => number(&u.expr).map(|v| -v),
        _ => None,
    }
}

fn parse_field(f: &syn::Field, errors: &mut Errors) -> Option<Field> {
    let ident = f.ident.clone()?;
    let mut field = Field {
        name: ident.to_string(),
        name_span: ident.span(),
        ident,
        ty: f.ty.clone(),
        kind: None,
        label_ty: None,
        attr_labels: None,
        help: None,
        unit: None,
        buckets: None,
    };
    match kind_of(&f.ty) {
        Some((k, l)) => {
            field.kind = Some(k);
            field.label_ty = l;
        }
        None => errors.at(
            &f.ty,
            "unsupported metric type: use `IntCounter`, `Counter`, `IntGauge`, `Gauge` or `Histogram` from `obspec::prometheus`, or `obspec::Dense<Metric, Labels>` for a labelled family",
        ),
    }
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("metric")) {
        let r = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "help" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    field.help = Some(lit.value());
                }
                "name" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    field.name = lit.value();
                    field.name_span = lit.span();
                }
                "unit" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    field.unit = Some((lit.value(), lit.span()));
                }
                "labels" => {
                    let ty: Type = meta.value()?.parse()?;
                    field.attr_labels = Some(ty);
                }
                "buckets" => {
                    let e: Expr = meta.value()?.parse()?;
                    let span = e.span();
                    let Expr::Array(arr) = &e else {
                        return Err(syn::Error::new(span, "`buckets` is a list of numbers: `buckets = [0.1, 0.5, 1.0]`"));
                    };
                    let mut values = Vec::new();
                    for el in &arr.elems {
                        match number(el) {
                            Some(v) => values.push(v),
                            None => return Err(syn::Error::new(el.span(), "bucket bounds are number literals")),
                        }
                    }
                    field.buckets = Some((values, span));
                }
                _ => {
                    return Err(meta.error(
                        "unknown `metric` attribute; expected `help`, `unit`, `buckets`, `labels` or `name`",
                    ))
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            errors.push(e);
        }
    }
    Some(field)
}

/// Struct-level settings.
#[derive(Default)]
struct StructAttrs {
    namespace: Option<(String, Span)>,
    spec: Option<LitStr>,
    const_labels: Vec<(String, String)>,
}

fn parse_struct_attrs(input: &DeriveInput, errors: &mut Errors) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("metrics")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("namespace") {
                let lit: LitStr = meta.value()?.parse()?;
                out.namespace = Some((lit.value(), lit.span()));
                Ok(())
            } else if meta.path.is_ident("spec") {
                out.spec = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("const_labels") {
                meta.parse_nested_meta(|inner| {
                    let name = inner.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                    let lit: LitStr = inner.value()?.parse()?;
                    out.const_labels.push((name, lit.value()));
                    Ok(())
                })
            } else {
                Err(meta.error("unknown `metrics` attribute; expected `namespace`, `spec` or `const_labels(...)`"))
            }
        });
        if let Err(e) = r {
            errors.push(e);
        }
    }
    out
}

fn check_buckets(name: &str, values: &[f64], span: Span, errors: &mut Errors) {
    if values.is_empty() {
        errors.span(
            span,
            format!("histogram `{name}` has an empty bucket list [OBS401]"),
        );
    }
    let mut prev: Option<f64> = None;
    for &v in values {
        if !v.is_finite() || v <= 0.0 {
            errors.span(
                span,
                format!("bucket bound `{v}` is not a finite positive number [OBS401]"),
            );
        } else if prev.is_some_and(|p| v <= p) {
            errors.span(
                span,
                format!(
                    "bucket bounds must increase strictly: `{v}` follows `{}` [OBS401]",
                    prev.unwrap_or(0.0)
                ),
            );
        }
        prev = Some(v);
    }
}

// Long: the fields read and checked, then one token template of the generated impls.
pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let ident = &input.ident;
    let attrs = parse_struct_attrs(&input, &mut errors);
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "`Metrics` cannot be derived for a generic struct",
        );
    }
    let mut fields = Vec::new();
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                for f in &named.named {
                    if let Some(field) = parse_field(f, &mut errors) {
                        fields.push(field);
                    }
                }
            }
            _ => errors.at(
                ident,
                "`Metrics` is derived for structs with named fields: one field per metric",
            ),
        },
        _ => errors.at(
            ident,
            "`Metrics` is derived for structs with named fields: one field per metric",
        ),
    }

    // The spec, when given, supplies what the attributes leave out and is compared with the rest.
    let spec = attrs
        .spec
        .as_ref()
        .and_then(|lit| spec_check::load(lit, ident, &mut errors));
    let mut checks = TokenStream::new();
    let namespace = attrs.namespace.clone().or_else(|| {
        spec.as_ref()
            .map(|s| (s.namespace.clone(), Span::call_site()))
    });
    if let Some((ns, span)) = &namespace {
        for v in check_namespace("namespace", ns) {
            errors.span(*span, violation(&v));
        }
    }
    let const_labels = if attrs.const_labels.is_empty() {
        spec.as_ref()
            .map(|s| s.const_labels.clone())
            .unwrap_or_default()
    } else {
        attrs.const_labels.clone()
    };

    // A spec that was asked for but could not be read supplies nothing: skip
    // the checks it would have satisfied rather than report them again.
    let spec_failed = attrs.spec.is_some() && spec.is_none();
    let mut inits = Vec::new();
    let mut exposed = Vec::new();
    for f in &mut fields {
        let spec_metric: Option<&SpecMetric> = match &spec {
            Some(s) => match s.check_field(f, &mut errors, &mut checks) {
                Ok(sm) => Some(sm),
                Err(()) => continue,
            },
            None if spec_failed => continue,
            None => None,
        };
        if let Some(sm) = spec_metric {
            if f.help.is_none() {
                f.help = Some(sm.help.clone());
            }
            if f.unit.is_none() {
                f.unit = sm.unit.clone().map(|u| (u, f.name_span));
            }
            if f.buckets.is_none() && !sm.buckets.is_empty() {
                f.buckets = Some((sm.buckets.clone(), f.name_span));
            }
        }
        let Some(kind) = f.kind else { continue };
        check_field(f, kind, &namespace, &mut errors, &mut checks);
        let field = &f.ident;
        let ty = &f.ty;
        let name = &f.name;
        let help = f.help.clone().unwrap_or_default();
        let buckets = f
            .buckets
            .as_ref()
            .map(|(b, _)| b.clone())
            .unwrap_or_default();
        let cl_names = const_labels.iter().map(|(k, _)| k);
        let cl_values = const_labels.iter().map(|(_, v)| v);
        exposed.push(quote! {
            ::obspec::Exposition::add(&mut exposition, &self.#field);
        });
        inits.push(quote! {
            #field: <#ty as ::obspec::Register>::register(registry, &::obspec::MetricOpts {
                name: #name,
                help: #help,
                buckets: &[#(#buckets),*],
                const_labels: &[#((#cl_names, #cl_values)),*],
            })?
        });
    }
    if let Some(s) = &spec {
        s.check_missing(&fields, ident, &mut errors);
        checks.extend(s.tracking());
    }

    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! {
            #errs
            impl #ident {
                /// Not generated: the derive reported errors.
                pub fn register(_: &::obspec::prometheus::Registry) -> ::core::result::Result<Self, ::obspec::prometheus::Error> {
                    ::core::unimplemented!()
                }
            }
        };
    }
    quote! {
        #checks

        #[automatically_derived]
        impl #ident {
            /// Creates every metric, registers it in `registry`, and resolves
            /// every label combination of each family (exported at 0).
            pub fn register(registry: &::obspec::prometheus::Registry) -> ::core::result::Result<Self, ::obspec::prometheus::Error> {
                ::core::result::Result::Ok(#ident { #(#inits,)* })
            }

            /// The typed exposition of these metrics (`obspec::expose`):
            /// label text rendered now, values read at each scrape.
            pub fn exposition(&self) -> ::obspec::Exposition {
                let mut exposition = ::obspec::Exposition::new();
                #(#exposed)*
                exposition
            }
        }
    }
}

/// The rules a field's metric keeps: unit, name, help, buckets, labels.
fn check_field(
    f: &Field,
    kind: MetricKind,
    namespace: &Option<(String, Span)>,
    errors: &mut Errors,
    checks: &mut TokenStream,
) {
    if let Some((unit, span)) = &f.unit {
        for v in check_unit(unit) {
            errors.span(*span, violation(&v));
        }
    }
    for v in check_metric_name(MetricName {
        name: &f.name,
        kind,
        unit: f.unit.as_ref().map(|(u, _)| u.as_str()),
        namespace: namespace.as_ref().map(|(n, _)| n.as_str()),
        subsystem: None,
    }) {
        if v.level == obspec_rules::Level::Error {
            errors.span(f.name_span, violation(&v));
        }
    }
    if f.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
        errors.span(
            f.name_span,
            format!(
                "metric `{}` has no help text [OBS107]\n  = help: add `#[metric(help = \"...\")]`",
                f.name
            ),
        );
    }
    match (&f.buckets, kind) {
        (Some((b, span)), MetricKind::Histogram) => check_buckets(&f.name, b, *span, errors),
        (Some((_, span)), _) => errors.span(*span, format!("`buckets` on `{}`, which is not a histogram [OBS403]", f.name)),
        (None, MetricKind::Histogram) => errors.span(
            f.name_span,
            format!("histogram `{}` declares no buckets [OBS403]\n  = help: add `#[metric(buckets = [0.05, 0.1, 0.25, 0.5, 1.0])]`", f.name),
        ),
        (None, _) => {}
    }
    match (&f.attr_labels, &f.label_ty) {
        (Some(attr), Some(ty)) => {
            checks.extend(quote_spanned! {attr.span()=>
                const _: () = ::obspec::__private::assert_same_labels::<#ty, #attr>();
            });
        }
        (Some(attr), None) => errors.at(
            attr,
            "`labels = ...` needs a labelled field: declare the field as `obspec::Dense<Metric, Labels>`",
        ),
        _ => {}
    }
}
