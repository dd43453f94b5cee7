//! Webhooks, the deliveries owed to them and each attempt to send one.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{webhook_attempts, webhook_deliveries, webhooks};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhooks)]
#[diesel(treat_none_as_null = true)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    /// JSON array of event names.
    pub events: String,
    pub active: bool,
    pub description: Option<String>,
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub claimed_until: Option<NaiveDateTime>,
    pub claim: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: String,
    pub delivery_id: String,
    pub at: NaiveDateTime,
    pub duration_ms: i64,
    pub status_code: Option<i32>,
    pub error: Option<String>,
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

pub fn insert(conn: &mut AnyConnection, hook: &Webhook) -> AppResult<()> {
    diesel::insert_into(webhooks::table)
        .values(hook)
        .execute(conn)?;
    Ok(())
}

pub fn list(conn: &mut AnyConnection) -> AppResult<Vec<Webhook>> {
    Ok(webhooks::table
        .order(webhooks::id)
        .select(Webhook::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(webhooks::table.count().get_result(conn)?)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> AppResult<Webhook> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("There is no webhook with this id."))
}

pub fn update(conn: &mut AnyConnection, hook: &Webhook) -> AppResult<()> {
    diesel::update(webhooks::table.find(&hook.id))
        .set(hook)
        .execute(conn)?;
    Ok(())
}

/// Deletes the webhook with its deliveries and their attempts; false when there was none.
pub fn delete(conn: &mut AnyConnection, id: &str) -> AppResult<bool> {
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(id))
        .select(webhook_deliveries::id);
    diesel::delete(
        webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
    )
    .execute(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(webhooks::table.find(id)).execute(conn)? == 1)
}

/// The active webhooks, with their events (JSON).
pub fn active(conn: &mut AnyConnection) -> AppResult<Vec<(String, String)>> {
    Ok(webhooks::table
        .filter(webhooks::active.eq(true))
        .select((webhooks::id, webhooks::events))
        .load(conn)?)
}

pub fn insert_deliveries(conn: &mut AnyConnection, rows: &[Delivery]) -> AppResult<()> {
    // One statement per row: the multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(webhook_deliveries::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The pending deliveries due at `$now` that nobody holds, soonest first (a macro, since the
/// claim adds PostgreSQL's row locks, which a boxed query for both backends cannot take).
macro_rules! due {
    ($now:expr) => {
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq("pending"))
            .filter(webhook_deliveries::next_attempt_at.le($now))
            .filter(
                webhook_deliveries::claimed_until
                    .is_null()
                    .or(webhook_deliveries::claimed_until.lt($now)),
            )
            // An inactive webhook's deliveries wait (the test ping goes out regardless).
            .filter(
                webhook_deliveries::webhook_id
                    .eq_any(
                        webhooks::table
                            .filter(webhooks::active.eq(true))
                            .select(webhooks::id),
                    )
                    .or(webhook_deliveries::event.eq("webhook.ping")),
            )
            .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
            .select(webhook_deliveries::id)
    };
}

/// Whether any delivery is due at `now` and free to claim.
pub fn any_due(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<bool> {
    Ok(due!(now).first::<String>(conn).optional()?.is_some())
}

/// Claims up to `limit` deliveries due at `now` that nobody holds, for this caller (`claim`)
/// until `until`, and returns them. Call inside a transaction: on PostgreSQL rows another
/// process is claiming are skipped, on SQLite the write lock orders the claimers.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    claim: &str,
    limit: i64,
) -> AppResult<Vec<Claimed>> {
    let due = due!(now).limit(limit);
    let ids: Vec<String> = match conn {
        AnyConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        AnyConnection::Sqlite(_) => due.load(conn)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set((
            webhook_deliveries::claimed_until.eq(until),
            webhook_deliveries::claim.eq(claim),
        ))
        .execute(conn)?;
    let rows: Vec<(Delivery, String, String)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
        .select((Delivery::as_select(), webhooks::url, webhooks::secret))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, url, secret)| Claimed {
            delivery,
            url,
            secret,
        })
        .collect())
}

/// Records an attempt and moves the delivery on (`status`, `next_attempt_at`), if this
/// caller still holds it; false when its claim had lapsed and another took it over.
pub fn finish_attempt(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    claim: &str,
    status: &str,
    next_attempt_at: Option<NaiveDateTime>,
) -> AppResult<bool> {
    let n = diesel::update(
        webhook_deliveries::table
            .find(&attempt.delivery_id)
            .filter(webhook_deliveries::claim.eq(claim)),
    )
    .set((
        webhook_deliveries::status.eq(status),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::next_attempt_at.eq(next_attempt_at),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::claim.eq(None::<String>),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(webhook_attempts::table)
            .values(attempt)
            .execute(conn)?;
    }
    Ok(n == 1)
}

pub fn get_delivery(conn: &mut AnyConnection, webhook_id: &str, id: &str) -> AppResult<Delivery> {
    webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("This webhook has no delivery with this id."))
}

/// Makes the delivery due now again (a manual retry). Its claim is dropped, so an attempt
/// in flight at this moment is not recorded over the retry.
pub fn retry_now(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq("pending"),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::claim.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A webhook's deliveries, newest first, from before `before` (a delivery id) when given.
pub fn deliveries(
    conn: &mut AnyConnection,
    webhook_id: &str,
    status: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> AppResult<Vec<Delivery>> {
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(Delivery::as_select())
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(webhook_deliveries::status.eq(s.to_owned()));
    }
    if let Some(b) = before {
        q = q.filter(webhook_deliveries::id.lt(b.to_owned()));
    }
    Ok(q.load(conn)?)
}

/// The attempts of these deliveries, oldest first.
pub fn attempts(conn: &mut AnyConnection, delivery_ids: &[String]) -> AppResult<Vec<Attempt>> {
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .order((webhook_attempts::at, webhook_attempts::id))
        .select(Attempt::as_select())
        .load(conn)?)
}

/// Forgets deliveries made before `before` that are no longer pending.
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> AppResult<usize> {
    let old = webhook_deliveries::table
        .filter(webhook_deliveries::created_at.lt(before))
        .filter(webhook_deliveries::status.ne("pending"))
        .select(webhook_deliveries::id);
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(old)))
        .execute(conn)?;
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::created_at.lt(before))
            .filter(webhook_deliveries::status.ne("pending")),
    )
    .execute(conn)?)
}
