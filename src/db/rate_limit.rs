//! Fixed-window counters in the database, so every process sees the same counts.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use super::AnyConnection;
use super::schema::rate_limits;
use crate::error::AppResult;

/// Rewrites `?` placeholders for the connection's dialect (`$1`, `$2`, ... on PostgreSQL).
pub fn dialect_sql(conn: &AnyConnection, sql: &str) -> String {
    match conn {
        AnyConnection::Sqlite(_) => sql.to_owned(),
        AnyConnection::Postgresql(_) => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

/// Seconds until the window of `key` ends, if `limit` hits were counted in it already.
pub fn blocked_for(
    conn: &mut AnyConnection,
    key: &str,
    limit: i64,
    window: Duration,
) -> AppResult<Option<u64>> {
    let now = Utc::now().naive_utc();
    let row = rate_limits::table
        .find(key)
        .select((rate_limits::window_start, rate_limits::count))
        .first::<(NaiveDateTime, i64)>(conn)
        .optional()?;
    Ok(match row {
        Some((start, count)) if count >= limit && start + window > now => {
            let secs = (start + window - now).num_seconds().max(1);
            Some(u64::try_from(secs).unwrap_or(1))
        }
        _ => None,
    })
}

/// Counts one hit against `key` and returns the count in the current window.
pub fn hit(conn: &mut AnyConnection, key: &str, window: Duration) -> AppResult<i64> {
    let now = Utc::now().naive_utc();
    let expired_before = now - window;
    let sql = dialect_sql(
        conn,
        "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.count + 1 END, \
         window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start \
         ELSE rate_limits.window_start END",
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(key)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(expired_before)
        .bind::<Timestamp, _>(expired_before)
        .execute(conn)?;
    Ok(rate_limits::table
        .find(key)
        .select(rate_limits::count)
        .first::<i64>(conn)?)
}

/// Counts a hit and says how long to wait when it went over `limit`.
pub fn check_and_hit(
    conn: &mut AnyConnection,
    key: &str,
    limit: i64,
    window: Duration,
) -> AppResult<Option<u64>> {
    if let Some(wait) = blocked_for(conn, key, limit, window)? {
        return Ok(Some(wait));
    }
    hit(conn, key, window)?;
    Ok(None)
}

/// Takes one hit back from `key` (a counted attempt that turned out not to count).
pub fn unhit(conn: &mut AnyConnection, key: &str) -> AppResult<()> {
    diesel::update(
        rate_limits::table
            .find(key)
            .filter(rate_limits::count.gt(0)),
    )
    .set(rate_limits::count.eq(rate_limits::count - 1))
    .execute(conn)?;
    Ok(())
}

pub fn clear(conn: &mut AnyConnection, key: &str) -> AppResult<()> {
    diesel::delete(rate_limits::table.find(key)).execute(conn)?;
    Ok(())
}

/// Forgets windows that started before `before`.
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> AppResult<usize> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before)))
            .execute(conn)?,
    )
}
