//! Membership sign-ups and the used challenges, and the queries staff run on them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use super::AnyConnection;
use super::rate_limit::dialect_sql;
use super::schema::{membership_challenges_used, memberships};
use super::text::{LIKE_ESCAPE, contains_pattern, lower, lower_nullable};
use crate::domain::memberships::SignUp;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub sector: String,
    pub role: String,
    pub contribution: String,
    pub consent_at: NaiveDateTime,
    pub consent_version: String,
    pub status: String,
    pub note: Option<String>,
    pub duplicate_of: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Raised by every staff change: the record's ETag.
    pub version: i64,
}

/// Records a challenge's nonce as used; `false` when it was used before.
pub fn use_challenge(
    conn: &mut AnyConnection,
    nonce: &str,
    expires_at: NaiveDateTime,
) -> AppResult<bool> {
    // ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a
    // failed statement would abort the surrounding transaction.
    let sql = dialect_sql(
        conn,
        "INSERT INTO membership_challenges_used (nonce, expires_at) VALUES (?, ?) \
         ON CONFLICT (nonce) DO NOTHING",
    );
    let inserted = diesel::sql_query(sql)
        .bind::<Text, _>(nonce)
        .bind::<Timestamp, _>(expires_at)
        .execute(conn)?;
    Ok(inserted == 1)
}

/// Forgets used challenges that have expired: they fail on their expiry anyway.
pub fn purge_used_challenges(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::delete(
        membership_challenges_used::table.filter(membership_challenges_used::expires_at.le(now)),
    )
    .execute(conn)?)
}

/// Stores a sign-up. One with an e-mail seen before points at the first record with it.
pub fn insert(
    conn: &mut AnyConnection,
    s: &SignUp,
    consent_version: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    let first: Option<String> = memberships::table
        .filter(memberships::email.eq(&s.email))
        .order(memberships::id.asc())
        .select(memberships::id)
        .first(conn)
        .optional()?;
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(&id),
            memberships::name.eq(&s.name),
            memberships::email.eq(&s.email),
            memberships::organisation.eq(s.organisation.as_deref()),
            memberships::sector.eq(s.sector.as_str()),
            memberships::role.eq(s.role.as_str()),
            memberships::contribution.eq(&s.contribution),
            memberships::consent_at.eq(now),
            memberships::consent_version.eq(consent_version),
            memberships::status.eq("new"),
            memberships::duplicate_of.eq(first),
            memberships::created_at.eq(now),
            memberships::updated_at.eq(now),
            memberships::version.eq(1),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> AppResult<Membership> {
    Ok(memberships::table
        .find(id)
        .select(Membership::as_select())
        .first(conn)?)
}

/// What staff filter on. `q` matches part of the name, e-mail or organisation, ignoring case.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub role: Option<String>,
    pub sector: Option<String>,
    pub q: Option<String>,
}

type Boxed<'a> = memberships::BoxedQuery<'a, <AnyConnection as diesel::Connection>::Backend>;

fn filtered(f: &Filter) -> Boxed<'static> {
    let mut q = memberships::table.into_boxed();
    if let Some(s) = &f.status {
        q = q.filter(memberships::status.eq(s.clone()));
    }
    if let Some(r) = &f.role {
        q = q.filter(memberships::role.eq(r.clone()));
    }
    if let Some(s) = &f.sector {
        q = q.filter(memberships::sector.eq(s.clone()));
    }
    if let Some(text) = &f.q {
        let p = contains_pattern(text);
        q = q.filter(
            lower(memberships::name)
                .like(p.clone())
                .escape(LIKE_ESCAPE)
                .or(lower(memberships::email)
                    .like(p.clone())
                    .escape(LIKE_ESCAPE))
                .or(lower_nullable(memberships::organisation)
                    .like(p)
                    .escape(LIKE_ESCAPE)
                    .assume_not_null()),
        );
    }
    q
}

/// One page, newest first, after the record `after` (exclusive) when given.
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    after: Option<&str>,
    limit: i64,
) -> AppResult<Vec<Membership>> {
    let mut q = filtered(f)
        .select(Membership::as_select())
        .order(memberships::id.desc())
        .limit(limit);
    if let Some(a) = after {
        q = q.filter(memberships::id.lt(a.to_owned()));
    }
    Ok(q.load(conn)?)
}

/// Every matching record, oldest first (for the export).
pub fn all(conn: &mut AnyConnection, f: &Filter) -> AppResult<Vec<Membership>> {
    Ok(filtered(f)
        .select(Membership::as_select())
        .order(memberships::id.asc())
        .load(conn)?)
}

pub fn count(conn: &mut AnyConnection, f: &Filter) -> AppResult<i64> {
    Ok(filtered(f).count().get_result(conn)?)
}

/// How many records share each of these e-mails.
pub fn email_counts(
    conn: &mut AnyConnection,
    emails: &[String],
) -> AppResult<HashMap<String, i64>> {
    if emails.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = memberships::table
        .filter(memberships::email.eq_any(emails))
        .group_by(memberships::email)
        .select((memberships::email, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Sets the status and/or the note and raises the version, only if the record is still at
/// `version` (compare-and-set). `false` when it is not (changed or erased meanwhile).
pub fn update(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    status: Option<&str>,
    note: Option<Option<&str>>,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let n = diesel::update(
        memberships::table
            .filter(memberships::id.eq(id))
            .filter(memberships::version.eq(version)),
    )
    // A `None` part sets nothing: that column keeps its value.
    .set((
        status.map(|s| memberships::status.eq(s)),
        note.map(|n| memberships::note.eq(n)),
        memberships::updated_at.eq(now),
        memberships::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Deletes record `id`, only if it is still at `version` (compare-and-set), and with it
/// every other record with its e-mail (the same person's repeated sign-ups). The ids
/// deleted, `id` first, or `None` (nothing deleted) when the record is not at that version.
pub fn delete_person(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    email: &str,
) -> AppResult<Option<Vec<String>>> {
    let n = diesel::delete(
        memberships::table
            .filter(memberships::id.eq(id))
            .filter(memberships::version.eq(version)),
    )
    .execute(conn)?;
    if n != 1 {
        return Ok(None);
    }
    let others: Vec<String> = memberships::table
        .filter(memberships::email.eq(email))
        .order(memberships::id.asc())
        .select(memberships::id)
        .load(conn)?;
    // Later records point at earlier ones: unlink first, so the order of deletion is free.
    let rest = || memberships::table.filter(memberships::id.eq_any(&others));
    diesel::update(rest())
        .set(memberships::duplicate_of.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(rest()).execute(conn)?;
    let mut ids = vec![id.to_owned()];
    ids.extend(others);
    Ok(Some(ids))
}

/// Every record's id, e-mail and creation time, to match them against the erasure ledger.
pub fn ledger_view(conn: &mut AnyConnection) -> AppResult<Vec<(String, String, NaiveDateTime)>> {
    Ok(memberships::table
        .select((memberships::id, memberships::email, memberships::created_at))
        .order(memberships::id.asc())
        .load(conn)?)
}

/// Deletes these records.
pub fn delete_ids(conn: &mut AnyConnection, ids: &[String]) -> AppResult<()> {
    for chunk in ids.chunks(500) {
        // Other records may point at these: unlink them first.
        diesel::update(memberships::table.filter(memberships::duplicate_of.eq_any(chunk)))
            .set(memberships::duplicate_of.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(memberships::table.filter(memberships::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(())
}
