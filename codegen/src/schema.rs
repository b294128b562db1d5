//! JSON Schemas of the spec files, derived from the model (`obspec schema`).
//! Editors validate and complete specs with them:
//! `# yaml-language-server: $schema=../docs/schema/service.schema.json`.

use schemars::generate::SchemaSettings;

use crate::model::{Project, Service};

fn render<T: schemars::JsonSchema>(title: &str) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    s.push('\n');
    s
}

/// The schema of a service spec file.
pub fn service_schema() -> String {
    render::<Service>("obspec service spec, format 1")
}

/// The schema of the project file, `obspec.yaml`.
pub fn project_schema() -> String {
    render::<Project>("obspec project file (obspec.yaml), format 1")
}
