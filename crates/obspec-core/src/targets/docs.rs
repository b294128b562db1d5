//! `docs`: a Markdown catalog per service and an index.

use minijinja::value::Serde;
use minijinja::{context, Environment};

use crate::targets::artifact::{spec_files, OutFile};
use crate::targets::view::{project_view, service_view};
use obspec_spec::load::Loaded;

pub fn render(loaded: &Loaded, env: &Environment<'_>) -> Result<Vec<OutFile>, minijinja::Error> {
    let project = project_view(&loaded.specs, &loaded.sources);
    let page = env.get_template("docs/service.md.j2")?;
    let mut out = Vec::new();
    for svc in &loaded.specs.services {
        let view = service_view(svc, &loaded.sources);
        out.push(OutFile {
            path: format!("docs/{}.md", view.name),
            content: super::templates::render(&page, context! { service => Serde(&view), project => Serde(&project), spec => Serde(svc) })?,
            sources: spec_files(loaded, svc),
        });
    }
    let index = env.get_template("docs/index.md.j2")?;
    let mut all: Vec<String> = loaded.sources.iter().map(|(_, f)| f.rel.clone()).collect();
    all.sort();
    out.push(OutFile {
        path: "docs/README.md".into(),
        content: super::templates::render(&index, context! { project => Serde(&project) })?,
        sources: all,
    });
    Ok(out)
}
