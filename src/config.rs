//! One validated configuration, built from the command line and the environment.

use std::path::PathBuf;

use crate::cli::ServeArgs;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo: bool,
    pub cors_origins: Vec<String>,
    pub admin_origins: Vec<String>,
    pub cache_max_age: u32,
    pub json_limit: usize,
    pub upload_limit: u64,
    pub pool_size: u32,
    pub workers: Option<usize>,
    pub log_format: String,
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
        Ok(Self {
            bind: a.bind.clone(),
            data_dir: a.db.data_dir.clone(),
            database_url: a.db.database_url(),
            demo: a.demo,
            cors_origins: cors,
            admin_origins,
            cache_max_age: a.cache_max_age,
            json_limit: a.json_limit,
            upload_limit: a.upload_limit,
            pool_size: a.pool_size,
            workers: a.workers,
            log_format: a.log_format.clone(),
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
            json_limit: 1024 * 1024,
            upload_limit: 50 * 1024 * 1024,
            pool_size: 4,
            workers: Some(1),
            log_format: "text".into(),
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
