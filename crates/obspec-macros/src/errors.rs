//! Collecting every error of an expansion, as serde_derive's `Ctxt` does.

use proc_macro2::TokenStream;
use quote::ToTokens;

#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn at<T: ToTokens>(&mut self, tokens: T, msg: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    pub fn span(&mut self, span: proc_macro2::Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn into_compile_errors(self) -> TokenStream {
        self.0.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}

/// A rule violation from obspec-rules, as one error message: the rule's
/// message, its help, and its code for `obspec explain`.
pub fn violation(v: &obspec_rules::Violation) -> String {
    format!("{} [{}]\n  = help: {}", v.message, v.code, v.help)
}
