//! `GET /files/{id}/{filename}`: a file that a published version uses, for anyone.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;

use crate::db::files;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

/// Download a published file
#[utoipa::path(
    operation_id = "downloadPublicFile",
    tag = "public",
    params(
        ("id" = uuid::Uuid, Path, description = "The file's id"),
        ("filename" = String, Path, description = "The file's name, exactly as in its `url`"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=0-99`, `bytes=100-`, `bytes=-100`"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a copy the client holds"),
    ),
    responses(
        (status = 200, description = "The bytes, with `Content-Type` (sniffed at upload), `Content-Length`, \
            `ETag: \"<sha256 hex>\"`, `Cache-Control`, `Accept-Ranges: bytes` and `Content-Disposition` \
            (inline for PDF and images)", content_type = "*/*"),
        (status = 206, description = "The requested range, with `Content-Range`", content_type = "*/*"),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such file, not under this name, or no published version uses it", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the file; `Content-Range: bytes */<size>`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/files/{id}/{filename}")]
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (raw_id, filename) = path.into_inner();
    let not_found = || AppError::not_found("No such file.");
    let id = super::canonical_id(&raw_id).ok_or_else(not_found)?;
    // Whether a shown version uses the file follows the public rows alone, so it is kept
    // with the public answers, under the same stamp: only the file's own row is read per
    // request while nothing was published or unpublished.
    let stamp = state.answers.stamp(&state.db).await?;
    let key = format!("file-public:{id}");
    let known_public = state.answers.get(&key, stamp).is_some();
    let (file, public) = state
        .db
        .read(move |c| {
            let Some(file) = files::find(c, &id)? else {
                return Ok(None);
            };
            if file.filename != filename {
                return Ok(None);
            }
            let public = known_public || files::is_public(c, &id, Utc::now().naive_utc())?;
            Ok(Some((file, public)))
        })
        .await?
        .ok_or_else(not_found)?;
    if !public {
        return Err(not_found());
    }
    if !known_public {
        state.answers.put(key, stamp, None, Bytes::new());
    }
    super::send::send(
        &req,
        &super::storage(&state),
        &file,
        &state.public_cache_control,
    )
    .await
}
