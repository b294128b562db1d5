//! Speed of the foundation: loading, linting and rendering specs.
//! Run: `cargo bench -p obspec-codegen --bench pipeline`.

use obspec_codegen::{bundled, check_texts, generate, targets::TARGETS, templates};

fn main() {
    divan::main();
}

/// A service with `n` metrics (a third each counter, gauge, histogram), labels,
/// one alert per ten metrics and one SLO per hundred.
fn synthetic(n: usize) -> String {
    let mut s = String::from(
        "obspec: 1\nservice: big\nnamespace: big\nlabels:\n  region: {values: [eu, us, apac]}\n  status: {values: [ok, failed]}\n  route: {max_cardinality: 20}\nmetrics:\n",
    );
    for i in 0..n {
        match i % 3 {
            0 => s.push_str(&format!(
                "  big_m{i}_total: {{type: counter, help: Counter {i}., labels: [region, status]}}\n"
            )),
            1 => s.push_str(&format!("  big_m{i}: {{type: gauge, help: Gauge {i}., labels: [route]}}\n")),
            _ => s.push_str(&format!(
                "  big_m{i}_seconds: {{type: histogram, unit: seconds, help: Histogram {i}., labels: [region], buckets: [0.1, 0.5, 1, 5]}}\n"
            )),
        }
    }
    s.push_str("slos:\n");
    for i in (0..n).step_by(300) {
        s.push_str(&format!(
            "  slo-{i}: {{objective: 99.9, window: 30d, sli: {{errors: 'big_m{i}_total{{status=\"failed\"}}', total: big_m{i}_total}}}}\n"
        ));
    }
    s.push_str("alerts:\n");
    for i in (0..n).step_by(30) {
        s.push_str(&format!(
            "  BigAlert{i}:\n    expr: sum by (region) (rate(big_m{i}_total{{status=\"failed\", region=~\"eu|us\"}}[5m])) > 1\n    severity: warning\n    summary: Alert {i}\n"
        ));
    }
    s
}

#[divan::bench]
fn lint_bundled_specs() -> usize {
    check_texts(bundled::SPECS.iter().copied())
        .diagnostics
        .len()
}

#[divan::bench(args = [100, 1000])]
fn lint_synthetic_service(bencher: divan::Bencher, n: usize) {
    let text = synthetic(n);
    let project = "obspec: 1\nconventions: {max_series_per_service: 1000000}\n";
    bencher.bench(|| {
        let l = check_texts([("big.yaml", text.as_str()), ("obspec.yaml", project)]);
        assert!(!l.diagnostics.has_errors());
        l.diagnostics.len()
    });
}

/// Benchmarks rendering every target for `loaded`, in memory.
fn bench_render(bencher: divan::Bencher, loaded: &obspec_codegen::Loaded) {
    let env = templates::environment(None);
    let targets: Vec<_> = TARGETS.iter().collect();
    bencher.bench(|| {
        generate::render(loaded, &targets, &env)
            .unwrap()
            .files
            .len()
    });
}

#[divan::bench]
fn render_docs_bundled(bencher: divan::Bencher) {
    bench_render(bencher, &check_texts(bundled::SPECS.iter().copied()));
}

#[divan::bench]
fn render_docs_1000_metrics(bencher: divan::Bencher) {
    let text = synthetic(1000);
    let project = "obspec: 1\nconventions: {max_series_per_service: 1000000}\n";
    bench_render(
        bencher,
        &check_texts([("big.yaml", text.as_str()), ("obspec.yaml", project)]),
    );
}

/// Issue 8: the credential check over one typical annotation-sized string and
/// one URL (it runs on every string of every spec).
#[divan::bench(args = [
    "{{ $value | humanizePercentage }} of payments fail in {{ $labels.region }}",
    "https://runbooks.example.com/payments/inflight?tab=latency",
])]
fn secrets_detect(s: &str) -> bool {
    obspec_codegen::secrets::detect(divan::black_box(s)).is_some()
}

/// Issue 8: parsing one alert template as Prometheus does.
#[divan::bench]
fn template_check() -> usize {
    obspec_codegen::gotmpl::check(divan::black_box(
        "{{ if gt $value 0.5 }}{{ $value | humanizePercentage }} of {{ $labels.route }} fail{{ else }}ok{{ end }}",
    ))
    .map(|a| a.labels.len())
    .unwrap_or(0)
}

/// Issue 8: the whole-tree atomic commit of a rendered tree (1000-metric
/// service, every target) into a directory holding the previous version: the
/// staging tree, hard links for unchanged files, fsync, the exchange, removal.
#[divan::bench(sample_count = 20)]
fn commit_tree_1000_metrics(bencher: divan::Bencher) {
    let text = synthetic(1000);
    let project = "obspec: 1\nconventions: {max_series_per_service: 1000000}\n";
    let loaded = check_texts([("big.yaml", text.as_str()), ("obspec.yaml", project)]);
    let env = templates::environment(None);
    let targets: Vec<_> = TARGETS.iter().collect();
    let a = generate::render(&loaded, &targets, &env).unwrap();
    // The second version differs in one file.
    let mut b = a.clone();
    if let Some((_, v)) = b.files.iter_mut().next() {
        v.push('\n');
    }
    let dir = std::env::temp_dir().join(format!("obspec-bench-commit-{}", std::process::id()));
    let out = dir.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    generate::write(&out, &a).unwrap();
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        generate::write(&out, if flip { &b } else { &a })
            .unwrap()
            .written
            .len()
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Sloth `prometheus/v1` spec of `n` SLOs (events over one counter per SLO,
/// page and ticket alerts).
fn sloth_spec(n: usize) -> String {
    let mut s =
        String::from("version: prometheus/v1\nservice: shop\nlabels: {owner: shop}\nslos:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - name: route-{i}\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(shop_requests_total{{route=\"r{i}\",code=~\"5..\"}}[{{{{.window}}}}]))\n        total_query: sum(rate(shop_requests_total{{route=\"r{i}\"}}[{{{{.window}}}}]))\n    alerting:\n      name: Route{i}Burn\n      page_alert: {{labels: {{severity: critical}}}}\n      ticket_alert: {{labels: {{severity: warning}}}}\n"
        ));
    }
    s
}

/// Issue 10: `obspec import sloth` of 1,000 SLOs (parse, convert, print).
#[divan::bench(args = [100, 1000])]
fn import_sloth(bencher: divan::Bencher, n: usize) {
    let text = sloth_spec(n);
    bencher.bench_local(|| {
        obspec_codegen::import::sloth(divan::black_box(&text))
            .unwrap()
            .len()
    });
}

/// Issue 10: the rule groups of 100 SLOs, counted as events over a rolling
/// window, and as time slices over a calendar month (the period rules then
/// read a stepped subquery).
#[divan::bench(args = ["rolling", "calendar-timeslices"])]
fn slo_rules_100(bencher: divan::Bencher, kind: &str) {
    let extra = if kind == "rolling" {
        ""
    } else {
        "    calendar: month\n    timeslice: {window: 1m, target: 95}\n"
    };
    let mut s = String::from("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  route: {max_cardinality: 100}\n  code: {values: ['200', '500']}\nmetrics:\n  shop_requests_total: {type: counter, help: Requests., labels: [route, code]}\nslos:\n");
    for i in 0..100 {
        s.push_str(&format!(
            "  route-{i}:\n    objective: 99.9\n    window: 30d\n{extra}    sli: {{errors: 'shop_requests_total{{route=\"r{i}\",code=\"500\"}}', total: 'shop_requests_total{{route=\"r{i}\"}}'}}\n"
        ));
    }
    let loaded = check_texts([("shop.yaml", s.as_str())]);
    assert!(loaded.diagnostics.iter().count() == 0);
    let svc = &loaded.specs.services[0];
    bencher.bench_local(|| {
        obspec_codegen::rules::service_groups(divan::black_box(svc))
            .iter()
            .map(|g| g.rules.len())
            .sum::<usize>()
    });
}
