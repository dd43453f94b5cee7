//! The state every handler and background job can reach: the database, the configuration,
//! the process's lifecycle and the public answers kept in memory.

use std::sync::Arc;

use actix_web::http::header::HeaderValue;

use crate::config::Config;
use crate::db::Db;
use crate::ops::lifecycle::Lifecycle;
use crate::usecase::answers::Answers;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Readiness and the shutdown signal background jobs watch.
    pub lifecycle: Arc<Lifecycle>,
    /// Public answers kept between requests.
    pub answers: Arc<Answers>,
    /// `Cache-Control` of public answers.
    pub public_cache_control: HeaderValue,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        let answers = Arc::new(Answers::new(
            config.public_cache_bytes,
            config.cache_max_age,
        ));
        let public_cache_control =
            HeaderValue::from_str(&format!("public, max-age={}", config.cache_max_age))
                .unwrap_or(HeaderValue::from_static("no-cache"));
        Self {
            db,
            answers,
            public_cache_control,
            config: Arc::new(config),
            lifecycle: Arc::new(Lifecycle::default()),
        }
    }
}
