//! The spec model, format v1. The JSON Schema (`obspec schema`) is derived from
//! these types, and their doc comments are its descriptions.
//!
//! Every value read from a file keeps its location ([`Spanned`]), so that lints
//! point at the offending line. Serialization (used by templates) is
//! transparent: a `Spanned<T>` serializes as its `T`.

#[cfg(feature = "schema")]
use std::borrow::Cow;
use std::collections::HashSet;

#[cfg(feature = "schema")]
use schemars::{JsonSchema, Schema, SchemaGenerator};
#[cfg(feature = "serde")]
use serde::{Serialize, Serializer};

use crate::source::{FileId, Span};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[cfg(feature = "serde")]
impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

#[cfg(feature = "schema")]
impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A mapping from names to values, in source order. Names keep their location.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedMap<V> {
    pub entries: Vec<(Spanned<String>, V)>,
}

impl<V> Default for NamedMap<V> {
    fn default() -> Self {
        NamedMap {
            entries: Vec::new(),
        }
    }
}

impl<V> NamedMap<V> {
    pub fn get(&self, name: &str) -> Option<&V> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == name)
            .map(|(_, v)| v)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.value.as_str())
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(feature = "serde")]
impl<V: Serialize> Serialize for NamedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(&k.value, v)?;
        }
        m.end()
    }
}

/// `alerts:` as the spec writes it: a name maps to its rule, or to the list
/// of its rules when it has several.
#[cfg(feature = "serde")]
mod alert_tiers {
    use super::{Alert, NamedMap};
    use serde::ser::SerializeMap;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(map: &NamedMap<Alert>, s: S) -> Result<S::Ok, S::Error> {
        let mut names: Vec<&str> = Vec::new();
        for k in map.keys() {
            if !names.contains(&k) {
                names.push(k);
            }
        }
        let mut m = s.serialize_map(Some(names.len()))?;
        for name in names {
            let rules: Vec<&Alert> = map
                .iter()
                .filter(|(k, _)| k.value == name)
                .map(|(_, a)| a)
                .collect();
            match rules.as_slice() {
                [one] => m.serialize_entry(name, one)?,
                many => m.serialize_entry(name, many)?,
            }
        }
        m.end()
    }

    #[cfg(feature = "schema")]
    pub fn schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one = generator.subschema_for::<Alert>();
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    one,
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": one,
                        "description": "Rules sharing the alert name (severity tiers): each with its own `expr`, `for`, `severity`, labels and annotations."
                    }
                ]
            },
        })
    }
}

#[cfg(feature = "schema")]
impl<V: JsonSchema> JsonSchema for NamedMap<V> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

/// The project file, `obspec.yaml` at the root of the spec directory: conventions
/// that hold for every service.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Project {
    /// Spec format version; always `1`.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 1)))]
    pub obspec: Spanned<u32>,
    /// The project's name.
    pub project: Option<Spanned<String>>,
    /// Project-wide conventions enforced by `obspec lint`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub conventions: Conventions,
    /// Deployment environments: the closed value set of the `environment` target label.
    #[cfg_attr(feature = "serde", serde(default))]
    pub environments: Vec<Spanned<String>>,
    /// Settings of the `kubernetes` target (PrometheusRule manifests).
    #[cfg_attr(feature = "serde", serde(default))]
    pub kubernetes: KubernetesSettings,
    /// Settings of the `prometheus` target.
    #[cfg_attr(feature = "serde", serde(default))]
    pub prometheus: PrometheusSettings,
    /// Alertmanager routing (`alertmanager` target).
    pub routing: Option<Routing>,
    /// Deployment settings (`otel-collector` and `terraform` targets).
    pub deploy: Option<Deploy>,
    /// Reviewed findings accepted for whole services or spec paths: each
    /// entry names codes, where they are ignored, and why.
    #[cfg_attr(feature = "serde", serde(default))]
    pub ignore: Vec<Ignore>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub file: Option<FileId>,
}

/// A project-level suppression: findings of `codes` are accepted in the
/// `services` named and in the spec files under `paths` (with neither, in
/// every spec). They still appear, marked suppressed, in `--format json`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Ignore {
    /// Finding codes, `OBS709`...
    pub codes: Vec<Spanned<String>>,
    /// Services (by `service` name) the codes are ignored in.
    #[cfg_attr(feature = "serde", serde(default))]
    pub services: Vec<Spanned<String>>,
    /// Spec files, relative to the spec directory: a file, a directory, or a
    /// pattern where `*` matches within one path segment and `**` any number.
    #[cfg_attr(feature = "serde", serde(default))]
    pub paths: Vec<Spanned<String>>,
    /// Why the findings are accepted (required).
    pub reason: Spanned<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            obspec: Spanned::new(1, Span::point(FileId(u32::MAX), 1, 1)),
            project: None,
            conventions: Conventions::default(),
            environments: Vec::new(),
            kubernetes: KubernetesSettings::default(),
            prometheus: PrometheusSettings::default(),
            routing: None,
            deploy: None,
            ignore: Vec::new(),
            file: None,
        }
    }
}

/// Any YAML value, passed through to a tool's configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Spanned<AnyValue>>),
    Map(NamedMap<Spanned<AnyValue>>),
}

#[cfg(feature = "serde")]
impl Serialize for AnyValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AnyValue::Null => s.serialize_none(),
            AnyValue::Bool(b) => s.serialize_bool(*b),
            AnyValue::Number(n) => s.serialize_f64(*n),
            AnyValue::String(v) => s.serialize_str(v),
            AnyValue::List(l) => l.serialize(s),
            AnyValue::Map(m) => m.serialize(s),
        }
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for AnyValue {
    fn schema_name() -> Cow<'static, str> {
        "AnyValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!(true)
    }
}

/// Deployment settings.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Deploy {
    /// AWS region of the Terraform resources.
    pub aws_region: Spanned<String>,
    /// Prefix of the SSM parameter names, e.g. `/shopfront`.
    pub ssm_prefix: Spanned<String>,
    /// The OpenTelemetry collector.
    pub collector: Option<Collector>,
}

/// The OpenTelemetry collector: its image, and the environment variables that
/// carry its endpoints and credentials (values come from SSM parameters).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Collector {
    /// Container image, e.g. `otel/opentelemetry-collector-contrib:0.112.0`.
    pub image: Spanned<String>,
    /// Variable holding the Prometheus remote-write URL.
    pub remote_write_url_env: Spanned<String>,
    /// Variable holding the remote-write `Authorization` header value (optional).
    pub remote_write_auth_env: Option<Spanned<String>>,
    /// Variable holding the Loki push URL.
    pub loki_url_env: Spanned<String>,
    /// Variable holding the OTLP endpoint of the trace backend (default `TRACES_ENDPOINT`).
    pub traces_endpoint_env: Option<Spanned<String>>,
    /// Memory of the ECS task in MiB (default 512); the collector's
    /// memory_limiter keeps 80% of it.
    pub memory_mib: Option<Spanned<u64>>,
    /// CPU units of the ECS task (default 256).
    pub cpu: Option<Spanned<u64>>,
    /// Files of JSONL log lines the collector tails, as globs (default
    /// `/var/log/obspec/*.jsonl`), when a service declares `logs:`.
    pub log_paths: Option<Vec<Spanned<String>>>,
}

impl Collector {
    /// Memory of the collector task in MiB (512 unless the spec says).
    pub fn memory_mib(&self) -> u64 {
        self.memory_mib.as_ref().map_or(512, |m| m.value)
    }
}

/// Alertmanager routing, from the project file.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Routing {
    /// Labels alerts are grouped by (default: alertname, service, severity).
    #[cfg_attr(feature = "serde", serde(default))]
    pub group_by: Vec<Spanned<String>>,
    /// How long to wait before the first notification of a group.
    pub group_wait: Option<Spanned<String>>,
    /// How long to wait before notifying about new alerts of a group.
    pub group_interval: Option<Spanned<String>>,
    /// How long to wait before repeating a notification.
    pub repeat_interval: Option<Spanned<String>>,
    /// The receiver of alerts no route matches.
    pub default_receiver: Spanned<String>,
    /// Receivers by name: `slack`, `pagerduty`, `webhook`, `email`, `opsgenie`,
    /// `msteams`, `telegram`, `pushover`, `victorops`, `sns`, `discord`, `webex`
    /// (each the tool's configuration; secrets only through `*_file` keys).
    #[cfg_attr(feature = "serde", serde(default))]
    pub receivers: NamedMap<NamedMap<Spanned<AnyValue>>>,
    /// Routes, tried in order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub routes: Vec<Route>,
    /// Team routes: alerts whose `team` label is the key go to the receiver.
    #[cfg_attr(feature = "serde", serde(default))]
    pub teams: NamedMap<Spanned<String>>,
    /// Inhibition rules.
    #[cfg_attr(feature = "serde", serde(default))]
    pub inhibit: Vec<Inhibit>,
    /// Named time intervals (Alertmanager `time_intervals` syntax), for
    /// `mute_time_intervals` and `active_time_intervals` of routes.
    #[cfg_attr(feature = "serde", serde(default))]
    pub time_intervals: NamedMap<Spanned<AnyValue>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// One route.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Route {
    /// Label equality matchers.
    #[cfg_attr(feature = "serde", serde(default, rename = "match"))]
    pub match_: NamedMap<Spanned<String>>,
    /// Label regex matchers (anchored).
    #[cfg_attr(feature = "serde", serde(default))]
    pub match_re: NamedMap<Spanned<String>>,
    pub receiver: Spanned<String>,
    /// Keep matching the following routes after this one.
    #[cfg_attr(feature = "serde", serde(rename = "continue"))]
    pub continue_: Option<Spanned<bool>>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub group_by: Vec<Spanned<String>>,
    pub group_wait: Option<Spanned<String>>,
    pub group_interval: Option<Spanned<String>>,
    pub repeat_interval: Option<Spanned<String>>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub mute_time_intervals: Vec<Spanned<String>>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub active_time_intervals: Vec<Spanned<String>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// An inhibition rule: alerts matching `target` are muted while an alert
/// matching `source` fires with the same `equal` labels.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Inhibit {
    pub source: NamedMap<Spanned<String>>,
    pub target: NamedMap<Spanned<String>>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub equal: Vec<Spanned<String>>,
}

/// Settings of the `prometheus` target.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PrometheusSettings {
    /// Write promtool unit tests next to the rules (`<service>.test.yml`). Default true.
    pub unit_tests: Option<Spanned<bool>>,
    /// How often Prometheus scrapes the services (default `30s`, the
    /// kube-prometheus-stack's): ranges shorter than two scrape intervals are flagged.
    pub scrape_interval: Option<Spanned<String>>,
    /// How often Prometheus evaluates the rules (default `30s`): an alert `for`
    /// shorter than it is flagged.
    pub evaluation_interval: Option<Spanned<String>>,
}

/// Settings of the PrometheusRule manifests (`kubernetes` target).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct KubernetesSettings {
    /// `metadata.namespace` of every manifest (omitted when unset).
    pub namespace: Option<Spanned<String>>,
    /// Prepended to the service name to form `metadata.name`.
    pub name_prefix: Option<Spanned<String>>,
    /// Appended to the service name to form `metadata.name` (default `-rules`).
    pub name_suffix: Option<Spanned<String>>,
    /// Extra `metadata.labels`, e.g. the `release` label a Prometheus operator selects on.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<Spanned<String>>,
    /// Extra `metadata.annotations`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub annotations: NamedMap<Spanned<String>>,
}

/// Project-wide conventions.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Conventions {
    /// Labels every scrape target carries (added by service discovery, not by the
    /// service): usable in PromQL, and never declared as metric labels.
    #[cfg_attr(feature = "serde", serde(default))]
    pub required_target_labels: Vec<Spanned<String>>,
    /// Labels no metric may use: unbounded identifiers that explode cardinality.
    /// Default: user_id, request_id, tracking_id, session_id, trace_id, span_id.
    #[cfg_attr(feature = "serde", serde(default = "default_forbidden"))]
    pub forbidden_labels: Vec<Spanned<String>>,
    /// Most series one metric may produce (product of its label domains, times
    /// the series per histogram). Default 1000.
    #[cfg_attr(feature = "serde", serde(default = "default_max_metric"))]
    pub max_series_per_metric: Spanned<u64>,
    /// Most series one service may produce, all metrics added. Default 10000.
    #[cfg_attr(feature = "serde", serde(default = "default_max_service"))]
    pub max_series_per_service: Spanned<u64>,
    /// Allowed alert severities. Default: critical, warning, info.
    #[cfg_attr(feature = "serde", serde(default = "default_severities"))]
    pub severities: Vec<Spanned<String>>,
    /// Log fields no event may carry: personal data and secrets. A field
    /// declared `hashed: true` may use a personal-data name (`user_id`),
    /// never a secret's (`password`, `token`...). Default: email, user_id,
    /// phone, ip_address, password, token, secret, api_key, authorization.
    #[cfg_attr(feature = "serde", serde(default = "default_forbidden_log_fields"))]
    pub forbidden_log_fields: Vec<Spanned<String>>,
    /// Most Loki streams one service may produce (the product of its stream
    /// labels' domains). Default 1000.
    #[cfg_attr(feature = "serde", serde(default = "default_max_streams"))]
    pub max_log_streams_per_service: Spanned<u64>,
}

fn nowhere<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Span::point(FileId(u32::MAX), 1, 1))
}
fn strings(v: &[&str]) -> Vec<Spanned<String>> {
    v.iter().map(|s| nowhere(s.to_string())).collect()
}
pub(crate) fn default_forbidden() -> Vec<Spanned<String>> {
    strings(&obspec_rules::DEFAULT_FORBIDDEN_LABELS)
}
pub(crate) fn default_max_metric() -> Spanned<u64> {
    nowhere(1000)
}
pub(crate) fn default_max_service() -> Spanned<u64> {
    nowhere(10_000)
}
pub(crate) fn default_forbidden_log_fields() -> Vec<Spanned<String>> {
    strings(&DEFAULT_FORBIDDEN_LOG_FIELDS)
}
pub(crate) fn default_max_streams() -> Spanned<u64> {
    nowhere(1000)
}
/// The default of `conventions.forbidden_log_fields`.
pub const DEFAULT_FORBIDDEN_LOG_FIELDS: [&str; 9] = [
    "email",
    "user_id",
    "phone",
    "ip_address",
    "password",
    "token",
    "secret",
    "api_key",
    "authorization",
];
/// Field names that hold secrets: forbidden in logs even when hashed.
pub const SECRET_LOG_FIELDS: [&str; 8] = [
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "authorization",
    "access_token",
    "private_key",
];
pub(crate) fn default_severities() -> Vec<Spanned<String>> {
    strings(&["critical", "warning", "info"])
}

impl Conventions {
    /// The allowed alert severities, as strings.
    pub fn severity_names(&self) -> Vec<&str> {
        self.severities.iter().map(|s| s.as_str()).collect()
    }
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions {
            required_target_labels: Vec::new(),
            forbidden_labels: default_forbidden(),
            max_series_per_metric: default_max_metric(),
            max_series_per_service: default_max_service(),
            severities: default_severities(),
            forbidden_log_fields: default_forbidden_log_fields(),
            max_log_streams_per_service: default_max_streams(),
        }
    }
}

/// One service: its metrics, label domains, SLOs and alerts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Service {
    /// Spec format version; always `1`.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 1)))]
    pub obspec: Spanned<u32>,
    /// The service's name (kebab-case), e.g. `payment-gateway`. Unique across the specs.
    pub service: Spanned<String>,
    /// Metric name prefix: every metric name starts with `<namespace>_`.
    /// Not needed (and empty) in an `external: true` spec.
    pub namespace: Spanned<String>,
    /// `true`: a catalog of metrics the project reads but does not emit (an
    /// exporter, a platform component). Names are as the exporter exposes
    /// them, labels may be open; naming, unit and cardinality-budget rules do
    /// not apply, expression checks do, and no target emits anything for it
    /// but its docs page.
    pub external: Option<Spanned<bool>>,
    /// The owning team; becomes the `team` label of alerts.
    pub team: Option<Spanned<String>>,
    /// What the service does.
    pub description: Option<Spanned<String>>,
    /// Labels with a fixed value on every metric of the service.
    #[cfg_attr(feature = "serde", serde(default))]
    pub const_labels: NamedMap<Spanned<String>>,
    /// Label domains: each label's closed value set or declared bound.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<LabelDomain>,
    /// The service's metrics, by full name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub metrics: NamedMap<Metric>,
    /// Service level objectives, by name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub slos: NamedMap<Slo>,
    /// Alerting rules, by alert name: one rule, or a list of rules sharing
    /// the name (severity tiers). A name with several rules has one entry per
    /// rule, in order.
    #[cfg_attr(
        feature = "serde",
        serde(default, serialize_with = "alert_tiers::serialize")
    )]
    #[cfg_attr(feature = "schema", schemars(schema_with = "alert_tiers::schema"))]
    pub alerts: NamedMap<Alert>,
    /// Recording rules the service keeps, by the name of the series they
    /// record (`level:metric:operations`, e.g. `job:http_requests:rate5m`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub recordings: NamedMap<Recording>,
    /// Function metrics for `#[obspec::instrument]`: declares
    /// `<namespace>_function_calls_total` (labels `function`, `outcome`),
    /// `<namespace>_function_duration_seconds` (label `function`) and, with
    /// `in_flight: true`, `<namespace>_function_in_flight`, with the label
    /// domains `function` (the names) and `outcome` (`ok`, `error`).
    pub functions: Option<Functions>,
    /// HTTP RED metrics for `obspec::http`'s tower layer: declares
    /// `<namespace>_http_requests_total` (labels `route`, `method`,
    /// `status_class`), `<namespace>_http_request_duration_seconds` (labels
    /// `route`, `method`) and, with `in_flight: true`,
    /// `<namespace>_http_requests_in_flight` (label `route`), with the label
    /// domains `route` (the templates, and `unmatched`), `method` and
    /// `status_class` (`1xx` … `5xx`).
    pub http: Option<Http>,
    /// The service's structured log events (`logs` target, `obspec
    /// live-check --logs`).
    pub logs: Option<Logs>,
    /// Services this one depends on: their `infrastructure` alerts inhibit this
    /// service's alerts (Alertmanager target).
    #[cfg_attr(feature = "serde", serde(default))]
    pub depends_on: Vec<Spanned<String>>,
    /// The file the service was read from.
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub file: Option<FileId>,
    /// Names declared in the file whose definition failed to load (used to keep
    /// one broken item from raising "unknown metric" everywhere).
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub broken: HashSet<String>,
}

/// The domain of one label: either a closed list of values or a declared bound.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LabelDomain {
    /// The closed set of values the label takes.
    pub values: Option<Vec<Spanned<String>>>,
    /// For an open domain: the most distinct values the label may take.
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub max_cardinality: Option<Spanned<u64>>,
    /// For an open domain: the value that replaces new values once
    /// `max_cardinality` distinct values were seen (default `__overflow__`).
    pub overflow_value: Option<Spanned<String>>,
    /// What the label means.
    pub description: Option<Spanned<String>>,
}

impl Service {
    /// Whether the spec is an `external: true` catalog.
    pub fn is_external(&self) -> bool {
        self.external.as_ref().is_some_and(|e| e.value)
    }
}

impl LabelDomain {
    /// Number of distinct values: the closed set's size or the declared bound.
    pub fn cardinality(&self) -> Option<u64> {
        match (&self.values, &self.max_cardinality) {
            (Some(v), _) => Some(v.len() as u64),
            (None, Some(m)) => Some(m.value),
            (None, None) => None,
        }
    }
}

/// A metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum MetricType {
    /// A value that only goes up (resets on restart). Named `..._total`.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted into cumulative buckets.
    Histogram,
    /// Constant 1 whose labels carry information (build version...). Named `..._info`.
    Info,
    /// Quantiles an exporter computes (`quantile` label) with `_sum` and
    /// `_count`. Only in `external: true` specs: obspec emits histograms.
    Summary,
    /// A series whose exporter gives no type. Only in `external: true` specs.
    Untyped,
}

impl MetricType {
    /// The kind the naming rules know; `None` for the types only external
    /// specs declare, which those rules do not apply to.
    pub fn kind(self) -> Option<obspec_rules::MetricKind> {
        use obspec_rules::MetricKind as K;
        match self {
            MetricType::Counter => Some(K::Counter),
            MetricType::Gauge => Some(K::Gauge),
            MetricType::Histogram => Some(K::Histogram),
            MetricType::Info => Some(K::Info),
            MetricType::Summary | MetricType::Untyped => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
            k => k.kind().map_or("untyped", |k| k.as_str()),
        }
    }
}

/// How stable a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Stability {
    Stable,
    Experimental,
    Deprecated,
}

/// One metric.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Metric {
    /// counter, gauge, histogram or info.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub kind: Spanned<MetricType>,
    /// Base unit (seconds, bytes, ratio...); the name ends with `_<unit>` (before `_total`).
    pub unit: Option<Spanned<String>>,
    /// The HELP text.
    pub help: Option<Spanned<String>>,
    /// Labels, in the order the code passes them; each declared under `labels:`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: Vec<Spanned<String>>,
    /// Histogram bucket upper bounds, strictly increasing (`+Inf` is implied).
    pub buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    /// Optional subsystem: the name then starts with `<namespace>_<subsystem>_`.
    pub subsystem: Option<Spanned<String>>,
    /// stable (default), experimental or deprecated.
    pub stability: Option<Spanned<Stability>>,
    /// Why the metric is deprecated and what replaces it.
    pub deprecated: Option<Spanned<String>>,
}

/// The instrumented functions of a service.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Functions {
    /// The closed domain of the `function` label: the names of the functions
    /// `#[obspec::instrument]` may record (a renamed function is a compile error).
    pub names: Vec<Spanned<String>>,
    /// Error values of the `outcome` label beyond `ok` and `error`: the
    /// values of error enums deriving `LabelValue`, recorded by functions
    /// instrumented with `errors = "variants"`.
    pub outcomes: Option<Vec<Spanned<String>>>,
    /// Also declare an in-flight gauge per function.
    pub in_flight: Option<Spanned<bool>>,
    /// Bucket bounds of the duration histogram, in seconds (default
    /// 0.005 … 10, as the Prometheus clients).
    pub buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// Default buckets of the function duration histogram (seconds).
pub const FUNCTION_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The metric names `functions:` declares for a namespace: calls, duration, in flight.
pub fn function_metric_names(namespace: &str) -> [String; 3] {
    [
        format!("{namespace}_function_calls_total"),
        format!("{namespace}_function_duration_seconds"),
        format!("{namespace}_function_in_flight"),
    ]
}

/// The HTTP routes of a service, recorded by `obspec::http`'s tower layer.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Http {
    /// Route templates, as the router declares them (`/payments/{id}`,
    /// `/files/{*path}`; axum 0.7's `:id` and `*path` are read too). They
    /// are the closed domain of the `route` label, with `unmatched` for a
    /// request no template matches: the raw path, with its IDs, is never a
    /// label value.
    pub routes: Vec<Spanned<String>>,
    /// The methods the `method` label names (default: GET, HEAD, POST, PUT,
    /// PATCH, DELETE, OPTIONS); any other method is recorded as `OTHER`.
    pub methods: Option<Vec<Spanned<String>>>,
    /// Also declare an in-flight gauge per route.
    pub in_flight: Option<Spanned<bool>>,
    /// Bucket bounds of the request duration histogram, in seconds (default
    /// 0.005 … 10, as the Prometheus clients).
    pub buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// The structured logs of a service: one JSON object per line.
///
/// Every line carries `timestamp` (RFC 3339), `level` (`TRACE` … `ERROR`),
/// `target`, `event` (the event's name), `message`, and `trace_id` and
/// `span_id` when a span with a trace context is active; then the event's
/// fields.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Logs {
    /// The `tracing` target of the events (default: the namespace).
    pub target: Option<Spanned<String>>,
    /// Line fields that become Loki stream labels: `level`, `event`,
    /// `target`, or event fields with a closed domain (enum, bool).
    /// `service` is always one.
    #[cfg_attr(feature = "serde", serde(default))]
    pub stream_labels: Vec<Spanned<String>>,
    /// The log events, by name (snake_case).
    #[cfg_attr(feature = "serde", serde(default))]
    pub events: NamedMap<LogEvent>,
    /// Loki alerting rules on the events, by alert name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub alerts: NamedMap<LogAlert>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// The line fields every log line carries, in the order the runtime writes them.
pub const LOG_LINE_FIELDS: [&str; 7] = [
    "timestamp",
    "level",
    "target",
    "event",
    "message",
    "trace_id",
    "span_id",
];

/// One log event.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogEvent {
    /// The level the event is emitted at.
    pub level: Spanned<LogLevel>,
    /// The line's `message`, fixed per event.
    pub message: Spanned<String>,
    /// What the event means (documentation).
    pub description: Option<Spanned<String>>,
    /// The event's fields, by name (snake_case): a type (`string`, `int`,
    /// `float`, `bool`, `duration`, `enum`) or `{type, values, optional,
    /// hashed, description}`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub fields: NamedMap<LogField>,
}

/// A log level, as `tracing` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    /// All levels, lowest first.
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ];
    /// The level as a line writes it: `INFO`.
    pub fn as_line(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
        }
    }
    /// The `tracing::Level` constant: `INFO`.
    pub fn tracing_const(self) -> &'static str {
        self.as_line()
    }
}

/// The type of a log field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum LogFieldType {
    /// A JSON string.
    String,
    /// A JSON integer (i64).
    Int,
    /// A JSON number.
    Float,
    /// `true` or `false`.
    Bool,
    /// Seconds, a JSON number ≥ 0 (a `std::time::Duration` in Rust).
    Duration,
    /// A JSON string from the closed list `values`.
    Enum,
}

impl LogFieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            LogFieldType::String => "string",
            LogFieldType::Int => "int",
            LogFieldType::Float => "float",
            LogFieldType::Bool => "bool",
            LogFieldType::Duration => "duration",
            LogFieldType::Enum => "enum",
        }
    }
}

/// One field of a log event: its type alone (`amount_cents: int`), or a
/// mapping (`{type: enum, values: [a, b], optional: true}`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogField {
    /// The field's type.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub kind: Spanned<LogFieldType>,
    /// The closed domain of an `enum` field.
    pub values: Option<Vec<Spanned<String>>>,
    /// The field may be absent (default: every line of the event has it).
    pub optional: Option<Spanned<bool>>,
    /// The value is a hash of personal data, not the data (allows a name from
    /// `conventions.forbidden_log_fields` that is not a secret).
    pub hashed: Option<Spanned<bool>>,
    /// What the field holds.
    pub description: Option<Spanned<String>>,
}

#[cfg(feature = "schema")]
impl JsonSchema for LogField {
    fn schema_name() -> Cow<'static, str> {
        "LogField".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let kind = generator.subschema_for::<LogFieldType>();
        schemars::json_schema!({
            "description": "One field of a log event: its type alone (`amount_cents: int`), or a mapping.",
            "anyOf": [
                kind,
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["type"],
                    "properties": {
                        "type": kind,
                        "values": {"description": "The closed domain of an `enum` field.", "type": "array", "items": {"type": "string"}},
                        "optional": {"description": "The field may be absent (default: every line of the event has it).", "type": "boolean"},
                        "hashed": {"description": "The value is a hash of personal data, not the data.", "type": "boolean"},
                        "description": {"description": "What the field holds.", "type": "string"}
                    }
                }
            ]
        })
    }
}

impl LogField {
    pub fn is_optional(&self) -> bool {
        self.optional.as_ref().is_some_and(|o| o.value)
    }
    pub fn is_hashed(&self) -> bool {
        self.hashed.as_ref().is_some_and(|o| o.value)
    }
}

/// A Loki alerting rule on log events: the rate of an event, or the share of
/// some events among others.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogAlert {
    /// The events counted (the numerator).
    pub events: Vec<Spanned<String>>,
    /// With `of`, the alert is on the ratio `events / of` (the events of the
    /// denominator, which usually include the numerator's); without it, on
    /// the events per second.
    pub of: Option<Vec<Spanned<String>>>,
    /// The range the rate is taken over (`5m`).
    pub window: Spanned<String>,
    /// Fires when the rate (per second) or the ratio is above this.
    pub above: Spanned<f64>,
    /// Stream labels the alert is computed per (default: per service).
    #[cfg_attr(feature = "serde", serde(default))]
    pub by: Vec<Spanned<String>>,
    /// How long the condition holds before the alert fires.
    #[cfg_attr(feature = "serde", serde(rename = "for"))]
    pub for_: Option<Spanned<String>>,
    /// One of the project's severities.
    pub severity: Spanned<String>,
    /// The `summary` annotation.
    pub summary: Option<Spanned<String>>,
    /// The `runbook_url` annotation.
    pub runbook: Option<Spanned<String>>,
}

/// The `route` value of a request that no declared template matches.
pub const HTTP_UNMATCHED_ROUTE: &str = "unmatched";

/// The `method` value of a method the spec does not list.
pub const HTTP_OTHER_METHOD: &str = "OTHER";

/// The methods `http:` records by default.
pub const HTTP_DEFAULT_METHODS: [&str; 7] =
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The `status_class` domain: the first digit of the status code.
pub const HTTP_STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The metric names `http:` declares for a namespace: requests, duration, in flight.
pub fn http_metric_names(namespace: &str) -> [String; 3] {
    [
        format!("{namespace}_http_requests_total"),
        format!("{namespace}_http_request_duration_seconds"),
        format!("{namespace}_http_requests_in_flight"),
    ]
}

impl Http {
    /// The `route` label's domain: the templates, then `unmatched`.
    pub fn route_domain(&self) -> Vec<String> {
        let mut v: Vec<String> = self.routes.iter().map(|r| r.value.clone()).collect();
        v.push(HTTP_UNMATCHED_ROUTE.to_string());
        v
    }

    /// The `method` label's domain: the listed (or default) methods, then `OTHER`.
    pub fn method_domain(&self) -> Vec<String> {
        let mut v: Vec<String> = match &self.methods {
            Some(m) => m.iter().map(|m| m.value.clone()).collect(),
            None => HTTP_DEFAULT_METHODS.iter().map(|m| m.to_string()).collect(),
        };
        v.push(HTTP_OTHER_METHOD.to_string());
        v
    }
}

/// The metrics a service's `functions:` and `http:` sections declare: they
/// belong to the runtimes that record them (`obspec::instrument`,
/// `obspec::http`), not to the generated metrics struct.
pub fn runtime_owned_metrics(svc: &Service) -> Vec<String> {
    let mut v = Vec::new();
    if svc.functions.is_some() {
        v.extend(function_metric_names(&svc.namespace.value));
    }
    if svc.http.is_some() {
        v.extend(http_metric_names(&svc.namespace.value));
    }
    v
}

/// A service level objective.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Slo {
    /// What the objective promises.
    pub description: Option<Spanned<String>>,
    /// Target percentage of good events, strictly between 0 and 100 (e.g. 99.9).
    pub objective: Spanned<f64>,
    /// The compliance period, a Prometheus duration such as `30d` or `4w`.
    pub window: Spanned<String>,
    /// How good and bad events are counted.
    pub sli: Sli,
    /// Labels the SLO is computed per (e.g. `[region]`): one SLO per label value.
    #[cfg_attr(feature = "serde", serde(default))]
    pub grouping: Vec<Spanned<String>>,
    /// How the burn-rate alerts of this SLO look.
    #[cfg_attr(feature = "serde", serde(default))]
    pub alerting: SloAlerting,
    /// Aligns the SLO's compliance period with the calendar: `day`, `week`
    /// (ISO, from Monday) or `month`, in UTC. The budget then restarts at each
    /// period start (the period rules count from it); `window` stays the
    /// nominal length the burn windows scale with (`1d`, `7d`, `30d`).
    pub calendar: Option<Spanned<String>>,
    /// Time-slice budgeting (OpenSLO `Timeslices`): the SLO counts good
    /// slices instead of good events. A slice is good when its own SLI meets
    /// `target`; `objective` is then the percentage of good slices. Without
    /// `target`, the mean of the slices' ratios (OpenSLO `RatioTimeslices`).
    pub timeslice: Option<Timeslice>,
    /// Labels on the SLO's constant metadata series (`slo:objective:ratio`,
    /// `slo:error_budget:ratio`, `slo:time_period:days`), for dashboards and
    /// reports to select or group SLOs by (Sloth's `info_labels`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub info_labels: NamedMap<Spanned<String>>,
}

/// Time-slice budgeting of an SLO.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Timeslice {
    /// The length of one slice, e.g. `1m` (OpenSLO `timeSliceWindow`).
    pub window: Spanned<String>,
    /// The percentage of good events that makes a slice good, e.g. 95
    /// (OpenSLO `timeSliceTarget` 0.95): the SLO counts good slices. Without
    /// it the SLO is the mean of the slices' own ratios (OpenSLO
    /// `RatioTimeslices`).
    pub target: Option<Spanned<f64>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// Burn-rate alerting of an SLO (multi-window, multi-burn-rate).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SloAlerting {
    /// Alert name (default: the SLO name in UpperCamelCase + `BudgetBurn`).
    pub name: Option<Spanned<String>>,
    /// The fast-burn alerts (2% of the budget in 1h, 5% in 6h for a 30d window).
    #[cfg_attr(feature = "serde", serde(default))]
    pub page: BurnAlert,
    /// The slow-burn alerts (10% of the budget in 1d or in 3d for a 30d window).
    #[cfg_attr(feature = "serde", serde(default))]
    pub ticket: BurnAlert,
    /// Extra labels on every alert of the SLO.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<Spanned<String>>,
    /// Extra annotations on every alert of the SLO (static text, written so that
    /// Prometheus does not expand it: generated tests compare them exactly).
    #[cfg_attr(feature = "serde", serde(default))]
    pub annotations: NamedMap<Spanned<String>>,
    /// Runbook URL (`runbook_url` annotation).
    pub runbook: Option<Spanned<String>>,
    /// Dashboard URL (`dashboard` annotation).
    pub dashboard: Option<Spanned<String>>,
    /// Low-traffic guard: no burn alert unless the long window saw at least this many events.
    pub min_events: Option<Spanned<u64>>,
    /// How long the SLI's metric must be absent before the SLI-missing alert fires (default 10m).
    pub sli_missing_for: Option<Spanned<String>>,
    /// Turns the burn-rate alerts off (recording rules stay).
    pub disabled: Option<Spanned<bool>>,
}

/// One class of burn-rate alert.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BurnAlert {
    /// Severity label (default `critical` for page, `warning` for ticket).
    pub severity: Option<Spanned<String>>,
    /// How long the condition holds before firing (default 2m for page, 15m for
    /// ticket, scaled with the SLO window like the burn windows).
    #[cfg_attr(feature = "serde", serde(rename = "for"))]
    pub for_: Option<Spanned<String>>,
    /// Extra labels on this class of alert.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<Spanned<String>>,
    /// Turns this class of alert off (the other class and the recording rules
    /// stay): `page: {disabled: true}` keeps only the tickets.
    pub disabled: Option<Spanned<bool>>,
    /// Custom burn windows for this class, replacing the SRE Workbook's
    /// (scaled for the SLO window). Each fires when `budget_percent` of the
    /// period's budget would be spent in `long`, confirmed over `short`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub windows: Vec<BurnWindowSpec>,
}

/// One custom burn-rate window pair.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BurnWindowSpec {
    /// The long window, e.g. `1h`; at most the SLO window.
    pub long: Spanned<String>,
    /// The short window that confirms the burn is still going on, e.g. `5m`;
    /// shorter than `long`.
    pub short: Spanned<String>,
    /// Share of the SLO window's error budget spent over `long` at the alert's
    /// burn rate, in percent (the burn factor is `budget_percent / 100 ×
    /// window / long`: 2% in 1h of 30d is 14.4).
    pub budget_percent: Spanned<f64>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// A service level indicator: exactly one of `errors`+`total`, `latency` or `error_ratio`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Sli {
    /// Counter selector of bad events, e.g. `payment_attempts_total{status="failed"}`.
    pub errors: Option<Spanned<String>>,
    /// Counter selector of all events, e.g. `payment_attempts_total`.
    pub total: Option<Spanned<String>>,
    /// Good events are those faster than a histogram bucket bound.
    pub latency: Option<LatencySli>,
    /// A raw PromQL error ratio with a `{{window}}` placeholder for the range.
    pub error_ratio: Option<Spanned<String>>,
    /// A query that is good while it meets a threshold (OpenSLO
    /// `thresholdMetric`): every evaluation is one event.
    pub threshold: Option<ThresholdSli>,
    #[cfg_attr(feature = "serde", serde(skip))]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Option<Span>,
}

/// A threshold SLI: good while `query op value` holds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ThresholdSli {
    /// An instant PromQL query, e.g. a 99th percentile latency.
    pub query: Spanned<String>,
    /// `lt`, `lte`, `gt` or `gte`: how a good value compares with `value`.
    pub op: Spanned<String>,
    /// The threshold, in the query's unit.
    pub value: Spanned<f64>,
}

/// A latency SLI on a histogram.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LatencySli {
    /// The histogram metric.
    pub metric: Spanned<String>,
    /// The latency bound, in the metric's unit; one of its bucket bounds.
    pub threshold: Spanned<f64>,
    /// Optional label matchers, e.g. `{region="eu"}`.
    pub selector: Option<Spanned<String>>,
}

/// A Prometheus alerting rule.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Alert {
    /// The PromQL condition.
    pub expr: Spanned<String>,
    /// How long the condition holds before firing, e.g. `10m`.
    #[cfg_attr(feature = "serde", serde(rename = "for"))]
    pub for_: Option<Spanned<String>>,
    /// How long the alert keeps firing after its condition stopped holding
    /// (Prometheus 2.42 and later), e.g. `15m`: no flapping resolve and re-fire.
    pub keep_firing_for: Option<Spanned<String>>,
    /// One of the project's severities (default: critical, warning, info).
    pub severity: Spanned<String>,
    /// One-line summary; may use Prometheus templating (`{{ $value }}`).
    pub summary: Option<Spanned<String>>,
    /// Longer description.
    pub description: Option<Spanned<String>>,
    /// URL of the runbook.
    pub runbook: Option<Spanned<String>>,
    /// Extra labels on the alert.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<Spanned<String>>,
    /// Extra annotations on the alert.
    #[cfg_attr(feature = "serde", serde(default))]
    pub annotations: NamedMap<Spanned<String>>,
    /// An infrastructure-level alert: while it fires, the alerts of the
    /// services that `depends_on` this one are inhibited.
    pub infrastructure: Option<Spanned<bool>>,
}

/// A recording rule the spec keeps.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Recording {
    /// The PromQL expression whose result is recorded.
    pub expr: Spanned<String>,
    /// Labels added to the recorded series.
    #[cfg_attr(feature = "serde", serde(default))]
    pub labels: NamedMap<Spanned<String>>,
}

/// Everything loaded from one spec directory.
#[derive(Debug, Clone, Default)]
pub struct Specs {
    pub project: Project,
    pub services: Vec<Service>,
}
