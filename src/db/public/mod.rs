//! The public read model's rows: each publication window of an item as one row holding
//! its public JSON (built by `usecase::public_docs`), and the queries that serve them.

pub mod changes;
pub mod query;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{public_doc_tags, public_docs, public_refs};
use crate::error::AppResult;

/// On PostgreSQL, one writer of public rows at a time (until its transaction ends): the
/// triggers that keep `public_counts` then never take its rows in two orders at once, so
/// two publications cannot deadlock (item rows are locked `FOR NO KEY UPDATE`, so the
/// rebuilt rows of another item may still refer to a locked one; see `content::items::lock`).
/// SQLite has one writer anyway.
pub fn lock_public_rows(conn: &mut AnyConnection) -> AppResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7410010)").execute(c)?;
    }
    Ok(())
}

/// When the item's public rows visible by `now` were first published.
pub fn first_published(
    conn: &mut AnyConnection,
    item_id: &str,
    now: NaiveDateTime,
) -> AppResult<Option<NaiveDateTime>> {
    Ok(public_docs::table
        .filter(public_docs::item_id.eq(item_id))
        .filter(public_docs::visible_from.le(now))
        .select(diesel::dsl::min(public_docs::published_at))
        .first(conn)?)
}

/// Removes every public row of the item, and the record of what they embed.
pub fn delete_item(conn: &mut AnyConnection, item_id: &str) -> AppResult<()> {
    diesel::delete(public_docs::table.filter(public_docs::item_id.eq(item_id))).execute(conn)?;
    diesel::delete(public_refs::table.filter(public_refs::item_id.eq(item_id))).execute(conn)?;
    Ok(())
}

/// Records that the item's public rows embed `targets`.
pub fn set_refs(conn: &mut AnyConnection, item_id: &str, targets: &[String]) -> AppResult<()> {
    for t in targets {
        diesel::insert_into(public_refs::table)
            .values((
                public_refs::item_id.eq(item_id),
                public_refs::target_id.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The items whose public rows embed `target`.
pub fn referrers(conn: &mut AnyConnection, target: &str) -> AppResult<Vec<String>> {
    Ok(public_refs::table
        .filter(public_refs::target_id.eq(target))
        .select(public_refs::item_id)
        .load(conn)?)
}

/// Every item with public rows.
pub fn published_items(conn: &mut AnyConnection) -> AppResult<Vec<String>> {
    Ok(public_docs::table
        .select(public_docs::item_id)
        .distinct()
        .load(conn)?)
}

/// A public row of an item another item refers to: when it is visible, and its JSON.
#[derive(Queryable)]
pub struct TargetRow {
    pub item_id: String,
    pub kind: String,
    pub slug: String,
    pub visible_from: NaiveDateTime,
    pub visible_until: Option<NaiveDateTime>,
    pub list_json: String,
}

/// The public rows (live and scheduled) of `ids`.
pub fn target_rows(conn: &mut AnyConnection, ids: &[String]) -> AppResult<Vec<TargetRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(public_docs::table
        .filter(public_docs::item_id.eq_any(ids))
        .select((
            public_docs::item_id,
            public_docs::kind,
            public_docs::slug,
            public_docs::visible_from,
            public_docs::visible_until,
            public_docs::list_json,
        ))
        .load(conn)?)
}

/// One public row: a version of an item, visible from `visible_from` until `visible_until`.
pub struct NewDoc<'a> {
    pub item_id: &'a str,
    pub version: i64,
    pub kind: &'a str,
    pub slug: &'a str,
    /// The title folded for sorting.
    pub title_key: &'a str,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub visible_from: NaiveDateTime,
    pub visible_until: Option<NaiveDateTime>,
    pub etag: &'a str,
    /// The item without its body, as lists show it.
    pub list_json: &'a str,
    /// The whole item.
    pub item_json: &'a str,
    /// The search terms (stems) of its text.
    pub terms: &'a str,
    /// The order of `sort=position`.
    pub position_key: &'a str,
}

/// Stores a public row with its tags (each once).
pub fn insert(conn: &mut AnyConnection, doc: &NewDoc<'_>, tags: &[String]) -> AppResult<()> {
    let id = uuid::Uuid::now_v7().to_string();
    let search_key = i64::try_from(rand::random::<u64>() >> 1).unwrap_or(0);
    diesel::insert_into(public_docs::table)
        .values((
            public_docs::id.eq(&id),
            public_docs::item_id.eq(doc.item_id),
            public_docs::version.eq(doc.version),
            public_docs::kind.eq(doc.kind),
            public_docs::slug.eq(doc.slug),
            public_docs::title_key.eq(doc.title_key),
            public_docs::published_at.eq(doc.published_at),
            public_docs::updated_at.eq(doc.updated_at),
            public_docs::visible_from.eq(doc.visible_from),
            public_docs::visible_until.eq(doc.visible_until),
            public_docs::etag.eq(doc.etag),
            public_docs::list_json.eq(doc.list_json),
            public_docs::item_json.eq(doc.item_json),
            public_docs::terms.eq(doc.terms),
            public_docs::search_key.eq(search_key),
            public_docs::position_key.eq(doc.position_key),
        ))
        .execute(conn)?;
    for tag in tags {
        diesel::insert_into(public_doc_tags::table)
            .values((
                public_doc_tags::doc_id.eq(&id),
                public_doc_tags::tag.eq(tag),
                public_doc_tags::published_at.eq(doc.published_at),
                public_doc_tags::kind.eq(doc.kind),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Drops rows whose window has ended; visibility never depends on this, it only keeps the
/// table small. Runs inside a transaction, like `sync_item`.
pub fn prune(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<usize> {
    lock_public_rows(conn)?;
    Ok(
        diesel::delete(public_docs::table.filter(public_docs::visible_until.le(now)))
            .execute(conn)?,
    )
}

/// A published item as the sync feed's first pass lists it.
#[derive(Queryable)]
pub struct Listed {
    pub item_id: String,
    pub kind: String,
    pub slug: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// Up to `limit` items visible at `now`, by id, after `after`.
pub fn visible_by_id(
    conn: &mut AnyConnection,
    after: Option<&str>,
    now: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<Listed>> {
    let mut q = public_docs::table
        .filter(public_docs::visible_from.le(now))
        .filter(
            public_docs::visible_until
                .is_null()
                .or(public_docs::visible_until.gt(now)),
        )
        .select((
            public_docs::item_id,
            public_docs::kind,
            public_docs::slug,
            public_docs::version,
            public_docs::updated_at,
        ))
        .order(public_docs::item_id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(public_docs::item_id.gt(a.to_owned()));
    }
    Ok(q.load(conn)?)
}

/// How many items are visible at `now`.
pub fn visible_count(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<i64> {
    Ok(public_docs::table
        .filter(public_docs::visible_from.le(now))
        .filter(
            public_docs::visible_until
                .is_null()
                .or(public_docs::visible_until.gt(now)),
        )
        .count()
        .get_result(conn)?)
}
