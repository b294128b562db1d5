//! The one secret policy for every field: a credential detector applied to
//! every string of every spec file, at load time, before any target sees it.
//!
//! Two kinds of evidence:
//! - **the key**: a mapping key that names a credential (`password`,
//!   `bearer_token`, `credentials`, `client_secret`, `routing_key`...) holding a
//!   literal string, wherever it sits; the finding names the `*_file` form or
//!   the environment the deployment should use instead;
//! - **the value**: known key formats (AWS access keys, JWTs, GitHub, GitLab,
//!   Slack, Stripe, OpenAI, Google, npm and PyPI tokens, PEM private keys),
//!   chat webhook URLs, `user:password@` in URLs, credentials in URL query
//!   strings, `Bearer`/`Basic` header values, and long random-looking tokens.
//!
//! A finding never prints the secret: its message names what the value looks
//! like, and every literal found is recorded in [`crate::source::Sources`] so
//! that reports mask it wherever it would appear (source lines, messages).

use crate::catalog::Rule;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

/// Lint code of every credential finding.
pub const CODE_SECRET: &str = "OBS902";

/// What the detector found in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// "a GitHub token", "a URL with a password"...
    pub what: &'static str,
    /// A masked hint: the public prefix of the format, never the secret part.
    pub hint: String,
}

fn hit(what: &'static str, hint: impl Into<String>) -> Option<Hit> {
    Some(Hit {
        what,
        hint: hint.into(),
    })
}

/// Key names that hold a credential (normalized: lower case, `-` as `_`).
const SECRET_KEYS: [&str; 24] = [
    "password",
    "passwd",
    "token",
    "secret",
    "credentials",
    "client_secret",
    "bearer_token",
    "access_token",
    "refresh_token",
    "auth_token",
    "bot_token",
    "auth_password",
    "auth_secret",
    "routing_key",
    "service_key",
    "api_key",
    "apikey",
    "user_key",
    "webhook_url",
    "access_key",
    "secret_key",
    "private_key",
    "api_secret",
    "app_key",
];

/// Mappings whose keys are label names.
const LABEL_MAPS: [&str; 7] = [
    "labels",
    "const_labels",
    "match",
    "match_re",
    "source",
    "target",
    "external_labels",
];

fn normalize_key(k: &str) -> String {
    k.to_ascii_lowercase().replace('-', "_")
}

/// Whether `key`, at `path` (the keys above it), holds a credential.
pub fn is_secret_key(path: &[&str], key: &str) -> bool {
    // Keys of label maps and matchers are label names (`routing_key: myteam`
    // routes in Alertmanager): their values are checked, not their names.
    if path.last().is_some_and(|p| LABEL_MAPS.contains(p)) {
        return false;
    }
    let k = normalize_key(key);
    if k.ends_with("_file") || k.ends_with("_env") || k.ends_with("_ref") {
        return false;
    }
    // Slack's `api_url` is the webhook itself; elsewhere it names an endpoint.
    if k == "api_url" {
        return path.iter().any(|p| normalize_key(p).starts_with("slack"));
    }
    // An `Authorization` header.
    if k == "authorization" || k == "x_api_key" || k == "x_auth_token" {
        return true;
    }
    SECRET_KEYS.contains(&k.as_str())
        || k.ends_with("_password")
        || k.ends_with("_token")
        || k.ends_with("_secret")
        || k.ends_with("_api_key")
}

/// What to write instead of a literal credential under `key` (empty when the
/// value, not the key, gave it away).
pub fn alternative(path: &[&str], key: &str) -> String {
    let k = normalize_key(key);
    let receiver = path.first() == Some(&"routing") && path.get(1) == Some(&"receivers");
    if path.contains(&"sigv4") && matches!(k.as_str(), "access_key" | "secret_key") {
        return "leave `access_key`/`secret_key` out: Alertmanager's SNS client then reads `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from its environment or uses the instance role (`role_arn`)".into();
    }
    if receiver && k == "url" {
        return "keep the token out of the URL: send it as `http_config.authorization.credentials_file`, or write `url_file` (Alertmanager 0.26 and later) with the path of a file the deployment provides".into();
    }
    if receiver && !k.is_empty() {
        // Alertmanager has a `_file` form for each credential field and for `url`.
        return format!(
            "write `{key}_file` with the path of a file the deployment provides (the Terraform target stores the secret in a SecureString parameter)"
        );
    }
    if path.first() == Some(&"routing") {
        return "matchers and routing values are written into alertmanager.yml: match on a label that is not a credential".into();
    }
    "keep credentials out of specs: they are written into every generated artifact. Name the file or environment variable that holds it instead".into()
}

fn is_b64ish(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-')
}

/// `s` cut into words of token characters.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !is_b64ish(c)).filter(|w| !w.is_empty())
}

fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
    s.chars().all(f)
}

/// Known key formats, anywhere in the value.
fn known_format(s: &str) -> Option<Hit> {
    if s.contains("-----BEGIN") && s.contains("PRIVATE KEY") {
        return hit("a PEM private key", "-----BEGIN … PRIVATE KEY-----");
    }
    if s.contains("hooks.slack.com/services/") {
        return hit("a Slack webhook URL", "https://hooks.slack.com/services/…");
    }
    if s.contains("discord.com/api/webhooks/") || s.contains("discordapp.com/api/webhooks/") {
        return hit(
            "a Discord webhook URL",
            "https://discord.com/api/webhooks/…",
        );
    }
    if s.contains(".webhook.office.com/") || s.contains("outlook.office.com/webhook/") {
        return hit(
            "a Microsoft Teams webhook URL",
            "https://….webhook.office.com/…",
        );
    }
    for w in words(s) {
        let len = w.len();
        // Every format below is at least 14 characters and starts with one of these.
        if len < 14
            || !matches!(
                w.as_bytes()[0],
                b'A' | b'g' | b'x' | b's' | b'r' | b'n' | b'p' | b'h'
            )
        {
            continue;
        }
        const AWS: [&str; 10] = [
            "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "ABIA", "ACCA",
        ];
        if len == 20
            && AWS.iter().any(|p| w.starts_with(p))
            && all(w, |c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return hit("an AWS access key ID", format!("{}…", &w[..4]));
        }
        for (prefix, what, min) in [
            ("ghp_", "a GitHub token", 30),
            ("gho_", "a GitHub token", 30),
            ("ghu_", "a GitHub token", 30),
            ("ghs_", "a GitHub token", 30),
            ("ghr_", "a GitHub token", 30),
            ("github_pat_", "a GitHub token", 20),
            ("glpat-", "a GitLab token", 20),
            ("xoxb-", "a Slack token", 10),
            ("xoxp-", "a Slack token", 10),
            ("xoxa-", "a Slack token", 10),
            ("xoxr-", "a Slack token", 10),
            ("xoxs-", "a Slack token", 10),
            ("xapp-", "a Slack token", 10),
            ("sk_live_", "a Stripe key", 16),
            ("rk_live_", "a Stripe key", 16),
            ("sk_test_", "a Stripe key", 16),
            ("sk-ant-", "an Anthropic key", 20),
            ("sk-proj-", "an OpenAI key", 20),
            ("AIza", "a Google API key", 35),
            ("npm_", "an npm token", 36),
            ("pypi-AgEI", "a PyPI token", 50),
            ("hf_", "a Hugging Face token", 30),
        ] {
            if let Some(rest) = w.strip_prefix(prefix) {
                if rest.len() >= min {
                    return hit(what, format!("{prefix}…"));
                }
            }
        }
        if let Some(rest) = w.strip_prefix("sk-") {
            if rest.len() >= 20 && random_looking(rest) {
                return hit("an API key", "sk-…");
            }
        }
    }
    // JWT: three base64url parts, the first a JSON header.
    if !s.contains("eyJ") {
        return None;
    }
    for w in s.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        let parts: Vec<&str> = w.split('.').collect();
        if parts.len() == 3
            && parts[0].starts_with("eyJ")
            && parts.iter().all(|p| p.len() >= 8)
            && parts[1].starts_with("eyJ")
        {
            return hit("a JSON Web Token", "eyJ…");
        }
    }
    None
}

/// Whether `w` looks random rather than made of words: it mixes letters and
/// digits and, cut at case and digit boundaries, its pieces are short.
fn random_looking(w: &str) -> bool {
    let b = w.as_bytes();
    if b.len() < 20 {
        return false;
    }
    let class = |c: u8| -> u8 {
        match c {
            b'0'..=b'9' => 0,
            b'A'..=b'Z' => 1,
            b'a'..=b'z' => 2,
            _ => 3,
        }
    };
    let (mut digit, mut lower, mut upper, mut hex) = (false, false, false, true);
    let (mut pieces, mut alnum) = (0usize, 0usize);
    let (mut prev, mut prev2) = (3u8, 3u8);
    for (i, &c) in b.iter().enumerate() {
        let k = class(c);
        match k {
            0 => digit = true,
            1 => upper = true,
            2 => lower = true,
            _ => {}
        }
        hex &= c.is_ascii_hexdigit();
        // Pieces: maximal runs of one class; `Word` (an upper-case letter
        // followed by lower case) is one piece.
        let cont = i > 0 && (prev == k || (prev == 1 && k == 2 && (i < 2 || prev2 != 1)));
        if k != 3 {
            alnum += 1;
            if !cont {
                pieces += 1;
            }
        }
        prev2 = prev;
        prev = k;
    }
    if !digit || !(lower || upper) {
        return false;
    }
    if hex && !(lower && upper) {
        // Hex digests and keys (PagerDuty integration keys are 32 hex digits).
        return b.len() >= 32;
    }
    // Random text averages under 3 characters a piece; words and
    // snake_case identifiers average more.
    pieces > 0 && alnum < 3 * pieces
}

/// A long random-looking token among the words of `s`.
fn random_token(s: &str) -> Option<Hit> {
    for w in words(s) {
        if w.len() < 20 {
            continue;
        }
        // Paths and identifiers split at separators; tokens rarely do.
        let pieces: Vec<&str> = w.split(['/', '_', '-', '.']).collect();
        // Separated lower-case words (`us-east-1`, `http_requests_2xx_total`)
        // and UUIDs are identifiers; a separated mixed-case run is a url-safe token.
        let separated = w.contains(['_', '-']);
        let identifier = is_uuid(w)
            || w.starts_with('/')
            || (separated
                && pieces
                    .iter()
                    .all(|p| all(p, |c| c.is_ascii_lowercase() || c.is_ascii_digit())));
        if pieces.iter().any(|p| random_looking(p))
            || (!identifier && w.len() >= 20 && random_looking(w))
        {
            return hit("a key or token", format!("{} characters", w.len()));
        }
    }
    None
}

fn is_uuid(w: &str) -> bool {
    let parts: Vec<&str> = w.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && all(p, |c| c.is_ascii_hexdigit()))
}

/// Query parameters that carry a credential.
const SECRET_PARAMS: [&str; 16] = [
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "pass",
    "pwd",
    "auth",
    "sig",
    "signature",
    "private_token",
    "x-amz-signature",
    "x-goog-signature",
];

/// Credentials in a URL: user info, or a secret in the query string.
fn url_credentials(s: &str) -> Option<Hit> {
    for (i, _) in s.match_indices("://") {
        let rest = &s[i + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
            .unwrap_or(rest.len());
        let url = &rest[..end];
        let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
        let authority = &url[..authority_end];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            if userinfo.contains(':') {
                return hit("a URL with a password", "scheme://user:…@host");
            }
            if !userinfo.is_empty() {
                return hit("a URL with credentials", "scheme://…@host");
            }
        }
        if let Some(q) = url.find('?') {
            let query = url[q + 1..].split('#').next().unwrap_or("");
            for pair in query.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if v.is_empty() || v.starts_with("{{") || v.starts_with("${") {
                    continue;
                }
                let k = k.to_ascii_lowercase();
                if SECRET_PARAMS.contains(&k.as_str())
                    || k.ends_with("token")
                    || k.ends_with("secret")
                    || k.ends_with("password")
                    || k.ends_with("api_key")
                {
                    return hit("a URL with a credential in its query", format!("…?{k}=…"));
                }
                if random_token(v).is_some() {
                    return hit("a URL with a token in its query", format!("…?{k}=…"));
                }
            }
        }
    }
    None
}

/// A token in the path of a URL (`…/integration/<key>/enqueue`, `…/bot<token>/…`).
/// Used for receiver URLs only: the paths of runbook and document links hold
/// document IDs that look just as random.
pub fn path_token(value: &str) -> Option<Hit> {
    for (i, _) in value.match_indices("://") {
        let rest = &value[i + 3..];
        let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        let url = &rest[..end];
        let path = url
            .find('/')
            .map_or("", |p| &url[p..])
            .split(['?', '#'])
            .next()
            .unwrap_or("");
        for seg in path.split('/') {
            // Telegram: `bot<id>:<secret>`.
            if let Some((id, secret)) = seg.strip_prefix("bot").and_then(|t| t.split_once(':')) {
                if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && secret.len() >= 30 {
                    return hit("a URL with a bot token in its path", "…/bot…/…");
                }
            }
            let hex = seg.bytes().all(|b| b.is_ascii_hexdigit());
            // Commit and content hashes are not credentials.
            if hex && (seg.len() == 40 || seg.len() == 64) {
                continue;
            }
            if random_token(seg).is_some() {
                return hit(
                    "a URL with a token in its path",
                    format!("{} characters", seg.len()),
                );
            }
        }
    }
    None
}

/// What `value` looks like, if it looks like a credential.
pub fn detect(value: &str) -> Option<Hit> {
    // The shortest credential shapes (`a://u:p@h`, `Bearer ` and 8 characters)
    // are longer than most strings of a spec: names, units, label values.
    if value.len() < 9 {
        return None;
    }
    if let Some(h) = known_format(value) {
        return Some(h);
    }
    if value.contains("://") {
        if let Some(h) = url_credentials(value) {
            return Some(h);
        }
    }
    let trimmed = value.trim();
    if matches!(trimmed.as_bytes().first(), Some(b'B' | b'b' | b'T' | b't')) {
        for scheme in ["Bearer ", "Basic ", "Token ", "bearer ", "basic ", "token "] {
            if let Some(rest) = trimmed.strip_prefix(scheme) {
                if rest.len() >= 8 && !rest.contains(' ') {
                    return hit(
                        "an Authorization header value",
                        format!("{}…", scheme.trim()),
                    );
                }
            }
        }
    }
    // Long random-looking tokens, outside URLs (whose paths name commits,
    // documents and dashboards).
    value
        .split_whitespace()
        .filter(|w| w.len() >= 20 && !w.contains("://"))
        .map(strip_digests)
        .find_map(|w| random_token(&w))
}

/// `w` without content digests (`sha256:<hex>`, `sha512:…`, `sha1:…`, as in
/// pinned image references): they are public identifiers, not credentials.
fn strip_digests(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut rest = w;
    while let Some(i) = ["sha256:", "sha512:", "sha384:", "sha1:"]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        let (at, n) = i;
        out.push_str(&rest[..at]);
        let after = &rest[at + n..];
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}

/// A credential found in a spec file.
#[derive(Debug, Clone)]
pub struct Found {
    pub span: Span,
    /// The literal, to mask in reports.
    pub literal: String,
}

/// Scans every string of a spec file's tree. Findings go to `diags`; the
/// literals found to `found`.
pub fn scan(root: &Node, diags: &mut Vec<Diagnostic>, found: &mut Vec<Found>) {
    let mut path = Vec::new();
    let mut keys = Vec::new();
    walk(root, None, &mut path, &mut keys, diags, found);
}

/// Comments are committed with the spec and echoed with the source lines of
/// findings: a comment that looks like a credential is a finding too, unless a
/// value on its line was already reported.
pub fn scan_comments(
    file: crate::source::FileId,
    text: &str,
    diags: &mut Vec<Diagnostic>,
    found: &mut Vec<Found>,
) {
    let reported: Vec<u32> = found.iter().map(|f| f.span.line).collect();
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        // A comment starts at `#` at the start of the line or after white
        // space (inside a quoted scalar this may misfire; such a line holds a
        // value the tree scan already read).
        let Some(at) = line
            .char_indices()
            .find(|&(b, c)| c == '#' && (b == 0 || line[..b].ends_with([' ', '\t'])))
            .map(|(b, _)| b)
        else {
            continue;
        };
        let comment = line[at + 1..].trim();
        if reported.contains(&n) {
            continue;
        }
        if let Some(h) = detect(comment) {
            let col = line[..at].chars().count() as u32 + 1;
            diags.push(
                Diagnostic::error(
                    CODE_SECRET,
                    Span {
                        file,
                        line: n,
                        col,
                        end_line: n,
                        end_col: col + line[at..].chars().count() as u32,
                    },
                    format!("a comment looks like {} (`{}`)", h.what, h.hint),
                )
                .help(
                    "specs are committed: remove the credential from the comment (and rotate it)",
                ),
            );
            found.push(Found {
                span: Span::point(file, n, col),
                literal: comment.to_string(),
            });
        }
    }
}

/// One step of the path to a value.
#[derive(Clone, Copy)]
enum Part<'n> {
    Key(&'n str),
    Index(usize),
}

/// `routing.routes[0].match.tenant`.
fn dotted(path: &[Part<'_>]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for p in path {
        match p {
            Part::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Part::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn walk<'n>(
    node: &'n Node,
    key: Option<&'n str>,
    path: &mut Vec<Part<'n>>,
    keys: &mut Vec<&'n str>,
    diags: &mut Vec<Diagnostic>,
    found: &mut Vec<Found>,
) {
    match &node.kind {
        NodeKind::Scalar { value, plain } => {
            if value.is_empty() {
                return;
            }
            // Plain numbers and booleans are not credentials; quoted digits may be.
            if *plain
                && (matches!(value.as_str(), "true" | "false") || value.parse::<f64>().is_ok())
            {
                return;
            }
            let parents = match key {
                Some(_) => &keys[..keys.len().saturating_sub(1)],
                None => &keys[..],
            };
            let by_key = key.filter(|k| is_secret_key(parents, k));
            let receiver = keys.first() == Some(&"routing") && keys.get(1) == Some(&"receivers");
            let hit = detect(value).or_else(|| receiver.then(|| path_token(value)).flatten());
            if by_key.is_none() && hit.is_none() {
                return;
            }
            let where_ = if path.is_empty() {
                "a value".to_string()
            } else {
                format!("`{}`", dotted(path))
            };
            let diag = match (by_key, hit) {
                (Some(k), hit) => {
                    let what = hit
                        .map(|h| format!(" ({} `{}`)", h.what, h.hint))
                        .unwrap_or_default();
                    Diagnostic::error(
                        CODE_SECRET,
                        node.span,
                        format!("{where_} holds a credential in the spec{what}"),
                    )
                    .help(alternative(parents, k))
                }
                (None, Some(h)) => Diagnostic::error(
                    CODE_SECRET,
                    node.span,
                    format!("{where_} looks like {} (`{}`)", h.what, h.hint),
                )
                .help(alternative(
                    parents,
                    if key == Some("url") { "url" } else { "" },
                )),
                (None, None) => return,
            };
            diags.push(diag);
            found.push(Found {
                span: node.span,
                literal: value.clone(),
            });
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Part::Index(i));
                walk(item, None, path, keys, diags, found);
                path.pop();
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                let name = k.as_scalar().unwrap_or("");
                // A credential used as a key (a label name, a matcher, a header).
                if let Some(h) = detect(name) {
                    let where_ = if path.is_empty() {
                        "a key".to_string()
                    } else {
                        format!("a key of `{}`", dotted(path))
                    };
                    diags.push(
                        Diagnostic::error(
                            CODE_SECRET,
                            k.span,
                            format!("{where_} looks like {} (`{}`)", h.what, h.hint),
                        )
                        .help(alternative(keys, "")),
                    );
                    found.push(Found {
                        span: k.span,
                        literal: name.to_string(),
                    });
                }
                path.push(Part::Key(name));
                keys.push(name);
                walk(v, Some(name), path, keys, diags, found);
                keys.pop();
                path.pop();
            }
        }
    }
}

/// The catalog entries of the codes this module reports: what each means,
/// and an example that breaks the rule beside one that keeps it. The
/// catalog (`obspec explain`, docs/lints.md) is assembled from every module's.
pub const CATALOG: &[Rule] = &[
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
];

#[cfg(test)]
mod tests {
    use super::*;

    fn what(s: &str) -> Option<&'static str> {
        detect(s).map(|h| h.what)
    }

    #[test]
    fn known_formats() {
        assert_eq!(what("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key ID"));
        assert_eq!(
            what("key is ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
            Some("a GitHub token")
        );
        assert_eq!(
            what("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            Some("a JSON Web Token")
        );
        assert_eq!(
            what("https://hooks.slack.com/services/T000/B000/XXXX"),
            Some("a Slack webhook URL")
        );
        assert_eq!(what("xoxb-123456789012-abcdefghij"), Some("a Slack token"));
        assert_eq!(
            what("d41d8cd98f00b204e9800998ecf8427e"),
            Some("a key or token")
        );
        assert_eq!(
            what("T+7VkRlMeAAQmI5L12576/wlNvrJ4uj5uATGuejA"),
            Some("a key or token")
        );
        assert_eq!(
            what("Bearer abcdefgh12345678"),
            Some("an Authorization header value")
        );
        assert_eq!(
            what("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
            Some("a PEM private key")
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            what("https://admin:hunter2@runbooks.example.com/x"),
            Some("a URL with a password")
        );
        assert_eq!(
            what("https://hooks.example.com/alert?token=abc"),
            Some("a URL with a credential in its query")
        );
        assert_eq!(
            what("https://hooks.example.com/alert?x=Zq8v3LmN0pR7sT2uW5yA1bC4"),
            Some("a URL with a token in its query")
        );
        assert_eq!(what("https://runbooks.example.com/payments/inflight"), None);
        assert_eq!(
            what("https://github.com/org/repo/blob/3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a/RUNBOOK.md"),
            None
        );
        assert_eq!(
            what("https://grafana.example.com/d/abc?orgId=1&var-env=prod"),
            None
        );
    }

    #[test]
    fn tokens_in_receiver_url_paths() {
        assert!(path_token(
            "https://events.pagerduty.com/integration/d41d8cd98f00b204e9800998ecf8427e/enqueue"
        )
        .is_some());
        assert!(path_token(
            "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
        )
        .is_some());
        assert!(
            path_token("https://hooks.example.com/T+7VkRlMeAAQmI5L12576wlNvrJ4uj5uATGuejA/x")
                .is_some()
        );
        assert!(path_token("http://alert-logger:8080/alerts/v2").is_none());
        assert!(path_token(
            "https://git.example.com/o/r/blob/3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a/x"
        )
        .is_none());
        assert!(
            path_token("https://h.example.com/8c5f9a1e-2b7d-4c3a-9e6f-1a2b3c4d5e6f/x").is_none()
        );
    }

    #[test]
    fn ordinary_values_pass() {
        for v in [
            "#alerts",
            "/etc/alertmanager/secrets/pagerduty-key",
            "payment_attempts_total",
            "shopfront_http_requests_2xx_total",
            "WorkflowEngineStepFailures5xx",
            "PaymentGatewayLatencyHighP99",
            "api_gateway_upstream_latency_seconds_bucket",
            "sum(rate(api_requests_total{code=~\"5..\"}[5m])) / sum(rate(api_requests_total[5m])) > 0.01",
            "{{ $value | humanizePercentage }} of payments fail",
            "8c5f9a1e-2b7d-4c3a-9e6f-1a2b3c4d5e6f",
            "arn:aws:iam::123456789012:role/alertmanager-sns",
            "eu-west-1",
            "Payment attempts by outcome.",
            "otel/opentelemetry-collector-contrib:0.112.0@sha256:3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a3f2a9c1e5b7d4a6f8e0c2b4d",
        ] {
            assert_eq!(detect(v), None, "{v}");
        }
    }

    #[test]
    fn keys() {
        assert!(is_secret_key(
            &["routing", "receivers", "x", "webhook", "http_config"],
            "bearer_token"
        ));
        assert!(is_secret_key(&[], "client_secret"));
        assert!(is_secret_key(
            &["routing", "receivers", "chat", "slack"],
            "api_url"
        ));
        assert!(!is_secret_key(
            &["routing", "receivers", "og", "opsgenie"],
            "api_url"
        ));
        assert!(!is_secret_key(&[], "password_file"));
        assert!(!is_secret_key(&[], "remote_write_auth_env"));
        assert!(!is_secret_key(&[], "help"));
        assert!(!is_secret_key(
            &["slos", "x", "alerting", "page", "labels"],
            "routing_key"
        ));
    }
}
