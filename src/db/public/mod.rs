//! The public read model: each publication of an item (live or scheduled) as one row with
//! its public JSON rendered once, so delivery reads one indexed row and sends it as is.
//! `sync_item` rebuilds an item's rows from its publication state; everything that changes
//! that state calls it in the same transaction.

pub mod query;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::AnyConnection;
use super::schema::{content_items, content_versions, public_doc_tags, public_docs};
use crate::domain::search;
use crate::error::AppResult;

/// RFC 3339 in UTC with a `Z`, as every public time is written.
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[derive(Queryable)]
struct PubState {
    kind: String,
    published_version: Option<i64>,
    published_at: Option<NaiveDateTime>,
    publish_version: Option<i64>,
    publish_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
    archived_at: Option<NaiveDateTime>,
}

/// One publication window of a version.
struct Window {
    version: i64,
    from: NaiveDateTime,
    until: Option<NaiveDateTime>,
}

fn windows(s: &PubState, now: NaiveDateTime) -> Vec<Window> {
    let mut out = Vec::new();
    if s.archived_at.is_some() {
        return out;
    }
    let pending_publish = s.publish_version.zip(s.publish_at);
    if let Some(v) = s.published_version {
        let until = [pending_publish.map(|(_, at)| at), s.unpublish_at]
            .into_iter()
            .flatten()
            .min();
        out.push(Window {
            version: v,
            from: s.published_at.unwrap_or(now),
            until,
        });
    }
    if let Some((v, at)) = pending_publish {
        out.push(Window {
            version: v,
            from: at,
            until: s.unpublish_at.filter(|u| *u > at),
        });
    }
    out.retain(|w| w.until.is_none_or(|u| u > w.from));
    out
}

/// On PostgreSQL, one writer of public rows at a time (until its transaction ends): the
/// triggers that keep `public_counts` then never take its rows in two orders at once, so
/// two publications cannot deadlock. SQLite has one writer anyway.
fn lock_public_rows(conn: &mut AnyConnection) -> AppResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7410010)").execute(c)?;
    }
    Ok(())
}

/// Rebuilds the public rows of one item from its publication state.
pub fn sync_item(conn: &mut AnyConnection, item_id: &str, now: NaiveDateTime) -> AppResult<()> {
    lock_public_rows(conn)?;
    let state: Option<PubState> = content_items::table
        .find(item_id)
        .select((
            content_items::kind,
            content_items::published_version,
            content_items::published_at,
            content_items::publish_version,
            content_items::publish_at,
            content_items::unpublish_at,
            content_items::archived_at,
        ))
        .first(conn)
        .optional()?;
    // A live item keeps its first publication time across new versions.
    let first_published: Option<NaiveDateTime> = public_docs::table
        .filter(public_docs::item_id.eq(item_id))
        .filter(public_docs::visible_from.le(now))
        .select(diesel::dsl::min(public_docs::published_at))
        .first(conn)?;
    diesel::delete(public_docs::table.filter(public_docs::item_id.eq(item_id))).execute(conn)?;
    let Some(state) = state else {
        return Ok(());
    };
    for w in windows(&state, now) {
        let published_at = match first_published {
            Some(first) if first <= w.from => first,
            _ => w.from,
        };
        insert_doc(conn, item_id, &state.kind, &w, published_at)?;
    }
    Ok(())
}

fn insert_doc(
    conn: &mut AnyConnection,
    item_id: &str,
    kind: &str,
    w: &Window,
    published_at: NaiveDateTime,
) -> AppResult<()> {
    let content: String = content_versions::table
        .find((item_id, w.version))
        .select(content_versions::content)
        .first(conn)?;
    let doc: Value = serde_json::from_str(&content)?;
    let text = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (slug, title, summary, body) = (text("slug"), text("title"), text("summary"), text("body"));
    let tags: Vec<String> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let updated_at = w.from;
    let files = resolve_files(conn, &doc)?;
    let mut item = Map::new();
    item.insert("id".into(), json!(item_id));
    item.insert("kind".into(), json!(kind));
    item.insert("slug".into(), json!(slug));
    item.insert("title".into(), json!(title));
    item.insert("summary".into(), json!(summary));
    item.insert("tags".into(), json!(tags));
    item.insert("attachments".into(), attachments(&doc, &files));
    item.insert("fields".into(), fields(&doc, &files));
    item.insert("version".into(), json!(w.version));
    item.insert("published_at".into(), json!(rfc3339(published_at)));
    item.insert("updated_at".into(), json!(rfc3339(updated_at)));
    let list_json = Value::Object(item.clone()).to_string();
    item.insert("body".into(), json!(body));
    item.insert(
        "body_html".into(),
        json!(crate::domain::markdown::render(&body)),
    );
    let item_json = Value::Object(item).to_string();
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(item_json.as_bytes()))[..32]
    );
    let id = uuid::Uuid::now_v7().to_string();
    let search_key = i64::try_from(rand::random::<u64>() >> 1).unwrap_or(0);
    diesel::insert_into(public_docs::table)
        .values((
            public_docs::id.eq(&id),
            public_docs::item_id.eq(item_id),
            public_docs::version.eq(w.version),
            public_docs::kind.eq(kind),
            public_docs::slug.eq(&slug),
            public_docs::title_key.eq(search::fold(&title)),
            public_docs::published_at.eq(published_at),
            public_docs::updated_at.eq(updated_at),
            public_docs::visible_from.eq(w.from),
            public_docs::visible_until.eq(w.until),
            public_docs::etag.eq(&etag),
            public_docs::list_json.eq(&list_json),
            public_docs::item_json.eq(&item_json),
            public_docs::terms.eq(search::terms(&[&title, &summary, &body])),
            public_docs::search_key.eq(search_key),
        ))
        .execute(conn)?;
    let mut seen = Vec::new();
    for tag in tags {
        if seen.contains(&tag) {
            continue;
        }
        diesel::insert_into(public_doc_tags::table)
            .values((
                public_doc_tags::doc_id.eq(&id),
                public_doc_tags::tag.eq(&tag),
                public_doc_tags::published_at.eq(published_at),
                public_doc_tags::kind.eq(kind),
            ))
            .execute(conn)?;
        seen.push(tag);
    }
    Ok(())
}

/// Every file id a document refers to.
fn file_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc
        .get("attachments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get("file_id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(f) = doc.get("fields") {
        for key in ["file_id", "cover_file_id"] {
            if let Some(id) = f.get(key).and_then(Value::as_str) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

fn resolve_files(conn: &mut AnyConnection, doc: &Value) -> AppResult<HashMap<String, Value>> {
    let records = crate::db::files::public_record(conn, &file_ids(doc))?;
    let mut out = HashMap::with_capacity(records.len());
    for (id, record) in records {
        out.insert(id, serde_json::to_value(record)?);
    }
    Ok(out)
}

fn attachments(doc: &Value, files: &HashMap<String, Value>) -> Value {
    let list = doc
        .get("attachments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    let id = x.get("file_id").and_then(Value::as_str)?;
                    let mut rec = files.get(id)?.clone();
                    // The attachment's own label, else the file's.
                    if let Some(label) = x.get("label").filter(|l| !l.is_null()) {
                        rec["label"] = label.clone();
                    }
                    Some(rec)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Value::Array(list)
}

/// The kind's fields, each file reference resolved beside its id
/// (`file_id` → `file`, `cover_file_id` → `cover`).
fn fields(doc: &Value, files: &HashMap<String, Value>) -> Value {
    let mut f = doc.get("fields").cloned().unwrap_or_else(|| json!({}));
    if let Some(obj) = f.as_object_mut() {
        for (key, resolved) in [("file_id", "file"), ("cover_file_id", "cover")] {
            if let Some(id) = obj.get(key).and_then(Value::as_str).map(str::to_owned) {
                obj.insert(
                    resolved.into(),
                    files.get(&id).cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    f
}

/// Drops rows whose window has ended; visibility never depends on this, it only keeps the
/// table small. Runs inside a transaction, like `sync_item`.
pub fn prune(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<usize> {
    lock_public_rows(conn)?;
    Ok(
        diesel::delete(public_docs::table.filter(public_docs::visible_until.le(now)))
            .execute(conn)?,
    )
}
