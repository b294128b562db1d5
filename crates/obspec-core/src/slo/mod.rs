//! SLO planning: burn-rate windows and thresholds, the Prometheus rule plan
//! of every service (recordings, multi-window multi-burn-rate alerts, the
//! service's own alerts) and the promtool tests that prove it. Plans are data;
//! rendering them into files is the targets' job.

pub mod promtool;
pub mod rules;
pub mod windows;
