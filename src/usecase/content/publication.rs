//! Archive, unarchive, publish and unpublish: changes of an item's state that make no
//! version. Each rebuilds the item's public rows in the same transaction.

use chrono::NaiveDateTime;
use serde_json::json;

use super::save::{check_version, load, not_archived};
use super::view::AdminItem;
use crate::db::AnyConnection;
use crate::db::audit::{self, Actor};
use crate::db::content::{items, now};
use crate::domain::content::Publication;
use crate::error::{AppError, AppResult};

/// Archives the item: it leaves the public API and every schedule is dropped.
pub fn archive(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
) -> AppResult<AdminItem> {
    let row = items::lock(conn, id)?;
    check_version(&row, if_match)?;
    not_archived(&row)?;
    let was = row.publication().at(now());

    let cleared = Publication {
        latest_version: row.latest_version,
        archived: true,
        ..Publication::default()
    };
    let now = now();
    items::set_publication(conn, id, &cleared, Some(now))?;
    crate::usecase::public_docs::sync_item(conn, id, now)?;
    audit::record(
        conn,
        actor,
        "archive",
        "content",
        Some(id),
        &json!({ "version": row.latest_version, "was_published_version": was.published_version }),
    )?;
    load(conn, id)
}

/// Brings an archived item back as a draft.
pub fn unarchive(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
) -> AppResult<AdminItem> {
    let row = items::lock(conn, id)?;
    check_version(&row, if_match)?;
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
    items::set_publication(conn, id, &draft, None)?;
    crate::usecase::public_docs::sync_item(conn, id, now())?;
    audit::record(
        conn,
        actor,
        "unarchive",
        "content",
        Some(id),
        &json!({ "version": row.latest_version }),
    )?;
    load(conn, id)
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
    let row = items::lock(conn, id)?;
    check_version(&row, if_match)?;
    not_archived(&row)?;
    let version = version.unwrap_or(row.latest_version);
    if !(1..=row.latest_version).contains(&version) {
        return Err(AppError::field(
            "version",
            format!(
                "must be a version of this item (1 to {})",
                row.latest_version
            ),
        ));
    }
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
    items::set_publication(conn, id, &p, None)?;
    crate::usecase::public_docs::sync_item(conn, id, now)?;
    audit::record(
        conn,
        actor,
        "publish",
        "content",
        Some(id),
        &json!({ "version": version, "at": scheduled.map(super::view::utc) }),
    )?;
    load(conn, id)
}

/// Takes the item off the public API now (dropping a pending publish), or at `at`.
pub fn unpublish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    at: Option<NaiveDateTime>,
) -> AppResult<AdminItem> {
    let row = items::lock(conn, id)?;
    check_version(&row, if_match)?;
    not_archived(&row)?;
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
    items::set_publication(conn, id, &p, None)?;
    crate::usecase::public_docs::sync_item(conn, id, now)?;
    audit::record(
        conn,
        actor,
        "unpublish",
        "content",
        Some(id),
        &json!({ "at": scheduled.map(super::view::utc) }),
    )?;
    load(conn, id)
}
