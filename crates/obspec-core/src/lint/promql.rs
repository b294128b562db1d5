//! PromQL in specs: parsed, and every selector checked against the declared
//! metrics, labels and closed label domains.

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr, VectorSelector};

use crate::lint::names::SCRAPE_LABELS;
use crate::lint::{Index, Series};
use obspec_spec::diag::{Diagnostic, Diagnostics};
use obspec_spec::model::Spanned;
use obspec_spec::source::Span;

pub const CODE_PARSE: &str = "OBS501";
pub const CODE_UNKNOWN_METRIC: &str = "OBS502";
pub const CODE_UNKNOWN_LABEL: &str = "OBS503";
pub const CODE_UNKNOWN_VALUE: &str = "OBS504";
pub const CODE_IMPOSSIBLE: &str = "OBS505";
pub const CODE_COUNTER_USE: &str = "OBS506";
pub const CODE_QUANTILE: &str = "OBS507";
pub const CODE_NEVER_MATCHES: &str = "OBS508";
pub const CODE_MISSING_LABEL: &str = "OBS509";
pub const CODE_SHORT_RANGE: &str = "OBS510";

/// Longest expression obspec parses.
pub const MAX_EXPR_LEN: usize = 64 * 1024;

/// Parses `text` (the value of `expr`), reporting a syntax error at `at`.
pub fn parse(text: &str, at: Span, what: &str, diags: &mut Diagnostics) -> Option<Expr> {
    if text.len() > MAX_EXPR_LEN {
        diags.push(
            Diagnostic::error(
                CODE_PARSE,
                at,
                format!("{what} is longer than {MAX_EXPR_LEN} bytes"),
            )
            .help("split it with recording rules"),
        );
        return None;
    }
    match parser::parse(text) {
        Ok(e) => Some(e),
        Err(e) => {
            diags.push(
                Diagnostic::error(CODE_PARSE, at, format!("{what} is not valid PromQL: {e}"))
                    .help("check parentheses, brackets, quotes and range durations; `promtool` or the Prometheus UI show the same error"),
            );
            None
        }
    }
}

use crate::expr::promql::{selector_name, selectors};
use crate::lint::examples::api_spec;
use obspec_spec::catalog::Rule;

/// Byte offset of `word` in `text` as a whole identifier, from `from`.
fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut start = from.min(text.len());
    while let Some(i) = text.get(start..)?.find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(ident) && !after.is_some_and(ident) {
            return Some(at);
        }
        start = at + word.len();
    }
    None
}

/// Checks PromQL against the specs.
pub struct Checker<'i, 'a> {
    pub index: &'i Index<'a>,
}

impl Checker<'_, '_> {
    /// Parses and checks an expression written in a spec.
    pub fn check(
        &self,
        expr: &Spanned<String>,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<Expr> {
        let e = parse(expr, expr.span, what, diags)?;
        for vs in selectors(&e) {
            self.check_selector(vs, expr, diags);
        }
        Some(e)
    }

    /// Infers what an expression yields and reports what cannot mean what it
    /// says (see [`crate::expr::promql`]), located at the word it is about.
    pub fn analyze(
        &self,
        e: &Expr,
        expr: &Spanned<String>,
        diags: &mut Diagnostics,
    ) -> crate::expr::promql::Info {
        use crate::expr::promql::ProblemKind as P;
        let mut problems = Vec::new();
        let info = crate::expr::promql::analyze(e, &self.index.registry, &mut problems);
        for p in problems {
            let code = match p.kind {
                P::ImpossibleMatchers => CODE_IMPOSSIBLE,
                P::CounterFunction | P::RawCounter => CODE_COUNTER_USE,
                P::Quantile => CODE_QUANTILE,
                P::NeverMatches | P::ManyToOne => CODE_NEVER_MATCHES,
                P::MissingLabel => CODE_MISSING_LABEL,
                P::ShortRange => CODE_SHORT_RANGE,
            };
            let (span, _) = self.locate(expr, &p.at, 0);
            diags.push(if matches!(p.kind, P::ShortRange | P::ManyToOne) {
                Diagnostic::warning(code, span, p.message).help(p.help)
            } else {
                Diagnostic::error(code, span, p.message).help(p.help)
            });
        }
        info
    }

    /// The span of `word` inside the expression, or the whole expression.
    fn locate(&self, expr: &Spanned<String>, word: &str, from: usize) -> (Span, usize) {
        match find_word(expr, word, from) {
            Some(at) => (
                self.index.sources.locate(expr.span, expr, at, word.len()),
                at,
            ),
            None => (expr.span, from),
        }
    }

    pub fn check_selector(
        &self,
        vs: &VectorSelector,
        expr: &Spanned<String>,
        diags: &mut Diagnostics,
    ) {
        let Some(name) = selector_name(vs) else {
            return;
        };
        let (span, at) = self.locate(expr, name, 0);
        let Some(series) = self.index.series.get(name) else {
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .unwrap_or(name);
            if self.index.broken.contains(&name) || self.index.broken.contains(&base) {
                return;
            }
            let names: Vec<&str> = self.index.series.keys().map(String::as_str).collect();
            let mut d = Diagnostic::error(
                CODE_UNKNOWN_METRIC,
                span,
                format!("`{name}` is not a metric of the specs"),
            );
            d = match best_match(name, &names) {
                Some(s) => d.help(format!("did you mean `{s}`? Expressions may only use declared metrics and the recording rules obspec generates")),
                None => d.help("declare the metric in a service spec, or fix its name; expressions may only use declared metrics and the recording rules obspec generates"),
            };
            diags.push(d);
            return;
        };
        let conv = &self.index.specs.project.conventions;
        let targets = conv
            .required_target_labels
            .iter()
            .map(|l| l.as_str())
            .chain(SCRAPE_LABELS);
        let (metric_name, service, allowed): (
            &str,
            Option<&obspec_spec::model::Service>,
            Vec<&str>,
        ) = match *series {
            Series::Metric {
                service,
                name: metric_name,
                metric,
                bucket,
            } => {
                let allowed: Vec<&str> = match self.index.registry.labels(name) {
                    Some(labels) => labels.iter().map(String::as_str).collect(),
                    None => {
                        let mut allowed: Vec<&str> =
                            metric.labels.iter().map(|l| l.as_str()).collect();
                        allowed.extend(service.const_labels.keys());
                        allowed.extend(targets);
                        if bucket {
                            allowed.push("le");
                        }
                        allowed
                    }
                };
                (metric_name, Some(service), allowed)
            }
            Series::Scrape => (name, None, targets.collect()),
            Series::Recording | Series::Alerts => return,
        };
        let matchers = vs
            .matchers
            .matchers
            .iter()
            .chain(vs.matchers.or_matchers.iter().flatten());
        for m in matchers {
            if m.name == "__name__" {
                continue;
            }
            let (lspan, lat) = self.locate(expr, &m.name, at);
            if !allowed.contains(&m.name.as_str()) {
                let mut d = Diagnostic::error(
                    CODE_UNKNOWN_LABEL,
                    lspan,
                    format!("`{metric_name}` has no label `{}`", m.name),
                );
                d = match best_match(&m.name, &allowed) {
                    Some(s) => d.help(format!(
                        "did you mean `{s}`? Labels of `{metric_name}`: {}",
                        allowed.join(", ")
                    )),
                    None => d.help(format!("labels of `{metric_name}`: {}", allowed.join(", "))),
                };
                diags.push(d);
                continue;
            }
            // The closed domain of the label, if it has one.
            let values: Option<Vec<&str>> =
                if m.name == "environment" && !self.index.specs.project.environments.is_empty() {
                    Some(
                        self.index
                            .specs
                            .project
                            .environments
                            .iter()
                            .map(|e| e.as_str())
                            .collect(),
                    )
                } else if let Some(v) = service.and_then(|s| s.const_labels.get(&m.name)) {
                    Some(vec![v.as_str()])
                } else if m.name == "le" {
                    None
                } else {
                    service
                        .and_then(|s| s.labels.get(&m.name))
                        .and_then(|d| d.values.as_ref())
                        .map(|v| v.iter().map(|s| s.as_str()).collect())
                };
            let Some(values) = values else { continue };
            self.check_values(m, &values, metric_name, expr, lat, lspan, diags);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_values(
        &self,
        m: &Matcher,
        values: &[&str],
        metric: &str,
        expr: &Spanned<String>,
        lat: usize,
        lspan: Span,
        diags: &mut Diagnostics,
    ) {
        let (literals, positive): (Vec<&str>, bool) = match &m.op {
            MatchOp::Equal => (vec![m.value.as_str()], true),
            MatchOp::NotEqual => (vec![m.value.as_str()], false),
            MatchOp::Re(_) | MatchOp::NotRe(_) => {
                // Only a plain alternation of literal values is checked.
                let lits: Vec<&str> = m.value.split('|').collect();
                let literal = lits.iter().all(|l| {
                    !l.is_empty()
                        && l.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
                });
                if !literal {
                    return;
                }
                (lits, matches!(m.op, MatchOp::Re(_)))
            }
        };
        for lit in literals {
            if lit.is_empty() && !positive || values.contains(&lit) {
                continue;
            }
            let span = match expr.get(lat..).and_then(|rest| rest.find(lit)) {
                Some(i) if !lit.is_empty() => {
                    self.index
                        .sources
                        .locate(expr.span, expr, lat + i, lit.len())
                }
                _ => lspan,
            };
            let msg = format!(
                "`{lit}` is not a value of label `{}` (on `{metric}`)",
                m.name
            );
            let help = match best_match(lit, values) {
                Some(s) => format!("did you mean `{s}`? Declared values: {}", values.join(", ")),
                None => format!("declared values: {}", values.join(", ")),
            };
            let d = if positive {
                Diagnostic::error(
                    CODE_UNKNOWN_VALUE,
                    span,
                    msg + "; the matcher never matches",
                )
            } else {
                Diagnostic::warning(
                    CODE_UNKNOWN_VALUE,
                    span,
                    msg + "; the negative matcher matches everything",
                )
            };
            diags.push(d.help(help));
        }
    }
}

fn best_match<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    obspec_spec::load::did_you_mean(word, candidates)
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
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
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(find_word("foo_total + foo", "foo", 0), Some(12));
        assert_eq!(find_word("a{x=\"1\"}", "x", 0), Some(2));
        assert_eq!(find_word("ab", "a", 0), None);
    }

    #[test]
    fn all_selectors_found() {
        let e = parser::parse(
            "sum(rate(a[5m])) / (b + histogram_quantile(0.9, c_bucket)) and on() absent(d)",
        )
        .unwrap();
        let names: Vec<_> = selectors(&e)
            .into_iter()
            .filter_map(selector_name)
            .collect();
        assert_eq!(names, ["a", "b", "c_bucket", "d"]);
    }
}
