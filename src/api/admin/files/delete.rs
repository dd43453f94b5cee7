//! `DELETE /admin/files/{id}`: removes a file no live item uses, and its bytes once no
//! other record shares them.

use actix_web::{HttpResponse, delete, web};

use crate::api::files::{canonical_id, storage};
use crate::auth::{Auth, policy::Content};
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::files;

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
    let id = canonical_id(&id).ok_or_else(|| AppError::not_found("No such file."))?;
    let storage = storage(&state);
    let actor = staff.actor();
    state
        .db
        .tx(move |c| files::delete(c, &storage, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
