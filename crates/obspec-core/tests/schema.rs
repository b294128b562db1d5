//! The JSON Schema derived from the model accepts every bundled spec and
//! rejects what the loader rejects structurally (unknown keys, wrong types).
#![cfg(feature = "schema")]

use obspec_core::targets::schema::{project_schema, service_schema, yaml_to_json};
use obspec_spec::source::FileId;
use obspec_spec::yaml::{parse, Limits};

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn json(text: &str) -> serde_json::Value {
    yaml_to_json(&parse(FileId(0), text, Limits::default()).unwrap().unwrap())
}

#[test]
fn bundled_specs_validate() {
    let service = validator(&service_schema());
    let project = validator(&project_schema());
    for (name, text) in obspec_test_support::bundled_specs() {
        let v = if name == "obspec.yaml" {
            &project
        } else {
            &service
        };
        let errors: Vec<String> = v.iter_errors(&json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn schema_rejects_unknown_keys_and_bad_types() {
    let service = validator(&service_schema());
    let ok =
        "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_x_total: {type: counter, help: x}\n";
    assert!(service.is_valid(&json(ok)));
    for bad in [
        "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_x_total: {tpye: counter, help: x}\n",
        "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_x_total: {type: countr, help: x}\n",
        "obspec: 1\nservice: a\nnamespace: a\nextra: 1\n",
        "obspec: 2\nservice: a\nnamespace: a\n",
        "obspec: 1\nservice: a\n",
    ] {
        assert!(!service.is_valid(&json(bad)), "schema accepted: {bad}");
        // The loader rejects it too.
        let loaded = obspec_core::lint::check_texts([("a.yaml", bad)]);
        assert!(loaded.diagnostics.has_errors(), "loader accepted: {bad}");
    }
}
