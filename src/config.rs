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
    /// How often SQLite syncs to disk; ignored on PostgreSQL.
    pub sqlite_synchronous: SqliteSynchronous,
    /// Seconds a stopping process keeps serving with readiness failing, before it closes
    /// the listener and gives requests in flight `shutdown_timeout` more.
    pub drain_seconds: u64,
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
            sqlite_synchronous: a.sqlite_synchronous,
            drain_seconds: a.drain_seconds,
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
            metrics_token: None,
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
