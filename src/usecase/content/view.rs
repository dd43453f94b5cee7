//! What the admin API shows of items and versions.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::content::{ItemRow, VersionRow};
use crate::domain::content::{Document, Kind, Status};
use crate::domain::markdown;
use crate::error::AppResult;

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// An item as the admin API shows it: the latest version's document plus its state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    #[serde(flatten)]
    pub document: Document,
    /// `body` rendered and sanitised.
    pub body_html: String,
    /// The latest version.
    pub version: i64,
    pub published_version: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// The version a pending publish will make public.
    pub publish_version: Option<i64>,
    pub publish_at: Option<DateTime<Utc>>,
    pub unpublish_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who saved the latest version (their e-mail).
    pub updated_by: String,
}

impl AdminItem {
    /// `latest` must be the row's latest version.
    pub fn build(row: &ItemRow, latest: &VersionRow, now: NaiveDateTime) -> AppResult<Self> {
        let (kind, document, s) = parts(row, latest, now)?;
        Ok(Self {
            id: row.id.clone(),
            kind,
            status: s.status,
            body_html: markdown::render(&document.body),
            document,
            version: s.version,
            published_version: s.published_version,
            published_at: s.published_at,
            publish_version: s.publish_version,
            publish_at: s.publish_at,
            unpublish_at: s.unpublish_at,
            archived_at: s.archived_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            updated_by: s.updated_by,
        })
    }

    /// The item's ETag: `"<id>:<version>"`.
    pub fn etag(&self) -> String {
        etag(&self.id, self.version)
    }
}

pub fn etag(id: &str, version: i64) -> String {
    format!("\"{id}:{version}\"")
}

/// The answer to a save: the item, and whether the save changed nothing (then no version
/// was made).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedItem {
    #[serde(flatten)]
    pub item: AdminItem,
    /// True when the document was identical to the latest version: no version was made.
    pub unchanged: bool,
}

/// One immutable version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    /// Who saved it (their e-mail).
    pub author: String,
    #[schema(format = Uuid)]
    pub author_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub comment: Option<String>,
    pub content: Document,
}

impl VersionView {
    pub fn build(kind: Kind, v: VersionRow) -> AppResult<Self> {
        Ok(Self {
            version: v.version,
            content: Document::from_json(kind, &v.content)?,
            author: v.author,
            author_id: v.author_id,
            created_at: utc(v.created_at),
            comment: v.comment,
        })
    }
}

/// A version in the list: everything but the content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i64,
    pub author: String,
    #[schema(format = Uuid)]
    pub author_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub comment: Option<String>,
    /// The title this version had.
    pub title: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionList {
    #[schema(format = Uuid)]
    pub item_id: String,
    pub latest_version: i64,
    pub published_version: Option<i64>,
    pub versions: Vec<VersionSummary>,
}

/// An item in the admin list: everything but `body` and `body_html`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminListItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub attachments: Vec<crate::domain::content::Attachment>,
    pub fields: crate::domain::content::Fields,
    pub version: i64,
    pub published_version: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub publish_version: Option<i64>,
    pub publish_at: Option<DateTime<Utc>>,
    pub unpublish_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who saved the latest version (their e-mail).
    pub updated_by: String,
}

impl AdminListItem {
    pub fn build(row: &ItemRow, latest: &VersionRow, now: NaiveDateTime) -> AppResult<Self> {
        let (kind, d, s) = parts(row, latest, now)?;
        Ok(Self {
            id: row.id.clone(),
            kind,
            status: s.status,
            slug: d.slug,
            title: d.title,
            summary: d.summary,
            tags: d.tags,
            attachments: d.attachments,
            fields: d.fields,
            version: s.version,
            published_version: s.published_version,
            published_at: s.published_at,
            publish_version: s.publish_version,
            publish_at: s.publish_at,
            unpublish_at: s.unpublish_at,
            archived_at: s.archived_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            updated_by: s.updated_by,
        })
    }
}

/// What both admin views show of an item's state at `now`, worked out in one place.
struct ItemState {
    status: Status,
    version: i64,
    published_version: Option<i64>,
    published_at: Option<DateTime<Utc>>,
    publish_version: Option<i64>,
    publish_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// The last save, publication, unpublication (now or when a schedule takes effect),
    /// archive or unarchive.
    updated_at: DateTime<Utc>,
    updated_by: String,
}

/// The item's kind, its latest document and its state; `latest` must be the latest version.
fn parts(
    row: &ItemRow,
    latest: &VersionRow,
    now: NaiveDateTime,
) -> AppResult<(Kind, Document, ItemState)> {
    let kind = row.kind()?;
    let document = Document::from_json(kind, &latest.content)?;
    let p = row.publication().at(now);
    let state = ItemState {
        status: row.publication().status(now),
        version: row.latest_version,
        published_version: p.published_version,
        published_at: p.published_at.map(utc),
        publish_version: p.publish_at.and(p.publish_version),
        publish_at: p.publish_at.map(utc),
        unpublish_at: p.unpublish_at.map(utc),
        archived_at: row.archived_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        updated_by: latest.author.clone(),
    };
    Ok((kind, document, state))
}

/// A page of the admin list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminList {
    pub items: Vec<AdminListItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// How many items match the filters, over all pages.
    pub total: i64,
}
