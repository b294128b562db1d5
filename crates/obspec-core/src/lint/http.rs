//! The `http:` section: route templates the tower layer can match and
//! methods it can name.

use crate::lint::examples::spec;
use obspec_spec::catalog::Rule;
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::{Service, HTTP_OTHER_METHOD};

pub const CODE_HTTP: &str = "OBS210";

/// One segment of a route template, as the tower layer reads it.
#[derive(Debug, PartialEq, Eq)]
enum Seg<'a> {
    Static(&'a str),
    Param(&'a str),
    CatchAll(&'a str),
}

/// Parses a template (`/a/{id}/{*rest}`, or axum 0.7's `/a/:id/*rest`), or
/// says what is wrong with it.
fn parse(t: &str) -> Result<Vec<Seg<'_>>, String> {
    let Some(rest) = t.strip_prefix('/') else {
        return Err("a route template starts with `/`".into());
    };
    if let Some(c) = t
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '?' | '#'))
    {
        return Err(format!(
            "a route template is a path: `{}` has no place in it",
            c.escape_default()
        ));
    }
    let segs: Vec<&str> = rest.split('/').collect();
    let mut out = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let seg = if let Some(name) = s.strip_prefix("{*").and_then(|s| s.strip_suffix('}')) {
            Seg::CatchAll(name)
        } else if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Seg::Param(name)
        } else if let Some(name) = s.strip_prefix('*') {
            Seg::CatchAll(name)
        } else if let Some(name) = s.strip_prefix(':') {
            Seg::Param(name)
        } else if s.contains(['{', '}']) {
            return Err(format!(
                "`{s}`: a parameter is a whole segment, `{{name}}` or `{{*name}}`"
            ));
        } else {
            Seg::Static(s)
        };
        match seg {
            Seg::Param(n) | Seg::CatchAll(n)
                if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                return Err(format!(
                    "`{s}`: a parameter name is letters, digits and `_`"
                ));
            }
            Seg::CatchAll(_) if i + 1 != segs.len() => {
                return Err(format!("`{s}`: a catch-all is the last segment"));
            }
            Seg::Static("") if i + 1 != segs.len() => {
                return Err("an empty segment (`//`) matches no request axum routes".into());
            }
            _ => {}
        }
        out.push(seg);
    }
    let mut names: Vec<&str> = Vec::new();
    for s in &out {
        if let Seg::Param(n) | Seg::CatchAll(n) = s {
            if names.contains(n) {
                return Err(format!("parameter `{n}` is named twice"));
            }
            names.push(n);
        }
    }
    Ok(out)
}

/// The shape of a template, parameters' names left out: two templates of
/// one shape match the same requests.
fn shape(segs: &[Seg<'_>]) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Static(s) => format!("/{s}"),
            Seg::Param(_) => "/{}".to_string(),
            Seg::CatchAll(_) => "/{*}".to_string(),
        })
        .collect()
}

pub fn check_service(svc: &Service, diags: &mut Diagnostics) {
    let Some(http) = &svc.http else { return };
    let mut shapes: Vec<(String, &str)> = Vec::new();
    for r in &http.routes {
        match parse(&r.value) {
            Err(why) => diags.push(
                Diagnostic::error(
                    CODE_HTTP,
                    r.span,
                    format!("route `{}` cannot be matched: {why}", r.value),
                )
                .help("write the template as the router declares it, e.g. `/payments/{id}`"),
            ),
            Ok(segs) => {
                let sh = shape(&segs);
                if let Some((_, other)) = shapes.iter().find(|(s, o)| *s == sh && *o != r.value) {
                    diags.push(
                        Diagnostic::error(
                            CODE_HTTP,
                            r.span,
                            format!("route `{}` matches the same requests as `{other}`", r.value),
                        )
                        .help("a router refuses both; keep one"),
                    );
                }
                shapes.push((sh, &r.value));
            }
        }
    }
    for m in http.methods.iter().flatten() {
        let token = !m.is_empty()
            && m.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        let why = if m.value == HTTP_OTHER_METHOD {
            Some(format!(
                "`{HTTP_OTHER_METHOD}` is the value of every method not listed"
            ))
        } else if !token {
            Some("a method is an upper-case token such as `GET`, as requests send it".into())
        } else {
            None
        };
        if let Some(why) = why {
            diags.push(
                Diagnostic::error(CODE_HTTP, m.span, format!("method `{}`: {why}", m.value))
                    .help("list the methods the service answers, e.g. `[GET, POST]`"),
            );
        }
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
    Rule {
        code: "OBS210",
        title: "HTTP route or method that cannot be recorded",
        severity: "error",
        explanation: "`http:` lists the route templates of a service as its router declares them (`/payments/{id}`, `/files/{*path}`, or axum 0.7's `:id` and `*path`) and, optionally, the methods to name. The tower layer of `obspec::http` matches each request's path against the templates and records the template, never the raw path, so the `route` label stays in its closed domain. A template must start with `/`, hold each parameter as a whole segment with a name of letters, digits and `_`, name each parameter once, and put a catch-all last; two templates that match the same requests (`/a/{id}` and `/a/{key}`) are refused, as a router refuses them. A method is an upper-case token; `OTHER` is reserved for the methods not listed.",
        bad: &[("shop.yaml", spec!(
            "http:"
            "  routes: [/orders, \"/orders/{id}.json\"] # <- OBS210"
        ))],
        good: &[("shop.yaml", spec!(
            "http:"
            "  routes: [/orders, \"/orders/{id}\", \"/files/{*path}\"]"
            "  methods: [GET, POST]"
        ))],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert!(parse("/").is_ok());
        assert!(parse("/payments/{id}/refunds").is_ok());
        assert!(parse("/files/{*path}").is_ok());
        assert!(parse("/items/:id/*rest").is_ok());
        for (t, why) in [
            ("payments", "starts with `/`"),
            ("/a/{id}.json", "whole segment"),
            ("/a/{*rest}/b", "last segment"),
            ("/a/{}", "parameter name"),
            ("/a/{id}/{id}", "named twice"),
            ("/a//b", "empty segment"),
            ("/a?b=1", "has no place"),
        ] {
            let e = parse(t).unwrap_err();
            assert!(e.contains(why), "{t}: {e}");
        }
        assert_eq!(
            shape(&parse("/a/{id}").unwrap()),
            shape(&parse("/a/:other").unwrap())
        );
    }
}
