//! Rows of the media library, the items that use each file, and which files the public may
//! fetch.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::{content_file_refs, content_items, files, public_docs};
use super::text::{LIKE_ESCAPE, contains_pattern, lower, lower_nullable};
use super::{AnyConnection, MultiBackend};
use crate::domain::files::{FileFilter, FileRecord, FileUse, PublicFile, TypeFilter, public_url};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = files)]
pub struct FileRow {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub label: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
}

impl From<FileRow> for FileRecord {
    fn from(r: FileRow) -> Self {
        Self {
            url: public_url(&r.id, &r.filename),
            content_url: format!("/api/v1/admin/files/{}/content", r.id),
            id: r.id,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            label: r.label,
            created_at: r.created_at.and_utc(),
        }
    }
}

impl From<FileRow> for PublicFile {
    fn from(r: FileRow) -> Self {
        Self {
            url: public_url(&r.id, &r.filename),
            id: r.id,
            label: r.label,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
        }
    }
}

pub fn insert(conn: &mut AnyConnection, row: &FileRow) -> AppResult<()> {
    diesel::insert_into(files::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> AppResult<Option<FileRow>> {
    Ok(files::table
        .find(id)
        .select(FileRow::as_select())
        .first(conn)
        .optional()?)
}

/// The oldest file with these bytes.
pub fn find_by_sha256(conn: &mut AnyConnection, sha256: &str) -> AppResult<Option<FileRow>> {
    Ok(files::table
        .filter(files::sha256.eq(sha256))
        .order(files::id.asc())
        .select(FileRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_with_sha256(conn: &mut AnyConnection, sha256: &str) -> AppResult<i64> {
    Ok(files::table
        .filter(files::sha256.eq(sha256))
        .count()
        .get_result(conn)?)
}

/// The hashes of every stored file some record refers to.
pub fn blob_hashes(conn: &mut AnyConnection) -> AppResult<Vec<String>> {
    Ok(files::table.select(files::sha256).distinct().load(conn)?)
}

pub fn delete(conn: &mut AnyConnection, id: &str) -> AppResult<usize> {
    Ok(diesel::delete(files::table.find(id)).execute(conn)?)
}

/// Serialises every change to the blob of `sha256` (placing it, deleting it) until the
/// transaction ends, so a delete never removes bytes an upload has just claimed. SQLite
/// needs nothing: its write transactions (`BEGIN IMMEDIATE`) already run one at a time.
pub fn lock_blob(conn: &mut AnyConnection, sha256: &str) -> AppResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
            .bind::<Text, _>(sha256)
            .execute(pg)?;
    }
    Ok(())
}

fn filtered(f: &FileFilter) -> files::BoxedQuery<'static, MultiBackend> {
    let mut q = files::table.into_boxed();
    match &f.content_type {
        Some(TypeFilter::Major(major)) => {
            q = q.filter(files::content_type.like(format!("{major}/%")));
        }
        Some(TypeFilter::Exact(t)) => q = q.filter(files::content_type.eq(t.clone())),
        None => {}
    }
    if let Some(text) = &f.q {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(files::filename)
                .like(pattern.clone())
                .escape(LIKE_ESCAPE)
                .or(lower_nullable(files::label)
                    .like(pattern)
                    .escape(LIKE_ESCAPE)),
        );
    }
    q
}

/// One page, newest first, and the number of files matching the filters.
pub fn list(conn: &mut AnyConnection, f: &FileFilter) -> AppResult<(Vec<FileRow>, i64)> {
    let total = filtered(f).count().get_result(conn)?;
    let mut page = filtered(f)
        .order(files::id.desc())
        .limit(f.limit)
        .select(FileRow::as_select());
    if let Some(before) = &f.before_id {
        page = page.filter(files::id.lt(before.clone()));
    }
    Ok((page.load(conn)?, total))
}

/// The items whose versions use the file, with those versions.
pub fn used_by(conn: &mut AnyConnection, file_id: &str) -> AppResult<Vec<FileUse>> {
    let rows: Vec<(String, String, String, String, Option<NaiveDateTime>, i64)> =
        content_file_refs::table
            .inner_join(content_items::table)
            .filter(content_file_refs::file_id.eq(file_id))
            .order((content_items::id.asc(), content_file_refs::version.asc()))
            .select((
                content_items::id,
                content_items::kind,
                content_items::slug,
                content_items::title,
                content_items::archived_at,
                content_file_refs::version,
            ))
            .load(conn)?;
    let mut uses: Vec<FileUse> = Vec::new();
    for (id, kind, slug, title, archived_at, version) in rows {
        match uses.last_mut() {
            Some(last) if last.id == id => last.versions.push(version),
            _ => uses.push(FileUse {
                id,
                kind,
                slug,
                title,
                archived: archived_at.is_some(),
                versions: vec![version],
            }),
        }
    }
    Ok(uses)
}

/// Whether the public may fetch the file at `now`: a version that uses it is shown now by
/// the public read model (whose windows follow `Publication::at`, the one rule of
/// visibility).
pub fn is_public(conn: &mut AnyConnection, file_id: &str, now: NaiveDateTime) -> AppResult<bool> {
    let shown = content_file_refs::table
        .inner_join(
            public_docs::table.on(public_docs::item_id
                .eq(content_file_refs::item_id)
                .and(public_docs::version.eq(content_file_refs::version))),
        )
        .filter(content_file_refs::file_id.eq(file_id))
        .filter(public_docs::visible_from.le(now))
        .filter(
            public_docs::visible_until
                .is_null()
                .or(public_docs::visible_until.gt(now)),
        )
        .select(content_file_refs::item_id);
    // A file is referenced by one item or by thousands: planned for the file at hand.
    let query = super::PlannedPerCall::new(conn, diesel::select(diesel::dsl::exists(shown)));
    Ok(query.get_result(conn)?)
}

/// The public records of these files, by id; ids of files that do not exist are left out.
pub fn public_record(
    conn: &mut AnyConnection,
    ids: &[String],
) -> AppResult<HashMap<String, PublicFile>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<FileRow> = files::table
        .filter(files::id.eq_any(ids))
        .select(FileRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id.clone(), PublicFile::from(r)))
        .collect())
}

/// Which of these ids name a file, for validating references when a version is saved.
/// Inside a transaction the files found stay until it ends: on PostgreSQL their rows are
/// locked against a concurrent delete (which takes them `FOR UPDATE`); on SQLite write
/// transactions run one at a time anyway.
pub fn existing_ids(conn: &mut AnyConnection, ids: &[String]) -> AppResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = files::table.filter(files::id.eq_any(ids)).select(files::id);
    Ok(match conn {
        AnyConnection::Postgresql(pg) => query.for_share().load(pg)?,
        AnyConnection::Sqlite(sqlite) => query.load(sqlite)?,
    })
}

/// The file, its row locked until the transaction ends (on PostgreSQL), so no version can
/// start using it meanwhile (see [`existing_ids`]).
pub fn find_for_update(conn: &mut AnyConnection, id: &str) -> AppResult<Option<FileRow>> {
    Ok(match conn {
        AnyConnection::Postgresql(pg) => files::table
            .find(id)
            .select(FileRow::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        AnyConnection::Sqlite(_) => find(conn, id)?,
    })
}
