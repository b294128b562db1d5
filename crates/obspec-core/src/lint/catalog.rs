//! The lint catalog: every code obspec reports, what it means, and an example
//! that breaks the rule next to one that keeps it. `obspec explain CODE` prints
//! an entry; `docs/lints.md` is rendered from this table; and the tests run
//! every example through the linter, so the catalog cannot drift from the code.
//!
//! In a failing example, the line the finding points at ends with `# <- OBSxxx`.

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub title: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    pub explanation: &'static str,
    /// Files `(name, text)` that break the rule.
    pub bad: &'static [(&'static str, &'static str)],
    /// The same files with the rule kept.
    pub good: &'static [(&'static str, &'static str)],
}

/// Looks up a rule by code (case-insensitive; `204` and `obs204` work too).
pub fn find(code: &str) -> Option<&'static Rule> {
    let c = code.trim().to_ascii_uppercase();
    let c = if c.starts_with("OBS") {
        c
    } else {
        format!("OBS{c:0>3}")
    };
    RULES.iter().find(|r| r.code == c)
}

/// Renders one rule as Markdown (for `obspec explain` and docs/lints.md).
pub fn render(rule: &Rule, heading: &str) -> String {
    let mut s = format!(
        "{heading} {}: {}\n\nSeverity: {}.\n\n{}\n",
        rule.code, rule.title, rule.severity, rule.explanation
    );
    let files = |s: &mut String, title: &str, files: &[(&str, &str)]| {
        if files.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title}\n"));
        for (name, text) in files {
            // Expositions and stored series are not YAML.
            let lang = if name.ends_with(".yaml") {
                "yaml"
            } else {
                "text"
            };
            s.push_str(&format!("\n```{lang}\n# {name}\n{text}```\n"));
        }
    };
    files(&mut s, "Fails:", rule.bad);
    files(&mut s, "Passes:", rule.good);
    s
}

/// The whole catalog as Markdown: the content of docs/lints.md.
pub fn render_all() -> String {
    let mut s = String::from(
        "# obspec lint catalog\n\n\
         <!-- Rendered from crates/obspec-core/src/lint/catalog.rs; a test keeps this file current. -->\n\n\
         Every finding of `obspec lint` has a stable code. `obspec explain CODE` prints the entry below.\n\
         Codes never change meaning; retired codes are not reused.\n\n\
         | code | rule | severity |\n|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            r.code,
            r.code.to_lowercase(),
            r.title,
            r.severity
        ));
    }
    s.push_str(CODE_RANGES_DOC);
    s.push_str(JSON_FORMAT_DOC);
    for r in RULES {
        s.push('\n');
        s.push_str(&render(r, "##"));
    }
    s
}

/// The families of codes, for docs/lints.md.
const CODE_RANGES_DOC: &str = r#"
## Code ranges

Codes are grouped by what they are about. A code keeps its number for good
(users have them in configurations and suppressions), so two families sit in
ranges older codes gave them; they are marked.

| range | family | where the checks are |
|---|---|---|
| OBS001–099 | loading: YAML, keys, types, limits, files | `obspec-spec` (`yaml.rs`, `load.rs`) |
| OBS101–199 | metric names, units, help | `obspec-rules`, `lint/names.rs` |
| OBS201–299 | labels and their domains | `lint/names.rs`, `lint/cardinality.rs`, `lint/http.rs` |
| OBS301–309 | series budgets | `lint/cardinality.rs` |
| OBS311–329 | live-check of metrics (an exposition, stored series); in the cardinality hundred for history | `ops/live.rs` |
| OBS331–349 | diff: breaking and compatible changes; in the cardinality hundred for history | `ops/diff.rs` |
| OBS401–499 | histogram buckets | `lint/names.rs` |
| OBS501–599 | PromQL meaning against the registry | `lint/promql.rs` |
| OBS601–610 | SLOs | `lint/slos.rs` |
| OBS611–629 | live-check of log lines; in the SLO hundred for history | `ops/live_logs.rs` |
| OBS701–799 | alerts and recordings | `lint/alerts.rs` |
| OBS801–899 | definitions across specs | `obspec-spec` (`load.rs`), `lint/mod.rs` |
| OBS901–949 | routing, credentials, deploy, Kubernetes | `lint/routing.rs`, `lint/kubernetes.rs`, `obspec-spec` (`secrets.rs`) |
| OBS951–999 | the `logs:` section | `lint/logs.rs` |

A new family takes a free range of its own (a free decade of the hundred it
belongs to), listed here with its module.
"#;

const JSON_FORMAT_DOC: &str = r#"
## Output formats

`obspec lint --format human` (default) prints rustc-style findings with the source line and a caret
(colour only on a terminal, never when `NO_COLOR` is set). `--format github` prints GitHub Actions
workflow commands (`::error file=…,line=…,col=…::…`) that annotate pull requests.
`--format json` prints one JSON document:

```json
{
  "version": 1,
  "errors": 1,
  "warnings": 0,
  "findings": [
    {
      "code": "OBS205",
      "severity": "error",
      "message": "label `user_id` is forbidden by the project conventions",
      "help": "…",
      "file": "specs/shop.yaml",
      "line": 9,
      "column": 14,
      "end_line": 9,
      "end_column": 21,
      "notes": [{"message": "first defined here", "file": "specs/shop.yaml", "line": 3, "column": 3}]
    }
  ]
}
```

`version` changes only if a field changes meaning. Lines and columns are 1-based; columns count
characters; `end_column` is exclusive. `file`, `line` and the other location fields are `null` only for
findings about the run itself (OBS008). Findings are sorted by file, line, column and code.

Exit codes: 0 when there is no error-level finding (and, with `--deny-warnings`, no warning);
1 when there is; 2 for a usage or I/O error.
"#;

const HEAD: &str = "obspec: 1\nservice: shop\nnamespace: shop\n";

/// A service for the expression examples: a counter, a gauge and a histogram.
macro_rules! api_spec {
    () => {
        "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  code: {values: ['200', '500']}\n  route: {max_cardinality: 50}\nmetrics:\n  api_requests_total: {type: counter, help: Requests., labels: [code, route]}\n  api_queue_depth: {type: gauge, help: Queued jobs.}\n  api_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.1, 0.5, 1]}\n"
    };
}

macro_rules! spec {
    ($($line:literal)*) => { concat!("obspec: 1\nservice: shop\nnamespace: shop\n", $($line, "\n"),*) };
}

const GOOD: &str = spec!(
    "labels:"
    "  status: {values: [ok, failed]}"
    "metrics:"
    "  shop_orders_total:"
    "    type: counter"
    "    help: Orders placed."
    "    labels: [status]"
);

const LOG_SPEC: &str = spec!(
    "logs:"
    "  events:"
    "    order_placed:"
    "      level: info"
    "      message: Order placed."
    "      fields:"
    "        total_cents: int"
    "        channel: {type: enum, values: [web, app]}"
    "        coupon: {type: string, optional: true}"
);

/// A line of `order_placed` that keeps the spec.
macro_rules! order_line {
    ($($rest:literal)?) => {
        concat!(r#"{"timestamp":"2026-12-02T10:00:00.000000Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":1250,"channel":"web""#, $($rest,)? "}")
    };
}

pub static RULES: &[Rule] = &[
    Rule {
        code: "OBS001",
        title: "YAML syntax error",
        severity: "error",
        explanation: "The file is not valid YAML (or not UTF-8, or holds more than one document). The finding points at the place the parser stopped. Common causes: a tab used for indentation, an unclosed `[` or `{`, or an unquoted string containing `: ` or ` #`.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "   help: Orders placed. # <- OBS001"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS002",
        title: "unknown key",
        severity: "error",
        explanation: "A key that the spec format does not define. Unknown keys are errors, not ignored, so that a typo (`tpye`, `bucket`) never silently drops a setting. The help line suggests the closest known key.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    tpye: counter # <- OBS002"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS003",
        title: "value of the wrong type",
        severity: "error",
        explanation: "A value is not of the expected type: a list where a mapping is expected, text where a number is expected, or a word outside a fixed set (such as a metric `type` other than counter, gauge, histogram or info).",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: countr # <- OBS003"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS004",
        title: "missing required key",
        severity: "error",
        explanation: "A required key is absent: `obspec`, `service` and `namespace` in a service spec; `type` in a metric; `objective`, `window` and `sli` in an SLO; `expr` and `severity` in an alert. An empty spec file is reported with this code too.",
        bad: &[("shop.yaml", "obspec: 1 # <- OBS004\nservice: shop\nmetrics: {}\n")],
        good: &[("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics: {}\n")],
    },
    Rule {
        code: "OBS005",
        title: "unsupported spec format version",
        severity: "error",
        explanation: "Every file starts with `obspec: 1`, the version of the spec format. A file written for another version is refused rather than misread.",
        bad: &[("shop.yaml", "obspec: 2 # <- OBS005\nservice: shop\nnamespace: shop\n")],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS006",
        title: "input limit exceeded",
        severity: "error",
        explanation: "The file is larger than 64 MiB, nests more than 64 levels, or its anchors and aliases add more than 1,000,000 nodes (an \"alias bomb\"). obspec stops reading it at once rather than hang or exhaust memory. The size of a spec written out in full is bounded by the file size alone: a service with 100,000 metrics loads. Anchors and aliases are fine for reuse; multiplying a document is not.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "x0: &a [x, x, x, x, x, x, x, x, x, x]\n",
            "x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            "x2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            "x3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "x4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "x5: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e] # <- OBS006\n",
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  status: &outcome {values: [ok, failed]}"
            "  refund_status: *outcome"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}"
            "  shop_refunds_total: {type: counter, help: Refunds., labels: [refund_status]}"
        ))],
    },
    Rule {
        code: "OBS007",
        title: "duplicate key",
        severity: "error",
        explanation: "The same key appears twice in one mapping. YAML parsers disagree on which one wins, so obspec refuses both and points at each.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    help: Orders. # <- OBS007"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS008",
        title: "no spec files",
        severity: "error",
        explanation: "The paths given to obspec hold no `*.yaml` or `*.yml` file. This finding has no location. Check the path (the default is `specs/`).",
        bad: &[],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS009",
        title: "second project file",
        severity: "error",
        explanation: "A spec directory has one project file, `obspec.yaml` (or `obspec.yml`), at its root. A second one would make conventions depend on which file is read last.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nproject: shop\n"),
            ("sub/obspec.yaml", "obspec: 1 # <- OBS009\nproject: other\n"),
        ],
        good: &[("obspec.yaml", "obspec: 1\nproject: shop\n")],
    },
    Rule {
        code: "OBS101",
        title: "invalid metric name",
        severity: "error",
        explanation: "Metric names match `[a-z_][a-z0-9_]*`: lower-case snake_case. Upper case is legal in Prometheus but breaks the convention every query relies on; colons are reserved for recording rules; a leading `__` is reserved by Prometheus.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_Orders_total: # <- OBS101"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS102",
        title: "metric name does not start with the namespace",
        severity: "error",
        explanation: "Metric names follow `namespace_subsystem_name`: every metric of a service starts with its `namespace` and an underscore (and with `namespace_subsystem_` when the metric declares a `subsystem`). This keeps names unique across services and lets a query select one service's metrics by prefix.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  orders_total: # <- OBS102"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS103",
        title: "reserved suffix",
        severity: "error",
        explanation: "Client libraries append `_bucket`, `_count`, `_sum` and `_created` to the series they expose, so a metric named with one of them collides with another metric's series. `_info` is reserved for info metrics (`type: info`), which in turn must end with `_info`.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_active_count: # <- OBS103"
            "    type: gauge"
            "    help: Active carts."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_active_carts:"
            "    type: gauge"
            "    help: Active carts."
        ))],
    },
    Rule {
        code: "OBS104",
        title: "`_total` suffix",
        severity: "error",
        explanation: "Counters end with `_total` (OpenMetrics exposes counters that way), and nothing else does: a gauge named `..._total` invites `rate()` on a value that goes down.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders: # <- OBS104"
            "    type: counter"
            "    help: Orders placed."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS105",
        title: "unit suffix does not match the unit",
        severity: "error",
        explanation: "A metric that declares `unit: U` is named `..._U` (`..._U_total` for counters), so that the unit is visible in every query. A name that ends with a base unit but declares no `unit` is a warning: tools (dashboards, docs) read the unit from the spec. The unit itself is a lower-case word.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_latency: # <- OBS105"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_latency_seconds:"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
    },
    Rule {
        code: "OBS106",
        title: "unit is not a base unit",
        severity: "error",
        explanation: "Prometheus metrics use base units: seconds (not milliseconds or minutes), bytes (not kilobytes or bits), ratio (not percent), meters, grams, volts, amperes, joules, celsius. Mixed units make every cross-service query and dashboard wrong by a factor. Convert when recording.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_milliseconds:"
            "    type: gauge"
            "    unit: milliseconds # <- OBS106"
            "    help: Latency of the last checkout."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: gauge"
            "    unit: seconds"
            "    help: Latency of the last checkout."
        ))],
    },
    Rule {
        code: "OBS107",
        title: "help text missing",
        severity: "error",
        explanation: "Every metric has a `help` text: it becomes the HELP line of the exposition, the rustdoc of generated code, and the description on dashboards and in the catalog.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total: # <- OBS107"
            "    type: counter"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
        ))],
    },
    Rule {
        code: "OBS108",
        title: "invalid service, namespace or subsystem name",
        severity: "error",
        explanation: "A service name is kebab-case (`payment-gateway`) of at most 63 characters: it names generated files, Kubernetes objects and label values (a DNS label). A namespace or subsystem is a metric-name prefix: lower-case snake_case starting with a letter, without trailing or double underscores.",
        bad: &[("shop.yaml", "obspec: 1\nservice: shop\nnamespace: Shop_ # <- OBS108\n")],
        good: &[("shop.yaml", HEAD)],
    },
    Rule {
        code: "OBS201",
        title: "invalid label name",
        severity: "error",
        explanation: "Label names match `[a-zA-Z_][a-zA-Z0-9_]*`. Dashes, dots and leading digits are rejected by Prometheus at scrape time.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  payment-method: {values: [card, cash]} # <- OBS201"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [payment-method]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  payment_method: {values: [card, cash]}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [payment_method]}"
        ))],
    },
    Rule {
        code: "OBS202",
        title: "label name starts with `__`",
        severity: "error",
        explanation: "Label names starting with `__` are reserved for Prometheus' internal use (`__name__`, `__address__`...) and are dropped or overwritten.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  __status: {values: [ok, failed]} # <- OBS202"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [__status]}"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS203",
        title: "`le` or `quantile` as a user label",
        severity: "error",
        explanation: "`le` holds histogram bucket bounds and `quantile` summary quantiles. A user label with either name corrupts `histogram_quantile()` and friends.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  le: {values: [a, b]} # <- OBS203"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [le]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  level: {values: [a, b]}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [level]}"
        ))],
    },
    Rule {
        code: "OBS204",
        title: "undeclared label",
        severity: "error",
        explanation: "Every label a metric uses is declared under the service's `labels:` with its domain (closed `values` or a `max_cardinality` bound). The declaration is what makes the series count computable and the generated code typed.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, country] # <- OBS204"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed]}"
            "  country: {max_cardinality: 250}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, country]"
        ))],
    },
    Rule {
        code: "OBS205",
        title: "forbidden label",
        severity: "error",
        explanation: "Labels listed in `conventions.forbidden_labels` (default: user_id, request_id, tracking_id, session_id, trace_id, span_id) take a new value per user or request. On a metric each value is a new series, forever: memory, storage and query time grow without bound. Put such identifiers in logs and trace attributes; use exemplars to link a metric to a trace.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  user_id: {max_cardinality: 100} # <- OBS205"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [user_id] # <- OBS205"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS206",
        title: "label collision",
        severity: "error",
        explanation: "A label is defined twice: a metric label that is also a const label, a const label that is also declared under `labels:`, or a metric or const label named like a target label (`job`, `instance`, and `conventions.required_target_labels`), which Prometheus would rename to `exported_<name>` at scrape time.",
        bad: &[("shop.yaml", spec!(
            "const_labels: {tier: P0}"
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status, tier] # <- OBS206"
        ))],
        good: &[("shop.yaml", spec!(
            "const_labels: {tier: P0}"
            "labels:"
            "  status: {values: [ok, failed]}"
            "metrics:"
            "  shop_orders_total:"
            "    type: counter"
            "    help: Orders placed."
            "    labels: [status]"
        ))],
    },
    Rule {
        code: "OBS207",
        title: "label without a bounded domain",
        severity: "error",
        explanation: "Each declared label has exactly one of `values` (its closed value set, non-empty) or `max_cardinality` (a bound of at least 1 on the distinct values it takes). Without one, the series count of the metrics that use it cannot be bounded.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  country: {description: Billing country} # <- OBS207"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
        ))],
        good: &[("shop.yaml", spec!(
            "labels:"
            "  country: {description: Billing country, max_cardinality: 250}"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
        ))],
    },
    Rule {
        code: "OBS209",
        title: "label or value listed twice",
        severity: "error",
        explanation: "A metric lists the same label twice, or a closed domain lists the same value twice.",
        bad: &[("shop.yaml", spec!(
            "labels:"
            "  status: {values: [ok, failed, ok]} # <- OBS209"
            "metrics:"
            "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}"
        ))],
        good: &[("shop.yaml", GOOD)],
    },
    Rule {
        code: "OBS210",
        title: "HTTP route or method that cannot be recorded",
        severity: "error",
        explanation: "`http:` lists the route templates of a service as its router declares them (`/payments/{id}`, `/files/{*path}`, or axum 0.7's `:id` and `*path`) and, optionally, the methods to name. The tower layer of `obspec::http` matches each request's path against the templates and records the template, never the raw path, so the `route` label stays in its closed domain. A template must start with `/`, hold each parameter as a whole segment with a name of letters, digits and `_`, name each parameter once, and put a catch-all last; two templates that match the same requests (`/a/{id}` and `/a/{key}`) are refused, as a router refuses them. A method is an upper-case token; `OTHER` is reserved for the methods not listed.",
        bad: &[("shop.yaml", spec!(
            "http:"
            "  routes: [/orders, \"/orders/{id}.json\"] # <- OBS210"
        ))],
        good: &[("shop.yaml", spec!(
            "http:"
            "  routes: [/orders, \"/orders/{id}\", \"/files/{*path}\"]"
            "  methods: [GET, POST]"
        ))],
    },
    Rule {
        code: "OBS301",
        title: "too many series for one metric",
        severity: "error",
        explanation: "A metric's series count is the product of its labels' domain sizes, times `buckets + 3` for a histogram (one series per bucket, `+Inf`, `_sum` and `_count`). It must stay within `conventions.max_series_per_metric` (default 1000). The finding shows the computation.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_metric: 100}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  country: {max_cardinality: 250}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]} # <- OBS301"
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_metric: 100}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  region: {values: [eu, us, apac]}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [region]}"
            )),
        ],
    },
    Rule {
        code: "OBS302",
        title: "too many series for one service",
        severity: "error",
        explanation: "The series counts of all metrics of a service add up to at most `conventions.max_series_per_service` (default 10000). The help line lists the largest metrics.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_service: 300}\n"),
            ("shop.yaml", concat!(
                "obspec: 1\nservice: shop # <- OBS302\nnamespace: shop\n",
                "labels:\n  country: {max_cardinality: 200}\n",
                "metrics:\n",
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}\n",
                "  shop_refunds_total: {type: counter, help: Refunds., labels: [country]}\n",
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_series_per_service: 300}\n"),
            ("shop.yaml", spec!(
                "labels:"
                "  country: {max_cardinality: 100}"
                "metrics:"
                "  shop_orders_total: {type: counter, help: Orders placed., labels: [country]}"
                "  shop_refunds_total: {type: counter, help: Refunds., labels: [country]}"
            )),
        ],
    },
    Rule {
        code: "OBS311",
        title: "declared metric not exposed",
        severity: "error",
        explanation: "`obspec live-check` found no series of a metric the spec declares: the running service was not rebuilt, the metric was renamed in code, or a labelled metric was never used (it appears once a label set is used). SLOs, alerts and dashboards built on the spec read nothing. The finding points at the metric in the spec.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS311\n")), ("metrics.prom", "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS312",
        title: "exposed metric not declared",
        severity: "error",
        explanation: "A metric in the service's namespace is exposed but not in the spec (an error), or metrics outside the namespace that no known client library produces are exposed (a warning): hand-written metrics next to the generated ones, which no review bounded. Metrics of client libraries (`process_*`, `go_*`, `promhttp_*`, `python_*`, `jvm_*`...) are not findings.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop # <- OBS312\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n# TYPE shop_retries_total counter\nshop_retries_total 3\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS313",
        title: "exposed with another type",
        severity: "error",
        explanation: "The service exposes a metric with another type than the spec's: a counter as a gauge loses `rate`'s reset handling, a histogram as a summary has no buckets for the latency SLIs. A metric exposed without `# TYPE` is a warning.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter # <- OBS313\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total gauge\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS314",
        title: "HELP or unit differs",
        severity: "warning",
        explanation: "The exposed HELP text (or OpenMetrics unit) is not the spec's: the running binary was built from another version of the spec.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed. # <- OBS314\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels: [status]\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS315",
        title: "exposed label the spec does not give the metric",
        severity: "error",
        explanation: "A series carries a label the spec does not give its metric (service const labels and the scrape's target labels excepted): a wrapper library adds `pod`, or code passes a label by hand. Its values are unbounded as far as the review knows.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS315\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\",pod=\"web-1\"} 5\nshop_orders_total{status=\"failed\",pod=\"web-1\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS316",
        title: "declared label not exposed",
        severity: "error",
        explanation: "A metric is exposed without a label the spec gives it (or only some of its series carry it): queries, SLIs and dashboards that select or group by it read nothing.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels:\n      - status # <- OBS316\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total 6\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total:\n    type: counter\n    help: Orders placed.\n    labels:\n      - status\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS317",
        title: "exposed value outside a closed domain",
        severity: "error",
        explanation: "A label with a closed domain (`values:`) is exposed with a value outside it (the finding lists a few), or a const label with another value: a value built from input, or a case the code renamed. SLIs that enumerate the values miss it.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]} # <- OBS317\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"FAILED\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")), ("metrics.prom", "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS318",
        title: "more series than the spec allows",
        severity: "error",
        explanation: "An open label takes more distinct values than its `max_cardinality` (an error at the bound), a metric exposes more series than the project's `max_series_per_metric` or the service more than `max_series_per_service` (errors), or a metric more than the spec's own estimate (a warning): the cardinality the spec was reviewed against is not what the TSDB pays.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  route: {max_cardinality: 2} # <- OBS318\nmetrics:\n", "  shop_requests_total: {type: counter, help: Requests., labels: [route]}\n")), ("metrics.prom", "# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\nshop_requests_total{route=\"/a\"} 1\nshop_requests_total{route=\"/b\"} 1\nshop_requests_total{route=\"/c/42\"} 1\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  route: {max_cardinality: 2}\nmetrics:\n", "  shop_requests_total: {type: counter, help: Requests., labels: [route]}\n")), ("metrics.prom", "# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\nshop_requests_total{route=\"/a\"} 1\nshop_requests_total{route=\"/b\"} 1\n")],
    },
    Rule {
        code: "OBS319",
        title: "exposed buckets differ",
        severity: "error",
        explanation: "A histogram is exposed with other bucket bounds than the spec's (or without `+Inf`): latency SLIs and bucket queries select `le` by value, so they read nothing or the wrong bucket.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n", "  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.25] # <- OBS319\n")), ("metrics.prom", "# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{le=\"0.1\"} 1\nshop_latency_seconds_bucket{le=\"0.5\"} 2\nshop_latency_seconds_bucket{le=\"+Inf\"} 2\nshop_latency_seconds_sum 0.4\nshop_latency_seconds_count 2\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n", "  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n")), ("metrics.prom", "# HELP shop_latency_seconds Latency.\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{le=\"0.1\"} 1\nshop_latency_seconds_bucket{le=\"0.5\"} 2\nshop_latency_seconds_bucket{le=\"+Inf\"} 2\nshop_latency_seconds_sum 0.4\nshop_latency_seconds_count 2\n")],
    },
    Rule {
        code: "OBS320",
        title: "selector that returns no series in Prometheus",
        severity: "warning",
        explanation: "`obspec live-check --prometheus` asks the server for every raw-series selector of the service's alerts, SLIs and recordings. One that returns nothing makes its rule evaluate to nothing, and its alert never fires; the finding says why, against what the server stores (no series of the metric at all, or which matcher no stored value satisfies). The example's `.series` file stands for what the Prometheus stores.",
        bad: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n", "alerts:\n  ShopOrdersFailing:\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1 # <- OBS320\n    severity: warning\n    summary: Orders fail.\n")), ("stored.series", "shop_orders_total{status=\"ok\"} 5\n")],
        good: &[("shop.yaml", concat!("obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n", "  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n", "alerts:\n  ShopOrdersFailing:\n    expr: sum(rate(shop_orders_total{status=\"failed\"}[5m])) > 1\n    severity: warning\n    summary: Orders fail.\n")), ("stored.series", "shop_orders_total{status=\"ok\"} 5\nshop_orders_total{status=\"failed\"} 1\n")],
    },
    Rule {
        code: "OBS331",
        title: "metric removed or renamed",
        severity: "error",
        explanation: "`obspec diff` (OLD_SPECS NEW_SPECS, or `--base GIT_REF`): a metric of the old version is gone. Dashboards, alerts and queries written against it read nothing, and Prometheus keeps the old series for weeks, so nothing fails loudly. An added metric with the same type, labels and help is named as the likely rename. A metric marked `stability: deprecated` (or with `deprecated:`) in the old version may be removed: the change is then allowed, as is any code passed to `--allow`. The diff examples are an old and a new version of the same file.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]} # <- OBS331\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
    },
    Rule {
        code: "OBS332",
        title: "metric type or unit changed",
        severity: "error",
        explanation: "A metric changes type (a gauge becomes a counter: `rate` over its history is wrong) or unit (every threshold and panel reading it is off by the factor).",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: counter, help: Queued orders.} # <- OBS332\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
    },
    Rule {
        code: "OBS333",
        title: "label removed from a metric",
        severity: "error",
        explanation: "A label a metric had is gone: selections and groupings by it (`by (region)`) read nothing, and the old series, with the label, stop.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status, region]} # <- OBS333\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS334",
        title: "label added to a metric read without aggregation",
        severity: "error",
        explanation: "A new label on a metric that expressions of the specs read without aggregating it away (no `sum by (...)` leaving it out): an alert then fires once per value, and one-to-one matches against other series fail. Where every reader aggregates the label away, the addition is compatible (OBS339). The finding lists the readers.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth:\n    type: gauge\n    help: Queued orders.\n    labels:\n      - region # <- OBS334\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
    },
    Rule {
        code: "OBS335",
        title: "values removed from a closed domain",
        severity: "error",
        explanation: "A value leaves a label's closed domain: its series stop, and selectors that match it (listed) read nothing.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed, timeout]} # <- OBS335\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS336",
        title: "histogram buckets changed",
        severity: "error",
        explanation: "Bucket bounds are removed from a histogram: the old `le` series stop, and latency SLIs and quantiles over a range that spans the change mix layouts. Only adding bounds is compatible (the old `le` series continue) and is reported with this code as compatible.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.25, 0.5] # <- OBS336\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_latency_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency.\n    buckets: [0.1, 0.5]\n")],
    },
    Rule {
        code: "OBS337",
        title: "SLO removed, or its SLI or period changed",
        severity: "error",
        explanation: "An SLO is removed (its `slo:*` recordings, burn alerts and dashboards stop), or its SLI, window, calendar or budgeting changes: the error budget spent so far counted other events or another period than it will.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=~\"failed|ok\"}', total: shop_orders_total} # <- OBS337\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\nslos:\n  orders:\n    objective: 99.9\n    window: 30d\n    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n")],
    },
    Rule {
        code: "OBS338",
        title: "alert or recording removed or renamed",
        severity: "error",
        explanation: "An alert is removed or renamed (also an SLO's burn alert through `alerting.name`): routes, inhibitions and silences that match its `alertname` stop matching. A removed recording leaves the dashboards and queries that read the recorded series with nothing.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep: # <- OBS338\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\nalerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    severity: warning\n    summary: Orders queue.\n")],
    },
    Rule {
        code: "OBS339",
        title: "compatible change",
        severity: "warning",
        explanation: "Changes that break nothing, listed so that reviewers see them: metrics, label values, SLOs, alerts and recordings added; help changed; an objective tightened or loosened (with the new error budget); a label added that every reader aggregates away; bucket bounds added; and the series estimate of every metric whose domains changed.",
        bad: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n  shop_queue_depth: {type: gauge, help: Queued orders.} # <- OBS339\n")],
        good: &[("old/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n"), ("new/shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nlabels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n")],
    },
    Rule {
        code: "OBS340",
        title: "log event or field removed or changed",
        severity: "error",
        explanation: "`obspec diff`: a log event removed, a field of it removed or retyped, enum values removed, its level changed, a Loki stream label removed, or the log target changed. Queries, alerts and dashboards built on the old lines (`| json | reason=\"declined\"`, `{event=\"payment_failed\"}`) stop matching without an error; the finding names the log alerts of the old spec that count the event. Adding events and fields is compatible (OBS339).",
        bad: &[
            ("old/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed:"
                "      level: error"
                "      message: Order failed."
                "      fields:"
                "        reason: {type: enum, values: [declined, timeout]} # <- OBS340"
            )),
            ("new/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed:"
                "      level: error"
                "      message: Order failed."
                "      fields:"
                "        cause: {type: enum, values: [declined, timeout]}"
            )),
        ],
        good: &[
            ("old/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed: {level: error, message: Order failed., fields: {reason: {type: enum, values: [declined, timeout]}}}"
            )),
            ("new/shop.yaml", spec!(
                "logs:"
                "  events:"
                "    order_failed: {level: error, message: Order failed., description: The bank or the shop refused the order., fields: {reason: {type: enum, values: [declined, timeout, fraud]}}}"
            )),
        ],
    },
    Rule {
        code: "OBS401",
        title: "invalid histogram buckets",
        severity: "error",
        explanation: "Bucket bounds are finite, positive and strictly increasing. `+Inf` is always added by the client and must not be listed.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.5, 0.25, 1] # <- OBS401"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1]"
        ))],
    },
    Rule {
        code: "OBS402",
        title: "bucket implausible for the unit",
        severity: "warning",
        explanation: "A bucket bound that makes no sense for the metric's unit: more than a day or less than a microsecond in seconds (often milliseconds written as seconds), a fraction of a byte, or a ratio above 1 (often a percentage).",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [100, 250, 500, 1000, 100000] # <- OBS402"
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1, 100]"
        ))],
    },
    Rule {
        code: "OBS403",
        title: "buckets missing or misplaced",
        severity: "error",
        explanation: "A histogram declares its `buckets` (defaults never fit: they decide which latency objectives can be measured); other metric types have none.",
        bad: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram # <- OBS403"
            "    unit: seconds"
            "    help: Checkout latency."
        ))],
        good: &[("shop.yaml", spec!(
            "metrics:"
            "  shop_checkout_seconds:"
            "    type: histogram"
            "    unit: seconds"
            "    help: Checkout latency."
            "    buckets: [0.1, 0.25, 0.5, 1]"
        ))],
    },
    Rule {
        code: "OBS501",
        title: "invalid PromQL",
        severity: "error",
        explanation: "An expression (alert `expr`, SLI selector, `error_ratio`) does not parse as PromQL. Prometheus would refuse to load the generated rules.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > # <- OBS501\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS502",
        title: "unknown metric in an expression",
        severity: "error",
        explanation: "An expression references a series that no spec declares (a declared metric, a histogram's `_bucket`, `_sum` or `_count`, or a recording rule obspec generates for SLOs, `slo:*`). Such an alert never fires: the typo is silent until the incident.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_size > 100 # <- OBS502\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS503",
        title: "unknown label in a matcher",
        severity: "error",
        explanation: "A label matcher names a label the metric does not have. Allowed: the metric's labels, the service's const labels, the target labels (`job`, `instance`, `conventions.required_target_labels`), and `le` on `_bucket` series. A matcher on a missing label matches nothing (or everything, negated).",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "alerts:\n  ShopOrdersFailing:\n    expr: rate(shop_orders_total{state=\"failed\"}[5m]) > 1 # <- OBS503\n",
            "    severity: warning\n    summary: Orders fail.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "alerts:\n  ShopOrdersFailing:\n    expr: rate(shop_orders_total{status=\"failed\"}[5m]) > 1\n",
            "    severity: warning\n    summary: Orders fail.\n",
        ))],
    },
    Rule {
        code: "OBS504",
        title: "matcher value outside the label's domain",
        severity: "error",
        explanation: "An equality matcher (or a regex that is a plain alternation like `a|b`) uses a value outside the label's closed value set, so it never matches. On `!=` and `!~` the same is a warning: the matcher then excludes nothing. The `environment` label's domain is the project's `environments`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "alerts:\n  ShopOrdersFailing:\n    expr: rate(shop_orders_total{status=\"error\"}[5m]) > 1 # <- OBS504\n",
            "    severity: warning\n    summary: Orders fail.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "alerts:\n  ShopOrdersFailing:\n    expr: rate(shop_orders_total{status=\"failed\"}[5m]) > 1\n",
            "    severity: warning\n    summary: Orders fail.\n",
        ))],
    },
    Rule {
        code: "OBS505",
        title: "matchers that can never both hold",
        severity: "error",
        explanation: "Two matchers of one selector on the same label that no series satisfies together: two different equality values (`code=\"500\", code=\"200\"`), or `=` and `!=` on the same value. The selector is always empty and the alert can never fire.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=\"500\", code=\"200\"}[5m])) > 1' # <- OBS505\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=~\"500|200\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS506",
        title: "counter misuse",
        severity: "error",
        explanation: "`rate`, `irate` and `increase` read every decrease as a counter reset: on a gauge they give nonsense. `deriv`, `delta`, `idelta` and `predict_linear` read every restart of a counter as a drop. A raw counter compared or summed without `rate`/`increase` only grows until the process restarts: the alert fires forever once past its threshold, or never. The metric types come from the specs.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiQueueGrowing:\n    expr: 'rate(api_queue_depth[10m]) > 1' # <- OBS506\n",
            "    severity: warning\n    summary: The queue grows.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiQueueGrowing:\n    expr: 'deriv(api_queue_depth[10m]) > 1'\n",
            "    severity: warning\n    summary: The queue grows.\n",
        ))],
    },
    Rule {
        code: "OBS507",
        title: "`histogram_quantile` without buckets",
        severity: "error",
        explanation: "`histogram_quantile` needs the `le` label of a histogram's `_bucket` series. An aggregation that drops `le` (`sum by (instance)`) leaves nothing to compute from: the result is always empty. Over series that are not buckets it is meaningless.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiSlow:\n    expr: 'histogram_quantile(0.95, sum by (instance) (rate(api_latency_seconds_bucket[5m]))) > 1' # <- OBS507\n",
            "    severity: warning\n    summary: Slow.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiSlow:\n    expr: 'histogram_quantile(0.95, sum by (le, instance) (rate(api_latency_seconds_bucket[5m]))) > 1'\n",
            "    severity: warning\n    summary: Slow.\n",
        ))],
    },
    Rule {
        code: "OBS508",
        title: "vector matching that never matches",
        severity: "error",
        explanation: "A binary operator between two vectors pairs series with identical label sets (or identical `on(...)` labels). Computed from the specs, these label sets never meet, e.g. `sum by (route) (a) / sum by (instance) (b)`: the result is always empty. Match with `on(...)` or `ignoring(...)`, and `group_left` for many-to-one. A one-to-one `on(...)` match where one side also carries labels beyond the match labels (several of its series meet one on the other side, and Prometheus fails the evaluation) is a warning.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiErrorRatio:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) / sum by (instance) (rate(api_requests_total[5m])) > 0.1' # <- OBS508\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiErrorRatio:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) / on() group_left sum(rate(api_requests_total[5m])) > 0.1'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS509",
        title: "label the series never carry",
        severity: "error",
        explanation: "An aggregation groups by a label (`by (zone)`), or a vector match is made `on(zone)`, that the series never carry as the specs declare them: the label is always empty and the grouping or matching is not what it says.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (zone) (rate(api_requests_total{code=\"500\"}[5m])) > 1' # <- OBS509\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS510",
        title: "range shorter than two scrape intervals",
        severity: "warning",
        explanation: "A range selector (`rate(x[1m])`) holds the samples scraped in its range. Shorter than two scrape intervals, it often holds one sample or none, and `rate`, `increase` and `deriv` then return nothing: the alert or panel goes blind at random. The scrape interval is `prometheus.scrape_interval` in the project file (default `30s`, the kube-prometheus-stack's; Prometheus's own default is `1m`); four intervals are a safe range. The same holds for the windows obspec generates for an SLO: they scale with the SLO window (the fast-burn short window is 5m at 30d, 70s at 7d, 10s at 1d), so an SLO window whose shortest burn window is under two scrape intervals is flagged at its `window`.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=\"500\"}[30s])) > 1' # <- OBS510\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS601",
        title: "objective out of range",
        severity: "error",
        explanation: "An SLO objective is the percentage of good events, strictly between 0 and 100 (`99.9`, not `0.999` and not `100`: an objective of 100 leaves no error budget to alert on).",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 100 # <- OBS601\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS602",
        title: "SLO window is not a duration",
        severity: "error",
        explanation: "The SLO window (compliance period) is a Prometheus duration: `30d`, `28d`, `4w`. Burn-rate alert windows are scaled from it.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30 days # <- OBS602\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS603",
        title: "SLI selector is not a counter selector",
        severity: "error",
        explanation: "`errors` and `total` are plain selectors of counters (`metric_total{label=\"v\"}`), or of a histogram's `_count` series (which counts its observations); obspec wraps them in `sum(rate(...[window]))` for every window. A gauge's rate is meaningless; for anything else use `error_ratio`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders: {type: gauge, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders # <- OBS603\n      total: shop_orders_total\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders_total\n      total: shop_orders_total\n",
        ))],
    },
    Rule {
        code: "OBS604",
        title: "latency SLI not on a histogram bucket",
        severity: "error",
        explanation: "A latency SLI counts the observations of a histogram at or under a threshold, which is exact only when the threshold is one of the histogram's bucket bounds (the `le` series). The metric must be a histogram, named without `_bucket`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_checkout_seconds: {type: histogram, unit: seconds, help: Checkout latency., buckets: [0.25, 0.5, 1]}\n",
            "slos:\n  checkout-latency:\n    objective: 99\n    window: 30d\n",
            "    sli:\n      latency: {metric: shop_checkout_seconds, threshold: 0.3} # <- OBS604\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_checkout_seconds: {type: histogram, unit: seconds, help: Checkout latency., buckets: [0.25, 0.5, 1]}\n",
            "slos:\n  checkout-latency:\n    objective: 99\n    window: 30d\n",
            "    sli:\n      latency: {metric: shop_checkout_seconds, threshold: 0.25}\n",
        ))],
    },
    Rule {
        code: "OBS605",
        title: "SLI kind missing or ambiguous",
        severity: "error",
        explanation: "An SLI has exactly one kind: `errors` with `total`, or `latency`, or `error_ratio`.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      total: shop_orders_total # <- OBS605\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      errors: shop_failed_orders_total\n      total: shop_orders_total\n",
        ))],
    },
    Rule {
        code: "OBS606",
        title: "`error_ratio` without `{{window}}`",
        severity: "error",
        explanation: "A raw `error_ratio` SLI is evaluated over every alert window: its ranges are written `[{{window}}]` and obspec substitutes each window.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      error_ratio: sum(rate(shop_failed_orders_total[5m])) / sum(rate(shop_orders_total[5m])) # <- OBS606\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli:\n      error_ratio: sum(rate(shop_failed_orders_total[{{window}}])) / sum(rate(shop_orders_total[{{window}}]))\n",
        ))],
    },
    Rule {
        code: "OBS607",
        title: "SLO grouping label not on the SLI metrics",
        severity: "error",
        explanation: "`grouping` computes the SLO per value of the listed labels; each must be a declared label carried by every metric of the SLI, or the grouped ratio is wrong.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "  shop_carts: {type: gauge, help: Open carts., labels: [region]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n    grouping: [region] # <- OBS607\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n  region: {values: [eu, us]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status, region]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n    grouping: [region]\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS608",
        title: "burn window that cannot work or alert that can never fire",
        severity: "error",
        explanation: "A burn-rate alert fires when the error ratio over its long and short windows exceeds `factor × error budget`, where the factor spends `budget_percent` of the SLO window's budget over the long window (2% in 1h of 30d is 14.4). No error ratio exceeds 1, so an alert whose threshold is 1 or more can never fire: with the default windows this happens below an objective of about 93%. Custom `windows` of a class need a short window shorter than the long one, a long window within the SLO window, and a `budget_percent` in (0, 100].",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 90 # <- OBS608\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        )), ("cart.yaml", concat!(
            "obspec: 1\nservice: cart\nnamespace: cart\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  cart_updates_total: {type: counter, help: Cart updates., labels: [status]}\n",
            "slos:\n  updates:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'cart_updates_total{status=\"failed\"}', total: cart_updates_total}\n",
            "    alerting:\n      page:\n        windows:\n",
            "          - long: 1h\n            short: 2h # <- OBS608\n            budget_percent: 2\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 90\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    alerting:\n      page:\n        windows:\n",
            "          - {long: 1h, short: 5m, budget_percent: 0.5}\n",
            "          - {long: 6h, short: 30m, budget_percent: 5}\n",
        ))],
    },
    Rule {
        code: "OBS609",
        title: "SLO info label that replaces an identity label",
        severity: "error",
        explanation: "`info_labels` go on the SLO's constant metadata series (`slo:objective:ratio`, `slo:error_budget:ratio`, `slo:time_period:days`) so that dashboards and reports can select SLOs by owner, tier or anything else. The series are identified by `slo` and `service` (and error ratios by `window`): an info label with one of these names would make the SLOs' series collide.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    info_labels:\n      service: checkout # <- OBS609\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99.9\n    window: 30d\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
            "    info_labels: {tier: gold, owner: checkout-team}\n",
        ))],
    },
    Rule {
        code: "OBS610",
        title: "calendar or time-slice budgeting that cannot work",
        severity: "error",
        explanation: "`calendar: day|week|month` restarts the budget at each UTC period start, and `window` must then be the calendar period's nominal length (`1d`, `7d`, `28d` to `31d`). `timeslice: {window, target}` counts good slices instead of good events: a slice is bad when its own error ratio exceeds `100 - target` percent. A slice must hold at least two scrapes (or its rate has no value), be shorter than every burn window (they count slices), and the target must be strictly between 0 and 100.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99\n    window: 30d\n",
            "    timeslice: {window: 30s, target: 95} # <- OBS610\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        )), ("cart.yaml", concat!(
            "obspec: 1\nservice: cart\nnamespace: cart\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  cart_updates_total: {type: counter, help: Cart updates., labels: [status]}\n",
            "slos:\n  updates:\n    objective: 99.9\n    window: 30d\n",
            "    calendar: quarter # <- OBS610\n",
            "    sli: {errors: 'cart_updates_total{status=\"failed\"}', total: cart_updates_total}\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "labels:\n  status: {values: [ok, failed]}\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed., labels: [status]}\n",
            "slos:\n  orders:\n    objective: 99\n    window: 30d\n    calendar: month\n",
            "    timeslice: {window: 1m, target: 95}\n",
            "    sli: {errors: 'shop_orders_total{status=\"failed\"}', total: shop_orders_total}\n",
        ))],
    },
    Rule {
        code: "OBS611",
        title: "log line that is not a JSON object",
        severity: "error",
        explanation: "`obspec live-check --logs` reads JSONL: one JSON object per line, as `obspec::logs::JsonLayer` writes them. A line that is not JSON (a plain-text log line, a line cut in two by a crash, invalid UTF-8) or is JSON but not an object cannot be parsed by the collector's `json_parser`, and Loki's `| json` gives it no fields: every query on its fields misses it.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(), "\n", "2026-12-02 10:00:01 INFO order placed # <- OBS611\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS612",
        title: "unknown log event",
        severity: "error",
        explanation: "A line of the service's target names an `event` the spec does not declare (or has no `event`): it was written by hand, or by an event renamed in the code and not in the spec. Dashboards and alerts built on the declared events do not see it.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_created","message":"Order placed."}"#, " # <- OBS612\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS613",
        title: "log line without a required field",
        severity: "error",
        explanation: "Every line carries `timestamp`, `level`, `target`, `event` and `message`, and every field its event declares that is not `optional: true`. A field missing from a line is usually a field renamed in the code: the queries and alerts that filter on the old name go blind.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total":1250,"channel":"web"}"#, " # <- OBS613\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(r#","coupon":"WINTER""#), "\n"))],
    },
    Rule {
        code: "OBS614",
        title: "log field of the wrong type",
        severity: "error",
        explanation: "A field's JSON type must be its declared type: `string` and `enum` a string, `int` an integer, `float` a number, `bool` true or false, `duration` seconds as a number ≥ 0; `timestamp` is an RFC 3339 date-time, `trace_id` 32 and `span_id` 16 lowercase hex digits. A number written as text compares as text in LogQL (`| total_cents > 1000` stops matching).",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":"1250","channel":"web"}"#, " # <- OBS614\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS615",
        title: "log value outside its domain",
        severity: "error",
        explanation: "An `enum` field holds one of its declared values, and the line's `level` and `message` are the event's: a value outside the closed domain is a new Loki stream when the field is a stream label, and falls outside every panel that lists the values.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(r#"{"timestamp":"2026-12-02T10:00:00Z","level":"INFO","target":"shop","event":"order_placed","message":"Order placed.","total_cents":1250,"channel":"kiosk"}"#, " # <- OBS615\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS616",
        title: "forbidden field in a log line",
        severity: "error",
        explanation: "A line holds a field named in `conventions.forbidden_log_fields` or a secret's name (OBS953) that its event does not declare hashed: personal data or a credential on its way to every place logs are copied to. The collector's JSONL pipeline drops such fields, but the line was written with them.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(r#","email":"jane@example.com""#), " # <- OBS616\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS617",
        title: "undeclared log field",
        severity: "warning",
        explanation: "A line holds a field its event does not declare: the code logs more than the spec says, so the JSON Schema (with `unevaluatedProperties: false`) refuses the line and nobody reviewed what the field holds. Declare it, or stop logging it. `--deny-warnings` makes it fail the check.",
        bad: &[
            ("shop.yaml", LOG_SPEC),
            ("app.jsonl", concat!(order_line!(r#","debug":"cart=3""#), " # <- OBS617\n")),
        ],
        good: &[("shop.yaml", LOG_SPEC), ("app.jsonl", concat!(order_line!(), "\n"))],
    },
    Rule {
        code: "OBS701",
        title: "unknown severity",
        severity: "error",
        explanation: "Alert severities come from `conventions.severities` (default: critical, warning, info): routing matches on them, so a typo sends the alert nowhere.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warn # <- OBS701\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS702",
        title: "`for` is not a duration",
        severity: "error",
        explanation: "An alert's `for` is a Prometheus duration such as `5m` or `1h30m`; shorter than the evaluation interval (`prometheus.evaluation_interval`, default `30s`) it changes nothing, which is a warning. An SLO's burn-rate `for` is at most the longest short window of its class (for a 30d SLO: 30m for page, 6h for ticket, scaled with the SLO window): the short window makes the alert resolve soon after the burn stops, a longer `for` waits past that point, and it would make the generated promtool tests run for minutes (a ticket `for: 3d` takes promtool about four minutes; 6h about 13 s).",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    for: 10 minutes # <- OBS702\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n    for: 10m\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS703",
        title: "alert without summary",
        severity: "error",
        explanation: "Every alert has a `summary`: the one line the on-call reads first, in the page, the chat message and the ticket.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep: # <- OBS703\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: \"{{ $value }} orders are queueing\"\n",
        ))],
    },
    Rule {
        code: "OBS704",
        title: "runbook is not a URL",
        severity: "error",
        explanation: "`runbook` is an absolute http(s) URL, rendered as a link in notifications and dashboards.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n    runbook: wiki/shop/queue # <- OBS704\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n    runbook: https://wiki.example.com/shop/queue\n",
        ))],
    },
    Rule {
        code: "OBS705",
        title: "invalid alert name",
        severity: "error",
        explanation: "Alert names are identifiers (letters, digits, underscores, starting with a letter), conventionally CamelCase: they become the `alertname` label that routes, silences and inhibitions match on.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  shop queue deep: # <- OBS705\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: Orders are queueing.\n",
        ))],
    },
    Rule {
        code: "OBS706",
        title: "invalid Prometheus template",
        severity: "error",
        explanation: "Prometheus expands every alert label and annotation (`summary`, `description`, `runbook`, `annotations`, `labels`) as a Go template with its own functions and the variables `$labels`, `$value`, `$externalLabels` and `$externalURL`. A template Go cannot parse (a bad character such as `{{ 7*191 }}`, an unknown function, an undefined variable, an unclosed action, `if` without `end`) fails `promtool check rules` and the whole rule file. obspec parses each one as Prometheus does and points at the error. Plain text obspec writes into alerts (the team, severity and service labels, the SLO texts) is escaped so that Prometheus prints it as written. SLO alert labels and annotations are static text: `{{` there is a warning, since it is printed as is.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: '{{ $value | humanise }} orders queued' # <- OBS706\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_queue_depth: {type: gauge, help: Queued orders.}\n",
            "alerts:\n  ShopQueueDeep:\n    expr: shop_queue_depth > 100\n",
            "    severity: warning\n    summary: '{{ $value | humanize }} orders queued'\n",
        ))],
    },
    Rule {
        code: "OBS708",
        title: "alert without a condition",
        severity: "error",
        explanation: "An alert fires for every series its expression returns. Without a comparison filter (`> 0.05`), `absent(...)`, or `and` with one, the expression returns series whenever the metric exists: the alert fires the moment one request fails, and stays firing. `x or vector(0)` always returns a series; a comparison with `bool` is not a filter.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m]))' # <- OBS708\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 0'\n",
            "    severity: warning\n    summary: Failing.\n",
        ))],
    },
    Rule {
        code: "OBS709",
        title: "template reads a label the series never carry",
        severity: "error",
        explanation: "Prometheus expands alert labels and annotations with the labels of each series the expression returns (`$labels`). A template that reads a label the expression aggregates away (`sum(...)` drops `route`) is always empty: the on-call reads `Route  fails`. The labels are computed from the specs through aggregations, vector matching and functions.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum(rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Route {{ $labels.route }} fails' # <- OBS709\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "alerts:\n  ApiFailing:\n    expr: 'sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) > 1'\n",
            "    severity: warning\n    summary: 'Route {{ $labels.route }} fails'\n",
        ))],
    },
    Rule {
        code: "OBS710",
        title: "alert loses a label the routing reads",
        severity: "warning",
        explanation: "Alertmanager routes and inhibits on the labels of each alert: its series' labels plus `severity`, `service`, `team` and its own `labels:`. A route whose other matchers the alert satisfies, an inhibition it takes part in (`equal`), or the dependency inhibition of its service (which compares the project's `required_target_labels`) reads a label that the alert's expression aggregates away: the alert never reaches that route and falls to `default_receiver`, or escapes (or wrongly matches) the inhibition.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    prod-pager: {webhook: {url: 'http://pager:8080/'}}\n  routes:\n    - match: {severity: critical, env: prod}\n      receiver: prod-pager\n"),
            ("api.yaml", concat!(
                "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  env: {values: [prod, staging]}\n",
                "metrics:\n  api_requests_total: {type: counter, help: Requests., labels: [env]}\n",
                "alerts:\n  ApiDown:\n    expr: 'sum(rate(api_requests_total[5m])) == 0' # <- OBS710\n",
                "    severity: critical\n    summary: No requests.\n",
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    prod-pager: {webhook: {url: 'http://pager:8080/'}}\n  routes:\n    - match: {severity: critical, env: prod}\n      receiver: prod-pager\n"),
            ("api.yaml", concat!(
                "obspec: 1\nservice: api\nnamespace: api\nlabels:\n  env: {values: [prod, staging]}\n",
                "metrics:\n  api_requests_total: {type: counter, help: Requests., labels: [env]}\n",
                "alerts:\n  ApiDown:\n    expr: 'sum by (env) (rate(api_requests_total[5m])) == 0'\n",
                "    severity: critical\n    summary: No requests.\n",
            )),
        ],
    },
    Rule {
        code: "OBS711",
        title: "invalid recording rule name",
        severity: "error",
        explanation: "A recording rule under `recordings:` records a series named like a metric; by convention `level:metric:operations` (`job:api_requests:rate5m`), with colons telling recorded series from scraped ones. Prometheus refuses other names. Alerts and other expressions of the specs may use the recorded names.",
        bad: &[("api.yaml", concat!(
            api_spec!(),
            "recordings:\n  job-api-requests-rate5m: # <- OBS711\n    expr: 'sum by (job) (rate(api_requests_total[5m]))'\n",
        ))],
        good: &[("api.yaml", concat!(
            api_spec!(),
            "recordings:\n  job:api_requests:rate5m:\n    expr: 'sum by (job) (rate(api_requests_total[5m]))'\n",
            "alerts:\n  ApiBusy:\n    expr: 'job:api_requests:rate5m > 100'\n",
            "    severity: warning\n    summary: Busy.\n",
        ))],
    },
    Rule {
        code: "OBS801",
        title: "metric defined twice",
        severity: "error",
        explanation: "A metric name is defined twice, in one file or in two. Prometheus has one namespace of metric names: the second definition would collide at registration or in queries. The finding points at both places.",
        bad: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders billed.}\n"),
            ("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed.} # <- OBS801\n"),
        ],
        good: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nmetrics:\n  billing_orders_total: {type: counter, help: Orders billed.}\n"),
            ("shop.yaml", "obspec: 1\nservice: shop\nnamespace: shop\nmetrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n"),
        ],
    },
    Rule {
        code: "OBS802",
        title: "SLO defined twice",
        severity: "error",
        explanation: "An SLO name is defined twice, in one file or in two. SLO names label the recording rules and alerts generated for them, so they are unique across the specs.",
        bad: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n",
            "  orders: {objective: 99.9, window: 30d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
            "  orders: {objective: 99, window: 7d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}} # <- OBS802\n",
        ))],
        good: &[("shop.yaml", concat!(
            "obspec: 1\nservice: shop\nnamespace: shop\n",
            "metrics:\n  shop_orders_total: {type: counter, help: Orders placed.}\n",
            "  shop_failed_orders_total: {type: counter, help: Failed orders.}\n",
            "slos:\n",
            "  orders: {objective: 99.9, window: 30d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
            "  orders-weekly: {objective: 99, window: 7d, sli: {errors: shop_failed_orders_total, total: shop_orders_total}}\n",
        ))],
    },
    Rule {
        code: "OBS803",
        title: "alert defined twice",
        severity: "error",
        explanation: "An alert name is defined twice, in one file or in two. Routing, silences and inhibitions match on `alertname`; two alerts with one name are indistinguishable there.",
        bad: &[
            ("a.yaml", concat!(
                "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  QueueDeep: {expr: a_queue_depth > 1, severity: info, summary: Deep.}\n",
            )),
            ("b.yaml", concat!(
                "obspec: 1\nservice: b\nnamespace: b\nmetrics:\n  b_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  QueueDeep: {expr: b_queue_depth > 1, severity: info, summary: Deep.} # <- OBS803\n",
            )),
        ],
        good: &[
            ("a.yaml", concat!(
                "obspec: 1\nservice: a\nnamespace: a\nmetrics:\n  a_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  AQueueDeep: {expr: a_queue_depth > 1, severity: info, summary: Deep.}\n",
            )),
            ("b.yaml", concat!(
                "obspec: 1\nservice: b\nnamespace: b\nmetrics:\n  b_queue_depth: {type: gauge, help: Queue.}\n",
                "alerts:\n  BQueueDeep: {expr: b_queue_depth > 1, severity: info, summary: Deep.}\n",
            )),
        ],
    },
    Rule {
        code: "OBS804",
        title: "service defined twice",
        severity: "error",
        explanation: "Two spec files declare the same `service`. Each service has one spec file; generated artifacts are named after it.",
        bad: &[
            ("a.yaml", "obspec: 1\nservice: shop\nnamespace: a\n"),
            ("b.yaml", "obspec: 1\nservice: shop # <- OBS804\nnamespace: b\n"),
        ],
        good: &[
            ("a.yaml", "obspec: 1\nservice: shop\nnamespace: a\n"),
            ("b.yaml", "obspec: 1\nservice: billing\nnamespace: b\n"),
        ],
    },
    Rule {
        code: "OBS901",
        title: "undefined receiver",
        severity: "error",
        explanation: "`routing.default_receiver`, a route's `receiver` and a team's receiver name a receiver defined under `routing.receivers`. Alertmanager refuses a configuration that routes to an unknown receiver.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: critical}\n      receiver: pager # <- OBS901\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n    pager: {pagerduty: {routing_key_file: /etc/alertmanager/pagerduty}}\n  routes:\n    - match: {severity: critical}\n      receiver: pager\n"),
        ],
    },
    Rule {
        code: "OBS902",
        title: "credential in a spec",
        severity: "error",
        explanation: "Specs are reviewed and committed and every string of them reaches generated artifacts: they never hold credentials. Every string of every spec file is checked. A key that names a credential (`password`, `token`, `bearer_token`, `credentials`, `client_secret`, `routing_key`, `api_key`, `secret_key`, Slack's `api_url`, any `*_token`, `*_password`, `*_secret`...) holding a literal is refused wherever it sits: in a receiver use its `_file` form (`bearer_token_file`, `authorization.credentials_file`, `oauth2.client_secret_file`...), naming a file the deployment provides (the Terraform target stores the secret in a SecureString parameter); leave SNS `sigv4` keys out so that Alertmanager uses its environment or role. Values are refused when they look like a credential: AWS access keys, JWTs, GitHub, GitLab, Slack, Stripe, OpenAI, Google, npm, PyPI and Hugging Face tokens, PEM private keys, chat webhook URLs, URLs with `user:password@` or a token in their query (and, for receiver URLs, in their path: PagerDuty integration keys, Telegram bot tokens), `Bearer`/`Basic` header values, and long random-looking tokens. Mapping keys (a credential as a label name or matcher) and comments (committed with the spec, and shown with the source lines of findings) are checked the same way. Findings never print the secret, and every report masks it (`***`) in the source lines it shows.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: hook\n  receivers:\n    hook:\n      webhook:\n        url: 'http://hook:8080/'\n        http_config: {bearer_token: abcdef0123456789} # <- OBS902\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: hook\n  receivers:\n    hook:\n      webhook:\n        url: 'http://hook:8080/'\n        http_config: {bearer_token_file: /etc/alertmanager/secrets/hook-token}\n"),
        ],
    },
    Rule {
        code: "OBS903",
        title: "unknown receiver integration",
        severity: "error",
        explanation: "A receiver has at least one integration among slack, pagerduty, webhook, email, opsgenie, msteams, telegram, pushover, victorops, sns, discord and webex (written `<name>_configs` in Alertmanager).",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {slak: {channel: '#alerts', api_url_file: /etc/am/slack}} # <- OBS903\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {slack: {channel: '#alerts', api_url_file: /etc/am/slack}}\n"),
        ],
    },
    Rule {
        code: "OBS904",
        title: "invalid route, inhibition or dependency",
        severity: "error",
        explanation: "A route names a time interval that `routing.time_intervals` does not define; an inhibition rule lacks `source` or `target` matchers (it would mute everything); or a service's `depends_on` names no service of the specs. A route without matchers, which catches every alert, is a warning.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights] # <- OBS904\n"),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}]}]\n"),
        ],
    },

    Rule {
        code: "OBS905",
        title: "invalid deploy setting",
        severity: "error",
        explanation: "`deploy.ssm_prefix` is an absolute SSM parameter path without a trailing slash, `deploy.aws_region` a region name, the collector's `*_env` settings environment variable names (`[A-Z_][A-Z0-9_]*`), and its `memory_mib` at least 128.",
        bad: &[("obspec.yaml", "obspec: 1\ndeploy:\n  aws_region: eu-west-1\n  ssm_prefix: shopfront/ # <- OBS905\n")],
        good: &[("obspec.yaml", "obspec: 1\ndeploy:\n  aws_region: eu-west-1\n  ssm_prefix: /shopfront\n")],
    },
    Rule {
        code: "OBS906",
        title: "value Alertmanager refuses",
        severity: "error",
        explanation: "Values that `amtool check-config` refuses are refused at lint time, located: `group_by` entries that are not label names (or `...` mixed with labels), receiver names that are empty, padded, longer than 128 characters or hold control characters, receiver URLs (`url`, `*_url`) that are not absolute http(s) URLs or hold white space or control characters, e-mail `smarthost`s without a port, `match_re` values that are not RE2 expressions (as Go reads them: nested repetition, counts over 1000 and `(?<name>` are refused), `equal` entries of inhibitions that are not label names, time-of-day ranges outside `00:00`–`24:00` or ending before they start, weekdays, days of the month, months and years outside their ranges, and `location`s that are not IANA time zones. A test holds these checks against amtool case by case; obspec is stricter in two places only, values amtool 0.25 lets through that cannot work: white space in a URL, and month 13.",
        bad: &[("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}], location: Europe/Atlantis}] # <- OBS906\n")],
        good: &[("obspec.yaml", "obspec: 1\nrouting:\n  default_receiver: chat\n  receivers:\n    chat: {webhook: {url: 'http://chat:8080/'}}\n  routes:\n    - match: {severity: info}\n      receiver: chat\n      mute_time_intervals: [nights]\n  time_intervals:\n    nights: [{times: [{start_time: '22:00', end_time: '24:00'}], location: Europe/Berlin}]\n")],
    },
    Rule {
        code: "OBS907",
        title: "invalid Kubernetes metadata",
        severity: "error",
        explanation: "The `kubernetes` settings become object metadata, which the API server validates: `namespace` is a DNS label, `name_prefix` + service + `name_suffix` a DNS subdomain, label and annotation keys qualified names (an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_`, `.`), label values at most 63 such characters. `kubectl apply` would refuse the manifest.",
        bad: &[("obspec.yaml", "obspec: 1\nkubernetes:\n  namespace: monitoring\n  labels:\n    release: kube prometheus # <- OBS907\n")],
        good: &[("obspec.yaml", "obspec: 1\nkubernetes:\n  namespace: monitoring\n  labels:\n    release: kube-prometheus\n")],
    },
    Rule {
        code: "OBS951",
        title: "invalid log event or field name",
        severity: "error",
        explanation: "Log event and field names are snake_case (lowercase ASCII letters, digits, single `_`, starting with a letter): they become JSON keys, Rust function and parameter names, and LogQL filters, and a name written two ways is two fields to every query. An event's field may not reuse a line field every line already carries (`timestamp`, `level`, `target`, `event`, `message`, `trace_id`, `span_id`), nor be a Rust keyword (`type`, `match`...), which cannot name a parameter of the generated event function.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        orderTotal: float # <- OBS951"
            "        message: string # <- OBS951"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_total: float"
            "        note: string"
        ))],
    },
    Rule {
        code: "OBS952",
        title: "log field without a closed domain",
        severity: "error",
        explanation: "An `enum` field lists its closed domain under `values` (non-empty, each value once): the JSON Schema, the generated Rust enum and `obspec live-check --logs` hold lines to it, and it may become a Loki stream label. `values` on a field of another type is refused: it would not be checked.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        channel: enum # <- OBS952"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        channel: {type: enum, values: [web, app]}"
        ))],
    },
    Rule {
        code: "OBS953",
        title: "forbidden log field",
        severity: "error",
        explanation: "Fields named in `conventions.forbidden_log_fields` (default: email, user_id, phone, ip_address, password, token, secret, api_key, authorization) are personal data or secrets, and a log line is copied to every place logs go. Personal data may be logged as a hash: declare the field `{type: string, hashed: true}`. Secrets (`password`, `passwd`, `token`, `secret`, `api_key`, `authorization`, `access_token`, `private_key`, and names ending in `_password`, `_secret`, `_token`, `_api_key`, `_private_key`) are refused even hashed. `obspec live-check --logs` reports the same names in lines (OBS616).",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    login_failed:"
            "      level: warn"
            "      message: Login failed."
            "      fields:"
            "        email: string # <- OBS953"
            "        password: {type: string, hashed: true} # <- OBS953"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    login_failed:"
            "      level: warn"
            "      message: Login failed."
            "      fields:"
            "        user_id: {type: string, hashed: true}"
            "        reason: {type: enum, values: [bad_password, locked]}"
        ))],
    },
    Rule {
        code: "OBS954",
        title: "unbounded Loki stream label",
        severity: "error",
        explanation: "Loki indexes streams by their labels, and every distinct label set is a stream with its own chunks: a label with an open domain (a string, a number, a duration, an identifier) makes streams without bound, the same cardinality problem as a metric label. `logs.stream_labels` may name `level`, `event`, `target` (and `service`, always a label), or event fields with a closed domain (`enum`, `bool`). Filter on other fields in the query (`| json | tool_name=\"search\"`). Personal data is never a stream label.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level, order_id] # <- OBS954"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_id: string"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level, channel]"
            "  events:"
            "    order_placed:"
            "      level: info"
            "      message: Order placed."
            "      fields:"
            "        order_id: string"
            "        channel: {type: enum, values: [web, app]}"
        ))],
    },
    Rule {
        code: "OBS955",
        title: "unknown stream label",
        severity: "error",
        explanation: "A name in `logs.stream_labels` is a line field (`level`, `event`, `target`, `service`) or a field of at least one event; any other name would be a label no line ever has.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [levl] # <- OBS955"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  stream_labels: [level]"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
        ))],
    },
    Rule {
        code: "OBS956",
        title: "too many Loki streams",
        severity: "error",
        explanation: "The streams of a service are at most the product of its stream labels' domains: the events' levels, the events, and each label field's values (plus one where an event lacks it). It must stay within `conventions.max_log_streams_per_service` (default 1000); Loki's own default limit is 5,000 active streams per tenant, shared by every service.",
        bad: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_log_streams_per_service: 4}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  stream_labels: [event, channel] # <- OBS956"
                "  events:"
                "    order_placed: {level: info, message: Order placed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_failed: {level: error, message: Order failed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_shipped: {level: info, message: Order shipped.}"
            )),
        ],
        good: &[
            ("obspec.yaml", "obspec: 1\nconventions: {max_log_streams_per_service: 4}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  stream_labels: [level]"
                "  events:"
                "    order_placed: {level: info, message: Order placed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_failed: {level: error, message: Order failed., fields: {channel: {type: enum, values: [web, app]}}}"
                "    order_shipped: {level: info, message: Order shipped.}"
            )),
        ],
    },
    Rule {
        code: "OBS957",
        title: "log alert on an unknown event or label",
        severity: "error",
        explanation: "A log alert counts events declared under `logs.events` (`events`, and `of` for a ratio) and groups by stream labels (`by`): an alert on an event no line carries is a LogQL query that matches nothing and never fires.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_fail] # <- OBS957"
            "      window: 5m"
            "      above: 0.1"
            "      severity: warning"
            "      summary: Orders fail."
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      window: 5m"
            "      above: 0.1"
            "      severity: warning"
            "      summary: Orders fail."
        ))],
    },
    Rule {
        code: "OBS958",
        title: "invalid log alert",
        severity: "error",
        explanation: "A log alert has an identifier as its name, counts at least one event, a `window` of a second or more and a `for` that are durations, a threshold that can be crossed (events per second ≥ 0; for a ratio with `of`, between 0 and 1) and a severity from `conventions.severities`.",
        bad: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      of: [order_placed, order_failed]"
            "      window: 10m"
            "      above: 5 # <- OBS958"
            "      severity: warning"
        ))],
        good: &[("shop.yaml", spec!(
            "logs:"
            "  events:"
            "    order_placed: {level: info, message: Order placed.}"
            "    order_failed: {level: error, message: Order failed.}"
            "  alerts:"
            "    OrdersFailing:"
            "      events: [order_failed]"
            "      of: [order_placed, order_failed]"
            "      window: 10m"
            "      above: 0.05"
            "      severity: warning"
        ))],
    },
    Rule {
        code: "OBS959",
        title: "two services share a log target",
        severity: "error",
        explanation: "A log line names its service only through its `target` (`logs.target`, default the namespace): `obspec live-check --logs` and the collector's JSONL pipeline route each line by it. Two services with the same target would have their lines checked against, and labelled as, the first one.",
        bad: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nlogs:\n  target: shop\n  events:\n    invoice_sent: {level: info, message: Invoice sent.}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  target: shop # <- OBS959"
                "  events:"
                "    order_placed: {level: info, message: Order placed.}"
            )),
        ],
        good: &[
            ("billing.yaml", "obspec: 1\nservice: billing\nnamespace: billing\nlogs:\n  events:\n    invoice_sent: {level: info, message: Invoice sent.}\n"),
            ("shop.yaml", spec!(
                "logs:"
                "  target: shop"
                "  events:"
                "    order_placed: {level: info, message: Order placed.}"
            )),
        ],
    },
];
