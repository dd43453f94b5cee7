//! Content items, their immutable versions, and the files and tags each version uses.

pub mod items;
pub mod list;
pub mod versions;

use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;

use super::schema::{content_items, content_versions};
use crate::domain::content::{Kind, Publication};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = content_items)]
pub struct ItemRow {
    pub id: String,
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub latest_version: i64,
    pub published_version: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub publish_version: Option<i64>,
    pub publish_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl ItemRow {
    pub fn kind(&self) -> AppResult<Kind> {
        Kind::parse(&self.kind).ok_or_else(|| AppError::internal("stored kind unknown"))
    }

    pub fn publication(&self) -> Publication {
        Publication {
            latest_version: self.latest_version,
            published_version: self.published_version,
            published_at: self.published_at,
            publish_version: self.publish_version,
            publish_at: self.publish_at,
            unpublish_at: self.unpublish_at,
            archived: self.archived_at.is_some(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = content_versions)]
pub struct VersionRow {
    pub item_id: String,
    pub version: i64,
    pub content: String,
    pub author_id: Option<String>,
    pub author: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Now, at the microsecond precision both backends store, so a time read back equals the
/// time written.
pub fn now() -> NaiveDateTime {
    let n = chrono::Utc::now().naive_utc();
    n.with_nanosecond((n.nanosecond() / 1000) * 1000)
        .unwrap_or(n)
}
