//! `otel-collector` and `terraform` targets.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn generate(specs: &Path, out: &Path, target: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .arg("generate")
        .arg(specs)
        .args(["--target", target, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn yaml(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let tree =
        obspec_codegen::yaml::parse(obspec_codegen::source::FileId(0), &text, Default::default())
            .unwrap()
            .unwrap();
    obspec_codegen::schema::yaml_to_json(&tree)
}

#[test]
fn collector_has_the_pipelines() {
    let out = std::env::temp_dir().join(format!("obspec-otel-{}", std::process::id()));
    generate(&repo().join("specs"), &out, "otel-collector");
    let c = yaml(&out.join("otel-collector/collector.yml"));
    for p in ["metrics", "traces", "logs"] {
        let pipe = &c["service"]["pipelines"][p];
        assert_eq!(pipe["receivers"][0], "otlp", "{p}");
        assert_eq!(
            pipe["processors"][0], "memory_limiter",
            "{p}: memory_limiter first"
        );
        assert!(
            pipe["processors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == "resource"),
            "{p}"
        );
        assert!(
            pipe["processors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == "batch"),
            "{p}"
        );
    }
    assert_eq!(
        c["service"]["pipelines"]["metrics"]["exporters"][0],
        "prometheusremotewrite"
    );
    assert_eq!(c["service"]["pipelines"]["logs"]["exporters"][0], "loki");
    assert!(c["receivers"]["otlp"]["protocols"]["grpc"].is_object());
    assert!(c["receivers"]["otlp"]["protocols"]["http"].is_object());
    let attrs: Vec<&str> = c["processors"]["resource"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "upsert")
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(attrs, ["environment", "project", "service"]);
    assert_eq!(
        c["exporters"]["prometheusremotewrite"]["endpoint"],
        "${env:PROM_REMOTE_WRITE_URL}"
    );
    assert_eq!(
        c["exporters"]["prometheusremotewrite"]["headers"]["Authorization"],
        "${env:PROM_REMOTE_WRITE_AUTH}"
    );
    assert_eq!(c["exporters"]["loki"]["endpoint"], "${env:LOKI_URL}");
    let _ = std::fs::remove_dir_all(&out);
}
