//! JSON Schemas of the spec files, derived from the model (`obspec schema`).
//! Editors validate and complete specs with them:
//! `# yaml-language-server: $schema=../docs/schema/service.schema.json`.

use schemars::generate::SchemaSettings;

use obspec_spec::model::{Project, Service};

fn render<T: schemars::JsonSchema>(title: &str) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    s.push('\n');
    s
}

/// The schema of a service spec file. `namespace` is required unless the
/// spec is an `external: true` catalog.
pub fn service_schema() -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<Service>();
    schema.insert("title".into(), "obspec service spec, format 1".into());
    if let Some(serde_json::Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r != "namespace");
    }
    schema.insert(
        "if".into(),
        serde_json::json!({"properties": {"external": {"const": true}}, "required": ["external"]}),
    );
    schema.insert(
        "else".into(),
        serde_json::json!({"required": ["namespace"]}),
    );
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    s.push('\n');
    s
}

/// The schema of the project file, `obspec.yaml`.
pub fn project_schema() -> String {
    render::<Project>("obspec project file (obspec.yaml), format 1")
}

/// A spec file's YAML tree as JSON, with YAML 1.2 core-schema typing of plain
/// scalars: what the JSON Schema validates.
pub fn yaml_to_json(node: &obspec_spec::yaml::Node) -> serde_json::Value {
    use obspec_spec::yaml::NodeKind;
    use serde_json::Value;
    match &node.kind {
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_scalar().unwrap_or("").to_string(), yaml_to_json(v)))
                .collect(),
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Scalar {
            value,
            plain: false,
        } => Value::String(value.clone()),
        NodeKind::Scalar { value, plain: true } => {
            if node.is_null() {
                Value::Null
            } else if let Ok(i) = value.parse::<i64>() {
                Value::from(i)
            } else if let Some(f) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
                Value::from(f)
            } else if value == "true" || value == "false" {
                Value::Bool(value == "true")
            } else {
                Value::String(value.clone())
            }
        }
    }
}
