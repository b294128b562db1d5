//! The `kubernetes` target's settings, checked as the API server checks
//! object metadata: names are DNS names, label and annotation keys are
//! qualified names, label values are short and plain.

use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{Spanned, Specs};

pub const CODE_KUBERNETES: &str = "OBS907";

fn alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && alnum(b[0])
        && alnum(b[b.len() - 1])
        && b.iter().all(|&c| alnum(c) || c == b'-')
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// The name part of a qualified name and a label value:
/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    let edge = |c: u8| c.is_ascii_alphanumeric();
    !b.is_empty()
        && b.len() <= 63
        && edge(b[0])
        && edge(b[b.len() - 1])
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name.
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_name_part(name),
        None => is_name_part(s),
    }
}

/// A label value: empty, or a name part.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_name_part(s)
}

pub fn check(specs: &Specs, diags: &mut Diagnostics) {
    let k = &specs.project.kubernetes;
    let mut bad = |span, msg: String, help: &str| {
        diags.push(Diagnostic::error(CODE_KUBERNETES, span, msg).help(help.to_string()));
    };
    if let Some(ns) = &k.namespace {
        if !is_dns_label(ns) {
            bad(ns.span, format!("`kubernetes.namespace: {}` is not a Kubernetes namespace name", ns.value.escape_debug()), "namespaces are DNS labels: lower-case letters, digits and `-`, at most 63 characters");
        }
    }
    // `metadata.name` is prefix + service + suffix: check the parts with the
    // longest service of the specs.
    let service = specs
        .services
        .iter()
        .map(|s| s.service.value.as_str())
        .max_by_key(|s| s.len())
        .unwrap_or("svc");
    let part =
        |p: &Option<Spanned<String>>| p.as_ref().map_or("", |x| x.value.as_str()).to_string();
    let suffix = k
        .name_suffix
        .as_ref()
        .map_or("-rules".to_string(), |x| x.value.clone());
    let name = format!("{}{service}{suffix}", part(&k.name_prefix));
    if !is_dns_subdomain(&name) {
        let span = k
            .name_prefix
            .as_ref()
            .or(k.name_suffix.as_ref())
            .map(|x| x.span);
        if let Some(span) = span {
            bad(span, format!("the manifest name `{}` is not a Kubernetes object name", name.escape_debug()), "`name_prefix` + service + `name_suffix` is a DNS subdomain: lower-case letters, digits, `-` and `.`, at most 253 characters");
        }
    }
    for (key, v) in k.labels.iter() {
        if !is_qualified_name(key) {
            bad(key.span, format!("`{}` is not a Kubernetes label key", key.value.escape_debug()), "a key is an optional DNS prefix and `/`, then letters, digits, `-`, `_` and `.` (at most 63), starting and ending with a letter or digit");
        }
        if !is_label_value(v) {
            bad(v.span, format!("`{}` is not a Kubernetes label value", v.value.escape_debug()), "a label value has at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit");
        }
    }
    for (key, _) in k.annotations.iter() {
        if !is_qualified_name(key) {
            bad(key.span, format!("`{}` is not a Kubernetes annotation key", key.value.escape_debug()), "a key is an optional DNS prefix and `/`, then letters, digits, `-`, `_` and `.` (at most 63), starting and ending with a letter or digit");
        }
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS907",
        title: "invalid Kubernetes metadata",
        severity: "error",
        explanation: "The `kubernetes` settings become object metadata, which the API server validates: `namespace` is a DNS label, `name_prefix` + service + `name_suffix` a DNS subdomain, label and annotation keys qualified names (an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_`, `.`), label values at most 63 such characters. `kubectl apply` would refuse the manifest.",
        bad: &[("obspec.yaml", "obspec: 1\nkubernetes:\n  namespace: monitoring\n  labels:\n    release: kube prometheus # <- OBS907\n")],
        good: &[("obspec.yaml", "obspec: 1\nkubernetes:\n  namespace: monitoring\n  labels:\n    release: kube-prometheus\n")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns_label("monitoring"));
        assert!(!is_dns_label("Monitoring"));
        assert!(!is_dns_label("-x"));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(is_dns_subdomain("shop-rules"));
        assert!(is_qualified_name("app.kubernetes.io/name"));
        assert!(is_qualified_name("release"));
        assert!(!is_qualified_name("a b"));
        assert!(!is_qualified_name("Example.com/x"));
        assert!(is_label_value(""));
        assert!(is_label_value("kube-prometheus-stack"));
        assert!(!is_label_value("has space"));
    }
}
