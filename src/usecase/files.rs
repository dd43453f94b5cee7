//! Files: adding an upload to the media library, and deleting a file no live item uses.

use chrono::{SubsecRound, Utc};

use crate::db::AnyConnection;
use crate::db::audit::{self, Actor};
use crate::db::files::{self, FileRow};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
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
    crate::usecase::webhooks::emit(conn, crate::domain::webhooks::Event::FileUploaded, |_| {
        Ok(serde_json::json!({
            "id": row.id,
            "filename": row.filename,
            "content_type": row.content_type,
            "size": row.size,
        }))
    })?;
    // Last, so a failed insert leaves no blob; the lock keeps deletes out meanwhile.
    storage.place(staged)?;
    Ok((row, true))
}

/// Deletes file `id` (canonical form) in the caller's transaction, and its bytes once no
/// other record shares them. A file that items not archived use is a 409 naming each.
pub fn delete(
    conn: &mut AnyConnection,
    storage: &Storage,
    actor: &Actor,
    id: &str,
) -> AppResult<()> {
    let file =
        files::find_for_update(conn, id)?.ok_or_else(|| AppError::not_found("No such file."))?;
    let live: Vec<_> = files::used_by(conn, &file.id)?
        .into_iter()
        .filter(|u| !u.archived)
        .collect();
    if !live.is_empty() {
        let names: Vec<String> = live
            .iter()
            .map(|u| format!("{} \"{}\" ({})", u.kind, u.title, u.id))
            .collect();
        return Err(AppError::Conflict {
            detail: format!(
                "The file is in use by {} item(s) that are not archived: {}.",
                live.len(),
                names.join(", ")
            ),
            errors: names
                .into_iter()
                .map(|n| FieldError::new("used_by", ErrorCode::InUse, format!("used by {n}")))
                .collect(),
        });
    }
    files::lock_blob(conn, &file.sha256)?;
    files::delete(conn, &file.id)?;
    let blob_removed = files::count_with_sha256(conn, &file.sha256)? == 0;
    audit::record(
        conn,
        actor,
        "delete",
        "file",
        Some(&file.id),
        &serde_json::json!({
            "filename": file.filename,
            "sha256": file.sha256,
            "blob_removed": blob_removed,
        }),
    )?;
    if blob_removed {
        storage.remove(&file.sha256)?;
    }
    Ok(())
}
