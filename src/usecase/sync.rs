//! The sync feed (`GET /api/v1/sync`): first every published item as an `upsert`, then every
//! change of the public answers after that moment, in order. Applying the entries in order
//! gives exactly the set of published items; a client keeps the last `next_cursor` and asks
//! again later for what changed since.
//!
//! The first pass pages through the items published when it began, by id; the position in
//! the changes it began at travels in its cursor, so what changes while it pages is replayed
//! after it. The changes themselves are written with the change that makes them, dated
//! under the lock of the public rows by the database's clock (`public_docs::sync_item`); a
//! read waits for writers in progress first, so no change it has not seen can be dated
//! before one it has.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::public_docs::rfc3339;
use crate::db::AnyConnection;
use crate::db::public::{self, changes};
use crate::domain::content::Kind;
use crate::domain::cursor;
use crate::error::{AppError, AppResult};

/// What an entry says of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntryType {
    /// The item is published under this slug (newly, or its answer changed): fetch it.
    Upsert,
    /// The item is no longer published under this slug: drop it.
    Delete,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncEntry {
    #[serde(rename = "type")]
    pub entry_type: EntryType,
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub slug: String,
    /// The published version (upserts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// When it happened (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: String,
}

/// A page of the sync feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncPage {
    pub entries: Vec<SyncEntry>,
    /// Where to go on from: now for the next page, or later for what changes after.
    pub next_cursor: String,
    /// More entries are there now.
    pub has_more: bool,
}

/// Where a client is in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// In the first pass: after the item with this id (`None`: at its start); the changes
    /// from `changes` on follow it.
    Listing {
        after: Option<String>,
        changes: (NaiveDateTime, i64),
    },
    /// Following the changes, after this one.
    Changes((NaiveDateTime, i64)),
}

#[derive(Serialize, Deserialize)]
struct Raw {
    /// `l`: first pass; `c`: changes.
    p: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    i: Option<String>,
    a: String,
    s: i64,
}

const TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

impl Position {
    pub fn encode(&self) -> String {
        let (p, i, (a, s)) = match self {
            Self::Listing { after, changes } => ("l", after.clone(), *changes),
            Self::Changes(c) => ("c", None, *c),
        };
        cursor::encode(&Raw {
            p: p.into(),
            i,
            a: a.format(TIME).to_string(),
            s,
        })
    }

    /// A cursor this feed made, or 400.
    pub fn decode(text: &str) -> AppResult<Self> {
        let bad = || AppError::BadRequest("The cursor is not valid for the sync feed.".into());
        let raw: Raw = cursor::decode(text).ok_or_else(bad)?;
        let at = NaiveDateTime::parse_from_str(&raw.a, TIME).map_err(|_| bad())?;
        match (raw.p.as_str(), raw.i) {
            ("l", after) => Ok(Self::Listing {
                after,
                changes: (at, raw.s),
            }),
            ("c", None) => Ok(Self::Changes((at, raw.s))),
            _ => Err(bad()),
        }
    }
}

fn kind(s: &str) -> AppResult<Kind> {
    Kind::parse(s).ok_or_else(|| AppError::internal("a stored kind is unknown"))
}

/// A page of at most `limit` entries from `from` (`None`: the beginning).
///
/// With `waited`, it runs inside a transaction and first waits for the writers of public
/// rows in progress. Without, it reads as it is and gives `None` when that is not enough:
/// when the page (or the position it starts a client at) holds a change dated ahead of
/// writers, one of which may still date a change before it; the caller then reads again,
/// waiting. Changes written as they are made cannot be overtaken that way (each is dated
/// under the lock that orders them), so most reads need not wait.
pub fn read(
    conn: &mut AnyConnection,
    from: Option<Position>,
    limit: i64,
    waited: bool,
) -> AppResult<Option<SyncPage>> {
    if waited {
        changes::wait_for_writers(conn)?;
    }
    let now = changes::clock(conn)?;
    let from = if let Some(p) = from {
        p
    } else {
        let head = changes::head(conn, now)?;
        if !waited && head.as_ref().is_some_and(|(_, ahead)| *ahead) {
            return Ok(None);
        }
        Position::Listing {
            after: None,
            changes: head.map_or((crate::domain::time::earliest(), 0), |(h, _)| h),
        }
    };
    let take = usize::try_from(limit).unwrap_or(100);
    match from {
        Position::Listing { after, changes: c } => {
            let mut rows = public::visible_by_id(conn, after.as_deref(), now, limit + 1)?;
            let more = rows.len() > take;
            rows.truncate(take);
            let next = match (more, rows.last()) {
                (true, Some(last)) => Position::Listing {
                    after: Some(last.item_id.clone()),
                    changes: c,
                },
                _ => Position::Changes(c),
            };
            let entries = rows
                .into_iter()
                .map(|r| {
                    Ok(SyncEntry {
                        entry_type: EntryType::Upsert,
                        kind: kind(&r.kind)?,
                        id: r.item_id,
                        slug: r.slug,
                        version: Some(r.version),
                        at: rfc3339(r.updated_at),
                    })
                })
                .collect::<AppResult<Vec<_>>>()?;
            let has_more = more || !changes::page(conn, c, now, 1)?.is_empty();
            Ok(Some(SyncPage {
                entries,
                next_cursor: next.encode(),
                has_more,
            }))
        }
        Position::Changes(after) => {
            let mut rows = changes::page(conn, after, now, limit + 1)?;
            if !waited && rows.iter().any(|r| r.ahead_of_writers(now)) {
                return Ok(None);
            }
            let has_more = rows.len() > take;
            rows.truncate(take);
            let last = rows.last().map_or(after, |r| (r.at, r.seq));
            let entries = rows
                .into_iter()
                .map(|r| {
                    Ok(SyncEntry {
                        entry_type: if r.change == "delete" {
                            EntryType::Delete
                        } else {
                            EntryType::Upsert
                        },
                        kind: kind(&r.kind)?,
                        id: r.item_id,
                        slug: r.slug,
                        version: r.version,
                        at: rfc3339(r.at),
                    })
                })
                .collect::<AppResult<Vec<_>>>()?;
            Ok(Some(SyncPage {
                entries,
                next_cursor: Position::Changes(last).encode(),
                has_more,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_others_are_refused() {
        let t = chrono::DateTime::from_timestamp(1_800_000_000, 123_000)
            .unwrap()
            .naive_utc();
        for p in [
            Position::Listing {
                after: Some("0193".into()),
                changes: (t, 7),
            },
            Position::Listing {
                after: None,
                changes: (t, 0),
            },
            Position::Changes((t, 42)),
        ] {
            assert_eq!(Position::decode(&p.encode()).unwrap(), p);
        }
        assert!(Position::decode("bm90IG91cnM").is_err());
        assert!(Position::decode(&cursor::encode(&("c", 1))).is_err());
    }
}
