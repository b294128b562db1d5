//! Runtime support for generated and derived metrics.
//!
//! Closed label domains are enums implementing [`LabelValue`]; a metric's
//! label list is a tuple of them, a [`LabelSet`]. A [`Dense`] family resolves
//! every child at registration into an array indexed by the label set, so the
//! hot path is an index computation and the child's own atomic operation: no
//! hashing, no locking, no allocation. Every child exists from the start and
//! is exported at 0.
//!
//! Open domains (`max_cardinality`) go through a [`LabelGuard`] that admits at
//! most the declared number of distinct values and folds the rest into one
//! overflow value, counting each fold.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::RwLock;

use prometheus::core::Collector;
use prometheus::core::{MetricVec, MetricVecBuilder};
use prometheus::{IntCounter, IntCounterVec};
use std::sync::Arc;

/// A value of a closed label domain: a unit enum.
pub trait LabelValue: Copy + Send + Sync + 'static {
    /// Number of values in the domain.
    const COUNT: usize;
    /// Position of `self` in the domain, `0..COUNT`.
    fn index(self) -> usize;
    /// The value at `index` (panics if out of range).
    fn from_index(index: usize) -> Self;
    /// The label value as exported.
    fn as_str(self) -> &'static str;
    /// Every value, in index order, for compile-time checks (the derive and
    /// the generated code fill it in; empty for a hand-written impl that
    /// leaves it out).
    const VALUES: &'static [&'static str] = &[];
}

/// The labels of a metric: a tuple of [`LabelValue`]s (or `()`), or a struct
/// deriving `LabelSet`.
pub trait LabelSet: Copy + Send + Sync + 'static {
    /// Number of label combinations (product of the domain sizes).
    const COUNT: usize;
    /// Position of this combination, `0..COUNT`.
    fn index(self) -> usize;
    /// The label values of combination `index`, in label order.
    fn values_at(index: usize) -> Vec<&'static str>;
}

impl LabelSet for () {
    const COUNT: usize = 1;
    #[inline]
    fn index(self) -> usize {
        0
    }
    fn values_at(_: usize) -> Vec<&'static str> {
        Vec::new()
    }
}

macro_rules! tuple_label_set {
    ($($t:ident $v:ident),+) => {
        impl<$($t: LabelValue),+> LabelSet for ($($t,)+) {
            const COUNT: usize = 1 $(* $t::COUNT)+;
            #[inline]
            fn index(self) -> usize {
                let ($($v,)+) = self;
                let mut i = 0;
                $( i = i * $t::COUNT + $v.index(); )+
                i
            }
            fn values_at(index: usize) -> Vec<&'static str> {
                let mut out = Vec::new();
                let mut radix = Self::COUNT;
                $(
                    radix /= $t::COUNT;
                    out.push($t::from_index((index / radix) % $t::COUNT).as_str());
                )+
                out
            }
        }
    };
}

tuple_label_set!(A a);
tuple_label_set!(A a, B b);
tuple_label_set!(A a, B b, C c);
tuple_label_set!(A a, B b, C c, D d);
tuple_label_set!(A a, B b, C c, D d, E e);
tuple_label_set!(A a, B b, C c, D d, E e, F f);
tuple_label_set!(A a, B b, C c, D d, E e, F f, G g);
tuple_label_set!(A a, B b, C c, D d, E e, F f, G g, H h);

/// A metric family over closed label domains, every child resolved up front.
pub struct Dense<M, L> {
    children: Box<[M]>,
    _labels: PhantomData<fn(L)>,
}

impl<M, L: LabelSet> Dense<M, L> {
    /// Resolves every label combination of `vec` (creating each child, at 0).
    pub fn resolve<B: MetricVecBuilder<M = M>>(vec: &MetricVec<B>) -> prometheus::Result<Self> {
        let mut children = Vec::with_capacity(L::COUNT);
        for i in 0..L::COUNT {
            children.push(vec.get_metric_with_label_values(&L::values_at(i))?);
        }
        Ok(Dense {
            children: children.into_boxed_slice(),
            _labels: PhantomData,
        })
    }

    /// The child for `labels`.
    #[inline]
    pub fn get(&self, labels: L) -> &M {
        &self.children[labels.index()]
    }

    /// Every child, in label-combination order.
    pub fn children(&self) -> &[M] {
        &self.children
    }
}

impl<M, L> fmt::Debug for Dense<M, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dense")
            .field("children", &self.children.len())
            .finish()
    }
}

pub use obspec_rules::DEFAULT_OVERFLOW_VALUE;

/// Admits at most `max` distinct values of an open-domain label; later new
/// values are replaced by the overflow value and counted.
pub struct LabelGuard {
    max: usize,
    overflow: &'static str,
    seen: RwLock<HashSet<Box<str>>>,
    folded: IntCounter,
}

impl LabelGuard {
    /// `folded` counts the values replaced by `overflow`.
    pub fn new(max: usize, overflow: &'static str, folded: IntCounter) -> Self {
        LabelGuard {
            max,
            overflow,
            seen: RwLock::new(HashSet::new()),
            folded,
        }
    }

    /// `value` if it was seen before or there is room for it; the overflow value otherwise.
    pub fn admit<'a>(&self, value: &'a str) -> &'a str {
        {
            let seen = self.seen.read().unwrap_or_else(|e| e.into_inner());
            if seen.contains(value) {
                return value;
            }
            if seen.len() >= self.max {
                drop(seen);
                self.folded.inc();
                return self.overflow;
            }
        }
        let mut seen = self.seen.write().unwrap_or_else(|e| e.into_inner());
        if seen.contains(value) || seen.len() < self.max {
            seen.insert(value.into());
            value
        } else {
            drop(seen);
            self.folded.inc();
            self.overflow
        }
    }

    /// Creates and registers the counter of values folded into the overflow
    /// value, by `label` (what generated code calls once per service).
    pub fn register_overflow(
        registry: &prometheus::Registry,
        name: &'static str,
        const_labels: &'static [(&'static str, &'static str)],
    ) -> prometheus::Result<IntCounterVec> {
        let opts = MetricOpts::plain(
            name,
            "Label values replaced by the overflow value because the label reached its max_cardinality.",
            const_labels,
        );
        register_vec(registry, &opts, &["label"])
    }

    /// A guard admitting `max` values of `label`, folding the rest into
    /// `overflow_value` and counting them in `overflow` (see
    /// [`LabelGuard::register_overflow`]).
    pub fn shared(
        overflow: &IntCounterVec,
        label: &str,
        max: usize,
        overflow_value: &'static str,
    ) -> prometheus::Result<Arc<LabelGuard>> {
        let folded = overflow.get_metric_with_label_values(&[label])?;
        Ok(Arc::new(LabelGuard::new(max, overflow_value, folded)))
    }

    /// Number of distinct values admitted so far.
    pub fn admitted(&self) -> usize {
        self.seen.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

impl fmt::Debug for LabelGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LabelGuard")
            .field("max", &self.max)
            .field("overflow", &self.overflow)
            .field("admitted", &self.admitted())
            .finish()
    }
}

/// Parsing a label value that is not in the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLabelValue {
    pub label: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownLabelValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a value of label `{}`",
            self.value, self.label
        )
    }
}

impl std::error::Error for UnknownLabelValue {}

/// The value of `T` exported as `s` (what generated `FromStr` impls call):
/// `T::VALUES` must list the domain.
pub fn parse_label_value<T: LabelValue>(
    label: &'static str,
    s: &str,
) -> Result<T, UnknownLabelValue> {
    match T::VALUES.iter().position(|v| *v == s) {
        Some(i) => Ok(T::from_index(i)),
        None => Err(UnknownLabelValue {
            label,
            value: s.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Ab {
        A,
        B,
    }
    impl LabelValue for Ab {
        const COUNT: usize = 2;
        fn index(self) -> usize {
            self as usize
        }
        fn from_index(i: usize) -> Self {
            [Ab::A, Ab::B][i]
        }
        fn as_str(self) -> &'static str {
            ["a", "b"][self as usize]
        }
    }
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Xyz {
        X,
        Y,
        Z,
    }
    impl LabelValue for Xyz {
        const COUNT: usize = 3;
        fn index(self) -> usize {
            self as usize
        }
        fn from_index(i: usize) -> Self {
            [Xyz::X, Xyz::Y, Xyz::Z][i]
        }
        fn as_str(self) -> &'static str {
            ["x", "y", "z"][self as usize]
        }
    }

    #[test]
    fn tuple_indexes_are_dense_and_decodable() {
        assert_eq!(<(Ab, Xyz)>::COUNT, 6);
        let mut seen = Vec::new();
        for a in [Ab::A, Ab::B] {
            for x in [Xyz::X, Xyz::Y, Xyz::Z] {
                let i = (a, x).index();
                assert_eq!(<(Ab, Xyz)>::values_at(i), vec![a.as_str(), x.as_str()]);
                seen.push(i);
            }
        }
        seen.sort();
        assert_eq!(seen, (0..6).collect::<Vec<_>>());
    }

    #[test]
    fn dense_family_exports_every_child_at_zero() {
        let r = prometheus::Registry::new();
        let vec = prometheus::IntCounterVec::new(
            prometheus::Opts::new("t_total", "help"),
            &["ab", "xyz"],
        )
        .unwrap();
        r.register(Box::new(vec.clone())).unwrap();
        let fam: Dense<prometheus::IntCounter, (Ab, Xyz)> = Dense::resolve(&vec).unwrap();
        fam.get((Ab::B, Xyz::Z)).inc();
        let mf = r.gather();
        assert_eq!(mf[0].get_metric().len(), 6);
        assert_eq!(vec.with_label_values(&["b", "z"]).get(), 1);
        assert_eq!(vec.with_label_values(&["a", "z"]).get(), 0);
    }

    #[test]
    fn guard_folds_past_the_bound() {
        let folded = IntCounter::new("f", "f").unwrap();
        let g = LabelGuard::new(2, "other", folded.clone());
        assert_eq!(g.admit("a"), "a");
        assert_eq!(g.admit("b"), "b");
        assert_eq!(g.admit("a"), "a");
        assert_eq!(g.admit("c"), "other");
        assert_eq!(g.admit("d"), "other");
        assert_eq!(folded.get(), 2);
        assert_eq!(g.admitted(), 2);
    }
}

/// The label names of a [`LabelSet`] struct (derived with `#[derive(LabelSet)]`).
pub trait LabelNames {
    /// Label names, in the order of [`LabelSet::values_at`].
    const NAMES: &'static [&'static str];
}

impl LabelNames for () {
    const NAMES: &'static [&'static str] = &[];
}

impl<M, L: LabelSet> Dense<M, L> {
    /// The child for `labels` (the same accessor as generated code).
    #[inline]
    pub fn with(&self, labels: L) -> &M {
        self.get(labels)
    }
}

/// How a metric is created: what `#[derive(Metrics)]` and generated code pass.
#[derive(Debug, Clone, Copy)]
pub struct MetricOpts {
    pub name: &'static str,
    pub help: &'static str,
    /// Histogram bucket bounds (ignored for other types).
    pub buckets: &'static [f64],
    /// `(name, value)` labels on every series.
    pub const_labels: &'static [(&'static str, &'static str)],
}

impl MetricOpts {
    /// A metric without buckets.
    pub(crate) const fn plain(
        name: &'static str,
        help: &'static str,
        const_labels: &'static [(&'static str, &'static str)],
    ) -> MetricOpts {
        MetricOpts {
            name,
            help,
            buckets: &[],
            const_labels,
        }
    }

    pub(crate) fn opts(&self) -> prometheus::Opts {
        prometheus::Opts::new(self.name, self.help).const_labels(
            self.const_labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
    pub(crate) fn histogram_opts(&self) -> prometheus::HistogramOpts {
        prometheus::HistogramOpts {
            common_opts: self.opts(),
            buckets: self.buckets.to_vec(),
        }
    }
}

/// A Prometheus metric type obspec can create and register: `IntCounter`,
/// `Counter`, `IntGauge`, `Gauge`, `Histogram`.
pub trait Metric: Clone + Send + Sync + Sized + 'static {
    /// Creates and registers a metric without labels.
    fn register_one(registry: &prometheus::Registry, opts: &MetricOpts)
        -> prometheus::Result<Self>;
    /// Creates and registers a family and resolves every label combination.
    fn register_family<L: LabelSet + LabelNames>(
        registry: &prometheus::Registry,
        opts: &MetricOpts,
    ) -> prometheus::Result<Dense<Self, L>>;
}

macro_rules! metric_impl {
    ($m:ty, $vec:ty, $opts:ident) => {
        impl Metric for $m {
            fn register_one(
                registry: &prometheus::Registry,
                opts: &MetricOpts,
            ) -> prometheus::Result<Self> {
                let m = <$m>::with_opts(opts.$opts())?;
                registry.register(Box::new(m.clone()))?;
                Ok(m)
            }
            fn register_family<L: LabelSet + LabelNames>(
                registry: &prometheus::Registry,
                opts: &MetricOpts,
            ) -> prometheus::Result<Dense<Self, L>> {
                let vec = <$vec>::new(opts.$opts(), L::NAMES)?;
                registry.register(Box::new(vec.clone()))?;
                Dense::resolve(&vec)
            }
        }
    };
}

metric_impl!(prometheus::IntCounter, prometheus::IntCounterVec, opts);
metric_impl!(prometheus::Counter, prometheus::CounterVec, opts);
metric_impl!(prometheus::IntGauge, prometheus::IntGaugeVec, opts);
metric_impl!(prometheus::Gauge, prometheus::GaugeVec, opts);
metric_impl!(
    prometheus::Histogram,
    prometheus::HistogramVec,
    histogram_opts
);

/// A labelled Prometheus family obspec can create: `IntCounterVec`,
/// `CounterVec`, `IntGaugeVec`, `GaugeVec`, `HistogramVec`.
pub trait Family: Collector + Clone + Sized + 'static {
    /// Creates the family (not registered).
    fn create(opts: &MetricOpts, labels: &[&str]) -> prometheus::Result<Self>;
}

macro_rules! family_impl {
    ($vec:ty, $opts:ident) => {
        impl Family for $vec {
            fn create(opts: &MetricOpts, labels: &[&str]) -> prometheus::Result<Self> {
                <$vec>::new(opts.$opts(), labels)
            }
        }
    };
}

family_impl!(prometheus::IntCounterVec, opts);
family_impl!(prometheus::CounterVec, opts);
family_impl!(prometheus::IntGaugeVec, opts);
family_impl!(prometheus::GaugeVec, opts);
family_impl!(prometheus::HistogramVec, histogram_opts);

/// Creates a family with these label names and registers it in `registry`
/// (what generated code calls for each labelled metric).
pub fn register_vec<V: Family>(
    registry: &prometheus::Registry,
    opts: &MetricOpts,
    labels: &[&str],
) -> prometheus::Result<V> {
    let vec = V::create(opts, labels)?;
    registry.register(Box::new(vec.clone()))?;
    Ok(vec)
}

/// A field of a `#[derive(Metrics)]` struct: a metric, or a [`Dense`] family of one.
pub trait Register: Sized {
    fn register(registry: &prometheus::Registry, opts: &MetricOpts) -> prometheus::Result<Self>;
}

impl<M: Metric> Register for M {
    fn register(registry: &prometheus::Registry, opts: &MetricOpts) -> prometheus::Result<Self> {
        M::register_one(registry, opts)
    }
}

impl<M: Metric, L: LabelSet + LabelNames> Register for Dense<M, L> {
    fn register(registry: &prometheus::Registry, opts: &MetricOpts) -> prometheus::Result<Self> {
        M::register_family(registry, opts)
    }
}

/// Support for the derive macros; not a stable API.
#[doc(hidden)]
pub mod __private {
    /// Whether two lists of names are equal (usable in `const`).
    pub const fn names_eq(a: &[&str], b: &[&str]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            let (x, y) = (a[i].as_bytes(), b[i].as_bytes());
            if x.len() != y.len() {
                return false;
            }
            let mut j = 0;
            while j < x.len() {
                if x[j] != y[j] {
                    return false;
                }
                j += 1;
            }
            i += 1;
        }
        true
    }

    /// Implemented only when `Self` and `T` are the same type.
    #[diagnostic::on_unimplemented(
        message = "the `labels = ...` of this metric is `{T}`, but its field type uses `{Self}`",
        label = "labels differ from the field type's label set"
    )]
    pub trait SameLabels<T> {}
    impl<T> SameLabels<T> for T {}

    pub const fn assert_same_labels<A: SameLabels<B>, B>() {}
}
