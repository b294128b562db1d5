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
    errors: Option<LitStr>,
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
                "expected `key = \"value\"` (spec, name, calls, duration, in_flight, errors)",
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
            "errors" => &mut args.errors,
            _ => {
                errors.at(&nv.path, format!("unknown argument `{key}`: expected spec, name, calls, duration, in_flight or errors"));
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
                m.kind.as_str(),
                kind.as_str()
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

/// How a function delivers its result: the call is recorded around it.
enum Shape {
    /// A plain function: around the body.
    Sync,
    /// `async fn`: around the body, from the first poll.
    Async,
    /// `fn … -> impl Future<Output = T>`: around the returned future, from
    /// its first poll (what the body does before it is not the call).
    ImplFuture,
    /// `fn … -> Pin<Box<dyn Future<Output = T> …>>` (what `#[async_trait]`
    /// writes): the same, boxed again.
    BoxedFuture,
}

fn is_future_bound(b: &syn::TypeParamBound) -> bool {
    matches!(b, syn::TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == "Future"))
}

/// The generic arguments of the last segment of `ty`, when it is named `name`.
fn args_of<'t>(ty: &'t syn::Type, name: &str) -> Option<Vec<&'t syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    Some(
        a.args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

/// The type of the value a call delivers: the return type, or the `Output`
/// of the future it returns.
fn output_type<'s>(sig: &'s syn::Signature, shape: &Shape) -> Option<&'s syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let future_output = |bounds: &'s Punctuated<syn::TypeParamBound, Token![+]>| {
        bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => {
                let last = t.path.segments.last()?;
                let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
                    return None;
                };
                a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::AssocType(at) if at.ident == "Output" => Some(&at.ty),
                    _ => None,
                })
            }
            _ => None,
        })
    };
    match shape {
        Shape::Sync | Shape::Async => Some(ty),
        Shape::ImplFuture => match &**ty {
            syn::Type::ImplTrait(t) => future_output(&t.bounds),
            _ => None,
        },
        Shape::BoxedFuture => {
            let b = args_of(ty, "Pin")?.first().copied()?;
            match args_of(b, "Box")?.first().copied()? {
                syn::Type::TraitObject(o) => future_output(&o.bounds),
                _ => None,
            }
        }
    }
}

/// `E` of `Result<T, E>`.
fn result_error(ty: &syn::Type) -> Option<&syn::Type> {
    let a = args_of(ty, "Result")?;
    (a.len() == 2).then(|| a[1])
}

fn shape(sig: &syn::Signature) -> Shape {
    if sig.asyncness.is_some() {
        return Shape::Async;
    }
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return Shape::Sync;
    };
    match &**ty {
        syn::Type::ImplTrait(t) if t.bounds.iter().any(is_future_bound) => Shape::ImplFuture,
        ty => {
            let boxed_dyn_future = args_of(ty, "Pin")
                .and_then(|a| a.first().copied())
                .and_then(|b| args_of(b, "Box"))
                .and_then(|a| a.first().copied())
                .is_some_and(|d| matches!(d, syn::Type::TraitObject(o) if o.bounds.iter().any(is_future_bound)));
            if boxed_dyn_future {
                Shape::BoxedFuture
            } else {
                Shape::Sync
            }
        }
    }
}

// Long: the checks in the order users read their errors, then one token template.
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
    if svc.functions.is_none() {
        // Metrics named in the attribute: a closed `function` domain must
        // hold the name, as `functions: names:` would.
        if let Some((_, Some(values), at)) =
            svc.label_values.iter().find(|(n, _, _)| n == "function")
        {
            if !values.contains(&function) {
                errors.at(
                    name_at,
                    format!("function `{function}` is not in the domain of the label `function` of service `{}` ({at}): {}; add it there, or pass `name = \"...\"`", svc.name, values.join(", ")),
                );
            }
        }
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
    let in_flight_name = in_flight_metric(&args, &svc, in_flight_default, spec, &mut errors);
    let variants = error_variants(&args, &func, &svc, &mut errors);
    if !errors.is_empty() {
        let e = errors.into_compile_errors();
        return quote! { #e #func };
    }
    let outcomes = &svc.outcomes;
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
    let statics = quote_spanned! {span=>
        #tracking
        static __OBSPEC_SPEC: ::obspec::instrument::Spec = ::obspec::instrument::Spec {
            service: #service,
            calls: #calls_name,
            duration: #duration_name,
            in_flight: #in_flight,
            buckets: &[#(#buckets),*],
            const_labels: &[#((#const_k, #const_v)),*],
            functions: &[#(#domain),*],
            outcomes: &[#(#outcomes),*],
        };
        static __OBSPEC_SITE: ::obspec::instrument::Site = ::obspec::instrument::Site::new(&__OBSPEC_SPEC, #function);
    };
    // Records `__obspec_result` into the guard.
    let finish = finish_tokens(&variants, service, outcomes, span);
    let body = wrapped_body(sig, block, &statics, &finish, span);
    quote_spanned! {span=>
        #(#attrs)*
        #vis #sig {
            #body
        }
    }
}

/// The in-flight gauge: named by `in_flight = "…"`, or the spec's default
/// when the spec declares it.
fn in_flight_metric(
    args: &Args,
    svc: &spec_check::SpecService,
    in_flight_default: String,
    spec: &LitStr,
    errors: &mut Errors,
) -> Option<String> {
    let in_flight_name = match &args.in_flight {
        Some(n) => {
            metric(svc, &n.value(), MetricType::Gauge, &["function"], n, errors);
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
            metric(svc, name, MetricType::Gauge, &["function"], spec, errors);
        }
    }
    in_flight_name
}

/// `errors = "variants"`: the error type whose values are the outcomes.
fn error_variants(
    args: &Args,
    func: &syn::ItemFn,
    svc: &spec_check::SpecService,
    errors: &mut Errors,
) -> Option<syn::Type> {
    match &args.errors {
        Some(e) if e.value() == "variants" => {
            match output_type(&func.sig, &shape(&func.sig)).and_then(result_error) {
                None => {
                    let at: &dyn quote::ToTokens = match &func.sig.output {
                        syn::ReturnType::Type(_, t) => t,
                        syn::ReturnType::Default => &func.sig.ident,
                    };
                    errors.at(at, "`errors = \"variants\"` records the value of the error as the outcome: the function returns `Result<T, E>` (or a future of it) with `E` deriving `LabelValue`");
                    None
                }
                Some(t) => {
                    if svc.outcomes.is_empty() {
                        errors.at(e, format!("service `{}` declares no `outcomes:` under `functions:`: list the values of `{}` there", svc.name, quote!(#t).to_string().replace(' ', "")));
                    }
                    Some(t.clone())
                }
            }
        }
        Some(e) if e.value() == "error" => None,
        Some(e) => {
            errors.at(e, "`errors` is \"variants\" (the error enum's value is the outcome) or \"error\" (every `Err` is `error`, the default)");
            None
        }
        None => None,
    }
}

/// The statement that records `__obspec_result` into the guard.
fn finish_tokens(
    variants: &Option<syn::Type>,
    service: &str,
    outcomes: &[String],
    span: proc_macro2::Span,
) -> TokenStream {
    match variants {
        None => quote_spanned! {span=>
            {
                #[allow(unused_imports)]
                use ::obspec::instrument::{IsError as _, IsOk as _};
                __obspec_guard.finish((&::obspec::instrument::Probe(&__obspec_result)).is_error());
            }
        },
        Some(ty) => {
            let tspan = syn::spanned::Spanned::span(ty);
            let ty_name = quote!(#ty).to_string().replace(' ', "");
            let msg = format!(
            "a value of `{ty_name}` is not in the `outcome` domain of service `{service}` (ok, error, {}): add it under `functions: outcomes:`",
            outcomes.join(", ")
        );
            quote_spanned! {tspan=>
                const _: () = if ::obspec::instrument::first_outside::<#ty>(&["ok", "error", #(#outcomes),*]) != usize::MAX {
                    ::core::panic!(#msg)
                };
                {
                    #[allow(unused_imports)]
                    use ::obspec::instrument::{IsNotVariant as _, IsVariant as _};
                    __obspec_guard.finish_outcome((&::obspec::instrument::Probe(&__obspec_result)).outcome());
                }
            }
        }
    }
}

/// The function's new body: the original one, timed and counted.
fn wrapped_body(
    sig: &syn::Signature,
    block: &syn::Block,
    statics: &TokenStream,
    finish: &TokenStream,
    span: proc_macro2::Span,
) -> TokenStream {
    match shape(sig) {
        Shape::Sync | Shape::Async => {
            let ret = match &sig.output {
                syn::ReturnType::Default => quote! { () },
                syn::ReturnType::Type(_, t) if matches!(**t, syn::Type::ImplTrait(_)) => {
                    quote! { _ }
                }
                syn::ReturnType::Type(_, t) => quote! { #t },
            };
            let call = if sig.asyncness.is_some() {
                quote_spanned! {span=> async move #block.await }
            } else {
                quote_spanned! {span=> (move || #block)() }
            };
            quote_spanned! {span=>
                #statics
                let __obspec_guard = __OBSPEC_SITE.enter();
                #[allow(clippy::redundant_closure_call)]
                let __obspec_result: #ret = #call;
                #finish
                __obspec_result
            }
        }
        shape @ (Shape::ImplFuture | Shape::BoxedFuture) => {
            let wrapped = quote_spanned! {span=>
                async move {
                    let __obspec_guard = __OBSPEC_SITE.enter();
                    let __obspec_result = __obspec_future.await;
                    #finish
                    __obspec_result
                }
            };
            let wrapped = match shape {
                Shape::BoxedFuture => {
                    let syn::ReturnType::Type(_, t) = &sig.output else {
                        unreachable!("a boxed future is returned")
                    };
                    quote_spanned! {span=> { let __obspec_boxed: #t = ::std::boxed::Box::pin(#wrapped); __obspec_boxed } }
                }
                _ => wrapped,
            };
            quote_spanned! {span=>
                #statics
                #[allow(clippy::redundant_closure_call)]
                let __obspec_future = (move || #block)();
                #wrapped
            }
        }
    }
}
