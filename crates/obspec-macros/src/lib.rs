//! Derive macros of obspec, re-exported by the `obspec` crate. Each entry point
//! parses, calls the implementation module, and turns collected errors into
//! `compile_error!`s at their spans, followed by stub impls so that one
//! mistake does not cascade into errors at every use site.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod errors;
mod field;
mod instrument;
mod label_set;
mod label_value;
mod metrics;
mod spec_check;

/// `#[derive(LabelValue)]` on a unit enum: a closed label domain.
///
/// Each variant's value is its name in snake_case, or `#[label(rename = "...")]`.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    label_value::expand(parse_macro_input!(input as DeriveInput)).into()
}

/// `#[derive(LabelSet)]` on a struct whose fields are label values: the
/// labels of a metric. The label name is the field name, or
/// `#[label(name = "...")]`; names are checked like `obspec lint` does.
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(input: TokenStream) -> TokenStream {
    label_set::expand(parse_macro_input!(input as DeriveInput)).into()
}

/// `#[derive(Metrics)]` on a struct of metrics: generates `register`.
///
/// Struct attributes: `#[metrics(namespace = "payment", spec = "specs/payment-gateway.yaml",
/// const_labels(sla_tier = "P0"))]`. Field attributes:
/// `#[metric(help = "...", unit = "seconds", buckets = [0.1, 1.0], labels = MyLabels, name = "...")]`.
#[proc_macro_derive(Metrics, attributes(metrics, metric))]
pub fn derive_metrics(input: TokenStream) -> TokenStream {
    metrics::expand(parse_macro_input!(input as DeriveInput)).into()
}

/// `#[obspec::instrument(spec = "specs/shop.yaml")]` on a function (free,
/// method, `async fn`, also in traits): records calls by outcome (`ok`, or
/// `error` for an `Err` and a panic), latency and, if the spec declares it,
/// calls in flight, into the function metrics of the spec's `functions:`
/// section. The function's name (or `name = "..."`) must be in the
/// `function` label's domain; `calls`, `duration` and `in_flight` name other
/// metrics of the spec, checked for type and labels.
#[proc_macro_attribute]
pub fn instrument(attr: TokenStream, item: TokenStream) -> TokenStream {
    instrument::expand(attr.into(), item.into()).into()
}
