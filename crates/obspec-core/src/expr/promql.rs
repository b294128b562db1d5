//! Expression analysis: what a PromQL expression of a spec yields, inferred
//! from the registry (the metrics the specs declare) without a running
//! Prometheus. This layer sits beneath the lints and the targets.
//!
//! For every expression it infers the result's [`Kind`] (scalar, instant or
//! range vector), its [`ValueType`] (a raw counter, a gauge, a rate, histogram
//! buckets...), the [`LabelSet`] it can carry (exactly, or at least some labels
//! where the registry does not know), and whether it is a *condition* (it
//! returns series only when something holds: a comparison filter, `absent`).
//! Along the way it records [`Problem`]s: uses that cannot mean what they say
//! (`rate` of a gauge, `histogram_quantile` without `le`, matchers that cannot
//! both hold, vector matching on label sets that never meet). The lints turn
//! problems into located, coded findings.

use std::collections::{BTreeSet, HashMap};

use promql_parser::label::MatchOp;
use promql_parser::parser::{
    AggregateExpr, BinaryExpr, Call, Expr, LabelModifier, VectorMatchCardinality, VectorSelector,
};

use obspec_spec::model::{MetricType, Specs};

/// Series every Prometheus scrape produces.
pub const SCRAPE_SERIES: [&str; 5] = [
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
];

/// Every vector selector in `e` (including those inside range selectors and subqueries).
pub fn selectors(e: &Expr) -> Vec<&VectorSelector> {
    fn walk<'e>(e: &'e Expr, out: &mut Vec<&'e VectorSelector>) {
        match e {
            Expr::Aggregate(a) => {
                walk(&a.expr, out);
                if let Some(p) = &a.param {
                    walk(p, out);
                }
            }
            Expr::Unary(u) => walk(&u.expr, out),
            Expr::Binary(b) => {
                walk(&b.lhs, out);
                walk(&b.rhs, out);
            }
            Expr::Paren(p) => walk(&p.expr, out),
            Expr::Subquery(s) => walk(&s.expr, out),
            Expr::VectorSelector(v) => out.push(v),
            Expr::MatrixSelector(m) => out.push(&m.vs),
            Expr::Call(c) => c.args.args.iter().for_each(|a| walk(a, out)),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

/// The metric name a selector selects, if it names one.
pub fn selector_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str())
    })
}

/// What an expression evaluates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    String,
    Instant,
    Range,
}

/// What the values of a vector are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// A raw counter: only goes up, resets on restart.
    Counter,
    Gauge,
    /// `_bucket` series of a histogram (carry `le`).
    Bucket,
    /// `_sum` or `_count` of a histogram: counters too.
    HistogramCounter,
    /// Per-second rates, increases, ratios and other computed values.
    Computed,
    /// Not known (a recording rule, a series of another system).
    Unknown,
}

impl ValueType {
    fn is_counter(self) -> bool {
        matches!(
            self,
            ValueType::Counter | ValueType::HistogramCounter | ValueType::Bucket
        )
    }
}

/// The labels a vector can carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSet {
    pub labels: BTreeSet<String>,
    /// When true, the vector carries at least `labels`, maybe more.
    pub open: bool,
}

impl LabelSet {
    fn exact(labels: impl IntoIterator<Item = String>) -> Self {
        LabelSet {
            labels: labels.into_iter().collect(),
            open: false,
        }
    }
    fn unknown() -> Self {
        LabelSet {
            labels: BTreeSet::new(),
            open: true,
        }
    }
    /// Whether the vector may carry `label`.
    pub fn may_have(&self, label: &str) -> bool {
        self.open || self.labels.contains(label)
    }
}

/// What an expression yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub kind: Kind,
    pub value: ValueType,
    pub labels: LabelSet,
    /// Returns series only when something holds (a comparison filter,
    /// `absent`, `and` with a condition).
    pub condition: bool,
}

impl Info {
    fn scalar() -> Self {
        Info {
            kind: Kind::Scalar,
            value: ValueType::Computed,
            labels: LabelSet::exact([]),
            condition: false,
        }
    }
}

/// What is wrong in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Two matchers of one selector can never both hold.
    ImpossibleMatchers,
    /// `rate`/`irate`/`increase` of a gauge, `deriv`/`delta` of a counter.
    CounterFunction,
    /// A raw counter compared or aggregated without `rate`/`increase`.
    RawCounter,
    /// `histogram_quantile` over series without `le`, or not over buckets.
    Quantile,
    /// Vector matching whose label sets never meet.
    NeverMatches,
    /// A label grouped by, matched on or read that the vector never carries.
    MissingLabel,
    /// A range shorter than two scrape intervals.
    ShortRange,
    /// One-to-one matching where a side has several series per match group.
    ManyToOne,
}

/// A problem and the word of the expression it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The word to point at (a function, a metric or label name).
    pub at: String,
    pub message: String,
    pub help: String,
}

/// What the specs declare, for inference.
pub struct Registry {
    series: HashMap<String, (ValueType, BTreeSet<String>)>,
    /// Labels every scraped series carries (`job`, `instance`, the project's
    /// required target labels).
    target: BTreeSet<String>,
    /// The scrape interval, in milliseconds (`prometheus.scrape_interval`).
    pub scrape_ms: u64,
}

/// Default scrape and evaluation interval: 30s, the interval of the
/// kube-prometheus-stack (Prometheus's own default is 1m).
pub const DEFAULT_INTERVAL_MS: u64 = 30_000;

impl Registry {
    pub fn new(specs: &Specs) -> Self {
        let mut target: BTreeSet<String> = ["job", "instance"].map(String::from).into();
        target.extend(
            specs
                .project
                .conventions
                .required_target_labels
                .iter()
                .map(|l| l.value.clone()),
        );
        let mut series: HashMap<String, (ValueType, BTreeSet<String>)> = HashMap::new();
        // A name several external catalogs declare (`process_*`, `go_*` of
        // every exporter) carries the labels of all of them.
        let mut add = |name: String, kind: ValueType, labels: BTreeSet<String>| {
            series
                .entry(name)
                .and_modify(|e| e.1.extend(labels.iter().cloned()))
                .or_insert((kind, labels));
        };
        for svc in &specs.services {
            let base: BTreeSet<String> = target
                .iter()
                .cloned()
                .chain(svc.const_labels.iter().map(|(k, _)| k.value.clone()))
                .collect();
            for (name, m) in svc.metrics.iter() {
                let mut labels = base.clone();
                labels.extend(m.labels.iter().map(|l| l.value.clone()));
                let kind = match m.kind.value {
                    MetricType::Counter => ValueType::Counter,
                    MetricType::Histogram | MetricType::Summary => {
                        for s in ["_sum", "_count"] {
                            add(
                                format!("{}{s}", name.value),
                                ValueType::HistogramCounter,
                                labels.clone(),
                            );
                        }
                        if m.kind.value == MetricType::Summary {
                            // The quantiles are gauges with a `quantile` label.
                            labels.insert("quantile".into());
                            add(name.value.clone(), ValueType::Gauge, labels);
                            continue;
                        }
                        labels.insert("le".into());
                        add(format!("{}_bucket", name.value), ValueType::Bucket, labels);
                        continue;
                    }
                    MetricType::Untyped => ValueType::Unknown,
                    MetricType::Gauge | MetricType::Info => ValueType::Gauge,
                };
                add(name.value.clone(), kind, labels);
            }
        }
        for s in SCRAPE_SERIES {
            series.insert(s.to_string(), (ValueType::Gauge, target.clone()));
        }
        let scrape_ms = specs
            .project
            .prometheus
            .scrape_interval
            .as_ref()
            .and_then(|s| obspec_spec::duration::parse_duration(s))
            .unwrap_or(DEFAULT_INTERVAL_MS);
        Registry {
            series,
            target,
            scrape_ms,
        }
    }

    /// The labels series `name` carries, if the specs declare it: its
    /// metric's, the service's const labels, the target labels, `le` on a
    /// bucket, `quantile` on a summary, those of every external catalog
    /// declaring it.
    pub fn labels(&self, name: &str) -> Option<&BTreeSet<String>> {
        self.series.get(name).map(|s| &s.1)
    }

    /// Labels every scraped series carries.
    pub fn target_labels(&self) -> &BTreeSet<String> {
        &self.target
    }
}

/// Infers what `e` yields, collecting problems.
pub fn analyze(e: &Expr, registry: &Registry, problems: &mut Vec<Problem>) -> Info {
    Analyzer { registry, problems }.expr(e)
}

struct Analyzer<'r, 'p> {
    registry: &'r Registry,
    problems: &'p mut Vec<Problem>,
}

fn problem(kind: ProblemKind, at: &str, message: String, help: &str) -> Problem {
    Problem {
        kind,
        at: at.to_string(),
        message,
        help: help.to_string(),
    }
}

impl Analyzer<'_, '_> {
    fn expr(&mut self, e: &Expr) -> Info {
        match e {
            Expr::NumberLiteral(_) => Info::scalar(),
            Expr::StringLiteral(_) => Info {
                kind: Kind::String,
                ..Info::scalar()
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Unary(u) => {
                let mut i = self.expr(&u.expr);
                i.condition = false;
                if i.value != ValueType::Unknown {
                    i.value = ValueType::Computed;
                }
                i
            }
            Expr::VectorSelector(vs) => self.selector(vs, Kind::Instant),
            Expr::MatrixSelector(m) => {
                let range_ms = m.range.as_millis() as u64;
                if range_ms < 2 * self.registry.scrape_ms {
                    let name = selector_name(&m.vs).unwrap_or("").to_string();
                    self.problems.push(problem(
                        ProblemKind::ShortRange,
                        &name,
                        format!(
                            "the range `[{}]` over `{name}` is shorter than two scrape intervals ({}): it often holds fewer than two samples, and `rate` then returns nothing",
                            obspec_spec::duration::format_duration(range_ms),
                            obspec_spec::duration::format_duration(self.registry.scrape_ms)
                        ),
                        "use a range of at least four scrape intervals (`[2m]` for a 30s scrape, `[5m]` for 1m); set `prometheus.scrape_interval` in the project file to your real interval",
                    ));
                }
                self.selector(&m.vs, Kind::Range)
            }
            Expr::Subquery(s) => {
                let mut i = self.expr(&s.expr);
                i.kind = Kind::Range;
                i
            }
            Expr::Aggregate(a) => self.aggregate(a),
            Expr::Binary(b) => self.binary(b),
            Expr::Call(c) => self.call(c),
            Expr::Extension(_) => Info {
                kind: Kind::Instant,
                value: ValueType::Unknown,
                labels: LabelSet::unknown(),
                condition: false,
            },
        }
    }

    fn selector(&mut self, vs: &VectorSelector, kind: Kind) -> Info {
        let name = selector_name(vs);
        // Two equality matchers on one label with different values, or `=`
        // and `!=` on the same value: no series has both.
        let ms = &vs.matchers.matchers;
        for (i, a) in ms.iter().enumerate() {
            for b in &ms[i + 1..] {
                if a.name != b.name {
                    continue;
                }
                let clash = match (&a.op, &b.op) {
                    (MatchOp::Equal, MatchOp::Equal) => a.value != b.value,
                    (MatchOp::Equal, MatchOp::NotEqual) | (MatchOp::NotEqual, MatchOp::Equal) => {
                        a.value == b.value
                    }
                    _ => false,
                };
                if clash {
                    self.problems.push(problem(
                        ProblemKind::ImpossibleMatchers,
                        &a.name,
                        format!(
                            "`{}` is matched twice in one selector ({}{}{:?} and {}{}{:?}): no series has both",
                            a.name, a.name, a.op, a.value, b.name, b.op, b.value
                        ),
                        "keep one matcher, or match several values with `=~\"a|b\"`",
                    ));
                }
            }
        }
        let (value, labels) = match name.and_then(|n| self.registry.series.get(n)) {
            Some((v, l)) => (*v, LabelSet::exact(l.iter().cloned())),
            None => (ValueType::Unknown, LabelSet::unknown()),
        };
        Info {
            kind,
            value,
            labels,
            condition: false,
        }
    }

    fn aggregate(&mut self, a: &AggregateExpr) -> Info {
        let op = a.op.to_string().to_ascii_lowercase();
        let param = a.param.as_ref().map(|p| self.expr(p));
        let inner = self.expr(&a.expr);
        if inner.value.is_counter() && matches!(op.as_str(), "sum" | "avg" | "min" | "max") {
            self.raw_counter(&a.expr, &op);
        }
        let mut labels = match &a.modifier {
            Some(LabelModifier::Include(by)) => {
                for l in &by.labels {
                    if !inner.labels.may_have(l) {
                        self.problems.push(problem(
                            ProblemKind::MissingLabel,
                            l,
                            format!("`{op} by ({l})`: the aggregated series never carry `{l}`"),
                            "group by labels the series carry; the result has only the labels of `by`",
                        ));
                    }
                }
                // Over unknown series the result has at most these labels:
                // open, so that nothing is claimed about it.
                LabelSet {
                    labels: by
                        .labels
                        .iter()
                        .filter(|l| inner.labels.may_have(l))
                        .cloned()
                        .collect(),
                    open: inner.labels.open,
                }
            }
            Some(LabelModifier::Exclude(without)) => {
                let mut l = inner.labels.clone();
                for w in &without.labels {
                    l.labels.remove(w);
                }
                l
            }
            None => LabelSet::exact([]),
        };
        if matches!(op.as_str(), "topk" | "bottomk" | "limitk" | "limit_ratio") {
            // These keep the input series whole.
            labels = inner.labels.clone();
        }
        if op == "count_values" {
            if let Some(Expr::StringLiteral(s)) = a.param.as_deref() {
                labels.labels.insert(s.val.clone());
            }
        }
        let _ = param;
        Info {
            kind: Kind::Instant,
            value: if matches!(
                op.as_str(),
                "topk" | "bottomk" | "limitk" | "limit_ratio" | "min" | "max"
            ) {
                inner.value
            } else if inner.value == ValueType::Unknown {
                ValueType::Unknown
            } else {
                ValueType::Computed
            },
            labels,
            condition: matches!(op.as_str(), "topk" | "bottomk") && inner.condition,
        }
    }

    /// Reports a raw counter used where its value, not its rate, matters.
    fn raw_counter(&mut self, e: &Expr, what: &str) {
        let name = selectors(e)
            .first()
            .and_then(|vs| selector_name(vs).map(str::to_string))
            .unwrap_or_default();
        self.problems.push(problem(
            ProblemKind::RawCounter,
            &name,
            format!("`{name}` is a counter used raw in {what}: its value only grows and drops at every restart"),
            "take `rate(…[5m])` or `increase(…[1h])` of a counter before comparing or aggregating it",
        ));
    }

    fn binary(&mut self, b: &BinaryExpr) -> Info {
        let lhs = self.expr(&b.lhs);
        let rhs = self.expr(&b.rhs);
        let op = b.op.to_string();
        let return_bool = b.return_bool();
        let vectors = lhs.kind == Kind::Instant && rhs.kind == Kind::Instant;
        if b.op.is_set_operator() {
            return set_operation(&op, &lhs, &rhs);
        }
        let comparison = b.op.is_comparison_operator();
        if comparison && !return_bool {
            for (side, e) in [(&lhs, &b.lhs), (&rhs, &b.rhs)] {
                if side.kind == Kind::Instant && side.value.is_counter() {
                    self.raw_counter(e, &format!("a comparison (`{op}`)"));
                }
            }
        }
        if !vectors {
            // A vector and a scalar: the vector's labels stay.
            let v = if lhs.kind == Kind::Instant {
                &lhs
            } else {
                &rhs
            };
            if lhs.kind == Kind::Scalar && rhs.kind == Kind::Scalar {
                return Info::scalar();
            }
            return Info {
                kind: Kind::Instant,
                value: if comparison && !return_bool {
                    v.value
                } else {
                    ValueType::Computed
                },
                labels: v.labels.clone(),
                condition: (comparison && !return_bool) || v.condition,
            };
        }
        // Vector matching.
        let modifier = b.modifier.as_ref();
        let matching = modifier.and_then(|m| m.matching.as_ref());
        let card = modifier.map(|m| &m.card);
        let side_labels = |s: &LabelSet| -> LabelSet {
            match matching {
                Some(LabelModifier::Include(on)) => {
                    LabelSet::exact(on.labels.iter().filter(|l| s.may_have(l)).cloned())
                }
                Some(LabelModifier::Exclude(ign)) => {
                    let mut l = s.clone();
                    for i in &ign.labels {
                        l.labels.remove(i);
                    }
                    l
                }
                None => s.clone(),
            }
        };
        let (l, r) = (side_labels(&lhs.labels), side_labels(&rhs.labels));
        self.check_matching(matching, card, &lhs, &rhs, (&l, &r), &op);
        let mut labels = if comparison && !return_bool {
            lhs.labels.clone()
        } else {
            match matching {
                Some(LabelModifier::Include(_))
                    if !matches!(
                        card,
                        Some(VectorMatchCardinality::ManyToOne(_))
                            | Some(VectorMatchCardinality::OneToMany(_))
                    ) =>
                {
                    l.clone()
                }
                _ => lhs.labels.clone(),
            }
        };
        match card {
            Some(VectorMatchCardinality::ManyToOne(include)) => {
                labels = lhs.labels.clone();
                labels.labels.extend(include.labels.iter().cloned());
            }
            Some(VectorMatchCardinality::OneToMany(include)) => {
                labels = rhs.labels.clone();
                labels.labels.extend(include.labels.iter().cloned());
            }
            _ => {}
        }
        Info {
            kind: Kind::Instant,
            value: if comparison && !return_bool {
                lhs.value
            } else {
                ValueType::Computed
            },
            labels,
            condition: (comparison && !return_bool) || lhs.condition,
        }
    }

    /// Vector matching that never matches or fails the evaluation: one-to-one
    /// `on(…)` over sides with more labels, `on` labels a side never has,
    /// label sets that never meet.
    fn check_matching(
        &mut self,
        matching: Option<&LabelModifier>,
        card: Option<&VectorMatchCardinality>,
        lhs: &Info,
        rhs: &Info,
        (l, r): (&LabelSet, &LabelSet),
        op: &str,
    ) {
        if let (Some(LabelModifier::Include(on)), Some(VectorMatchCardinality::OneToOne) | None) =
            (matching, card)
        {
            // One-to-one matching `on(...)`: a side with labels beyond the
            // match labels has several series per match group, and Prometheus
            // fails the evaluation ("many-to-one matching must be explicit").
            for (side, name, group) in [
                (&lhs.labels, "left", "group_right"),
                (&rhs.labels, "right", "group_left"),
            ] {
                let extra: Vec<&String> = side
                    .labels
                    .iter()
                    .filter(|l| !on.labels.contains(l))
                    .collect();
                if !side.open && !extra.is_empty() {
                    self.problems.push(problem(
                        ProblemKind::ManyToOne,
                        extra[0],
                        format!(
                            "`on({})` matches one to one, but the {name} side also carries {:?}: several of its series meet one on the other side and the evaluation fails",
                            on.labels.join(", "),
                            extra
                        ),
                        &format!("aggregate the {name} side to the match labels, or say `{group}` for many-to-one"),
                    ));
                }
            }
        }
        if let Some(LabelModifier::Include(on)) = matching {
            for label in &on.labels {
                for (side, name) in [(&lhs.labels, "left"), (&rhs.labels, "right")] {
                    if !side.may_have(label) {
                        self.problems.push(problem(
                            ProblemKind::NeverMatches,
                            label,
                            format!("`on({label})`: the {name} side never carries `{label}`, so no pair of series matches"),
                            "match on labels both sides carry",
                        ));
                    }
                }
            }
        } else if !l.open && !r.open && l.labels != r.labels {
            let only_l: Vec<&String> = l.labels.difference(&r.labels).collect();
            let only_r: Vec<&String> = r.labels.difference(&l.labels).collect();
            let at = only_l
                .first()
                .or(only_r.first())
                .map_or(op.to_string(), |s| s.to_string());
            self.problems.push(problem(
                ProblemKind::NeverMatches,
                &at,
                format!(
                    "`{op}` matches series with identical label sets, and these never are: only the left side has {:?}, only the right side {:?}",
                    only_l, only_r
                ),
                "aggregate both sides to the same labels, or match with `on(...)` / `ignoring(...)` (and `group_left` for many-to-one)",
            ));
        }
    }

    // Long: one match arm per family of PromQL functions; each arm is a few lines.
    fn call(&mut self, c: &Call) -> Info {
        let name = c.func.name;
        let args: Vec<Info> = c.args.args.iter().map(|a| self.expr(a)).collect();
        let first = args
            .iter()
            .find(|a| matches!(a.kind, Kind::Instant | Kind::Range));
        let same = |value: ValueType| Info {
            kind: Kind::Instant,
            value,
            labels: first.map_or(LabelSet::exact([]), |a| a.labels.clone()),
            condition: false,
        };
        let arg_metric = || {
            c.args
                .args
                .iter()
                .flat_map(|a| selectors(a))
                .next()
                .and_then(|vs| selector_name(vs).map(str::to_string))
                .unwrap_or_default()
        };
        match name {
            "rate" | "irate" | "increase" => {
                if first.is_some_and(|a| a.value == ValueType::Gauge) {
                    let m = arg_metric();
                    self.problems.push(problem(
                        ProblemKind::CounterFunction,
                        name,
                        format!("`{name}` of `{m}`, a gauge: it reads every decrease as a counter reset"),
                        "use `deriv(…)` or `delta(…)` for the change of a gauge, `avg_over_time(…)` for its level",
                    ));
                }
                same(ValueType::Computed)
            }
            "deriv" | "delta" | "idelta" | "predict_linear" => {
                if first.is_some_and(|a| a.value.is_counter()) {
                    let m = arg_metric();
                    self.problems.push(problem(
                        ProblemKind::CounterFunction,
                        name,
                        format!("`{name}` of `{m}`, a counter: every restart reads as a drop"),
                        "use `rate(…)` or `increase(…)` for counters",
                    ));
                }
                same(ValueType::Computed)
            }
            "histogram_quantile" => {
                let v = args.get(1);
                if let Some(v) = v {
                    if !v.labels.may_have("le") {
                        self.problems.push(problem(
                            ProblemKind::Quantile,
                            name,
                            "`histogram_quantile` over series without `le`: the buckets were aggregated away, the result is always empty".into(),
                            "keep `le` in the aggregation: `sum by (le, …) (rate(x_bucket[5m]))`",
                        ));
                    } else if !matches!(
                        v.value,
                        ValueType::Bucket | ValueType::Computed | ValueType::Unknown
                    ) {
                        let m = arg_metric();
                        self.problems.push(problem(
                            ProblemKind::Quantile,
                            name,
                            format!("`histogram_quantile` over `{m}`, which is not the `_bucket` series of a histogram"),
                            "compute quantiles from `rate(x_bucket[5m])` of a histogram",
                        ));
                    }
                }
                let mut i = same(ValueType::Computed);
                if let Some(v) = v {
                    i.labels = v.labels.clone();
                    i.labels.labels.remove("le");
                }
                i
            }
            "absent" | "absent_over_time" => {
                // The result carries the equality matchers of the selector.
                let labels = c
                    .args
                    .args
                    .first()
                    .and_then(|a| selectors(a).first().copied())
                    .map(|vs| {
                        vs.matchers
                            .matchers
                            .iter()
                            .filter(|m| m.op == MatchOp::Equal && m.name != "__name__")
                            .map(|m| m.name.clone())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                Info {
                    kind: Kind::Instant,
                    value: ValueType::Computed,
                    labels: LabelSet::exact(labels),
                    condition: true,
                }
            }
            "label_replace" | "label_join" => {
                let mut i = same(first.map_or(ValueType::Unknown, |a| a.value));
                if let Some(Expr::StringLiteral(dst)) = c.args.args.get(1).map(|a| a.as_ref()) {
                    i.labels.labels.insert(dst.val.clone());
                }
                i.condition = first.is_some_and(|a| a.condition);
                i
            }
            "vector" => Info {
                kind: Kind::Instant,
                value: ValueType::Computed,
                labels: LabelSet::exact([]),
                condition: false,
            },
            "scalar" | "time" | "pi" | "minute" | "hour" | "day_of_month" | "day_of_week"
            | "day_of_year" | "days_in_month" | "month" | "year"
                if first.is_none() || name == "scalar" =>
            {
                Info::scalar()
            }
            "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc" | "timestamp"
            | "last_over_time" | "min_over_time" | "max_over_time" | "clamp" | "clamp_min"
            | "clamp_max" | "round" | "abs" | "ceil" | "floor" => {
                let mut i = same(first.map_or(ValueType::Unknown, |a| a.value));
                if matches!(
                    name,
                    "timestamp" | "min_over_time" | "max_over_time" | "last_over_time"
                ) {
                    i.value = ValueType::Computed;
                }
                i.condition = first.is_some_and(|a| a.condition);
                i
            }
            _ => same(if first.is_some_and(|a| a.value == ValueType::Unknown) {
                ValueType::Unknown
            } else {
                ValueType::Computed
            }),
        }
    }
}

/// `or`, `and`, `unless`: the left side's series (with the right's, for `or`).
fn set_operation(op: &str, lhs: &Info, rhs: &Info) -> Info {
    let condition = match op {
        "or" => lhs.condition && rhs.condition,
        "and" => lhs.condition || rhs.condition,
        _ => lhs.condition,
    };
    let labels = if op == "or" {
        LabelSet {
            labels: lhs
                .labels
                .labels
                .union(&rhs.labels.labels)
                .cloned()
                .collect(),
            open: lhs.labels.open || rhs.labels.open || lhs.labels != rhs.labels,
        }
    } else {
        lhs.labels.clone()
    };
    Info {
        kind: Kind::Instant,
        value: lhs.value,
        labels,
        condition,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "obspec: 1
service: api
namespace: api
labels:
  code: {values: ['200', '500']}
  route: {max_cardinality: 50}
metrics:
  api_requests_total: {type: counter, help: Requests., labels: [code, route]}
  api_queue_depth: {type: gauge, help: Queue.}
  api_latency_seconds: {type: histogram, unit: seconds, help: Latency., labels: [route], buckets: [0.1, 1]}
";

    fn run(expr: &str) -> (Info, Vec<ProblemKind>) {
        let loaded = crate::lint::check_texts([("api.yaml", SPEC)]);
        let registry = Registry::new(&loaded.specs);
        let e = promql_parser::parser::parse(expr).unwrap();
        let mut p = Vec::new();
        let info = analyze(&e, &registry, &mut p);
        (info, p.into_iter().map(|p| p.kind).collect())
    }

    fn labels(i: &Info) -> Vec<&str> {
        i.labels.labels.iter().map(String::as_str).collect()
    }

    #[test]
    fn labels_through_aggregation_and_matching() {
        let (i, p) = run("sum(rate(api_requests_total{code=\"500\"}[5m])) > 1");
        assert!(
            labels(&i).is_empty() && !i.labels.open && i.condition,
            "{i:?}"
        );
        assert!(p.is_empty());
        let (i, _) = run("sum by (route) (rate(api_requests_total[5m]))");
        assert_eq!(labels(&i), ["route"]);
        assert!(!i.condition);
        let (i, _) = run("sum without (code) (rate(api_requests_total[5m]))");
        assert_eq!(labels(&i), ["instance", "job", "route"]);
        let (i, p) = run(
            "sum by (route) (rate(api_requests_total{code=\"500\"}[5m])) / on() group_left sum(rate(api_requests_total[5m])) > 0.1",
        );
        assert_eq!(labels(&i), ["route"]);
        assert!(i.condition && p.is_empty(), "{p:?}");
        let (i, _) = run("absent(api_queue_depth{job=\"api\"})");
        assert!(i.condition);
        assert_eq!(labels(&i), ["job"]);
        let (i, _) = run("absent(api_queue_depth) or api_queue_depth == 0");
        assert!(i.condition);
        let (i, _) = run("(api_queue_depth > 5) or vector(0)");
        assert!(!i.condition);
        let (i, _) = run("label_replace(api_queue_depth, \"x\", \"$1\", \"job\", \"(.*)\")");
        assert!(labels(&i).contains(&"x"));
    }

    #[test]
    fn problems() {
        assert_eq!(
            run("api_requests_total{code=\"500\", code=\"200\"}").1,
            [ProblemKind::ImpossibleMatchers]
        );
        assert_eq!(
            run("rate(api_queue_depth[10m]) > 1").1,
            [ProblemKind::CounterFunction]
        );
        assert_eq!(run("deriv(api_queue_depth[10m]) > 1").1, []);
        assert_eq!(
            run("delta(api_requests_total[10m]) > 1").1,
            [ProblemKind::CounterFunction]
        );
        assert_eq!(
            run("sum(api_requests_total) > 100").1,
            [ProblemKind::RawCounter]
        );
        assert_eq!(
            run("histogram_quantile(0.95, sum by (instance) (rate(api_latency_seconds_bucket[5m])))").1,
            [ProblemKind::Quantile]
        );
        assert_eq!(
            run("histogram_quantile(0.95, sum by (le, instance) (rate(api_latency_seconds_bucket[5m]))) > 1").1,
            []
        );
        assert_eq!(
            run("sum by (route) (rate(api_requests_total[5m])) / sum by (instance) (rate(api_requests_total[5m]))").1,
            [ProblemKind::NeverMatches]
        );
        assert_eq!(
            run("sum by (zone) (rate(api_requests_total[5m]))").1,
            [ProblemKind::MissingLabel]
        );
        assert_eq!(
            run("sum by (route, code) (rate(api_requests_total[5m])) / on(route) sum by (route) (rate(api_requests_total[5m])) > 0.1").1,
            [ProblemKind::ManyToOne]
        );
        assert_eq!(
            run("sum by (route, code) (rate(api_requests_total[5m])) / on(route) group_left sum by (route) (rate(api_requests_total[5m])) > 0.1").1,
            []
        );
        // Unknown series (recording rules) are not judged.
        assert_eq!(
            run("sum by (route) (job:x:rate5m) / sum by (instance) (y)").1,
            []
        );
    }
}
