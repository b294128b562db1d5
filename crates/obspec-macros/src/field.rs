//! What the derive reads off one `#[metric]` field, shared by the derive
//! (`metrics`) and the checks against a spec (`spec_check`).

use obspec_rules::MetricKind;
use proc_macro2::Span;
use syn::Type;

/// What one field declares.
pub struct Field {
    pub ident: syn::Ident,
    pub name: String,
    pub name_span: Span,
    pub ty: Type,
    pub kind: Option<MetricKind>,
    /// `L` of `Dense<M, L>`.
    pub label_ty: Option<Type>,
    pub attr_labels: Option<Type>,
    pub help: Option<String>,
    pub unit: Option<(String, Span)>,
    pub buckets: Option<(Vec<f64>, Span)>,
}
