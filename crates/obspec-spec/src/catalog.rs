//! A catalog entry: what a finding's code means, with an example that
//! breaks the rule beside one that keeps it. Each module that reports codes
//! lists its entries beside them (`CATALOG`); `obspec_core::catalog`
//! assembles them for `obspec explain` and docs/lints.md, and runs every
//! example as a test.
//!
//! In a failing example, the line the finding points at ends with `# <- OBSxxx`.

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub title: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    pub explanation: &'static str,
    /// Files `(name, text)` that break the rule.
    pub bad: &'static [(&'static str, &'static str)],
    /// The same files with the rule kept.
    pub good: &'static [(&'static str, &'static str)],
}

/// The head of the examples' service spec.
pub(crate) const HEAD: &str = "obspec: 1\nservice: shop\nnamespace: shop\n";

/// An example service spec: [`HEAD`] and the given lines.
macro_rules! spec {
    ($($line:literal)*) => { concat!("obspec: 1\nservice: shop\nnamespace: shop\n", $($line, "\n"),*) };
}
pub(crate) use spec;
