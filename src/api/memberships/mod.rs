//! The public sign-up: `POST /memberships/challenge` and `POST /memberships`.

pub mod challenge;
pub mod create;

use chrono::Duration;

use crate::db::{AnyConnection, rate_limit};
use crate::error::{AppError, AppResult};

/// Both public writes are counted per client address over this window.
pub const WINDOW: Duration = Duration::minutes(10);
pub const MAX_SIGN_UPS: i64 = 10;
pub const MAX_CHALLENGES: i64 = 30;

/// Counts one hit for `what` from `address`; 429 when over `limit`. The key holds the
/// address only, never anything the person typed.
pub fn limit(conn: &mut AnyConnection, what: &str, address: &str, limit: i64) -> AppResult<()> {
    let key = format!("{what}:addr:{address}");
    match rate_limit::check_and_hit(conn, &key, limit, WINDOW)? {
        Some(wait) => Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        }),
        None => Ok(()),
    }
}
