//! Reading, locking and writing the `content_items` rows.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::ItemRow;
use crate::db::AnyConnection;
use crate::db::schema::content_items;
use crate::domain::content::{Kind, Publication};
use crate::error::{AppError, AppResult, ErrorCode};

fn slug_conflict() -> AppError {
    AppError::conflict(
        "slug",
        ErrorCode::Taken,
        "Another item of this kind has this slug.",
    )
}

/// A unique violation on `content_items` can only be the (kind, slug) pair.
fn map_unique(e: DieselError) -> AppError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => slug_conflict(),
        other => other.into(),
    }
}

pub fn find(conn: &mut AnyConnection, id: &str) -> AppResult<Option<ItemRow>> {
    Ok(content_items::table
        .find(id)
        .select(ItemRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> AppResult<ItemRow> {
    find(conn, id)?.ok_or_else(|| AppError::not_found("No content item with this id."))
}

/// Reads the item for a write inside a transaction. PostgreSQL locks the row until the
/// transaction ends; SQLite's `BEGIN IMMEDIATE` has already serialised writers.
///
/// The lock is `FOR NO KEY UPDATE`: writers of the same item wait for each other, while
/// another transaction may still insert rows that refer to it (its public rows, rebuilt
/// because an item it shows changed). `FOR UPDATE` would make that insert's key check wait
/// for this lock while this transaction waits for the public rows' lock that one holds: a
/// deadlock between publishing an item and publishing one it refers to.
pub fn lock(conn: &mut AnyConnection, id: &str) -> AppResult<ItemRow> {
    let row = match conn {
        AnyConnection::Postgresql(pg) => content_items::table
            .find(id)
            .select(ItemRow::as_select())
            .for_no_key_update()
            .first(pg)
            .optional()?,
        AnyConnection::Sqlite(_) => find(conn, id)?,
    };
    row.ok_or_else(|| AppError::not_found("No content item with this id."))
}

/// Fails with 409 naming `slug` when another item of `kind` has `slug`.
pub fn check_slug_free(
    conn: &mut AnyConnection,
    kind: Kind,
    slug: &str,
    except_id: Option<&str>,
) -> AppResult<()> {
    let mut q = content_items::table
        .filter(content_items::kind.eq(kind.as_str()))
        .filter(content_items::slug.eq(slug))
        .select(content_items::id)
        .into_boxed();
    if let Some(id) = except_id {
        q = q.filter(content_items::id.ne(id.to_owned()));
    }
    match q.first::<String>(conn).optional()? {
        Some(_) => Err(slug_conflict()),
        None => Ok(()),
    }
}

/// Which of `ids` are uploaded files; they cannot be deleted before the transaction ends.
pub fn existing_files(conn: &mut AnyConnection, ids: &[String]) -> AppResult<HashSet<String>> {
    Ok(crate::db::files::existing_ids(conn, ids)?
        .into_iter()
        .collect())
}

/// The kind of each of `ids` that is a content item (archived ones included).
pub fn kinds_of(conn: &mut AnyConnection, ids: &[String]) -> AppResult<HashMap<String, Kind>> {
    let rows: Vec<(String, String)> = content_items::table
        .filter(content_items::id.eq_any(ids))
        .select((content_items::id, content_items::kind))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, k)| Some((id, Kind::parse(&k)?)))
        .collect())
}

/// The id of the item of `kind` with `slug`, if there is one.
pub fn find_by_slug(conn: &mut AnyConnection, kind: Kind, slug: &str) -> AppResult<Option<String>> {
    Ok(content_items::table
        .filter(content_items::kind.eq(kind.as_str()))
        .filter(content_items::slug.eq(slug))
        .select(content_items::id)
        .first(conn)
        .optional()?)
}

pub struct NewItem<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub slug: &'a str,
    pub title: &'a str,
    pub now: NaiveDateTime,
    pub actor_id: Option<&'a str>,
}

/// Inserts a new item at version 1 (the version row is written separately).
pub fn insert(conn: &mut AnyConnection, n: &NewItem<'_>) -> AppResult<()> {
    diesel::insert_into(content_items::table)
        .values((
            content_items::id.eq(n.id),
            content_items::kind.eq(n.kind.as_str()),
            content_items::slug.eq(n.slug),
            content_items::title.eq(n.title),
            content_items::latest_version.eq(1_i64),
            content_items::created_at.eq(n.now),
            content_items::updated_at.eq(n.now),
            content_items::created_by.eq(n.actor_id),
            content_items::updated_by.eq(n.actor_id),
        ))
        .execute(conn)
        .map_err(map_unique)?;
    Ok(())
}

/// What the item row mirrors of its latest version.
pub struct Head<'a> {
    pub version: i64,
    pub slug: &'a str,
    pub title: &'a str,
    pub at: NaiveDateTime,
    pub actor_id: Option<&'a str>,
}

/// Moves the item to `head.version`, only if it is still at `expected` (compare-and-set):
/// a second writer with the same expectation changes nothing and gets 412.
pub fn advance(
    conn: &mut AnyConnection,
    id: &str,
    expected: i64,
    head: &Head<'_>,
) -> AppResult<()> {
    let n = diesel::update(
        content_items::table
            .filter(content_items::id.eq(id))
            .filter(content_items::latest_version.eq(expected)),
    )
    .set((
        content_items::latest_version.eq(head.version),
        content_items::slug.eq(head.slug),
        content_items::title.eq(head.title),
        content_items::updated_at.eq(head.at),
        content_items::updated_by.eq(head.actor_id),
    ))
    .execute(conn)
    .map_err(map_unique)?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed {
            detail: "The item was changed by someone else.".into(),
            extra: serde_json::Map::new(),
        })
    }
}

/// Writes the publication columns and the archive mark; `updated_at` moves to `now`, so a
/// client syncing the admin list by `updated_since` sees publications, unpublications and
/// archives too.
pub fn set_publication(
    conn: &mut AnyConnection,
    id: &str,
    p: &Publication,
    archived_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(content_items::table.find(id))
        .set((
            content_items::updated_at.eq(now),
            content_items::published_version.eq(p.published_version),
            content_items::published_at.eq(p.published_at),
            content_items::publish_version.eq(p.publish_version),
            content_items::publish_at.eq(p.publish_at),
            content_items::unpublish_at.eq(p.unpublish_at),
            content_items::archived_at.eq(archived_at),
        ))
        .execute(conn)?;
    Ok(())
}
