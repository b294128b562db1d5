//! `obspec live-check` against real things on 127.0.0.1: the example payment
//! service (conforming, then with `--deviate`), the Debian `prometheus`
//! server scraping it, and the Python Prometheus client serving OpenMetrics.
//! Every process is stopped by PID; every wait is bounded. Tools a test needs
//! are required under `CI=true`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

use obspec_test_support::repo_root as repo;

fn required(tool: &str, probe: &mut Command) -> bool {
    if probe.output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    obspec_test_support::skip_or_fail(
        &format!("{tool} is required under CI=true"),
        &format!("{tool} not installed: skipping"),
    );
    false
}

/// The `obspec` binary of this workspace (built on demand when only this
/// package's tests were built).
fn obspec() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_payment-service"))
        .parent()
        .unwrap()
        .to_path_buf();
    let bin = dir.join("obspec");
    if !bin.exists() {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "obspec-cli", "--bin", "obspec"])
            .current_dir(repo())
            .status()
            .unwrap()
            .success();
        assert!(ok, "cannot build obspec");
    }
    bin
}

/// Starts the payment service on a free port; returns it and its address.
fn service(extra: &[&str]) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_payment-service"))
        .args(["--log-file", "off"])
        .args(["--listen", "127.0.0.1:0", "--rate", "200"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    (Proc(child), addr)
}

fn live_check(args: &[&str]) -> Output {
    Command::new(obspec())
        .arg("live-check")
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// `(code, file:line)` of every finding of a JSON report.
fn findings(v: &serde_json::Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap_or("?"), f["line"]),
            )
        })
        .collect()
}

/// Waits until the service has recorded both outcomes (the error rate is
/// 1%: a failed payment within a second or two at 200 payments a second).
fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

#[test]
fn the_example_service_conforms_to_its_spec() {
    let (_svc, addr) = service(&[]);
    settle();
    let url = format!("http://{addr}/metrics");
    let o = live_check(&["specs", "--scrape", &url]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("obspec live-check: payment-gateway: 9 metrics checked,")
            && out.contains("0 errors, 0 warnings"),
        "{out}"
    );
    let o = live_check(&["specs", "--scrape", &url, "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["service"], "payment-gateway");
    assert_eq!(v["metrics_checked"], 9);
    assert!(v["series_seen"].as_u64().unwrap() > 10, "{v}");
    assert_eq!(v["errors"], 0);
}

#[test]
fn deviations_of_the_example_service_are_found_at_the_spec_lines() {
    let (_svc, addr) = service(&["--deviate"]);
    settle();
    let url = format!("http://{addr}/metrics");
    let o = live_check(&["specs", "--scrape", &url, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = findings(&json(&o));
    let spec = std::fs::read_to_string(repo().join("specs/payment-gateway.yaml")).unwrap();
    let line_of = |needle: &str| {
        format!(
            "specs/payment-gateway.yaml:{}",
            spec.lines().position(|l| l.contains(needle)).unwrap() + 1
        )
    };
    for want in [
        ("OBS317".to_string(), line_of("  region:")),
        ("OBS315".to_string(), line_of("  payment_inflight:")),
        ("OBS312".to_string(), line_of("namespace:")),
    ] {
        assert!(f.contains(&want), "{want:?} not in {f:?}");
    }
    // The GitHub format annotates the same lines.
    let o = live_check(&["specs", "--scrape", &url, "--format", "github"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("::error file=specs/payment-gateway.yaml,line="),
        "{out}"
    );
}

#[test]
fn usage_and_connection_errors_exit_2() {
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/metrics");
    let o = live_check(&["specs", "--scrape", &url, "--timeout", "2s"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot scrape"),
        "{o:?}"
    );
    // A credential in a flag is not a flag obspec has.
    let o = live_check(&["specs", "--scrape", &url, "--bearer-token", "x"]);
    assert_eq!(o.status.code(), Some(2));
    // Not an exposition: a located parse error.
    let (_svc, addr) = service(&[]);
    let o = live_check(&["specs", "--scrape", &format!("http://{addr}/ready")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not a valid exposition") && err.contains("line 1"),
        "{err}"
    );
    // A response over the size limit.
    let o = live_check(&[
        "specs",
        "--scrape",
        &format!("http://{addr}/metrics"),
        "--max-bytes",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("larger than the limit"),
        "{o:?}"
    );
}

/// The Python Prometheus client's HTTP server negotiates OpenMetrics from the
/// `Accept` header Prometheus sends: its `_created` series, `# EOF` and
/// counter families without `_total` are read as they are.
#[test]
fn openmetrics_from_the_python_client() {
    if !required(
        "the Python prometheus-client (PyPI `prometheus-client`)",
        Command::new("python3").args(["-c", "import prometheus_client"]),
    ) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-live-py-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("specs/shop.yaml"),
        "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_latency_seconds: {type: histogram, unit: seconds, help: Order latency., buckets: [0.1, 0.5, 1]}\n  shop_carts: {type: gauge, help: Open carts.}\n",
    )
    .unwrap();
    let script = "import sys, time\nfrom prometheus_client import Counter, Gauge, Histogram, start_http_server\nc = Counter('shop_orders', 'Orders placed.', ['status'])\nc.labels('ok').inc(5)\nc.labels('failed').inc()\nh = Histogram('shop_latency_seconds', 'Order latency.', buckets=[0.1, 0.5, 1])\nh.observe(0.2)\ng = Gauge('shop_carts', 'Open carts.')\ng.set(3)\nextra = sys.argv[2] == 'deviate'\nif extra:\n    c.labels('FAILED').inc()\nstart_http_server(int(sys.argv[1]), addr='127.0.0.1')\nprint('ready', flush=True)\ntime.sleep(60)\n";
    std::fs::write(dir.join("shop.py"), script).unwrap();
    for (mode, code) in [("conform", 0), ("deviate", 1)] {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .arg(dir.join("shop.py"))
            .arg(port.to_string())
            .arg(mode)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let _py = Proc(child);
        let o = Command::new(obspec())
            .args(["live-check", "specs", "--scrape"])
            .arg(format!("http://127.0.0.1:{port}/metrics"))
            .current_dir(&dir)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(code),
            "{mode}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        if code == 1 {
            assert!(out.contains("OBS317") && out.contains("`FAILED`"), "{out}");
        } else {
            assert!(out.contains("3 metrics checked"), "{out}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real Prometheus scraping the service every second: what it stores is
/// held against the spec (`job` and `instance` expected), and the spec's
/// selectors are asked for series. A spec whose alert reads a status the
/// service never reports is told which values it does report.
#[test]
fn a_real_prometheus_is_checked_against_the_spec() {
    if !required(
        "the prometheus server (Debian `prometheus`)",
        Command::new("prometheus").arg("--version"),
    ) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-live-prom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let (_good, good) = service(&[]);
    let (_bad, bad) = service(&["--deviate"]);
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: payment\n    static_configs:\n      - targets: ['{good}']\n  - job_name: payment-drifted\n    static_configs:\n      - targets: ['{bad}']\n"
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let prom_addr = format!("127.0.0.1:{}", free_port());
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
    let base = format!("http://{prom_addr}");
    // Until both targets were scraped with failed payments in them.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let o = live_check(&[
            "specs",
            "--prometheus",
            &base,
            "--selector",
            "{job=\"payment\"}",
            "--format",
            "json",
        ]);
        if o.status.code() == Some(0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never conformed: {}{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
            std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The drifted deployment, as Prometheus stores it (once scraped).
    let o = loop {
        let o = live_check(&[
            "specs",
            "--prometheus",
            &base,
            "--selector",
            "{job=\"payment-drifted\"}",
            "--format",
            "json",
        ]);
        if o.status.code() == Some(1) || Instant::now() >= deadline {
            break o;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let codes: Vec<String> = findings(&json(&o)).into_iter().map(|(c, _)| c).collect();
    for want in ["OBS312", "OBS315", "OBS317"] {
        assert!(codes.iter().any(|c| c == want), "{want} not in {codes:?}");
    }
    // A spec whose alert reads a status the service never reports.
    let spec = std::fs::read_to_string(repo().join("specs/payment-gateway.yaml"))
        .unwrap()
        .replace(
            "  status:          {values: [success, failed]}",
            "  status:          {values: [success, failed, declined]}",
        )
        .replace(
            "    expr: payment_inflight > 500",
            "    expr: sum(rate(payment_attempts_total{status=\"declined\"}[5m])) > 1",
        );
    assert!(
        spec.contains("declined\"}"),
        "the bundled spec changed: update this test"
    );
    std::fs::write(dir.join("specs/payment-gateway.yaml"), spec).unwrap();
    std::fs::copy(
        repo().join("specs/obspec.yaml"),
        dir.join("specs/obspec.yaml"),
    )
    .unwrap();
    let o = Command::new(obspec())
        .args([
            "live-check",
            "specs",
            "--prometheus",
            &base,
            "--selector",
            "{job=\"payment\"}",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("warning[OBS320]"),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("never satisfy `status=\"declined\"`"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `GET path` of `addr` over plain HTTP/1.0: the body.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string())
}

/// Right after Prometheus's first scrape of the service (its samples a
/// fraction of a second old), live-check sees what it sees a moment later:
/// the series query's range reaches past the sample's timestamp.
#[test]
fn a_prometheus_right_after_its_first_scrape_is_seen_whole() {
    if !required(
        "the prometheus server (Debian `prometheus`)",
        Command::new("prometheus").arg("--version"),
    ) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("obspec-live-first-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_svc, addr) = service(&[]);
    settle();
    // Scrapes 10 s apart: the first one is the only one the checks see.
    let config = format!(
        "global:\n  scrape_interval: 10s\nscrape_configs:\n  - job_name: payment\n    static_configs:\n      - targets: ['{addr}']\n"
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let prom_addr = format!("127.0.0.1:{}", free_port());
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
    let base = format!("http://{prom_addr}");
    // Prometheus spreads first scrapes over the interval: wait (bounded) for
    // `up` to exist, then check at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http_get(&prom_addr, "/api/v1/query?query=up").contains("\"value\"") {
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped the service"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let args = [
        "specs",
        "--prometheus",
        &base,
        "--selector",
        "{job=\"payment\"}",
        "--format",
        "json",
    ];
    let first = live_check(&args);
    std::thread::sleep(Duration::from_secs(2));
    let later = live_check(&args);
    let (a, b) = (json(&first), json(&later));
    assert!(
        a["series_seen"].as_u64().is_some_and(|n| n > 0),
        "{a}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(a["series_seen"], b["series_seen"]);
    assert_eq!(findings(&a), findings(&b));
    assert_eq!(first.status.code(), later.status.code());
}
