//! Format helpers, the bottom layer: how names, strings and numbers are
//! written in the languages obspec emits (Rust identifiers, YAML, PromQL and
//! RE2 literals, HCL, Markdown, Go templates, exact decimals). Pure
//! functions over strings and numbers; nothing here knows the spec model.

pub mod case;
pub mod decimal;
pub mod escape;
pub mod gotmpl;
pub mod rust;
