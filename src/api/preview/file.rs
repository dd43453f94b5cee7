//! `GET /preview/{token}/files/{file_id}/{filename}`

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;

use crate::api::files::{canonical_id, send, storage};
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::preview;

/// Download a file of a previewed version
#[utoipa::path(
    operation_id = "downloadPreviewFile",
    tag = "public",
    params(
        ("token" = String, Path, description = "The `token` of a preview link"),
        ("file_id" = uuid::Uuid, Path, description = "The file's id"),
        ("filename" = String, Path, description = "The file's name, exactly as in its `url`"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=0-99`, `bytes=100-`, `bytes=-100`"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a copy the client holds"),
    ),
    responses(
        (status = 200, description = "The bytes, as `downloadPublicFile` sends them, with `Cache-Control: private, no-store`", content_type = "*/*"),
        (status = 206, description = "The requested range, with `Content-Range`", content_type = "*/*"),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "The link is not valid (see `getPreview`), or its version does not use this file under this name", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the file; `Content-Range: bytes */<size>`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/preview/{token}/files/{file_id}/{filename}")]
pub async fn file(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (token, raw_id, filename) = path.into_inner();
    let id = canonical_id(&raw_id).ok_or_else(|| AppError::not_found("No such file."))?;
    let now = Utc::now().naive_utc();
    let file = state
        .db
        .read(move |c| preview::file(c, &token, &id, &filename, now))
        .await?;
    send::send(&req, &storage(&state), &file, &super::cache_control()).await
}
