//! `#[derive(LabelValue)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::errors::Errors;

/// `BankTransfer` → `bank_transfer`, `HTTPError` → `http_error`.
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(|n| n.is_lowercase()));
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

// Long: the variants read, then one token template of the generated impls.
pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "`LabelValue` cannot be derived for a generic enum",
        );
    }
    let mut values: Vec<(syn::Ident, String)> = Vec::new();
    match &input.data {
        Data::Enum(e) => {
            if e.variants.is_empty() {
                errors.at(
                    ident,
                    "`LabelValue` needs at least one variant: a label domain is never empty",
                );
            }
            for v in &e.variants {
                if !matches!(v.fields, Fields::Unit) {
                    errors.at(
                        &v.fields,
                        "label values are unit variants: a closed domain has no data",
                    );
                    continue;
                }
                let mut value = snake_case(&v.ident.to_string());
                for attr in v.attrs.iter().filter(|a| a.path().is_ident("label")) {
                    let r = attr.parse_nested_meta(|meta| {
                        if meta.path.is_ident("rename") {
                            let lit: LitStr = meta.value()?.parse()?;
                            value = lit.value();
                            Ok(())
                        } else {
                            Err(meta
                                .error("unknown `label` attribute; expected `rename = \"...\"`"))
                        }
                    });
                    if let Err(e) = r {
                        errors.push(e);
                    }
                }
                if let Some((first, _)) = values.iter().find(|(_, val)| *val == value) {
                    errors.at(
                        &v.ident,
                        format!("label value `{value}` is already the value of `{first}`: values of a domain are distinct"),
                    );
                }
                values.push((v.ident.clone(), value));
            }
        }
        _ => errors.at(
            ident,
            "`LabelValue` is derived for unit enums: one variant per label value",
        ),
    }
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        // A stub keeps uses of the type from failing too.
        return quote! {
            #errs
            impl ::obspec::LabelValue for #ident {
                const COUNT: usize = 1;
                fn index(self) -> usize { 0 }
                fn from_index(_: usize) -> Self { ::core::unreachable!() }
                fn as_str(self) -> &'static str { "" }
            }
        };
    }
    let count = values.len();
    let idents: Vec<_> = values.iter().map(|(i, _)| i).collect();
    let strs: Vec<_> = values.iter().map(|(_, v)| v).collect();
    let indices = 0..count;
    let label = snake_case(&ident.to_string());
    quote! {
        #[automatically_derived]
        impl #ident {
            /// Every value, in declaration order.
            pub const ALL: [#ident; #count] = [#(#ident::#idents),*];

            /// The label value as exported.
            pub const fn as_str(self) -> &'static str {
                match self { #(#ident::#idents => #strs,)* }
            }
        }

        #[automatically_derived]
        impl ::obspec::LabelValue for #ident {
            const COUNT: usize = #count;
            const VALUES: &'static [&'static str] = &[#(#strs),*];
            #[inline]
            fn index(self) -> usize {
                match self { #(#ident::#idents => #indices,)* }
            }
            fn from_index(index: usize) -> Self {
                Self::ALL[index]
            }
            #[inline]
            fn as_str(self) -> &'static str {
                #ident::as_str(self)
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#ident::as_str(*self))
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = ::obspec::UnknownLabelValue;
            fn from_str(s: &str) -> ::core::result::Result<Self, ::obspec::UnknownLabelValue> {
                match s {
                    #(#strs => ::core::result::Result::Ok(#ident::#idents),)*
                    _ => ::core::result::Result::Err(::obspec::UnknownLabelValue { label: #label, value: ::std::string::ToString::to_string(s) }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake() {
        assert_eq!(super::snake_case("BankTransfer"), "bank_transfer");
        assert_eq!(super::snake_case("HTTPError"), "http_error");
        assert_eq!(super::snake_case("Cn"), "cn");
        assert_eq!(super::snake_case("V2"), "v2");
    }
}
