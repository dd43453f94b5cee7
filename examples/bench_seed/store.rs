//! Writes the seeded items and files.

use std::path::Path;

use chrono::Utc;
use diesel::prelude::*;
use oa_cms::api::admin::content::create::CreateContent;
use oa_cms::db::AnyConnection;
use oa_cms::db::audit::Actor;
use oa_cms::db::schema::{content_items, files};
use oa_cms::error::AppResult;
use oa_cms::usecase::content::{publication as state, save};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::corpus::Item;

/// The files items attach (rows only: the public API serves their records, never their
/// bytes; the download cases use a real file that `bench.py` uploads through the API).
pub struct Files {
    pub ids: Vec<String>,
}

const LABEL: &str = "benchmark";

/// The benchmark's files, made on the first run.
pub fn files(conn: &mut AnyConnection, _data_dir: &Path) -> AppResult<Files> {
    let existing: Vec<String> = files::table
        .filter(files::label.eq(LABEL))
        .order(files::created_at.asc())
        .select(files::id)
        .load(conn)?;
    if !existing.is_empty() {
        return Ok(Files { ids: existing });
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
    Ok(Files { ids })
}

pub fn published_count(conn: &mut AnyConnection) -> AppResult<u64> {
    let n: i64 = content_items::table
        .filter(content_items::published_version.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Creates the item at version 1 and publishes it now, with the functions the admin API's
/// create and publish handlers call.
pub fn create_published(c: &mut AnyConnection, item: &Item) -> AppResult<String> {
    let mut body = item.doc.clone();
    body["kind"] = Value::from(item.kind);
    let (kind, input) = serde_json::from_value::<CreateContent>(body)?.split();
    let actor = Actor::system("benchmark");
    let created = save::create(c, &actor, kind, input)?;
    state::publish(c, &actor, &created.id, &[1], None, None)?;
    Ok(created.id)
}
