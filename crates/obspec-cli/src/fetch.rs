//! HTTP for `obspec live-check`: one exposition fetched as Prometheus fetches
//! it (content negotiation by `Accept`, gzip, a timeout and a size limit),
//! and the Prometheus HTTP API (series, metadata). Credentials come from the
//! environment or from files, never from flags: flags leak into shell history
//! and process lists.
//!
//! - `OBSPEC_BEARER_TOKEN`, or `OBSPEC_BEARER_TOKEN_FILE`;
//! - `OBSPEC_BASIC_AUTH_USERNAME` with `OBSPEC_BASIC_AUTH_PASSWORD`, or
//!   `OBSPEC_BASIC_AUTH_PASSWORD_FILE`.

use std::collections::BTreeMap;
use std::time::Duration;

use obspec_core::expr::exposition::Format;
use obspec_core::ops::series::{Count, Series};

/// The `Accept` header Prometheus sends when it scrapes: OpenMetrics first,
/// then the text format.
pub const SCRAPE_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// How to reach an endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    authorization: Option<String>,
    /// The most bytes read from one response (after decompression).
    pub max_bytes: u64,
}

/// An error reaching an endpoint: a usage or connection problem (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(pub String);

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A credential from `VAR` or the file `VAR_FILE` names.
fn secret(var: &str) -> Result<Option<String>, FetchError> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Some(v));
    }
    let file_var = format!("{var}_FILE");
    match std::env::var(&file_var) {
        Ok(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| FetchError(format!("{file_var}={path}: {e}")))?;
            let value = text.trim_end_matches(['\n', '\r']);
            if value.contains(['\n', '\r']) {
                return Err(FetchError(format!(
                    "{file_var}={path}: the file holds more than one line; it must hold the credential alone"
                )));
            }
            Ok(Some(value.to_string()))
        }
        Err(_) => Ok(None),
    }
}

impl Client {
    /// A client with a `timeout` for each whole request and credentials from
    /// the environment.
    pub fn from_env(timeout: Duration, max_bytes: u64) -> Result<Client, FetchError> {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // Redirects are not followed: the answer says where it points,
            // and the user gives that URL (no credential, no scheme change,
            // no host the user did not name).
            .max_redirects(0)
            .build();
        let authorization = match (
            secret("OBSPEC_BEARER_TOKEN")?,
            std::env::var("OBSPEC_BASIC_AUTH_USERNAME").ok(),
        ) {
            (Some(_), Some(_)) => {
                return Err(FetchError(
                    "both OBSPEC_BEARER_TOKEN and OBSPEC_BASIC_AUTH_USERNAME are set: give one"
                        .into(),
                ))
            }
            (Some(token), None) => {
                let token = token.trim();
                if token.chars().any(char::is_control) {
                    return Err(FetchError(
                        "OBSPEC_BEARER_TOKEN (or its _FILE) holds a control character such as a line break: it must hold the token alone".into(),
                    ));
                }
                Some(format!("Bearer {token}"))
            }
            (None, Some(user)) => {
                let password = secret("OBSPEC_BASIC_AUTH_PASSWORD")?.unwrap_or_default();
                Some(format!(
                    "Basic {}",
                    base64(format!("{user}:{password}").as_bytes())
                ))
            }
            (None, None) => None,
        };
        Ok(Client {
            agent: config.new_agent(),
            authorization,
            max_bytes,
        })
    }

    fn get(&self, url: &str, accept: &str) -> Result<(String, String), FetchError> {
        let mut req = self.agent.get(url).header("Accept", accept);
        if let Some(a) = &self.authorization {
            req = req.header("Authorization", a);
        }
        let mut resp = req
            .call()
            .map_err(|e| FetchError(format!("{}: {e}", redact_url(url))))?;
        let status = resp.status();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(self.max_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(n) => FetchError(format!(
                    "{}: the response is larger than the limit of {n} bytes (--max-bytes)",
                    redact_url(url)
                )),
                e => FetchError(format!("{}: {e}", redact_url(url))),
            })?;
        if status.is_redirection() {
            let to = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map_or_else(|| "nowhere".to_string(), redact_url);
            return Err(FetchError(format!(
                "{}: HTTP {} redirects to {}: not followed; give the URL it points to",
                redact_url(url),
                status.as_u16(),
                obspec_core::format::escape::clip(&to, 200)
            )));
        }
        if !status.is_success() {
            let body = String::from_utf8_lossy(&bytes);
            let first = body
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(FetchError(format!(
                "{}: HTTP {}{}",
                redact_url(url),
                status.as_u16(),
                if first.is_empty() {
                    String::new()
                } else {
                    format!(": {first}")
                }
            )));
        }
        let body = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            FetchError(format!(
                "{}: the response is not UTF-8 text: line {line} (byte {at} of the body)",
                redact_url(url)
            ))
        })?;
        Ok((content_type, body))
    }

    /// One exposition, negotiated like a Prometheus scrape.
    pub fn scrape(&self, url: &str) -> Result<(String, Format), FetchError> {
        let (ct, body) = self.get(url, SCRAPE_ACCEPT)?;
        Ok((body, Format::from_content_type(&ct)))
    }

    /// A Prometheus API call: the `data` member of its JSON answer, read
    /// straight into `T` (no intermediate JSON tree: a 64 MiB answer costs
    /// its typed size, not several times it).
    pub fn api<T: serde::de::DeserializeOwned>(
        &self,
        base: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<T, FetchError> {
        #[derive(serde::Deserialize)]
        struct Answer<T> {
            status: String,
            data: Option<T>,
            error: Option<String>,
        }
        let mut url = format!("{}{path}", base.trim_end_matches('/'));
        for (i, (k, v)) in params.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode(k));
            url.push('=');
            url.push_str(&encode(v));
        }
        let (_, body) = self.get(&url, "application/json")?;
        let answer: Answer<T> = serde_json::from_str(&body).map_err(|e| {
            FetchError(format!(
                "{}: not a Prometheus API answer: {e}",
                redact_url(&url)
            ))
        })?;
        match answer {
            Answer {
                status,
                data: Some(data),
                ..
            } if status == "success" => Ok(data),
            Answer { error, .. } => Err(FetchError(format!(
                "{}: {}",
                redact_url(&url),
                obspec_core::format::escape::clip(
                    error.as_deref().unwrap_or("the API call failed"),
                    200
                )
            ))),
        }
    }

    /// Every series matching `selector` seen in the last `lookback_s` seconds,
    /// read straight into the compact [`Series`] store. The range ends a
    /// minute ahead of this clock: a sample scraped a moment ago (its
    /// timestamp in milliseconds, after a `now` cut to the second), or by a
    /// server whose clock runs a little ahead, is inside it.
    pub fn series(
        &self,
        base: &str,
        selector: &str,
        lookback_s: u64,
    ) -> Result<Series, FetchError> {
        self.series_answer(base, selector, lookback_s)
    }

    /// How many series match `selector`, the answer counted, not kept.
    pub fn count(&self, base: &str, selector: &str, lookback_s: u64) -> Result<usize, FetchError> {
        self.series_answer::<Count>(base, selector, lookback_s)
            .map(|c| c.0)
    }

    fn series_answer<T: serde::de::DeserializeOwned>(
        &self,
        base: &str,
        selector: &str,
        lookback_s: u64,
    ) -> Result<T, FetchError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let start = now.saturating_sub(lookback_s).to_string();
        let end = (now + 60).to_string();
        self.api(
            base,
            "/api/v1/series",
            &[("match[]", selector), ("start", &start), ("end", &end)],
        )
    }

    /// The metadata Prometheus scraped: `metric → (type, help, unit)`.
    pub fn metadata(
        &self,
        base: &str,
    ) -> Result<BTreeMap<String, (String, String, String)>, FetchError> {
        #[derive(serde::Deserialize)]
        struct Entry {
            #[serde(default, rename = "type")]
            kind: String,
            #[serde(default)]
            help: String,
            #[serde(default)]
            unit: String,
        }
        let data: BTreeMap<String, Vec<Entry>> = self.api(base, "/api/v1/metadata", &[])?;
        Ok(data
            .into_iter()
            .filter_map(|(name, entries)| {
                let e = entries.into_iter().next()?;
                Some((name, (e.kind, e.help, e.unit)))
            })
            .collect())
    }
}

/// Percent-encoding for query parameters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A URL with its user information and query left out, for messages.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    // User information sits in the authority, before the first `/`.
    let authority_end = rest.find('/').unwrap_or(rest.len());
    // A password holding `/` (`alice:Pw/0rd@host`) cuts the authority short,
    // at something that is no host and port: then everything up to the last
    // `@` before the query is user information.
    let cut_short = rest[..authority_end]
        .split_once(':')
        .is_some_and(|(_, port)| !port.chars().all(|c| c.is_ascii_digit()))
        || rest[..authority_end].contains(['[', ']']) && !rest.starts_with('[');
    let before_query = rest.find(['?', '#']).unwrap_or(rest.len());
    let userinfo_end = if cut_short {
        rest[..before_query].rfind('@')
    } else {
        rest[..authority_end].rfind('@')
    };
    let rest = match userinfo_end {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    if scheme.is_empty() {
        rest.to_string()
    } else {
        format!("{scheme}://{rest}")
    }
}

/// The Prometheus at `base`, through this client.
pub struct Prometheus<'a> {
    pub client: &'a Client,
    pub base: &'a str,
}

impl obspec_core::ops::live_check::PrometheusApi for Prometheus<'_> {
    fn series(&self, selector: &str, lookback_s: u64) -> Result<Series, String> {
        self.client
            .series(self.base, selector, lookback_s)
            .map_err(|e| e.to_string())
    }

    fn count(&self, selector: &str, lookback_s: u64) -> Result<usize, String> {
        self.client
            .count(self.base, selector, lookback_s)
            .map_err(|e| e.to_string())
    }

    fn metadata(&self) -> Result<BTreeMap<String, (String, String, String)>, String> {
        self.client.metadata(self.base).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_urls() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(
            redact_url("https://u:p@h:9090/metrics?token=x"),
            "https://h:9090/metrics"
        );
        assert_eq!(redact_url("http://h/a@b"), "http://h/a@b");
        assert_eq!(redact_url("http://h:9090/a@b"), "http://h:9090/a@b");
        // A password with `/` in it, which cuts the authority short.
        assert_eq!(
            redact_url("http://alice:Pw/0rd@127.0.0.1:9464/metrics"),
            "http://127.0.0.1:9464/metrics"
        );
        assert_eq!(
            redact_url("http://alice:Pw/0r@d@h/metrics?x=1"),
            "http://h/metrics"
        );
        assert_eq!(
            redact_url("http://[::1]:9090/metrics"),
            "http://[::1]:9090/metrics"
        );
        assert_eq!(encode("{job=\"a b\"}"), "%7Bjob%3D%22a%20b%22%7D");
    }
}
