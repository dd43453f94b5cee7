//! Files: adding an upload to the media library.

use chrono::{SubsecRound, Utc};

use crate::db::AnyConnection;
use crate::db::audit::{self, Actor};
use crate::db::files::{self, FileRow};
use crate::error::{AppError, AppResult};
use crate::storage::{Staged, Storage};

/// Adds a staged upload to the media library, in the caller's transaction: bytes already
/// stored come back as the existing record (`false`), anything new is recorded, audited and
/// placed as a blob (`true`).
pub fn register_upload(
    conn: &mut AnyConnection,
    storage: &Storage,
    actor: &Actor,
    staged: &Staged,
    filename: String,
    label: Option<String>,
) -> AppResult<(FileRow, bool)> {
    files::lock_blob(conn, &staged.sha256)?;
    if let Some(existing) = files::find_by_sha256(conn, &staged.sha256)? {
        if !storage.blob_exists(&existing.sha256) {
            storage.place(staged)?;
        }
        return Ok((existing, false));
    }
    let row = FileRow {
        id: uuid::Uuid::now_v7().to_string(),
        filename,
        content_type: staged.content_type.clone(),
        size: i64::try_from(staged.size).map_err(AppError::internal)?,
        sha256: staged.sha256.clone(),
        label,
        created_at: Utc::now().naive_utc().trunc_subsecs(6),
        created_by: actor.id.clone(),
    };
    files::insert(conn, &row)?;
    audit::record(
        conn,
        actor,
        "create",
        "file",
        Some(&row.id),
        &serde_json::json!({
            "filename": row.filename,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        }),
    )?;
    // Last, so a failed insert leaves no blob; the lock keeps deletes out meanwhile.
    storage.place(staged)?;
    Ok((row, true))
}
