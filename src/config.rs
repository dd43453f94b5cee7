//! One validated configuration, built from the command line and the environment.

use std::path::PathBuf;

use crate::cli::{ServeArgs, SqliteSynchronous};

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo: bool,
    pub cors_origins: Vec<String>,
    pub admin_origins: Vec<String>,
    pub cache_max_age: u32,
    /// Bytes of public answers kept in memory; 0 keeps none.
    pub public_cache_bytes: u64,
    pub json_limit: usize,
    pub upload_limit: u64,
    pub pool_size: u32,
    pub workers: Option<usize>,
    pub log_format: String,
    /// Seconds requests in flight get to finish once a shutdown begins.
    pub shutdown_timeout: u64,
    /// `GET /metrics` is served only when set, and only to this bearer secret.
    pub metrics_token: Option<Secret>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Sign-ups per client address.
    pub signup_limit: RateLimit,
    /// Failed logins per (account, address).
    pub login_limit: RateLimit,
    /// How often SQLite syncs to disk; ignored on PostgreSQL.
    pub sqlite_synchronous: SqliteSynchronous,
    /// Seconds a stopping process keeps serving with readiness failing, before it closes
    /// the listener and gives requests in flight `shutdown_timeout` more.
    pub drain_seconds: u64,
    /// Where items are on the website: `{kind}`, `{slug}` and `{id}` filled in.
    pub public_url_template: String,
    /// Hosts webhooks may reach over `http` and at non-public addresses.
    pub webhook_allow_hosts: Vec<String>,
    /// Where the website previews a draft: `{token}`, `{kind}`, `{slug}` and `{id}` filled in.
    pub preview_url_template: Option<String>,
}

/// The longest public URL template (`--public-url-template`).
const MAX_URL_TEMPLATE: usize = 500;

/// Checks a public URL template: it names the item by `{slug}` or `{id}`, and holds no
/// other `{...}` than `{kind}`, `{slug}` and `{id}`.
fn check_url_template(t: &str) -> Result<(), String> {
    check_template(t, "public URL template", &["{slug}", "{id}"], &[])
}

/// Checks a preview URL template: it holds `{token}`, and no other `{...}` than `{token}`,
/// `{kind}`, `{slug}` and `{id}`.
fn check_preview_template(t: &str) -> Result<(), String> {
    check_template(t, "preview URL template", &["{token}"], &["{token}"])
}

/// A template of `what` must contain one of `needs`, and no `{...}` other than `{kind}`,
/// `{slug}`, `{id}` and `extra`.
fn check_template(t: &str, what: &str, needs: &[&str], extra: &[&str]) -> Result<(), String> {
    if t.is_empty() || t.len() > MAX_URL_TEMPLATE {
        return Err(format!(
            "the {what} must be 1 to {MAX_URL_TEMPLATE} characters"
        ));
    }
    if !needs.iter().any(|n| t.contains(n)) {
        return Err(format!("the {what} must contain {}", needs.join(" or ")));
    }
    let mut allowed = extra.to_vec();
    allowed.extend(["{kind}", "{slug}", "{id}"]);
    let rest = allowed.iter().fold(t.to_owned(), |r, p| r.replace(p, ""));
    if rest.contains('{') || rest.contains('}') {
        return Err(format!(
            "the {what} may only use {}",
            allowed_list(&allowed)
        ));
    }
    if rest
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(format!("the {what} must not contain spaces, quotes or < >"));
    }
    Ok(())
}

/// `{a}, {b} and {c}`.
fn allowed_list(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// At most `count` events per `minutes`, counted in fixed windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: i64,
    pub minutes: i64,
}

impl RateLimit {
    pub const fn new(count: i64, minutes: i64) -> Self {
        Self { count, minutes }
    }

    pub fn window(self) -> chrono::Duration {
        chrono::Duration::minutes(self.minutes)
    }

    /// The same window with `factor` times as many events.
    #[must_use]
    pub fn times(self, factor: i64) -> Self {
        Self::new(self.count.saturating_mul(factor), self.minutes)
    }
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `N/minutes`, both whole numbers from 1, e.g. `10/10`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not N/minutes, such as 10/10");
        let (n, m) = s.trim().split_once('/').ok_or_else(bad)?;
        let n: i64 = n.trim().parse().map_err(|_| bad())?;
        let m: i64 = m.trim().parse().map_err(|_| bad())?;
        if n < 1 || !(1..=24 * 60).contains(&m) {
            return Err(format!(
                "'{s}': N must be at least 1 and minutes from 1 to 1440"
            ));
        }
        Ok(Self::new(n, m))
    }
}

/// A comma list of addresses (`10.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`).
fn parse_proxies(list: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("--trusted-proxies: '{s}' is not an address or CIDR range"))
        })
        .collect()
}

/// A secret from the configuration; `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Compares in time independent of where the first difference is.
    pub fn matches(&self, candidate: &str) -> bool {
        use sha2::{Digest, Sha256};
        let a = Sha256::digest(self.0.as_bytes());
        let b = Sha256::digest(candidate.as_bytes());
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Config {
    pub fn from_args(a: &ServeArgs) -> Result<Self, String> {
        let mut cors: Vec<String> = a
            .cors_origins
            .iter()
            .map(|s| s.trim().trim_end_matches('/').to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if a.demo && !cors.iter().any(|o| o == "http://localhost:3000") {
            cors.push("http://localhost:3000".into());
        }
        for o in &cors {
            if !(o.starts_with("http://") || o.starts_with("https://")) {
                return Err(format!("--cors-origins: '{o}' is not an http(s) origin"));
            }
        }
        if !matches!(a.log_format.as_str(), "text" | "json") {
            return Err("--log-format must be 'text' or 'json'".into());
        }
        let admin_origins = match &a.admin_origin {
            Some(o) => vec![o.trim_end_matches('/').to_owned()],
            None => default_admin_origins(&a.bind),
        };
        if a.pool_size == 0 {
            return Err("--pool-size must be at least 1".into());
        }
        let metrics_token = match a.metrics_token.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) if t.len() < 16 => {
                return Err("--metrics-token must be at least 16 characters".into());
            }
            Some(t) => Some(Secret::new(t)),
        };
        Ok(Self {
            bind: a.bind.clone(),
            data_dir: a.db.data_dir.clone(),
            database_url: a.db.database_url(),
            demo: a.demo,
            cors_origins: cors,
            admin_origins,
            cache_max_age: a.cache_max_age,
            public_cache_bytes: u64::from(a.public_cache_mb) * 1024 * 1024,
            json_limit: a.json_limit,
            upload_limit: a.upload_limit,
            pool_size: a.pool_size,
            workers: a.workers,
            log_format: a.log_format.clone(),
            shutdown_timeout: a.shutdown_timeout,
            metrics_token,
            trusted_proxies: parse_proxies(&a.trusted_proxies)?,
            webhook_allow_hosts: a
                .webhook_allow_hosts
                .iter()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect(),
            signup_limit: a
                .signup_limit
                .parse()
                .map_err(|e| format!("--signup-limit: {e}"))?,
            login_limit: a
                .login_limit
                .parse()
                .map_err(|e| format!("--login-limit: {e}"))?,
            sqlite_synchronous: a.sqlite_synchronous,
            drain_seconds: a.drain_seconds,
            public_url_template: {
                let t = a.public_url_template.trim().to_owned();
                check_url_template(&t).map_err(|e| format!("--public-url-template: {e}"))?;
                t
            },
            preview_url_template: match a.preview_url_template.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => {
                    check_preview_template(t)
                        .map_err(|e| format!("--preview-url-template: {e}"))?;
                    Some(t.to_owned())
                }
            },
        })
    }

    /// A configuration for tests: everything default, data in `data_dir`.
    pub fn for_tests(data_dir: PathBuf, database_url: String) -> Self {
        Self {
            bind: "127.0.0.1:0".into(),
            data_dir,
            database_url,
            demo: false,
            cors_origins: vec!["https://partner.example".into()],
            admin_origins: default_admin_origins("127.0.0.1:8080"),
            cache_max_age: 60,
            public_cache_bytes: 8 * 1024 * 1024,
            json_limit: 1024 * 1024,
            upload_limit: 50 * 1024 * 1024,
            pool_size: 4,
            workers: Some(1),
            log_format: "text".into(),
            shutdown_timeout: 5,
            public_url_template: "/{kind}/{slug}".into(),
            preview_url_template: None,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            webhook_allow_hosts: Vec::new(),
            signup_limit: RateLimit::new(10, 10),
            login_limit: RateLimit::new(5, 15),
            sqlite_synchronous: SqliteSynchronous::Full,
            drain_seconds: 0,
        }
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// Whether the admin is served over https, so cookies get `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.admin_origins.iter().all(|o| o.starts_with("https://"))
    }
}

fn default_admin_origins(bind: &str) -> Vec<String> {
    let port = bind.rsplit(':').next().unwrap_or("8080");
    vec![
        format!("http://{bind}"),
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_templates_name_the_item_and_nothing_unknown() {
        assert!(check_url_template("/{kind}/{slug}").is_ok());
        assert!(check_url_template("https://www.onderwijsalliantie.nl/{kind}/{slug}/").is_ok());
        assert!(check_url_template("/{kind}").is_err());
        assert!(check_url_template("/{kind}/{title}").is_err());
        assert!(check_url_template("/a b/{slug}").is_err());
        assert!(check_url_template("/{token}/{slug}").is_err());
    }

    #[test]
    fn preview_templates_name_the_token_and_nothing_unknown() {
        assert!(check_preview_template("https://www.example.nl/preview?token={token}").is_ok());
        assert!(
            check_preview_template("https://www.example.nl/{kind}/{slug}?t={token}&id={id}")
                .is_ok()
        );
        assert!(check_preview_template("https://www.example.nl/{kind}/{slug}").is_err());
        assert_eq!(
            check_preview_template("/p?t={token}&x={title}").unwrap_err(),
            "the preview URL template may only use {token}, {kind}, {slug} and {id}"
        );
        assert!(check_preview_template("/p?t={token} x").is_err());
    }

    #[test]
    fn rate_limits_read_as_n_per_minutes() {
        assert_eq!("10/10".parse(), Ok(RateLimit::new(10, 10)));
        assert_eq!(" 5 / 15 ".parse(), Ok(RateLimit::new(5, 15)));
        for bad in ["10", "0/10", "5/0", "a/b", "5/2000", "-1/5"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn proxies_are_addresses_or_ranges() {
        let p = parse_proxies(&["10.0.0.0/8".into(), " ::1 ".into(), String::new()]).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p[1].contains(&"::1".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_proxies(&["proxy.local".into()]).is_err());
    }
}
