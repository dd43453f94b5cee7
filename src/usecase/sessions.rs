//! Staff sessions: signing in with e-mail and password (failures counted per account and
//! per address, both rate limited), and signing out.

use chrono::{Duration, Utc};

use crate::db::{AnyConnection, audit, rate_limit, users};
use crate::domain::credentials;
use crate::error::{AppError, AppResult};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
const FAIL_WINDOW_MINUTES: i64 = 15;
const MAX_FAILS_PER_ACCOUNT: i64 = 5;
const MAX_FAILS_PER_ADDRESS: i64 = 20;

/// Signs a user in from `address`: checks the limits, the password (the same work for an
/// unknown e-mail), then opens an audited session. Returns the user and the session's
/// secret, which is stored only hashed.
pub fn login(
    conn: &mut AnyConnection,
    email: &str,
    password: &str,
    address: &str,
) -> AppResult<(users::User, String)> {
    let email = email.trim().to_lowercase();
    let window = Duration::minutes(FAIL_WINDOW_MINUTES);
    let acct_key = format!("login:acct:{email}");
    let addr_key = format!("login:addr:{address}");
    for (key, limit) in [
        (&acct_key, MAX_FAILS_PER_ACCOUNT),
        (&addr_key, MAX_FAILS_PER_ADDRESS),
    ] {
        if let Some(wait) = rate_limit::blocked_for(conn, key, limit, window)? {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
    }
    let user = users::find_by_email(conn, &email)?;
    // Verify against a dummy hash for unknown e-mails: same work, same answer.
    let hash = user
        .as_ref()
        .map_or(credentials::dummy_hash(), |u| u.password_hash.as_str());
    let ok = credentials::verify_password(password, hash) && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        rate_limit::hit(conn, &acct_key, window)?;
        rate_limit::hit(conn, &addr_key, window)?;
        return Err(AppError::Unauthorized);
    };
    rate_limit::clear(conn, &acct_key)?;
    let secret = credentials::new_secret("s_");
    users::create_session(
        conn,
        &credentials::hash_secret(&secret),
        &user.id,
        Utc::now().naive_utc() + Duration::hours(SESSION_HOURS),
    )?;
    audit::record(
        conn,
        &audit::Actor {
            id: Some(user.id.clone()),
            label: user.email.clone(),
        },
        "login",
        "user",
        Some(&user.id),
        &serde_json::json!({}),
    )?;
    Ok((user, secret))
}

/// Ends the session with this secret, in every process.
pub fn logout(conn: &mut AnyConnection, actor: &audit::Actor, secret: &str) -> AppResult<()> {
    users::delete_session(conn, &credentials::hash_secret(secret))?;
    audit::record(
        conn,
        actor,
        "logout",
        "user",
        actor.id.as_deref(),
        &serde_json::json!({}),
    )
}
