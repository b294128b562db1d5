//! Expression analysis: what a PromQL expression reads and means against the
//! registry of declared metrics, the Prometheus exposition format, LogQL and
//! the JSON shape of log lines, and series counts from label domains. Above
//! the spec model and the format helpers; knows nothing of SLOs, lints or
//! targets.

pub mod exposition;
pub mod logs;
pub mod promql;
pub mod series;
