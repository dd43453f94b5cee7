//! The erasure ledger's rows, applying the ledger to the membership records, and making an
//! erasure reach the storage: SQLite's write-ahead log, PostgreSQL's table files.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Timestamp};

use super::AnyConnection;
use super::audit::{self, Actor};
use super::memberships;
use super::schema::erasures;
use crate::domain::memberships::erasure::{Erasure, email_hash};
use crate::error::{AppError, AppResult};

/// Records one erasure in the ledger table.
pub fn record(conn: &mut AnyConnection, e: &Erasure) -> AppResult<()> {
    diesel::insert_into(erasures::table)
        .values((
            erasures::email_hash.eq(&e.email_hash),
            erasures::erased_at.eq(e.erased_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every entry of the ledger table, oldest first.
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Erasure>> {
    let rows: Vec<(String, NaiveDateTime)> = erasures::table
        .select((erasures::email_hash, erasures::erased_at))
        .order((erasures::erased_at.asc(), erasures::email_hash.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(email_hash, erased_at)| Erasure {
            email_hash,
            erased_at,
        })
        .collect())
}

/// What applying a ledger did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Entries the table did not hold yet.
    pub recorded: usize,
    /// Membership records erased again, by id.
    pub erased: Vec<String>,
}

/// Adds the entries the ledger table lacks, then erases every membership record an entry
/// covers (made before its address was erased), audited as done by `actor`. Call inside
/// one transaction.
pub fn apply(conn: &mut AnyConnection, entries: &[Erasure], actor: &Actor) -> AppResult<Applied> {
    let known: HashSet<(String, NaiveDateTime)> = all(conn)?
        .into_iter()
        .map(|e| (e.email_hash, e.erased_at))
        .collect();
    let mut recorded = 0;
    let mut seen = HashSet::new();
    for e in entries {
        let key = (e.email_hash.clone(), e.erased_at);
        if !known.contains(&key) && seen.insert(key) {
            record(conn, e)?;
            recorded += 1;
        }
    }
    // The latest erasure of each address covers every record made before it.
    let mut latest: HashMap<String, Erasure> = HashMap::new();
    for e in all(conn)? {
        latest.insert(e.email_hash.clone(), e);
    }
    let erased: Vec<String> = memberships::ledger_view(conn)?
        .into_iter()
        .filter(|(_, email, created_at)| {
            let hash = email_hash(email);
            latest
                .get(&hash)
                .is_some_and(|e| e.covers(&hash, *created_at))
        })
        .map(|(id, _, _)| id)
        .collect();
    memberships::delete_ids(conn, &erased)?;
    for id in &erased {
        audit::record(
            conn,
            actor,
            "erase",
            "membership",
            Some(id),
            &serde_json::json!({}),
        )?;
    }
    Ok(Applied { recorded, erased })
}

/// Whether an attempt to push erased rows out of the storage got through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// SQLite: the write-ahead log is copied into the database file and emptied (with
    /// `secure_delete`, the rows' old space there is zeroed). PostgreSQL: the membership
    /// table and its indexes are rewritten without the erased rows.
    Done,
    /// Something still may see the erased rows; try again later.
    Busy(&'static str),
}

/// Makes erased rows leave the storage, after the erasure has committed; outside any
/// transaction. `since` is the time of [`storage_clock`] taken after that commit.
///
/// Neither backend can drop old data that an open reader may still see: on SQLite a reader
/// reading an older snapshot keeps the log's frames, on PostgreSQL a transaction that began
/// before the erasure keeps the dead rows. Then the attempt answers [`Flush::Busy`] without
/// waiting long, so the caller can try again later.
pub fn flush(conn: &mut AnyConnection, since: NaiveDateTime) -> AppResult<Flush> {
    match conn {
        AnyConnection::Sqlite(c) => checkpoint_sqlite(c),
        AnyConnection::Postgresql(c) => rewrite_postgres(c, since),
    }
}

/// The database's own clock (the server's clock on SQLite), to compare with the times
/// PostgreSQL keeps of open transactions.
pub fn storage_clock(conn: &mut AnyConnection) -> AppResult<NaiveDateTime> {
    #[derive(QueryableByName)]
    struct Now {
        #[diesel(sql_type = Timestamp)]
        now: NaiveDateTime,
    }
    match conn {
        AnyConnection::Sqlite(_) => Ok(chrono::Utc::now().naive_utc()),
        AnyConnection::Postgresql(c) => Ok(diesel::sql_query(
            "SELECT CAST(clock_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP) AS now",
        )
        .get_result::<Now>(c)?
        .now),
    }
}

/// How long a checkpoint waits for readers and writers before it reports them busy.
const CHECKPOINT_WAIT_MS: i32 = 200;

fn checkpoint_sqlite(c: &mut diesel::SqliteConnection) -> AppResult<Flush> {
    #[derive(QueryableByName)]
    struct Timeout {
        #[diesel(sql_type = Integer)]
        timeout: i32,
    }
    #[derive(QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = Integer)]
        busy: i32,
        #[diesel(sql_type = Integer)]
        log: i32,
        #[diesel(sql_type = Integer)]
        checkpointed: i32,
    }
    // The connection's own busy timeout is long; a checkpoint waiting that long for a
    // reader would hold a pooled connection for nothing.
    let timeout = diesel::sql_query("PRAGMA busy_timeout")
        .get_result::<Timeout>(c)?
        .timeout;
    c.batch_execute(&format!("PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}"))?;
    let result = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result::<Checkpoint>(c);
    c.batch_execute(&format!("PRAGMA busy_timeout = {timeout}"))?;
    let r = result?;
    Ok(if r.busy == 0 && r.log <= 0 && r.checkpointed <= 0 {
        Flush::Done
    } else {
        Flush::Busy("a reader or writer is using the write-ahead log")
    })
}

fn rewrite_postgres(c: &mut diesel::PgConnection, since: NaiveDateTime) -> AppResult<Flush> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    // A transaction that began before the erasure may still see the erased rows, and a
    // rewrite keeps every row some transaction may still see.
    let older = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND backend_xmin IS NOT NULL AND xact_start AT TIME ZONE 'UTC' < $1",
    )
    .bind::<Timestamp, _>(since)
    .get_result::<Count>(c)?
    .n;
    if older > 0 {
        return Ok(Flush::Busy("a transaction older than the erasure is open"));
    }
    // Plain VACUUM only marks the dead rows' space as free: their bytes stay in the table
    // and index files until overwritten. VACUUM FULL writes the table and its indexes anew
    // and removes the old files. It locks the table while it runs (milliseconds for a
    // table of sign-ups); it gives up rather than queue every other query behind it.
    let filenode = |c: &mut diesel::PgConnection| -> AppResult<i64> {
        Ok(diesel::sql_query(
            "SELECT COALESCE(pg_relation_filenode('memberships'), 0)::bigint AS n",
        )
        .get_result::<Count>(c)?
        .n)
    };
    let before = filenode(c)?;
    c.batch_execute("SET lock_timeout = '1s'")?;
    let result = c.batch_execute("VACUUM FULL memberships");
    c.batch_execute("RESET lock_timeout")?;
    match result {
        // A role that does not own the table gets a warning, not an error, and nothing is
        // rewritten: only a new file says the rewrite happened.
        Ok(()) if filenode(c)? == before => Err(AppError::internal(
            "VACUUM FULL memberships rewrote nothing: the database role must own the table",
        )),
        Ok(()) => Ok(Flush::Done),
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("lock timeout") =>
        {
            Ok(Flush::Busy("the membership table is in use"))
        }
        Err(e) => Err(e.into()),
    }
}
