//! `GET /admin/files/{id}`: one file with the items that use it.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;

use crate::auth::{Auth, policy::Content};
use crate::db::files;
use crate::domain::files::{FileDetail, FileRecord};
use crate::error::{AppResult, Problem};
use crate::state::AppState;

/// Get a file's details and where it is used
#[utoipa::path(
    operation_id = "getFile",
    tag = "files",
    params(("id" = uuid::Uuid, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The file, whether the public address serves it, and the items whose versions use it", body = FileDetail),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read files", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/files/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let detail = state
        .db
        .run(move |c| {
            let file = super::find(c, &id)?;
            let public = files::is_public(c, &file.id, Utc::now().naive_utc())?;
            let used_by = files::used_by(c, &file.id)?;
            Ok(FileDetail {
                file: FileRecord::from(file),
                public,
                used_by,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}
