//! Archive, unarchive, publish and unpublish: changes of an item's state that make no
//! version. Each rebuilds the item's public rows in the same transaction.

use chrono::NaiveDateTime;
use serde_json::json;

use super::save::{load, lock_current, lock_editable};
use super::view::AdminItem;
use crate::db::AnyConnection;
use crate::db::audit::{self, Actor};
use crate::db::content::ItemRow;
use crate::db::content::{items, now, versions};
use crate::domain::content::{Document, Kind, Publication};
use crate::domain::webhooks::Event;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::usecase::webhooks;

/// Archives the item: it leaves the public API and every schedule is dropped.
pub fn archive(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
) -> AppResult<AdminItem> {
    let row = lock_editable(conn, id, if_match)?;
    if row.kind()? == Kind::Home {
        return Err(AppError::Conflict {
            detail: "The home page cannot be archived; unpublish it to take the site offline."
                .into(),
            errors: Vec::new(),
        });
    }
    let was = row.publication().at(now());

    let cleared = Publication {
        latest_version: row.latest_version,
        archived: true,
        ..Publication::default()
    };
    let now = now();
    let detail =
        json!({ "version": row.latest_version, "was_published_version": was.published_version });
    apply(conn, &row, actor, "archive", &cleared, now, &detail)
}

/// Brings an archived item back as a draft.
pub fn unarchive(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
) -> AppResult<AdminItem> {
    let row = lock_current(conn, id, if_match)?;
    if row.archived_at.is_none() {
        return Err(AppError::Conflict {
            detail: "The item is not archived.".into(),
            errors: Vec::new(),
        });
    }
    let draft = Publication {
        latest_version: row.latest_version,
        ..Publication::default()
    };
    let detail = json!({ "version": row.latest_version });
    apply(conn, &row, actor, "unarchive", &draft, now(), &detail)
}

/// Publishes `version` (default: the latest) now, or at `at` when that lies ahead.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    version: Option<i64>,
    at: Option<NaiveDateTime>,
) -> AppResult<AdminItem> {
    let row = lock_editable(conn, id, if_match)?;
    let version = version.unwrap_or(row.latest_version);
    if !(1..=row.latest_version).contains(&version) {
        return Err(AppError::field(
            "version",
            ErrorCode::OutOfRange,
            format!(
                "must be a version of this item (1 to {})",
                row.latest_version
            ),
        ));
    }
    files_present(conn, row.kind()?, id, version)?;
    let now = now();
    // Schedules already due count as done; the new action applies on top of them.
    let mut p = row.publication().at(now);
    let scheduled = at.filter(|t| *t > now);
    if let Some(t) = scheduled {
        p.publish_version = Some(version);
        p.publish_at = Some(t);
    } else {
        p.published_version = Some(version);
        p.published_at = Some(now);
        p.publish_version = None;
        p.publish_at = None;
    }
    let detail = json!({ "version": version, "at": scheduled.map(super::view::utc) });
    apply(conn, &row, actor, "publish", &p, now, &detail)
}

/// 422 naming each field of version `version` whose file is gone. A file may be deleted
/// while only archived items use it; once such an item is back, publishing the version
/// that uses it would show a download with no file. The files found stay until the
/// transaction ends (see [`items::existing_files`]), and a file no archived item holds
/// cannot be deleted, so a publication scheduled here finds its files in place.
fn files_present(conn: &mut AnyConnection, kind: Kind, id: &str, version: i64) -> AppResult<()> {
    let doc = Document::from_json(kind, &versions::get(conn, id, version)?.content)?;
    let paths = doc.file_paths();
    if paths.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = paths.iter().map(|(_, file)| file.clone()).collect();
    let found = items::existing_files(conn, &ids)?;
    let errors: Vec<FieldError> = paths
        .into_iter()
        .filter(|(_, file)| !found.contains(file))
        .map(|(path, _)| {
            FieldError::new(
                path,
                ErrorCode::UnknownFile,
                format!(
                    "the file of version {version} has been deleted: choose another file \
                     and save a new version before publishing"
                ),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Takes the item off the public API now (dropping a pending publish), or at `at`.
pub fn unpublish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    at: Option<NaiveDateTime>,
) -> AppResult<AdminItem> {
    let row = lock_editable(conn, id, if_match)?;
    let now = now();
    let mut p = row.publication().at(now);
    let scheduled = at.filter(|t| *t > now);
    if let Some(t) = scheduled {
        p.unpublish_at = Some(t);
    } else {
        p = Publication {
            latest_version: row.latest_version,
            ..Publication::default()
        };
    }
    let detail = json!({ "at": scheduled.map(super::view::utc) });
    apply(conn, &row, actor, "unpublish", &p, now, &detail)
}

/// Stores the item's new publication (an archived one archived at `now`), rebuilds its
/// public rows as of `now`, audits `action` with `detail`, announces what changed in public
/// to webhooks, and answers with the item.
///
/// What is announced comes from the stored publication before and after, in this one
/// place: a schedule that was due but not yet applied by the scheduler, and that this
/// action writes, is announced here (the scheduler then finds nothing to apply).
fn apply(
    conn: &mut AnyConnection,
    row: &ItemRow,
    actor: &Actor,
    action: &str,
    publication: &Publication,
    now: NaiveDateTime,
    detail: &serde_json::Value,
) -> AppResult<AdminItem> {
    let id = row.id.as_str();
    let archived_at = publication.archived.then_some(now);
    items::set_publication(conn, id, publication, archived_at, now)?;
    crate::usecase::public_docs::sync_item(conn, id, now)?;
    audit::record(conn, actor, action, "content", Some(id), detail)?;
    let (before, after) = (row.published_version, publication.published_version);
    if publication.archived && row.archived_at.is_none() {
        webhooks::content_event(conn, Event::ContentArchived, id, before)?;
    } else if after != before {
        match after {
            Some(v) => webhooks::content_event(conn, Event::ContentPublished, id, Some(v))?,
            None => webhooks::content_event(conn, Event::ContentUnpublished, id, before)?,
        }
    }
    load(conn, id)
}

/// A change planned for later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Planned {
    Publish,
    Unpublish,
}

/// Drops the planned publish or unpublish; what is live now stays. Nothing planned is a
/// 422 naming `change`.
pub fn unschedule(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    change: Planned,
) -> AppResult<AdminItem> {
    let row = lock_editable(conn, id, if_match)?;
    let now = now();
    // Schedules already due count as done: only a change still ahead can be cancelled.
    let mut p = row.publication().at(now);
    let (dropped, what) = match change {
        Planned::Publish => {
            p.publish_version = None;
            (p.publish_at.take(), "publish")
        }
        Planned::Unpublish => (p.unpublish_at.take(), "unpublish"),
    };
    let Some(at) = dropped else {
        return Err(AppError::field(
            "change",
            ErrorCode::NotFound,
            format!("no {what} is planned for this item"),
        ));
    };
    let detail = json!({ "change": what, "at": super::view::utc(at) });
    apply(conn, &row, actor, "unschedule", &p, now, &detail)
}
