//! Staff sessions: signing in with e-mail and password (failures counted per account and
//! per address, both rate limited), and signing out.

use chrono::{Duration, Utc};

use crate::config::RateLimit;

use crate::db::{AnyConnection, audit, rate_limit, users};
use crate::domain::credentials;
use crate::error::{AppError, AppResult, ErrorCode};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// An account, and an address, take this many times the failures one address may make
/// on one account.
const WIDER: i64 = 4;
/// The longest e-mail address there is (RFC 5321).
const MAX_EMAIL_CHARS: usize = 254;

/// A short digest of a counter's key part.
fn digest(part: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(part.as_bytes())[..16])
}

/// Signs a user in from `address`: checks the limits, the password (the same work for an
/// unknown e-mail), then opens an audited session. Returns the user and the session's
/// secret, which is stored only hashed.
///
/// Failures are counted per (account, address) against `limit`, so that wrong passwords
/// from one address do not lock the account for everyone else; per account and per
/// address over four times that, so that many addresses together, or one address trying
/// many accounts, are slowed down too.
pub fn login(
    conn: &mut AnyConnection,
    email: &str,
    password: &str,
    address: &str,
    limit: RateLimit,
) -> AppResult<(users::User, String)> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(AppError::field(
            "email",
            ErrorCode::TooLong,
            format!("must be at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    let window = limit.window();
    // The counters' keys hold digests: no address or IP sits in the table in plain text.
    let (acct, addr) = (digest(&email), digest(address));
    let pair_key = format!("login:acct:{acct}:addr:{addr}");
    let acct_key = format!("login:acct:{acct}");
    let addr_key = format!("login:addr:{addr}");
    let keys = [
        (&pair_key, limit.count),
        (&acct_key, limit.times(WIDER).count),
        (&addr_key, limit.times(WIDER).count),
    ];
    // The attempt is counted before the (slow) password check, so that guesses sent in
    // parallel cannot all pass a check made before any of them was counted. A refused
    // attempt, and a successful one, are taken back out.
    let mut over = None;
    for (key, max) in keys {
        if rate_limit::hit(conn, key, window)? > max && over.is_none() {
            over = Some((key, max));
        }
    }
    if let Some((key, max)) = over {
        let wait = rate_limit::blocked_for(conn, key, max, window)?.unwrap_or(1);
        for (key, _) in keys {
            rate_limit::unhit(conn, key)?;
        }
        return Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    let user = users::find_by_email(conn, &email)?;
    // Verify against a dummy hash for unknown e-mails: same work, same answer.
    let hash = user
        .as_ref()
        .map_or(credentials::dummy_hash(), |u| u.password_hash.as_str());
    let ok = credentials::verify_password(password, hash) && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::Unauthorized);
    };
    // A hash made with a former setting is replaced by one made with the current setting,
    // so every account's check converges on the same cost as the check for an unknown
    // address (which uses the current setting).
    if credentials::needs_rehash(&user.password_hash) {
        users::set_password_hash(conn, &user.id, &credentials::hash_password(password)?)?;
    }
    rate_limit::clear(conn, &pair_key)?;
    rate_limit::unhit(conn, &acct_key)?;
    rate_limit::unhit(conn, &addr_key)?;
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
