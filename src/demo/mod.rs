//! The demo: the alliance's own content, loaded once into an empty database by `serve --demo`.
//! Everything goes through the functions the admin API calls, so the demo items are
//! validated, versioned, audited and published like anything an editor makes.

mod content;
mod files;
pub mod fixtures;
pub mod pdf;
mod signups;

use std::collections::HashMap;

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use crate::db::audit::Actor;
use crate::db::schema::content_items;
use crate::db::{AnyConnection, settings};
use crate::error::AppResult;
use crate::state::AppState;
use crate::storage::Storage;
use fixtures::DocKey;

/// The `settings` key set in the same transaction as the load (or as the decision to skip
/// it), so a later start never loads twice.
pub const MARKER: &str = "demo_content";

/// What the demo load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Loaded(Summary),
    /// An earlier start loaded it (or decided not to).
    AlreadyDone,
    /// The database already had content, so nothing was added.
    NotEmpty,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: usize,
    pub files: usize,
    pub sign_ups: usize,
}

fn actor() -> Actor {
    Actor::system("demo")
}

/// Loads the demo content unless an earlier start did, or the database has content.
pub async fn load(state: &AppState) -> AppResult<Outcome> {
    if state.db.run(|c| settings::get(c, MARKER)).await?.is_some() {
        return Ok(Outcome::AlreadyDone);
    }
    // Made and written to temp files before the transaction; those not placed as blobs
    // are removed when `documents` is dropped.
    let documents = files::stage(state).await?;
    let storage = crate::api::files::storage(state);
    state.db.tx(move |c| load_in(c, &storage, &documents)).await
}

fn load_in(
    conn: &mut AnyConnection,
    storage: &Storage,
    documents: &[files::StagedDocument],
) -> AppResult<Outcome> {
    serialize_loaders(conn)?;
    if settings::get(conn, MARKER)?.is_some() {
        return Ok(Outcome::AlreadyDone);
    }
    // The home page `migrate` makes counts as content once it has been edited.
    let existing: i64 = content_items::table
        .filter(
            content_items::kind
                .ne("home")
                .or(content_items::latest_version.gt(1)),
        )
        .count()
        .get_result(conn)?;
    if existing > 0 {
        mark(
            conn,
            &json!({ "skipped": "the database already had content" }),
        )?;
        return Ok(Outcome::NotEmpty);
    }
    let actor = actor();
    let file_ids: HashMap<DocKey, String> = files::register(conn, storage, &actor, documents)?;
    let mut summary = Summary {
        files: file_ids.len(),
        ..Summary::default()
    };
    let mut made = content::Made::new();
    for item in fixtures::items() {
        content::create_published(conn, &actor, &item, &file_ids, &mut made)?;
        summary.items += 1;
    }
    content::publish_home(conn, &actor, &made)?;
    summary.items += 1;
    summary.sign_ups = signups::store(conn, &actor, Utc::now().naive_utc())?;
    mark(
        conn,
        &json!({
            "loaded_at": Utc::now().to_rfc3339(),
            "items": summary.items,
            "files": summary.files,
            "sign_ups": summary.sign_ups,
        }),
    )?;
    Ok(Outcome::Loaded(summary))
}

fn mark(conn: &mut AnyConnection, value: &serde_json::Value) -> AppResult<()> {
    settings::get_or_init(conn, MARKER, || value.to_string())?;
    Ok(())
}

/// Two processes starting at once load one after the other, so the second sees the first's
/// marker. SQLite transactions already take the write lock at their start.
fn serialize_loaders(conn: &mut AnyConnection) -> AppResult<()> {
    if matches!(conn, AnyConnection::Postgresql(_)) {
        // Any constant shared by every process; this one is "oa-demo" in ASCII.
        diesel::sql_query("SELECT pg_advisory_xact_lock(31350570000674159)").execute(conn)?;
    }
    Ok(())
}
