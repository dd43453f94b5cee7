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

/// Counts one use of `limit` by `address`: 429 when that goes over it. Counting first (in
/// the caller's transaction, which a 429 rolls back) keeps parallel requests from all
/// passing a check made before any of them was counted.
pub fn take(
    conn: &mut AnyConnection,
    what: &str,
    address: &str,
    limit: RateLimit,
) -> AppResult<()> {
    let key = key(what, address);
    if rate_limit::hit(conn, &key, limit.window())? > limit.count {
        let wait = rate_limit::blocked_for(conn, &key, limit.count, limit.window())?;
        return too_many(Some(wait.unwrap_or(1)));
    }
    Ok(())
}

/// Takes back a use that turned out not to count.
pub fn give_back(conn: &mut AnyConnection, what: &str, address: &str) -> AppResult<()> {
    rate_limit::unhit(conn, &key(what, address))
}
