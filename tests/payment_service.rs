//! Starts the example payment service on a free loopback port, scrapes its
//! endpoints, and checks every metric, label and HELP text of the spec.

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
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serves_metrics_health_and_ready() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-service"))
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
    let _service = Service(child);
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();

    assert_eq!(get(&addr, "/health").0, 200);
    assert_eq!(get(&addr, "/ready"), (200, "ready\n".to_string()));
    assert_eq!(get(&addr, "/nope").0, 404);

    // Let the simulation run a little.
    std::thread::sleep(Duration::from_millis(300));
    let (status, body) = get(&addr, "/metrics");
    assert_eq!(status, 200);

    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/payment-gateway.yaml"
    );
    let loaded = obspec_codegen::check_paths(&[spec.into()]).unwrap();
    assert!(!loaded.diagnostics.has_errors());
    let svc = &loaded.specs.services[0];
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
        let series = if m.kind.value == obspec_codegen::model::MetricType::Histogram {
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
}
