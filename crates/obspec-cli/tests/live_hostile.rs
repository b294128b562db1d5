//! `obspec live-check` on hostile answers, served from 127.0.0.1: every
//! one ends in a located error or a bounded report, prints no control
//! sequence and no line a CI runner would take for a workflow command, and
//! never follows a redirect. (Speed is measured in BENCHMARKS.md.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_obspec");

const SPEC: &str = "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n";

/// A server answering every connection with `status`, `headers` and `body`
/// (until the test process ends); its `http://…` base.
fn serve(status: &'static str, headers: &'static str, body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf);
            let head = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = c.write_all(head.as_bytes());
            let _ = c.write_all(&body);
        }
    });
    format!("http://{addr}")
}

fn exposition(body: impl Into<Vec<u8>>) -> String {
    serve(
        "200 OK",
        "Content-Type: text/plain; version=0.0.4\r\n",
        body.into(),
    )
}

fn specs(name: &str) -> std::path::PathBuf {
    let dir = obspec_test_support::scratch(name);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/shop.yaml"), SPEC).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("OBSPEC_BEARER_TOKEN")
        .env_remove("OBSPEC_BEARER_TOKEN_FILE")
        .env_remove("OBSPEC_BASIC_AUTH_USERNAME")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// No raw control character but the line breaks, and no line a GitHub
/// runner would execute, unless `github` (whose lines are the annotations).
fn assert_inert(out: &str, github: bool) {
    assert!(
        !out.chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
        "a raw control character: {out:?}"
    );
    for line in out.lines() {
        if github {
            assert!(
                ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|p| line.starts_with(p)),
                "{line:?}"
            );
        } else {
            assert!(!line.trim_start().starts_with("::"), "{line:?} in\n{out}");
        }
    }
}

#[test]
fn label_values_cannot_forge_annotations_or_drive_the_terminal() {
    let dir = specs("live-forge");
    let url = exposition(
        "# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\\n::error file=specs/shop.yaml,line=1::forged\"} 1\nshop_orders_total{status=\"ok\x1b]0;title\x07\x1b[2J\u{9b}31m\u{202e}\"} 1\n",
    );
    for format in ["human", "github", "json"] {
        let o = run(
            &dir,
            &["live-check", "specs", "--scrape", &url, "--format", format],
        );
        assert_eq!(o.status.code(), Some(1), "{format}: {}", text(&o));
        let out = text(&o);
        assert!(out.contains("OBS317"), "{format}: {out}");
        assert_inert(&String::from_utf8_lossy(&o.stdout), format == "github");
        if format == "human" {
            assert!(out.contains("`ok\\n::error file="), "{out}");
            assert!(out.contains("\\x1b]0;title\\x07"), "{out}");
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let msg = v["findings"][0]["message"].as_str().unwrap();
            assert!(msg.contains("\\n::error"), "{msg}");
        }
    }
}

#[test]
fn findings_are_capped_per_code_and_the_rest_counted() {
    let dir = specs("live-cap");
    let mut body =
        String::from("# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 1\n");
    for i in 0..5000 {
        body.push_str(&format!("shop_extra_{i} 1\n"));
    }
    let url = exposition(body);
    let o = run(
        &dir,
        &["live-check", "specs", "--scrape", &url, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let shown = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "OBS312")
        .count();
    assert_eq!(shown, 100);
    assert_eq!(v["omitted"][0]["code"], "OBS312");
    assert_eq!(v["omitted"][0]["count"], 4900);
    // OBS312 for each family.
    assert_eq!(v["errors"], 5000, "{v}");
    let o = run(
        &dir,
        &[
            "live-check",
            "specs",
            "--scrape",
            &url,
            "--max-findings",
            "3",
        ],
    );
    let out = text(&o);
    assert_eq!(out.matches("error[OBS312]").count(), 3, "{out}");
    assert!(
        out.contains("... and 4997 more OBS312 errors not shown (at most 3 per code)"),
        "{out}"
    );
    assert!(out.contains("5000 errors"), "{out}");
    let o = run(
        &dir,
        &[
            "live-check",
            "specs",
            "--scrape",
            &url,
            "--format",
            "github",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("::notice title=obspec::... and 4900 more OBS312"),
        "{out}"
    );
}

#[test]
fn limits_end_in_one_located_error() {
    let dir = specs("live-limits");
    let many_labels: String = (0..600).map(|i| format!("l{i}=\"v\",")).collect();
    let buckets: String = (0..10_001)
        .map(|i| format!("shop_latency_seconds_bucket{{le=\"{i}.5\"}} 1\n"))
        .collect();
    for (body, line, want) in [
        (
            format!("# TYPE shop_orders_total counter\nshop_orders_total{{{many_labels}}} 1\n"),
            2,
            "more than 512 labels",
        ),
        (
            format!("# HELP shop_orders_total {}\n", "h".repeat(2 << 20)),
            1,
            "over live-check's limit of 1048576 bytes per line",
        ),
        (
            format!("# TYPE shop_latency_seconds histogram\n{buckets}"),
            10_002,
            "more than 10000 bucket bounds",
        ),
        (
            (0..100_001).map(|i| format!("shop_f{i} 1\n")).collect(),
            100_001,
            "more than 100000 metric families",
        ),
        (
            format!("shop_orders_total{{status=\"ok\"}} {}\n", "x".repeat(5000)),
            1,
            "… (5000 bytes in all)` is not a number",
        ),
    ] {
        let url = exposition(body);
        let o = run(&dir, &["live-check", "specs", "--scrape", &url]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains(&format!("line {line}: ")), "{out}");
        assert!(out.contains(want), "{want}: {out}");
        assert!(out.len() < 1000, "the value is echoed: {} bytes", out.len());
    }
    // The same label set twice is one series.
    let url = exposition("# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 1\nshop_orders_total{status=\"ok\"} 2\n");
    let o = run(
        &dir,
        &["live-check", "specs", "--scrape", &url, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["series_seen"], 1, "{v}");
}

#[test]
fn answers_that_are_not_text_redirects_and_bad_flags() {
    let dir = specs("live-answers");
    let url = exposition(b"shop_orders_total{status=\"ok\"} 1\nshop_x{a=\"\xff\"} 1\n".to_vec());
    let o = run(&dir, &["live-check", "specs", "--scrape", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not UTF-8 text: line 2"), "{}", text(&o));
    let url = serve(
        "302 Found",
        "Location: https://user:secret@elsewhere.invalid/metrics?token=abc\r\n",
        Vec::new(),
    );
    let o = run(&dir, &["live-check", "specs", "--scrape", &url]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("HTTP 302 redirects to https://elsewhere.invalid/metrics: not followed"),
        "{out}"
    );
    assert!(!out.contains("secret") && !out.contains("abc"), "{out}");
    let error_page = serve(
        "500 Internal Server Error",
        "",
        b"boom\x1b[2J\x1b]0;pwned\x07".to_vec(),
    );
    let o = run(&dir, &["live-check", "specs", "--scrape", &error_page]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("HTTP 500: boom\\x1b[2J"), "{err}");
    assert_inert(&err, false);
    let o = run(
        &dir,
        &["live-check", "specs", "--scrape", &url, "--timeout", "0s"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("--timeout `0s` gives no time"),
        "{}",
        text(&o)
    );
    let token = dir.join("token");
    std::fs::write(&token, "first\nsecond\n").unwrap();
    let o = Command::new(BIN)
        .args(["live-check", "specs", "--scrape", &url])
        .current_dir(&dir)
        .env("OBSPEC_BEARER_TOKEN_FILE", &token)
        .env_remove("OBSPEC_BEARER_TOKEN")
        .output()
        .unwrap();
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("OBSPEC_BEARER_TOKEN_FILE="), "{out}");
    assert!(
        out.contains("more than one line") && !out.contains("second"),
        "{out}"
    );
}

/// A log line of any length costs a bounded buffer: one that never ends
/// (`/dev/zero`, cut here at 48 MiB) is one finding.
#[test]
fn an_endless_log_line_is_one_finding() {
    let dir = obspec_test_support::scratch("live-endless-log");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for (name, text) in obspec_test_support::bundled_specs() {
        std::fs::write(dir.join("specs").join(name), text).unwrap();
    }
    let mut child = Command::new(BIN)
        .args(["live-check", "specs", "--logs", "-", "--format", "json"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..48 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = stdin.write_all(b"\n\x1b]0;t\x07\n");
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"], 2, "{v}");
    assert_eq!(v["findings"][0]["code"], "OBS611");
    assert_eq!(v["findings"][0]["line"], 1);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&(48u64 << 20).to_string()),
        "{v}"
    );
}

/// A Prometheus answering `/api/v1/series` with `series` (a JSON array) and
/// `/api/v1/metadata` with `metadata` (a JSON object); its base.
fn prometheus(series: String, metadata: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match c.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let data = if head.starts_with(b"GET /api/v1/series") {
                series.as_str()
            } else {
                metadata
            };
            let body = format!("{{\"status\":\"success\",\"data\":{data}}}");
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = c.write_all(head.as_bytes());
            let _ = c.write_all(body.as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_large_series_answer_is_read_whole_and_a_malformed_one_is_refused() {
    let dir = specs("live-prometheus-answers");
    // 60,000 stored series (6 MB of JSON), every one a conforming child of
    // the declared counter on another pod.
    let sets: Vec<String> = (0..60_000)
        .map(|i| {
            let status = if i % 2 == 0 { "ok" } else { "failed" };
            format!("{{\"__name__\":\"shop_orders_total\",\"job\":\"shop\",\"instance\":\"10.0.{}.{}:9090\",\"status\":\"{status}\",\"pod\":\"shop-{i}\"}}", i / 250, i % 250)
        })
        .collect();
    let metadata =
        r#"{"shop_orders_total":[{"type":"counter","help":"Orders placed.","unit":""}]}"#;
    let url = prometheus(format!("[{}]", sets.join(",")), metadata);
    let o = run(
        &dir,
        &[
            "live-check",
            "specs",
            "--prometheus",
            &url,
            "--format",
            "json",
        ],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["series_seen"], 60_000, "{out}");
    // The pods the spec does not declare, and their count, are the findings.
    let codes: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["OBS315", "OBS318"].into(), "{out}");
    assert!(out.contains("`pod` (60000 values"), "{out}");

    // A label value that is no string is a located refusal, not a panic.
    let url = prometheus(
        r#"[{"__name__":"shop_orders_total","status":1}]"#.into(),
        metadata,
    );
    let o = run(&dir, &["live-check", "specs", "--prometheus", &url]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("not a Prometheus API answer"), "{out}");
    assert!(out.contains("column"), "{out}");
    assert_inert(&out, false);
}
