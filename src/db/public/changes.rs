//! The sync feed's rows (`public_changes`): what changed in the public answers, when, in the
//! order clients apply it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::public_changes;
use crate::error::AppResult;

/// One change of an item's public answer.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Change {
    pub seq: i64,
    pub item_id: String,
    pub kind: String,
    pub slug: String,
    /// `upsert` or `delete`.
    pub change: String,
    pub version: Option<i64>,
    pub etag: Option<String>,
    pub at: NaiveDateTime,
    /// When it was written (`None`: before this was kept).
    pub recorded_at: Option<NaiveDateTime>,
}

impl Change {
    /// Written ahead of its time (a scheduled change) within the last hour before `now`:
    /// a writer still in progress may date a change before it.
    pub fn ahead_of_writers(&self, now: NaiveDateTime) -> bool {
        dated_ahead(self.at, self.recorded_at, now)
    }
}

fn dated_ahead(at: NaiveDateTime, recorded_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    recorded_at.is_some_and(|r| at > r) && at > now - chrono::Duration::hours(1)
}

/// A change to write.
pub struct NewChange<'a> {
    pub item_id: &'a str,
    pub kind: &'a str,
    pub slug: &'a str,
    pub change: &'a str,
    pub version: Option<i64>,
    pub etag: Option<&'a str>,
    pub at: NaiveDateTime,
    pub recorded_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, c: &NewChange<'_>) -> AppResult<()> {
    diesel::insert_into(public_changes::table)
        .values((
            public_changes::item_id.eq(c.item_id),
            public_changes::kind.eq(c.kind),
            public_changes::slug.eq(c.slug),
            public_changes::change.eq(c.change),
            public_changes::version.eq(c.version),
            public_changes::etag.eq(c.etag),
            public_changes::at.eq(c.at),
            public_changes::recorded_at.eq(c.recorded_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The item's last change at or before `at`.
pub fn last_at(
    conn: &mut AnyConnection,
    item_id: &str,
    at: NaiveDateTime,
) -> AppResult<Option<Change>> {
    Ok(public_changes::table
        .filter(public_changes::item_id.eq(item_id))
        .filter(public_changes::at.le(at))
        .order((public_changes::at.desc(), public_changes::seq.desc()))
        .first(conn)
        .optional()?)
}

/// Removes the item's changes scheduled after `at` (they are written again from its
/// publication as it now is).
pub fn delete_after(conn: &mut AnyConnection, item_id: &str, at: NaiveDateTime) -> AppResult<()> {
    diesel::delete(
        public_changes::table
            .filter(public_changes::item_id.eq(item_id))
            .filter(public_changes::at.gt(at)),
    )
    .execute(conn)?;
    Ok(())
}

/// Up to `limit` changes after `(at, seq)` that have happened by `now`, in order.
pub fn page(
    conn: &mut AnyConnection,
    after: (NaiveDateTime, i64),
    now: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<Change>> {
    let (at, seq) = after;
    Ok(public_changes::table
        .filter(
            public_changes::at
                .gt(at)
                .or(public_changes::at.eq(at).and(public_changes::seq.gt(seq))),
        )
        .filter(public_changes::at.le(now))
        .order((public_changes::at.asc(), public_changes::seq.asc()))
        .limit(limit)
        .load(conn)?)
}

/// The last change that has happened by `now`: where a client that has everything until
/// now goes on from; and whether it was dated ahead of writers (see
/// [`Change::ahead_of_writers`]).
pub fn head(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
) -> AppResult<Option<((NaiveDateTime, i64), bool)>> {
    let row: Option<(NaiveDateTime, i64, Option<NaiveDateTime>)> = public_changes::table
        .filter(public_changes::at.le(now))
        .order((public_changes::at.desc(), public_changes::seq.desc()))
        .select((
            public_changes::at,
            public_changes::seq,
            public_changes::recorded_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(at, seq, recorded)| ((at, seq), dated_ahead(at, recorded, now))))
}

/// The time as the database sees it: one clock for every process on PostgreSQL, so that
/// changes written by several machines are ordered by the time they were made.
pub fn clock(conn: &mut AnyConnection) -> AppResult<NaiveDateTime> {
    #[derive(QueryableByName)]
    struct Now {
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        t: NaiveDateTime,
    }
    Ok(match conn {
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp AS t")
                .get_result::<Now>(c)?
                .t
        }
        AnyConnection::Sqlite(_) => chrono::Utc::now().naive_utc(),
    })
}

/// Waits for the writers of public rows in progress to end (PostgreSQL; SQLite's one
/// writer is waited for by the caller's transaction), so a read of the feed after it sees
/// every change written before its `now`.
pub fn wait_for_writers(conn: &mut AnyConnection) -> AppResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared(7410010)").execute(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::dated_ahead;
    use chrono::Duration;

    #[test]
    fn only_recent_changes_written_ahead_of_their_time_make_a_reader_wait() {
        let t = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        // Written as it was made: never.
        assert!(!dated_ahead(t, Some(t), t + Duration::seconds(1)));
        // Scheduled a minute ahead, due now: yes.
        assert!(dated_ahead(
            t,
            Some(t - Duration::minutes(1)),
            t + Duration::seconds(1)
        ));
        // Due more than an hour ago: no writer runs that long.
        assert!(!dated_ahead(
            t,
            Some(t - Duration::minutes(1)),
            t + Duration::hours(2)
        ));
        // Written before this was kept.
        assert!(!dated_ahead(t, None, t));
    }
}
