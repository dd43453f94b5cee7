//! Scheduled publication changes, applied at their time by whichever process gets there
//! first. Public visibility never waits for this (it is derived from the stored times); the
//! job moves the item's state on, records it once in the audit log, and prunes ended rows.
//! Each change is claimed with a compare-and-set `UPDATE ... WHERE publish_at = <seen>`, so
//! with several processes on one database exactly one applies it, and a process that dies
//! mid-way leaves the transaction rolled back for another to redo.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::content_items;
use crate::db::{AnyConnection, audit, public, transaction};
use crate::domain::webhooks::Event;
use crate::error::AppResult;
use crate::usecase::webhooks;

/// A change that is due.
#[derive(Debug)]
enum Due {
    Publish { id: String, at: NaiveDateTime },
    Unpublish { id: String, at: NaiveDateTime },
}

impl Due {
    fn at(&self) -> NaiveDateTime {
        match self {
            Self::Publish { at, .. } | Self::Unpublish { at, .. } => *at,
        }
    }
}

fn due(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<Vec<Due>> {
    let publishes: Vec<(String, Option<NaiveDateTime>)> = content_items::table
        .filter(content_items::publish_at.le(now))
        .select((content_items::id, content_items::publish_at))
        .limit(500)
        .load(conn)?;
    let unpublishes: Vec<(String, Option<NaiveDateTime>)> = content_items::table
        .filter(content_items::unpublish_at.le(now))
        .select((content_items::id, content_items::unpublish_at))
        .limit(500)
        .load(conn)?;
    let mut out: Vec<Due> = publishes
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| Due::Publish { id, at }))
        .chain(
            unpublishes
                .into_iter()
                .filter_map(|(id, at)| at.map(|at| Due::Unpublish { id, at })),
        )
        .collect();
    out.sort_by_key(Due::at);
    Ok(out)
}

/// Applies one change if nobody has yet; true when this call applied it.
fn apply(conn: &mut AnyConnection, change: &Due, now: NaiveDateTime) -> AppResult<bool> {
    transaction(conn, |c| {
        // The version a webhook hears of, when there is something to announce.
        let announce;
        let (id, claimed, action, detail) = match change {
            Due::Publish { id, at } => {
                let versions: Option<(Option<i64>, Option<i64>)> = content_items::table
                    .find(id)
                    .filter(content_items::publish_at.eq(at))
                    .select((
                        content_items::publish_version,
                        content_items::published_version,
                    ))
                    .first(c)
                    .optional()?;
                let version = versions.map(|(v, _)| v);
                // Announced only when another version goes live (or one at all).
                announce = versions
                    .and_then(|(v, live)| (v != live).then_some(v))
                    .flatten();
                let n = diesel::update(
                    content_items::table
                        .find(id)
                        .filter(content_items::publish_at.eq(at)),
                )
                .set((
                    content_items::updated_at.eq(at),
                    content_items::published_version.eq(content_items::publish_version),
                    content_items::published_at.eq(at),
                    content_items::publish_version.eq(None::<i64>),
                    content_items::publish_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
                (
                    id,
                    n == 1,
                    "publish_applied",
                    serde_json::json!({ "version": version.flatten(), "at": crate::usecase::public_docs::rfc3339(*at) }),
                )
            }
            Due::Unpublish { id, at } => {
                announce = content_items::table
                    .find(id)
                    .select(content_items::published_version)
                    .first::<Option<i64>>(c)
                    .optional()?
                    .flatten();
                let n = diesel::update(
                    content_items::table
                        .find(id)
                        .filter(content_items::unpublish_at.eq(at)),
                )
                .set((
                    content_items::updated_at.eq(at),
                    content_items::published_version.eq(None::<i64>),
                    content_items::published_at.eq(None::<NaiveDateTime>),
                    content_items::unpublish_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
                (
                    id,
                    n == 1,
                    "unpublish_applied",
                    serde_json::json!({ "at": crate::usecase::public_docs::rfc3339(*at) }),
                )
            }
        };
        if claimed {
            audit::record(
                c,
                &audit::Actor::system("scheduler"),
                action,
                "content",
                Some(id),
                &detail,
            )?;
            crate::usecase::public_docs::sync_item(c, id, now)?;
            let event = match change {
                Due::Publish { .. } => Event::ContentPublished,
                Due::Unpublish { .. } => Event::ContentUnpublished,
            };
            if let Some(version) = announce {
                webhooks::content_event(c, event, id, Some(version))?;
            }
        }
        Ok(claimed)
    })
}

/// One pass: applies every due change; returns how many this process applied.
pub fn run_once(conn: &mut AnyConnection) -> AppResult<usize> {
    let now = Utc::now().naive_utc();
    let mut applied = 0;
    for change in due(conn, now)? {
        // One change that cannot be applied must not hold up every later one.
        match apply(conn, &change, now) {
            Ok(true) => applied += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, ?change, "scheduled change not applied"),
        }
    }
    transaction(conn, |c| public::prune(c, now))?;
    Ok(applied)
}
