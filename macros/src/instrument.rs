//! `#[obspec::instrument(spec = "...")]` on a function: calls by outcome,
//! latency and (if the spec declares it) calls in flight, recorded into the
//! function metrics of the spec's `functions:` section, checked at compile
//! time: the metrics exist with the right types and labels, and the
//! function's name is in the `function` label's domain.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::errors::Errors;
use crate::spec_check::{self, SpecService};
use obspec_spec::model::MetricType;

#[derive(Default)]
struct Args {
    spec: Option<LitStr>,
    name: Option<LitStr>,
    calls: Option<LitStr>,
    duration: Option<LitStr>,
    in_flight: Option<LitStr>,
}

fn parse_args(attr: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr) {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            return args;
        }
    };
    for meta in metas {
        let Meta::NameValue(nv) = &meta else {
            errors.at(
                &meta,
                "expected `key = \"value\"` (spec, name, calls, duration, in_flight)",
            );
            continue;
        };
        let key = nv
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) = &nv.value
        else {
            errors.at(&nv.value, format!("`{key}` takes a string literal"));
            continue;
        };
        let slot = match key.as_str() {
            "spec" => &mut args.spec,
            "name" => &mut args.name,
            "calls" => &mut args.calls,
            "duration" => &mut args.duration,
            "in_flight" => &mut args.in_flight,
            _ => {
                errors.at(&nv.path, format!("unknown argument `{key}`: expected spec, name, calls, duration or in_flight"));
                continue;
            }
        };
        if slot.is_some() {
            errors.at(&nv.path, format!("`{key}` given twice"));
        }
        *slot = Some(s.clone());
    }
    args
}

/// The metric `name` of the spec, checked to be a `kind` with `labels`.
fn metric<'s>(
    svc: &'s SpecService,
    name: &str,
    kind: MetricType,
    labels: &[&str],
    at: &dyn quote::ToTokens,
    errors: &mut Errors,
) -> Option<&'s spec_check::SpecMetric> {
    let kind_name = |k: MetricType| match k {
        MetricType::Counter => "counter",
        MetricType::Gauge => "gauge",
        MetricType::Histogram => "histogram",
        MetricType::Info => "info",
    };
    let Some(m) = svc.metrics.iter().find(|m| m.name == name) else {
        errors.at(at, format!("service `{}` declares no metric `{name}`: declare `functions:` in its spec, or name a metric it declares", svc.name));
        return None;
    };
    if m.kind != kind {
        errors.at(
            at,
            format!(
                "`{name}` ({}) is a {}; `#[obspec::instrument]` records into a {} here",
                m.at,
                kind_name(m.kind),
                kind_name(kind)
            ),
        );
        return None;
    }
    if m.labels
        .iter()
        .map(String::as_str)
        .ne(labels.iter().copied())
    {
        errors.at(
            at,
            format!(
                "`{name}` ({}) has the labels [{}]; `#[obspec::instrument]` needs [{}]",
                m.at,
                m.labels.join(", "),
                labels.join(", ")
            ),
        );
        return None;
    }
    Some(m)
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_args(attr, &mut errors);
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let e = syn::Error::new_spanned(&item, "`#[obspec::instrument]` goes on a function with a body (a free function, a method, or an `async fn`, also in a trait)")
                .to_compile_error();
            return quote! { #e #item };
        }
    };
    let sig = &func.sig;
    if let Some(c) = &sig.constness {
        errors.at(c, "`#[obspec::instrument]` cannot record a `const fn`: it runs at compile time, without clocks or metrics");
    }
    let Some(spec) = &args.spec else {
        errors.span(proc_macro2::Span::call_site(), "`#[obspec::instrument]` needs `spec = \"path/to/service.yaml\"` (relative to the crate's Cargo.toml)");
        let e = errors.into_compile_errors();
        return quote! { #e #func };
    };
    let Some(svc) = spec_check::load(spec, &sig.ident, &mut errors) else {
        let e = errors.into_compile_errors();
        return quote! { #e #func };
    };
    let function = args
        .name
        .as_ref()
        .map_or_else(|| sig.ident.to_string(), LitStr::value);
    let name_at: &dyn quote::ToTokens = match &args.name {
        Some(n) => n,
        None => &sig.ident,
    };
    match &svc.functions {
        None if args.calls.is_none() => errors.at(spec, format!("service `{}` declares no `functions:` (the names instrumented functions may record) and no `calls = \"...\"` is given", svc.name)),
        Some((names, at)) if !names.contains(&function) => errors.at(
            name_at,
            format!("function `{function}` is not in the `function` domain of service `{}` ({at}): {}; add it there, or pass `name = \"...\"`", svc.name, names.join(", ")),
        ),
        _ => {}
    }
    if svc.functions.is_none() && args.calls.is_none() {
        // Nothing more to check against: one error, not one per metric.
        let e = errors.into_compile_errors();
        return quote! { #e #func };
    }
    let [calls_default, duration_default, in_flight_default] =
        obspec_spec::model::function_metric_names(&svc.namespace);
    let calls_name = args.calls.as_ref().map_or(calls_default, LitStr::value);
    let duration_name = args
        .duration
        .as_ref()
        .map_or(duration_default, LitStr::value);
    let calls_at: &dyn quote::ToTokens = args
        .calls
        .as_ref()
        .map_or(spec as &dyn quote::ToTokens, |c| c);
    let duration_at: &dyn quote::ToTokens = args
        .duration
        .as_ref()
        .map_or(spec as &dyn quote::ToTokens, |c| c);
    metric(
        &svc,
        &calls_name,
        MetricType::Counter,
        &["function", "outcome"],
        calls_at,
        &mut errors,
    );
    let duration = metric(
        &svc,
        &duration_name,
        MetricType::Histogram,
        &["function"],
        duration_at,
        &mut errors,
    );
    let in_flight_name = match &args.in_flight {
        Some(n) => {
            metric(
                &svc,
                &n.value(),
                MetricType::Gauge,
                &["function"],
                n,
                &mut errors,
            );
            Some(n.value())
        }
        None => svc
            .metrics
            .iter()
            .any(|m| m.name == in_flight_default)
            .then(|| in_flight_default.clone()),
    };
    if let Some(name) = &in_flight_name {
        if args.in_flight.is_none() {
            metric(
                &svc,
                name,
                MetricType::Gauge,
                &["function"],
                spec,
                &mut errors,
            );
        }
    }
    if !errors.is_empty() {
        let e = errors.into_compile_errors();
        return quote! { #e #func };
    }
    let buckets: Vec<f64> = duration.map(|d| d.buckets.clone()).unwrap_or_default();
    let service = &svc.name;
    let in_flight = match &in_flight_name {
        Some(n) => quote! { ::core::option::Option::Some(#n) },
        None => quote! { ::core::option::Option::None },
    };
    let const_k: Vec<&String> = svc.const_labels.iter().map(|(k, _)| k).collect();
    let const_v: Vec<&String> = svc.const_labels.iter().map(|(_, v)| v).collect();
    let domain: Vec<String> = svc
        .functions
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| vec![function.clone()]);
    let tracking = svc.tracking();
    let syn::ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = &func;
    let span = sig.ident.span();
    let ret = match &sig.output {
        syn::ReturnType::Default => quote! { () },
        syn::ReturnType::Type(_, t) => {
            if matches!(**t, syn::Type::ImplTrait(_)) {
                quote! { _ }
            } else {
                quote! { #t }
            }
        }
    };
    let call = if sig.asyncness.is_some() {
        quote_spanned! {span=> async move #block.await }
    } else {
        quote_spanned! {span=> (move || #block)() }
    };
    quote_spanned! {span=>
        #(#attrs)*
        #vis #sig {
            #tracking
            static __OBSPEC_SPEC: ::obspec::instrument::Spec = ::obspec::instrument::Spec {
                service: #service,
                calls: #calls_name,
                duration: #duration_name,
                in_flight: #in_flight,
                buckets: &[#(#buckets),*],
                const_labels: &[#((#const_k, #const_v)),*],
                functions: &[#(#domain),*],
            };
            static __OBSPEC_SITE: ::obspec::instrument::Site = ::obspec::instrument::Site::new(&__OBSPEC_SPEC, #function);
            let __obspec_guard = __OBSPEC_SITE.enter();
            #[allow(clippy::redundant_closure_call)]
            let __obspec_result: #ret = #call;
            {
                #[allow(unused_imports)]
                use ::obspec::instrument::{IsError as _, IsOk as _};
                __obspec_guard.finish((&::obspec::instrument::Probe(&__obspec_result)).is_error());
            }
            __obspec_result
        }
    }
}
