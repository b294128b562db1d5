//! Runtime of `#[obspec::instrument]`: the function metrics a service's spec
//! declares under `functions:`, recorded by instrumented functions.
//!
//! Each instrumented function has one `static` [`Site`]. Its first call
//! resolves the function's children (the `ok` and `error` counters, its
//! histogram, its in-flight gauge) from the service's families, created once
//! per process with every function of the spec's domain pre-created at 0.
//! After that a call is one `Instant::now()` pair and atomic adds: nothing is
//! allocated or looked up.
//!
//! Register the families once, before the first scrape:
//!
//! ```ignore
//! obspec::instrument::register(&registry)?;
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec};

use crate::MetricOpts;

/// What the spec says about a service's function metrics; written by the
/// macro from the spec at compile time.
#[derive(Debug)]
pub struct Spec {
    pub service: &'static str,
    pub calls: &'static str,
    pub duration: &'static str,
    /// The in-flight gauge, when the spec declares one.
    pub in_flight: Option<&'static str>,
    pub buckets: &'static [f64],
    pub const_labels: &'static [(&'static str, &'static str)],
    /// The `function` label's domain.
    pub functions: &'static [&'static str],
    /// The `outcome` values beyond `ok` and `error` (the spec's
    /// `functions: outcomes:`), recorded from error enums.
    pub outcomes: &'static [&'static str],
}

/// The families of one service.
struct Families {
    calls: IntCounterVec,
    duration: HistogramVec,
    in_flight: Option<IntGaugeVec>,
}

fn services() -> &'static Mutex<HashMap<&'static str, &'static Families>> {
    static SERVICES: OnceLock<Mutex<HashMap<&'static str, &'static Families>>> = OnceLock::new();
    SERVICES.get_or_init(Default::default)
}

fn families(spec: &Spec) -> &'static Families {
    let mut map = services().lock().unwrap_or_else(|e| e.into_inner());
    // By the calls metric: one set of families per service's `functions:`,
    // or per set of metrics named in attributes.
    if let Some(f) = map.get(spec.calls) {
        return f;
    }
    let consts = spec.const_labels;
    let opts = |name, help| MetricOpts::plain(name, help, consts).opts();
    // The spec's names and help texts passed the macro's checks: valid.
    let calls = IntCounterVec::new(
        opts(spec.calls, "Calls of instrumented functions, by outcome."),
        &["function", "outcome"],
    )
    .expect("checked at compile time");
    let duration = HistogramVec::new(
        MetricOpts {
            name: spec.duration,
            help: "Duration of calls of instrumented functions.",
            buckets: spec.buckets,
            const_labels: consts,
        }
        .histogram_opts(),
        &["function"],
    )
    .expect("checked at compile time");
    let in_flight = spec.in_flight.map(|name| {
        IntGaugeVec::new(
            opts(name, "Calls of instrumented functions in flight."),
            &["function"],
        )
        .expect("checked at compile time")
    });
    // Every function of the domain exists from the start, at 0.
    for f in spec.functions {
        for outcome in ["ok", "error"].iter().chain(spec.outcomes) {
            calls.with_label_values(&[f, outcome]);
        }
        duration.with_label_values(&[f]);
        if let Some(g) = &in_flight {
            g.with_label_values(&[f]);
        }
    }
    let f: &'static Families = Box::leak(Box::new(Families {
        calls,
        duration,
        in_flight,
    }));
    map.insert(spec.calls, f);
    f
}

/// A collector of every service's function families, created so far or later.
struct AllFunctions;

impl Collector for AllFunctions {
    fn desc(&self) -> Vec<&Desc> {
        // Families appear as instrumented code first runs or is declared:
        // unchecked registration (no descriptors), as the families are unique
        // per service by construction.
        Vec::new()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let map = services().lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        let mut names: Vec<&&str> = map.keys().collect();
        names.sort();
        for s in names {
            let f = map[*s];
            out.extend(f.calls.collect());
            out.extend(f.duration.collect());
            if let Some(g) = &f.in_flight {
                out.extend(g.collect());
            }
        }
        out
    }
}

/// Registers the function metrics of every instrumented service into
/// `registry` (once per registry).
pub fn register(registry: &prometheus::Registry) -> prometheus::Result<()> {
    registry.register(Box::new(AllFunctions))
}

/// Creates the families of `spec` now, so that they are exported (at 0)
/// before the first instrumented call. [`Site`]s create them on first use.
pub fn declare(spec: &'static Spec) {
    families(spec);
}

/// The resolved children of one function.
struct Children {
    ok: IntCounter,
    error: IntCounter,
    /// One per `Spec::outcomes` value.
    outcomes: Vec<IntCounter>,
    duration: Histogram,
    in_flight: Option<IntGauge>,
}

/// One instrumented function: a `static` the macro writes.
pub struct Site {
    spec: &'static Spec,
    function: &'static str,
    children: OnceLock<Children>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("function", &self.function)
            .finish()
    }
}

impl Site {
    pub const fn new(spec: &'static Spec, function: &'static str) -> Site {
        Site {
            spec,
            function,
            children: OnceLock::new(),
        }
    }

    fn children(&self) -> &Children {
        self.children.get_or_init(|| {
            let f = families(self.spec);
            Children {
                ok: f.calls.with_label_values(&[self.function, "ok"]),
                error: f.calls.with_label_values(&[self.function, "error"]),
                outcomes: self
                    .spec
                    .outcomes
                    .iter()
                    .map(|o| f.calls.with_label_values(&[self.function, o]))
                    .collect(),
                duration: f.duration.with_label_values(&[self.function]),
                in_flight: f
                    .in_flight
                    .as_ref()
                    .map(|g| g.with_label_values(&[self.function])),
            }
        })
    }

    /// Starts a call: the in-flight gauge goes up until the guard ends.
    #[inline]
    pub fn enter(&'static self) -> Guard {
        let c = self.children();
        if let Some(g) = &c.in_flight {
            g.inc();
        }
        Guard {
            site: self,
            start: Instant::now(),
            done: false,
        }
    }
}

/// A call in progress. [`Guard::finish`] records its outcome and duration;
/// dropped without it (a panic, or a future dropped before completion), it
/// takes the in-flight gauge down and, on a panic, counts an error.
pub struct Guard {
    site: &'static Site,
    start: Instant,
    done: bool,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("function", &self.site.function)
            .finish()
    }
}

impl Guard {
    /// Records a completed call: `error` for an `Err`.
    #[inline]
    pub fn finish(mut self, error: bool) {
        self.record(error);
        self.done = true;
    }

    /// Records a completed call whose error is an enum value: `None` is
    /// `ok`; a value outside the spec's outcomes (a hand-written
    /// `LabelValue` the compile-time check could not see) is `error`.
    #[inline]
    pub fn finish_outcome(mut self, outcome: Option<&'static str>) {
        let c = self.site.children();
        match outcome {
            None => self.record(false),
            Some(v) => match self.site.spec.outcomes.iter().position(|o| *o == v) {
                Some(i) => {
                    c.duration.observe(self.start.elapsed().as_secs_f64());
                    c.outcomes[i].inc();
                }
                None => self.record(true),
            },
        }
        self.done = true;
    }

    #[inline]
    fn record(&self, error: bool) {
        let c = self.site.children();
        c.duration.observe(self.start.elapsed().as_secs_f64());
        if error {
            c.error.inc();
        } else {
            c.ok.inc();
        }
    }
}

impl Drop for Guard {
    #[inline]
    fn drop(&mut self) {
        let c = self.site.children();
        if !self.done && std::thread::panicking() {
            self.record(true);
        }
        if let Some(g) = &c.in_flight {
            g.dec();
        }
    }
}

/// The outcome of a result whose error is a label value (`errors =
/// "variants"`): `None` for `Ok`, the error's value for `Err`. Autoref
/// specialisation, so that a wrong error type is reported once, by the
/// compile-time domain check, not again here.
#[doc(hidden)]
pub trait IsVariant {
    fn outcome(&self) -> Option<&'static str>;
}

impl<T, E: crate::LabelValue> IsVariant for Probe<'_, Result<T, E>> {
    #[inline]
    fn outcome(&self) -> Option<&'static str> {
        match self.0 {
            Ok(_) => None,
            Err(e) => Some(e.as_str()),
        }
    }
}

#[doc(hidden)]
pub trait IsNotVariant {
    fn outcome(&self) -> Option<&'static str>;
}

impl<T> IsNotVariant for &Probe<'_, T> {
    /// Never runs: the domain check failed to compile.
    #[inline]
    fn outcome(&self) -> Option<&'static str> {
        None
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The position of the first value of `E` that is not in `domain`, or
/// `usize::MAX`: evaluated at compile time by `errors = "variants"`.
#[doc(hidden)]
pub const fn first_outside<E: crate::LabelValue>(domain: &[&str]) -> usize {
    let values = E::VALUES;
    let mut i = 0;
    while i < values.len() {
        let mut j = 0;
        let mut found = false;
        while j < domain.len() {
            if str_eq(values[i], domain[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return i;
        }
        i += 1;
    }
    usize::MAX
}

/// Whether a return value is an error: `Result::Err`; every other type is
/// `ok`. The macro calls it on the function's result.
#[doc(hidden)]
pub trait Outcome {
    fn is_error(&self) -> bool;
}

impl<T, E> Outcome for Result<T, E> {
    #[inline]
    fn is_error(&self) -> bool {
        self.is_err()
    }
}

/// Autoref specialisation: a value that is not a `Result` is `ok`.
#[doc(hidden)]
pub struct Probe<'a, T>(pub &'a T);

#[doc(hidden)]
pub trait IsError {
    fn is_error(&self) -> bool;
}

impl<T: Outcome> IsError for Probe<'_, T> {
    #[inline]
    fn is_error(&self) -> bool {
        self.0.is_error()
    }
}

#[doc(hidden)]
pub trait IsOk {
    fn is_error(&self) -> bool;
}

impl<T> IsOk for &Probe<'_, T> {
    #[inline]
    fn is_error(&self) -> bool {
        false
    }
}
