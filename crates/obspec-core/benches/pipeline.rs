//! Speed of the foundation: loading, linting and rendering specs.
//! Run: `cargo bench -p obspec-core --bench pipeline`.

use obspec_core::lint::check_texts;
use obspec_core::ops::generate;
use obspec_core::targets::{self, templates, TARGETS};
use obspec_spec::load::Loaded;

/// The bundled example specs (the repository's `specs/`), read once.
fn bundled_specs() -> &'static [(&'static str, &'static str)] {
    static SPECS: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
        std::sync::OnceLock::new();
    SPECS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|n| {
                let text = std::fs::read_to_string(dir.join(&n)).unwrap();
                (&*n.leak(), &*text.leak())
            })
            .collect()
    })
}

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
    check_texts(bundled_specs().iter().copied())
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
fn bench_render(bencher: divan::Bencher, loaded: &Loaded) {
    let env = templates::environment(None);
    let targets: Vec<_> = TARGETS.iter().collect();
    bencher.bench(|| targets::render(loaded, &targets, &env).unwrap().files.len());
}

#[divan::bench]
fn render_docs_bundled(bencher: divan::Bencher) {
    bench_render(bencher, &check_texts(bundled_specs().iter().copied()));
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
    obspec_spec::secrets::detect(divan::black_box(s)).is_some()
}

/// Issue 8: parsing one alert template as Prometheus does.
#[divan::bench]
fn template_check() -> usize {
    obspec_core::format::gotmpl::check(divan::black_box(
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
    let a = targets::render(&loaded, &targets, &env).unwrap();
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
        obspec_core::ops::import::sloth(divan::black_box(&text))
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
    let registry = obspec_core::expr::promql::Registry::new(&loaded.specs);
    bencher.bench_local(|| {
        obspec_core::slo::rules::service_groups(divan::black_box(svc), &registry)
            .iter()
            .map(|g| g.rules.len())
            .sum::<usize>()
    });
}

/// Issue 11: `obspec live-check` of an exposition of 100,000 series (a
/// histogram of 6,000 routes × 10 buckets with its sum and count: 72,000
/// series; a counter of 4,000 routes × 7 codes: 28,000): parse and compare
/// with the spec.
#[divan::bench(sample_count = 20)]
fn live_check_100k_series(bencher: divan::Bencher) {
    let spec = "obspec: 1\nservice: shop\nnamespace: shop\nconventions: {}\nlabels:\n  route: {max_cardinality: 6000}\n  code: {values: ['200', '404', '500', '503', '429', '302', '301']}\nmetrics:\n  shop_requests_total: {type: counter, help: Requests., labels: [route, code]}\n  shop_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]}\n";
    let spec = spec.replace("conventions: {}\n", "");
    let project =
        "obspec: 1\nconventions: {max_series_per_metric: 200000, max_series_per_service: 300000}\n";
    let loaded = check_texts([("shop.yaml", spec.as_str()), ("obspec.yaml", project)]);
    assert!(!loaded.diagnostics.has_errors());
    let mut text = String::from(
        "# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\n",
    );
    for r in 0..6000 {
        for le in [
            "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf",
        ] {
            text.push_str(&format!(
                "shop_latency_seconds_bucket{{route=\"/api/r{r}\",le=\"{le}\"}} 7\n"
            ));
        }
        text.push_str(&format!("shop_latency_seconds_sum{{route=\"/api/r{r}\"}} 1.5\nshop_latency_seconds_count{{route=\"/api/r{r}\"}} 7\n"));
    }
    text.push_str("# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\n");
    for r in 0..4000 {
        for code in ["200", "404", "500", "503", "429", "302", "301"] {
            text.push_str(&format!(
                "shop_requests_total{{route=\"/api/r{r}\",code=\"{code}\"}} 12345\n"
            ));
        }
    }
    let svc = &loaded.specs.services[0];
    let expo =
        obspec_core::expr::exposition::parse(&text, obspec_core::expr::exposition::Format::Text)
            .unwrap();
    assert_eq!(expo.series, 100_000);
    bencher.bench_local(|| {
        let e = obspec_core::expr::exposition::parse(
            divan::black_box(&text),
            obspec_core::expr::exposition::Format::Text,
        )
        .unwrap();
        obspec_core::ops::live::check(&loaded.specs, svc, &e, &Default::default())
            .diagnostics
            .len()
    });
}

/// Issue 12: `obspec diff` of the bundled specs against a version with a
/// renamed metric and a removed bucket bound, with the old version's
/// artifacts (every target) searched for dependents.
#[divan::bench(sample_count = 30)]
fn diff_bundled_specs(bencher: divan::Bencher) {
    let old = check_texts(bundled_specs().iter().copied());
    let changed: Vec<(String, String)> = bundled_specs()
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                t.replace("  payment_inflight:\n", "  payment_in_flight:\n")
                    .replace("[0.05, 0.1, 0.25", "[0.1, 0.25"),
            )
        })
        .collect();
    let new = check_texts(changed.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let env = templates::environment(None);
    let targets: Vec<_> = TARGETS.iter().collect();
    let artifacts = targets::render(&old, &targets, &env).unwrap().files;
    bencher.bench_local(|| obspec_core::ops::diff::diff(&old, &new, &artifacts, &[]).len());
}
