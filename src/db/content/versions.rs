//! The immutable versions, and the files and tags each one uses. Rows here are inserted,
//! never updated.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::VersionRow;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::db::schema::{content_file_refs, content_tags, content_versions};
use crate::domain::content::Document;
use crate::error::{AppError, AppResult};

/// Inserts version `version` of `item_id` with the files and tags it uses.
pub fn insert(
    conn: &mut AnyConnection,
    item_id: &str,
    version: i64,
    doc: &Document,
    author: &Actor,
    comment: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(content_versions::table)
        .values((
            content_versions::item_id.eq(item_id),
            content_versions::version.eq(version),
            content_versions::content.eq(doc.to_json()?),
            content_versions::author_id.eq(author.id.as_deref()),
            content_versions::author.eq(&author.label),
            content_versions::comment.eq(comment),
            content_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    for file_id in doc.file_ids() {
        diesel::insert_into(content_file_refs::table)
            .values((
                content_file_refs::item_id.eq(item_id),
                content_file_refs::version.eq(version),
                content_file_refs::file_id.eq(file_id),
            ))
            .execute(conn)?;
    }
    for tag in &doc.tags {
        diesel::insert_into(content_tags::table)
            .values((
                content_tags::item_id.eq(item_id),
                content_tags::version.eq(version),
                content_tags::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn get(conn: &mut AnyConnection, item_id: &str, version: i64) -> AppResult<VersionRow> {
    content_versions::table
        .find((item_id, version))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("This item has no such version."))
}

/// Every version of an item, newest first.
pub fn list(conn: &mut AnyConnection, item_id: &str) -> AppResult<Vec<VersionRow>> {
    Ok(content_versions::table
        .filter(content_versions::item_id.eq(item_id))
        .order(content_versions::version.desc())
        .select(VersionRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut AnyConnection, item_id: &str) -> AppResult<i64> {
    Ok(content_versions::table
        .filter(content_versions::item_id.eq(item_id))
        .count()
        .get_result(conn)?)
}
