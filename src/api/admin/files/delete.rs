//! `DELETE /admin/files/{id}`: removes a file no live item uses, and its bytes once no
//! other record shares them.

use actix_web::{HttpResponse, delete, web};

use crate::api::files::storage;
use crate::auth::{Auth, policy::Content};
use crate::db::{audit, files};
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::state::AppState;

/// Delete an unused file
#[utoipa::path(
    operation_id = "deleteFile",
    tag = "files",
    params(("id" = uuid::Uuid, Path, description = "The file's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not delete files", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Items that are not archived use the file; each is named in `errors` (field `used_by`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[delete("/admin/files/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let storage = storage(&state);
    let actor = staff.actor();
    state
        .db
        .tx(move |c| {
            let file = crate::api::files::canonical_id(&id)
                .map(|id| files::find_for_update(c, &id))
                .transpose()?
                .flatten()
                .ok_or_else(|| AppError::not_found("No such file."))?;
            let live: Vec<_> = files::used_by(c, &file.id)?
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
                        .map(|n| FieldError::new("used_by", format!("used by {n}")))
                        .collect(),
                });
            }
            files::lock_blob(c, &file.sha256)?;
            files::delete(c, &file.id)?;
            let blob_removed = files::count_with_sha256(c, &file.sha256)? == 0;
            audit::record(
                c,
                &actor,
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
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
