//! The public sign-up: `POST /memberships/challenge` and `POST /memberships`.

pub mod challenge;
pub mod create;

use chrono::Duration;

use crate::config::RateLimit;
use crate::db::{AnyConnection, rate_limit};
use crate::error::{AppError, AppResult};

/// Challenges are counted per client address over this window.
pub const WINDOW: Duration = Duration::minutes(10);
pub const MAX_CHALLENGES: i64 = 30;

/// The keys hold the address only, never anything the person typed.
fn key(what: &str, address: &str) -> String {
    format!("{what}:addr:{address}")
}

fn too_many(wait: Option<u64>) -> AppResult<()> {
    match wait {
        Some(wait) => Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        }),
        None => Ok(()),
    }
}

/// Counts one hit for `what` from `address`; 429 when over `limit`.
pub fn limit(conn: &mut AnyConnection, what: &str, address: &str, limit: i64) -> AppResult<()> {
    too_many(rate_limit::check_and_hit(
        conn,
        &key(what, address),
        limit,
        WINDOW,
    )?)
}

/// 429 when `address` has used up `limit` already; nothing is counted.
pub fn check(
    conn: &mut AnyConnection,
    what: &str,
    address: &str,
    limit: RateLimit,
) -> AppResult<()> {
    too_many(rate_limit::blocked_for(
        conn,
        &key(what, address),
        limit.count,
        limit.window(),
    )?)
}

/// Counts one use of `limit` by `address`.
pub fn count(
    conn: &mut AnyConnection,
    what: &str,
    address: &str,
    limit: RateLimit,
) -> AppResult<()> {
    rate_limit::hit(conn, &key(what, address), limit.window()).map(|_| ())
}
