//! `GET /admin/files/{id}/content`: a file's bytes for staff, published or not.

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::api::files::{send, storage};
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;

/// Download a file's bytes, published or not
#[utoipa::path(
    operation_id = "getFileContent",
    tag = "files",
    params(("id" = uuid::Uuid, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The bytes, with the same headers as the public download but not cached by shared caches", content_type = "*/*"),
        (status = 206, description = "The requested range", content_type = "*/*"),
        (status = 304, description = "The client's copy is current"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read files", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the file", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/files/{id}/content")]
pub async fn content(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let file = state.db.run(move |c| super::find(c, &id)).await?;
    send::send(
        &req,
        &storage(&state),
        &file,
        &HeaderValue::from_static("private, no-cache"),
    )
    .await
}
