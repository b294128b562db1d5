//! Starts the example payment service (axum) on a free loopback port, calls
//! its API, scrapes its endpoints, and checks every metric, label and HELP
//! text of the spec: the generated metrics, the function metrics of
//! `#[obspec::instrument]` and the HTTP metrics of the tower layer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> (u16, String) {
    call(addr, "GET", path)
}

fn call(addr: &str, method: &str, path: &str) -> (u16, String) {
    let (head, body) = request(addr, method, path, "");
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body)
}

/// One HTTP/1.1 request with `headers` (each ending in `\r\n`): the response
/// head and body.
fn request(addr: &str, method: &str, path: &str, headers: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn serves_metrics_health_and_ready() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-service"))
        .args(["--log-file", "off"])
        .args([
            "--listen",
            "127.0.0.1:0",
            "--error-rate",
            "0.5",
            "--rate",
            "200",
            "--latency-ms",
            "5",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _service = Service(child);
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();

    assert_eq!(get(&addr, "/health").0, 200);
    assert_eq!(get(&addr, "/ready"), (200, "ready\n".to_string()));
    assert_eq!(get(&addr, "/nope").0, 404);
    assert_eq!(get(&addr, "/payments/123456789").0, 404);
    assert_eq!(call(&addr, "DELETE", "/payments/1").0, 405);
    // The API over the network: 201 with an id, or 502 when the bank fails.
    let mut created = None;
    for _ in 0..20 {
        let (status, body) = call(&addr, "POST", "/payments");
        assert!(status == 201 || status == 502, "{status} {body}");
        if status == 201 {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            created = v["id"].as_u64();
            break;
        }
    }
    let id = created.expect("20 payments failed at a 50% error rate");
    let (status, body) = get(&addr, &format!("/payments/{id}"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"success\""), "{body}");

    // Let the simulation run a little.
    std::thread::sleep(Duration::from_millis(300));
    let (status, body) = get(&addr, "/metrics");
    assert_eq!(status, 200);

    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/payment-gateway.yaml"
    );
    let loaded = obspec_core::lint::check_paths(&[spec.into()]).unwrap();
    assert!(!loaded.diagnostics.has_errors());
    let svc = &loaded.specs.services[0];
    let http = obspec_spec::model::http_metric_names(&svc.namespace.value);
    for (name, m) in svc.metrics.iter() {
        let help = m.help.as_ref().unwrap();
        assert!(
            body.contains(&format!("# HELP {} {}\n", name.value, help.value)),
            "HELP of {}:\n{body}",
            name.value
        );
        assert!(
            body.contains(&format!("# TYPE {} {}\n", name.value, m.kind.as_str())),
            "TYPE of {}",
            name.value
        );
        if http.contains(&name.value) {
            // HTTP series exist per (route, method) served: never a raw path.
            for want in [
                "route=\"/payments\"",
                "route=\"/payments/{id}\"",
                "route=\"unmatched\"",
            ] {
                assert!(
                    body.lines()
                        .any(|l| l.starts_with(&name.value) && l.contains(want)),
                    "{} {want}:\n{body}",
                    name.value
                );
            }
            assert!(!body.contains("/payments/123456789") && !body.contains("/nope"));
            continue;
        }
        // Every closed-domain combination has a series from the start.
        let mut combos = 1;
        for l in &m.labels {
            let values = svc.labels.get(l).unwrap().values.as_ref().unwrap();
            combos *= values.len();
            for v in values {
                assert!(
                    body.contains(&format!("{}=\"{}\"", l.value, v.value)),
                    "{}={}",
                    l.value,
                    v.value
                );
            }
        }
        let series = if m.kind.value == obspec_spec::model::MetricType::Histogram {
            format!("{}_count{{", name.value)
        } else {
            format!("{}{{", name.value)
        };
        let n = body.lines().filter(|l| l.starts_with(&series)).count();
        assert_eq!(n, combos, "series of {}:\n{body}", name.value);
    }
    // Const labels from the spec, and the simulated failures.
    assert!(body.contains("sla_tier=\"P0\""));
    let failed: f64 = body
        .lines()
        .filter(|l| l.starts_with("payment_attempts_total{") && l.contains("status=\"failed\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(failed > 0.0, "{body}");
    // The layer's view of the same API: created payments and bank failures
    // (502) under the POST route; the missing payment, the unknown path and
    // the refused method as 4xx.
    let value = |prefix: &str, parts: &[&str]| -> f64 {
        body.lines()
            .filter(|l| l.starts_with(prefix) && parts.iter().all(|p| l.contains(p)))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
            .sum()
    };
    let req = "payment_http_requests_total{";
    assert!(
        value(
            req,
            &[
                "route=\"/payments\"",
                "method=\"POST\"",
                "status_class=\"2xx\""
            ]
        ) >= 1.0
    );
    assert!(
        value(
            req,
            &[
                "route=\"/payments\"",
                "method=\"POST\"",
                "status_class=\"5xx\""
            ]
        ) >= 1.0
    );
    assert!(
        value(
            req,
            &[
                "route=\"/payments/{id}\"",
                "method=\"GET\"",
                "status_class=\"4xx\""
            ]
        ) >= 1.0
    );
    assert!(
        value(
            req,
            &[
                "route=\"/payments/{id}\"",
                "method=\"OTHER\"",
                "status_class=\"4xx\""
            ]
        ) >= 1.0
    );
    assert!(
        value(
            req,
            &[
                "route=\"unmatched\"",
                "method=\"GET\"",
                "status_class=\"4xx\""
            ]
        ) >= 1.0
    );
    // Both instrumented functions, by outcome.
    let calls = "payment_function_calls_total{";
    assert!(value(calls, &["function=\"call_bank\"", "outcome=\"error\""]) >= 1.0);
    assert!(value(calls, &["function=\"authorize\"", "outcome=\"ok\""]) >= 1.0);

    // The text format passes Prometheus's own checker.
    match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(mut p) => {
            p.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
            let o = p.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "promtool check metrics: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Err(_) => obspec_test_support::skip_or_fail(
            "promtool is required under CI=true (Debian package `prometheus`)",
            "promtool not installed: the generated rules were not checked",
        ),
    }

    // Asked for OpenMetrics, as Prometheus asks: the same families, `_total`
    // dropped from counter family names, `# EOF` last.
    let (head, om) = request(
        &addr,
        "GET",
        "/metrics",
        "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n",
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(om.ends_with("# EOF\n"), "{om}");
    let parsed = obspec_core::expr::exposition::parse(
        &om,
        obspec_core::expr::exposition::Format::OpenMetrics,
    )
    .unwrap_or_else(|e| panic!("{e}\n{om}"));
    let text =
        obspec_core::expr::exposition::parse(&body, obspec_core::expr::exposition::Format::Text)
            .unwrap();
    // Counter families are named without `_total` in OpenMetrics.
    let names = |e: &obspec_core::expr::exposition::Exposition| {
        let mut v: Vec<(String, usize)> = e
            .families
            .iter()
            .map(|f| {
                let name = match f.kind.as_deref() {
                    Some("counter") => f.name.strip_suffix("_total").unwrap_or(&f.name),
                    _ => &f.name,
                };
                (name.to_string(), f.children)
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&parsed), names(&text));
    assert!(om.contains("# TYPE payment_attempts counter\n"), "{om}");
}
