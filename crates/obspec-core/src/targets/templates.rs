//! The template engine: minijinja with obspec's templates embedded, overridable
//! file by file from a directory (`--templates DIR`), and escaping filters for
//! each output format.
//!
//! `.md` templates auto-escape every value for Markdown; other formats use
//! explicit filters (`yaml`, `json`...), documented in docs/templates.md.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

/// The embedded templates: `(name, text)`, names relative to `templates/`.
pub static EMBEDDED: &[(&str, &str)] = &[
    (
        "alertmanager/alertmanager.yml.j2",
        include_str!("../../templates/alertmanager/alertmanager.yml.j2"),
    ),
    (
        "alertmanager/route-tests.yml.j2",
        include_str!("../../templates/alertmanager/route-tests.yml.j2"),
    ),
    (
        "docs/index.md.j2",
        include_str!("../../templates/docs/index.md.j2"),
    ),
    (
        "docs/service.md.j2",
        include_str!("../../templates/docs/service.md.j2"),
    ),
    (
        "grafana/dashboard.json.j2",
        include_str!("../../templates/grafana/dashboard.json.j2"),
    ),
    (
        "otel-collector/collector.yml.j2",
        include_str!("../../templates/otel-collector/collector.yml.j2"),
    ),
    (
        "prometheus/macros.j2",
        include_str!("../../templates/prometheus/macros.j2"),
    ),
    (
        "prometheus/rules.yml.j2",
        include_str!("../../templates/prometheus/rules.yml.j2"),
    ),
    (
        "prometheus/tests.yml.j2",
        include_str!("../../templates/prometheus/tests.yml.j2"),
    ),
    (
        "kubernetes/prometheusrule.yml.j2",
        include_str!("../../templates/kubernetes/prometheusrule.yml.j2"),
    ),
    (
        "terraform/main.tf.j2",
        include_str!("../../templates/terraform/main.tf.j2"),
    ),
    (
        "logs/schema.json.j2",
        include_str!("../../templates/logs/schema.json.j2"),
    ),
    (
        "logs/events.rs.j2",
        include_str!("../../templates/logs/events.rs.j2"),
    ),
    (
        "logs/loki.rules.yml.j2",
        include_str!("../../templates/logs/loki.rules.yml.j2"),
    ),
    (
        "rust/service.rs.j2",
        include_str!("../../templates/rust/service.rs.j2"),
    ),
];

/// Whether `tpl` is the embedded template of its name, not an override:
/// targets whose embedded template only places precomputed text skip
/// running it.
pub fn is_embedded(tpl: &minijinja::Template<'_, '_>) -> bool {
    EMBEDDED
        .iter()
        .any(|(n, t)| *n == tpl.name() && *t == tpl.source())
}

/// The largest template file read from an overrides directory.
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// An override template's text: `None` when the directory has none. Only a
/// regular file inside `dir` (itself, or through links that stay inside),
/// of at most [`MAX_TEMPLATE_BYTES`], is read; the error never holds any of
/// the file's content.
fn read_override(dir: &Path, p: &Path) -> Result<Option<String>, String> {
    use std::io::Read;
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.is_file() {
        return Err("not a regular file (a FIFO, socket or device)".into());
    }
    let real = std::fs::canonicalize(p).map_err(|e| e.to_string())?;
    let root = std::fs::canonicalize(dir).map_err(|e| e.to_string())?;
    if !real.starts_with(&root) {
        return Err("a link to a file outside the templates directory".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_TEMPLATE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(format!("larger than {MAX_TEMPLATE_BYTES} bytes"));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "not valid UTF-8".into())
}

/// Instructions one render may run. The bundled templates need under 2
/// million for the docs of a service of 10,000 metrics (the largest render),
/// a twenty-fifth of it; an override looping without end (`range(100000)`
/// inside `range(100000)`) stops with an error in about a second.
pub const FUEL: u64 = 50_000_000;

/// Bytes one rendered file may hold (64 MiB): an override that writes
/// without bound stops with an error before the disk fills.
pub const MAX_OUTPUT: usize = 64 << 20;

/// Renders `tpl` with `ctx` within [`FUEL`] and [`MAX_OUTPUT`], with an
/// error that names the template and the limit.
pub fn render(tpl: &minijinja::Template<'_, '_>, ctx: Value) -> Result<String, Error> {
    struct Bounded {
        out: Vec<u8>,
        over: bool,
    }
    impl std::io::Write for Bounded {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.out.len() + b.len() > MAX_OUTPUT {
                self.over = true;
                return Err(std::io::Error::other("output limit"));
            }
            self.out.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Bounded {
        out: Vec::new(),
        over: false,
    };
    let limit = |what: String| Error::new(ErrorKind::InvalidOperation, what);
    match tpl.render_captured_to(ctx, &mut w).map(drop) {
        Ok(_) => String::from_utf8(w.out).map_err(|_| limit("the output is not UTF-8".into())),
        Err(_) if w.over => Err(limit(format!(
            "template `{}` writes more than {MAX_OUTPUT} bytes, the limit of one generated file",
            tpl.name()
        ))),
        Err(e) if e.kind() == ErrorKind::OutOfFuel => Err(limit(format!(
            "template `{}` runs more than {FUEL} instructions (a loop without end?), the limit of one render",
            tpl.name()
        ))),
        Err(e) => Err(e),
    }
}

/// Builds the environment. With `overrides`, a template file of the same name
/// in that directory replaces the embedded one.
pub fn environment(overrides: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    let dir: Option<PathBuf> = overrides.map(Path::to_path_buf);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            // Template names are relative paths without `..`.
            if !name.split('/').any(|c| c == ".." || c.is_empty()) {
                let p = dir.join(name);
                match read_override(dir, &p) {
                    Ok(Some(text)) => return Ok(Some(text)),
                    Ok(None) => {}
                    Err(why) => {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("cannot read template {}: {why}", p.display()),
                        ))
                    }
                }
            }
        }
        Ok(EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string()))
    });
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| {
        let stem = name.strip_suffix(".j2").unwrap_or(name);
        if stem.ends_with(".md") {
            AutoEscape::Custom("markdown".into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(n) if n == "markdown")
            && !value.is_safe()
        {
            let text = if value.is_none() || value.is_undefined() {
                String::new()
            } else {
                value.to_string()
            };
            out.write_str(&md_escape(&text)).map_err(Error::from)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_filter("md", |v: Value| {
        Value::from_safe_string(md_escape(&v.to_string()))
    });
    env.add_filter("code", |v: Value| {
        Value::from_safe_string(md_code(&v.to_string()))
    });
    env.add_filter("fenced", |v: Value, lang: Option<String>| {
        Value::from_safe_string(md_fenced(&v.to_string(), lang.as_deref().unwrap_or("")))
    });
    env.add_filter("md_url", |v: Value| {
        Value::from_safe_string(md_url(&v.to_string()))
    });
    env.add_filter("rust_str", |v: Value| {
        Value::from_safe_string(format!("{:?}", v.to_string()))
    });
    env.add_filter("rust_doc", |v: Value, indent: Option<usize>| {
        Value::from_safe_string(rust_doc(&v.to_string(), indent.unwrap_or(0)))
    });
    env.add_filter("rust_impl", |tr: Value, ty: Value| {
        Value::from_safe_string(crate::format::rust::impl_header(
            &tr.to_string(),
            &ty.to_string(),
        ))
    });
    env.add_filter("promql_str", |v: Value| {
        Value::from_safe_string(crate::format::escape::promql_str(&v.to_string()))
    });
    env.add_filter("hcl_str", |v: Value| {
        Value::from_safe_string(crate::format::escape::hcl_str(&v.to_string()))
    });
    env.add_filter("gotmpl_text", |v: Value| {
        Value::from_safe_string(crate::format::gotmpl::escape_text(&v.to_string()).into_owned())
    });
    env.add_filter("yaml_key", |v: Value| {
        Value::from_safe_string(yaml_key(&v.to_string()))
    });
    env.add_filter("yaml_block", |v: Value, indent: usize| {
        Value::from_safe_string(yaml_block(&v.to_string(), indent))
    });
    env.add_filter("yaml", |v: Value| {
        Value::from_safe_string(yaml_scalar(&v.to_string()))
    });
    env.add_filter("json", |v: Value| -> Result<Value, Error> {
        let s = serde_json::to_string(&v).map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("not JSON-serializable: {e}"),
            )
        })?;
        Ok(Value::from_safe_string(s))
    });
    env.add_function(
        "raise",
        |state: &State, msg: String| -> Result<Value, Error> {
            Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{} (in {})", msg, state.name()),
            ))
        },
    );
    env
}

use crate::format::escape::{
    md_code, md_escape, md_fenced, md_url, yaml_block, yaml_key, yaml_scalar,
};

/// Doc comment lines for `text` at `indent`: `/// line`, trailing whitespace
/// dropped (rustfmt drops it), and `#[doc = "…"]` for a line holding a control
/// character, which a `///` comment cannot carry.
pub fn rust_doc(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pad);
        let l = l.trim_end();
        if l.chars().any(|c| c.is_control()) {
            out.push_str(&format!("#[doc = {:?}]", format!(" {l}")));
        } else if l.is_empty() {
            out.push_str("///");
        } else {
            out.push_str("/// ");
            out.push_str(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping() {
        assert_eq!(md_escape("a|b *c* <x>"), "a\\|b \\*c\\* \\<x\\>");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(md_code("x|y"), "`x\\|y`");
        assert_eq!(md_fenced("a ``` b", "promql"), "````promql\na ``` b\n````");
        assert_eq!(md_url("https://x/a b"), "<https://x/a%20b>");
    }

    #[test]
    fn yaml_escaping() {
        assert_eq!(
            crate::format::escape::yaml_str("a\"b\\c\nd"),
            "\"a\\\"b\\\\c\\nd\""
        );
        assert_eq!(crate::format::escape::yaml_str("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn md_templates_autoescape() {
        let mut env = environment(None);
        env.add_template_owned("t.md.j2", "{{ x }} {{ x | code }} {{ y }}".to_string())
            .unwrap();
        let out = env
            .get_template("t.md.j2")
            .unwrap()
            .render(minijinja::context! { x => "a|b", y => "n" })
            .unwrap();
        assert_eq!(out, "a\\|b `a\\|b` n");
    }

    #[test]
    fn undefined_is_an_error() {
        let mut env = environment(None);
        env.add_template_owned("t.md.j2", "{{ nope.x }}".to_string())
            .unwrap();
        assert!(env.get_template("t.md.j2").unwrap().render(()).is_err());
    }
}
