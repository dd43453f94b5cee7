//! Writes the seeded items and files.

use std::path::Path;

use chrono::Utc;
use diesel::prelude::*;
use oa_cms::db::AnyConnection;
use oa_cms::db::schema::{content_file_refs, content_items, content_versions, files};
use oa_cms::error::AppResult;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::corpus::Item;

/// The files items attach, and the large one the download cases fetch.
pub struct Files {
    pub ids: Vec<String>,
    /// (id, filename, size) of the 1 MB file.
    pub big: Option<(String, String, i64)>,
}

const LABEL: &str = "benchmark";

/// The benchmark's files, made on the first run.
pub fn files(conn: &mut AnyConnection, _data_dir: &Path) -> AppResult<Files> {
    let existing: Vec<(String, String, i64)> = files::table
        .filter(files::label.eq(LABEL))
        .order(files::created_at.asc())
        .select((files::id, files::filename, files::size))
        .load(conn)?;
    if !existing.is_empty() {
        let big = existing.iter().find(|f| f.2 >= 1 << 20).cloned();
        return Ok(Files {
            ids: existing.into_iter().map(|f| f.0).collect(),
            big,
        });
    }
    let mut ids = Vec::new();
    oa_cms::db::transaction(conn, |c| {
        for n in 0..40_u32 {
            let id = uuid::Uuid::now_v7().to_string();
            let size = 20_000 + i64::from(n) * 1000;
            diesel::insert_into(files::table)
                .values((
                    files::id.eq(&id),
                    files::filename.eq(format!("document-{n}.pdf")),
                    files::content_type.eq("application/pdf"),
                    files::size.eq(size),
                    files::sha256.eq(hex::encode(Sha256::digest(n.to_le_bytes()))),
                    files::label.eq(LABEL),
                    files::created_at.eq(Utc::now().naive_utc()),
                ))
                .execute(c)?;
            ids.push(id);
        }
        Ok(())
    })?;
    Ok(Files { ids, big: None })
}

pub fn published_count(conn: &mut AnyConnection) -> AppResult<u64> {
    let n: i64 = content_items::table
        .filter(content_items::published_version.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn file_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["file_id"].as_str().map(str::to_owned))
        .collect();
    for k in ["file_id", "cover_file_id"] {
        if let Some(id) = doc["fields"][k].as_str() {
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Creates the item at version 1 and publishes it now.
pub fn create_published(c: &mut AnyConnection, item: &Item) -> AppResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = Utc::now().naive_utc();
    let doc = &item.doc;
    diesel::insert_into(content_items::table)
        .values((
            content_items::id.eq(&id),
            content_items::kind.eq(item.kind),
            content_items::slug.eq(doc["slug"].as_str().unwrap_or_default()),
            content_items::title.eq(doc["title"].as_str().unwrap_or_default()),
            content_items::latest_version.eq(1_i64),
            content_items::published_version.eq(Some(1_i64)),
            content_items::published_at.eq(Some(now)),
            content_items::created_at.eq(now),
            content_items::updated_at.eq(now),
            content_items::created_by.eq("benchmark"),
            content_items::updated_by.eq("benchmark"),
        ))
        .execute(c)?;
    diesel::insert_into(content_versions::table)
        .values((
            content_versions::item_id.eq(&id),
            content_versions::version.eq(1_i64),
            content_versions::content.eq(doc.to_string()),
            content_versions::author.eq("benchmark"),
            content_versions::created_at.eq(now),
        ))
        .execute(c)?;
    for f in file_ids(doc) {
        diesel::insert_into(content_file_refs::table)
            .values((
                content_file_refs::item_id.eq(&id),
                content_file_refs::version.eq(1_i64),
                content_file_refs::file_id.eq(f),
            ))
            .execute(c)?;
    }
    oa_cms::db::public::sync_item(c, &id, now)?;
    Ok(id)
}
