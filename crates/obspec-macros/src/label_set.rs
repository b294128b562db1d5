//! `#[derive(LabelSet)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::errors::{violation, Errors};

pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "`LabelSet` cannot be derived for a generic struct",
        );
    }
    let mut fields = Vec::new();
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                for f in &named.named {
                    let field = f.ident.clone().expect("named");
                    let mut name = field.to_string();
                    let mut name_span = field.span();
                    for attr in f.attrs.iter().filter(|a| a.path().is_ident("label")) {
                        let r = attr.parse_nested_meta(|meta| {
                            if meta.path.is_ident("name") {
                                let lit: LitStr = meta.value()?.parse()?;
                                name = lit.value();
                                name_span = lit.span();
                                Ok(())
                            } else {
                                Err(meta
                                    .error("unknown `label` attribute; expected `name = \"...\"`"))
                            }
                        });
                        if let Err(e) = r {
                            errors.push(e);
                        }
                    }
                    for v in obspec_rules::check_label_name(&name) {
                        errors.span(name_span, violation(&v));
                    }
                    if obspec_rules::DEFAULT_FORBIDDEN_LABELS.contains(&name.as_str()) {
                        errors.span(
                            name_span,
                            format!(
                                "label `{name}` is forbidden: it takes a new value per user or request and explodes the series count [OBS205]\n  = help: put it in logs or trace attributes, not on metrics"
                            ),
                        );
                    }
                    fields.push((field, name, f.ty.clone()));
                }
            }
            _ => errors.at(
                ident,
                "`LabelSet` is derived for structs with named fields: one field per label",
            ),
        },
        _ => errors.at(
            ident,
            "`LabelSet` is derived for structs with named fields: one field per label",
        ),
    }
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! {
            #errs
            impl ::obspec::LabelSet for #ident {
                const COUNT: usize = 1;
                fn index(self) -> usize { 0 }
                fn values_at(_: usize) -> ::std::vec::Vec<&'static str> { ::std::vec::Vec::new() }
            }
            impl ::obspec::LabelNames for #ident {
                const NAMES: &'static [&'static str] = &[];
            }
        };
    }
    let names: Vec<_> = fields.iter().map(|(_, n, _)| n).collect();
    let idents: Vec<_> = fields.iter().map(|(i, _, _)| i).collect();
    let tys: Vec<_> = fields.iter().map(|(_, _, t)| t).collect();
    quote! {
        #[automatically_derived]
        impl ::obspec::LabelSet for #ident {
            const COUNT: usize = 1 #(* <#tys as ::obspec::LabelValue>::COUNT)*;
            #[inline]
            fn index(self) -> usize {
                let mut i = 0usize;
                #( i = i * <#tys as ::obspec::LabelValue>::COUNT + ::obspec::LabelValue::index(self.#idents); )*
                i
            }
            fn values_at(index: usize) -> ::std::vec::Vec<&'static str> {
                let mut out = ::std::vec::Vec::new();
                let mut radix = <Self as ::obspec::LabelSet>::COUNT;
                #(
                    radix /= <#tys as ::obspec::LabelValue>::COUNT;
                    out.push(::obspec::LabelValue::as_str(
                        <#tys as ::obspec::LabelValue>::from_index((index / radix) % <#tys as ::obspec::LabelValue>::COUNT),
                    ));
                )*
                out
            }
        }

        #[automatically_derived]
        impl ::obspec::LabelNames for #ident {
            const NAMES: &'static [&'static str] = &[#(#names),*];
        }
    }
}
