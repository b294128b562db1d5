//! End to end in a real Prometheus: the example payment service runs at a 50%
//! error ratio, the Debian `prometheus` server on 127.0.0.1 scrapes it every
//! second with the rules obspec generated for the payment-gateway spec (with a
//! test-only 12h SLO window, so that the burn windows are 1m/5s), and the test
//! checks through the HTTP API that the SLI recording reports the ratio and
//! that the burn-rate alert goes pending, then firing. Every process is
//! stopped by PID.
//!
//! Without the `prometheus` binary this test fails under `CI=true` and is
//! skipped elsewhere.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

use obspec_test_support::repo_root as repo;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let body = resp.split_once("\r\n\r\n")?.1;
    // Chunked responses: keep the JSON between the first `{` and the last `}`.
    let start = body.find('{')?;
    let end = body.rfind('}')?;
    Some(body[start..=end].to_string())
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query(addr: &str, q: &str) -> Vec<serde_json::Value> {
    get(addr, &format!("/api/v1/query?query={}", encode(q)))
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

fn alert_states(addr: &str, name: &str) -> Vec<String> {
    get(addr, "/api/v1/alerts")
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| v["data"]["alerts"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|a| a["labels"]["alertname"] == name)
        .filter_map(|a| a["state"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn burn_rate_alert_fires_in_a_real_prometheus() {
    if Command::new("prometheus")
        .arg("--version")
        .output()
        .is_err()
    {
        obspec_test_support::skip_or_fail(
            "the prometheus server is required under CI=true (Debian package `prometheus`)",
            "prometheus not installed: skipping",
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    // The bundled spec, with a test-only SLO window and a short `for`.
    let spec = std::fs::read_to_string(repo().join("specs/payment-gateway.yaml")).unwrap();
    let spec = spec.replace(
        "    objective: 99.9          # percent\n    window: 30d\n",
        "    objective: 99.9          # percent\n    window: 12h\n    alerting: {page: {for: 3s}}\n",
    );
    assert!(
        spec.contains("window: 12h"),
        "the bundled spec changed: update this test"
    );
    std::fs::write(dir.join("specs/payment-gateway.yaml"), spec).unwrap();
    std::fs::copy(
        repo().join("specs/obspec.yaml"),
        dir.join("specs/obspec.yaml"),
    )
    .unwrap();
    let loaded = obspec_core::lint::check_paths(&[dir.join("specs")]).unwrap();
    assert!(!loaded.diagnostics.has_errors(), "{:?}", loaded.diagnostics);
    let env = obspec_core::targets::templates::environment(None);
    let targets = obspec_core::targets::select_targets(&["prometheus".into()]).unwrap();
    let rendered = obspec_core::targets::render(&loaded, &targets, &env).unwrap();
    obspec_core::ops::generate::write(&dir.join("out"), &rendered).unwrap();
    let rules = dir.join("out/prometheus/payment-gateway.rules.yml");
    assert!(std::fs::read_to_string(&rules)
        .unwrap()
        .contains("slo:sli_error:ratio_rate1m"));

    // The service, at a 50% error ratio.
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-service"))
        .args(["--log-file", "off"])
        .args([
            "--listen",
            "127.0.0.1:0",
            "--error-rate",
            "0.5",
            "--rate",
            "200",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _service = Proc(child);
    let target = line.trim().rsplit("http://").next().unwrap().to_string();

    // Prometheus, scraping and evaluating every second.
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n  - job_name: payment\n    static_configs:\n      - targets: ['{target}']\n",
        rules.display()
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let port = free_port();
    let prom_addr = format!("127.0.0.1:{port}");
    let prom = Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={prom_addr}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
        .spawn()
        .unwrap();
    let _prom = Proc(prom);

    let deadline = Instant::now() + Duration::from_secs(90);
    let mut ratio = None;
    let mut seen_pending = false;
    let mut seen_firing = false;
    while Instant::now() < deadline && !(ratio.is_some() && seen_firing) {
        std::thread::sleep(Duration::from_millis(250));
        if ratio.is_none() {
            let r = query(
                &prom_addr,
                "slo:sli_error:ratio_rate1m{slo=\"payment-success\"}",
            );
            if let Some(v) = r
                .first()
                .and_then(|s| s["value"][1].as_str())
                .and_then(|v| v.parse::<f64>().ok())
            {
                if (v - 0.5).abs() < 0.08 {
                    ratio = Some(v);
                }
            }
        }
        let states = alert_states(&prom_addr, "PaymentSuccessBudgetBurn");
        seen_pending |= states.iter().any(|s| s == "pending");
        seen_firing |= states.iter().any(|s| s == "firing");
    }
    let log = std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default();
    assert!(
        ratio.is_some(),
        "the SLI recording never reported ~0.5\n{log}"
    );
    assert!(seen_pending, "the burn-rate alert was never pending\n{log}");
    assert!(seen_firing, "the burn-rate alert never fired\n{log}");
    // The SLOs on the function metrics of `#[obspec::instrument]` and on the
    // HTTP metrics of the tower layer see the same failures: every bank call
    // fails half the time, and its 502s are a third of the API's requests
    // (half the payments are looked up after). Their windows are 30 days:
    // the shortest is 5m.
    for (slo, want) in [("bank-calls", 0.5), ("api-availability", 1.0 / 3.0)] {
        let mut seen = None;
        while Instant::now() < deadline + Duration::from_secs(30) && seen.is_none() {
            let r = query(
                &prom_addr,
                &format!("slo:sli_error:ratio_rate5m{{slo=\"{slo}\"}}"),
            );
            seen = r
                .first()
                .and_then(|s| s["value"][1].as_str())
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| (v - want).abs() < 0.1);
            if seen.is_none() {
                std::thread::sleep(Duration::from_millis(250));
            }
        }
        assert!(
            seen.is_some(),
            "SLO {slo}: the error ratio never neared {want}\n{log}"
        );
    }
    // No recording rule yields NaN or Inf.
    for r in query(&prom_addr, "{__name__=~\"slo:.*\"}") {
        let v = r["value"][1].as_str().unwrap_or("");
        assert!(!v.contains("NaN") && !v.contains("Inf"), "{r}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
