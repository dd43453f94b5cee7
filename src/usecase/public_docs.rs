//! The public read model: each publication window of an item (live or scheduled) becomes
//! one row holding its public JSON, built once from the typed [`PublicItem`] when the
//! publication changes, so delivery reads one indexed row and sends it as is.
//! [`sync_item`] rebuilds an item's rows from its publication state; everything that
//! changes that state calls it in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::content::{items, versions};
use crate::db::{self, AnyConnection};
use crate::domain::content::{Document, Kind, Window};
use crate::domain::files::PublicFile;
use crate::domain::{markdown, search};
use crate::error::AppResult;

/// A published item. Lists show it without `body` and `body_html`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// The attachments in order, each file resolved, with the attachment's own label.
    pub attachments: Vec<PublicFile>,
    /// The kind's own fields; `file_id` resolved beside it as `file`, `cover_file_id` as
    /// `cover`.
    #[schema(value_type = Object)]
    pub fields: Value,
    pub version: i64,
    /// When the item was first published (kept across new versions).
    #[serde(serialize_with = "millis")]
    pub published_at: DateTime<Utc>,
    /// When its public state last changed.
    #[serde(serialize_with = "millis")]
    pub updated_at: DateTime<Utc>,
    /// Only on single items: the Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Only on single items: the body rendered and sanitised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
}

/// Every public time is written in RFC 3339, UTC, milliseconds and `Z`.
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn millis<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t.naive_utc()))
}

/// Rebuilds the public rows of one item from its publication state.
pub fn sync_item(conn: &mut AnyConnection, item_id: &str, now: NaiveDateTime) -> AppResult<()> {
    db::public::lock_public_rows(conn)?;
    let row = items::find(conn, item_id)?;
    // A live item keeps its first publication time across new versions.
    let first_published = db::public::first_published(conn, item_id, now)?;
    db::public::delete_item(conn, item_id)?;
    let Some(row) = row else {
        return Ok(());
    };
    let kind = row.kind()?;
    for w in row.publication().windows(now) {
        let published_at = match first_published {
            Some(first) if first <= w.from => first,
            _ => w.from,
        };
        let version = versions::get(conn, item_id, w.version)?;
        let document = Document::from_json(kind, &version.content)?;
        insert(conn, item_id, kind, document, &w, published_at)?;
    }
    Ok(())
}

fn insert(
    conn: &mut AnyConnection,
    item_id: &str,
    kind: Kind,
    doc: Document,
    w: &Window,
    published_at: NaiveDateTime,
) -> AppResult<()> {
    let files = db::files::public_record(conn, &doc.file_ids())?;
    let terms = search::terms(&[&doc.title, &doc.summary, &doc.body]);
    let title_key = search::fold(&doc.title);
    let body_html = markdown::render(&doc.body);
    let mut item = PublicItem {
        id: item_id.to_owned(),
        kind,
        attachments: attachments(&doc, &files),
        fields: fields(&doc, &files)?,
        slug: doc.slug,
        title: doc.title,
        summary: doc.summary,
        tags: doc.tags,
        version: w.version,
        published_at: published_at.and_utc(),
        updated_at: w.from.and_utc(),
        body: None,
        body_html: None,
    };
    let list_json = serde_json::to_string(&item)?;
    item.body = Some(doc.body);
    item.body_html = Some(body_html);
    let item_json = serde_json::to_string(&item)?;
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(item_json.as_bytes()))[..32]
    );
    // Tags are unique: the document's validation refuses a tag given twice.
    let tags = item.tags.clone();
    db::public::insert(
        conn,
        &db::public::NewDoc {
            item_id,
            version: w.version,
            kind: kind.as_str(),
            slug: &item.slug,
            title_key: &title_key,
            published_at,
            updated_at: w.from,
            visible_from: w.from,
            visible_until: w.until,
            etag: &etag,
            list_json: &list_json,
            item_json: &item_json,
            terms: &terms,
        },
        &tags,
    )
}

fn attachments(doc: &Document, files: &HashMap<String, PublicFile>) -> Vec<PublicFile> {
    doc.attachments
        .iter()
        .filter_map(|a| {
            let mut file = files.get(&a.file_id)?.clone();
            // The attachment's own label, even when empty.
            file.label = Some(a.label.clone());
            Some(file)
        })
        .collect()
}

/// The kind's fields, each file reference resolved beside its id
/// (`file_id` → `file`, `cover_file_id` → `cover`).
fn fields(doc: &Document, files: &HashMap<String, PublicFile>) -> AppResult<Value> {
    let mut f = serde_json::to_value(&doc.fields)?;
    if let Some(obj) = f.as_object_mut() {
        for (path, id) in doc.fields.file_refs() {
            let key = path.trim_start_matches("fields.");
            let resolved = if key == "cover_file_id" {
                "cover"
            } else {
                "file"
            };
            let file = match files.get(&id) {
                Some(file) => serde_json::to_value(file)?,
                None => Value::Null,
            };
            obj.insert(resolved.into(), file);
        }
    }
    Ok(f)
}
