//! `GET /preview/{token}`

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;

use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::preview;
use crate::usecase::public_docs::PublicItem;

/// Preview a version of a content item
#[utoipa::path(
    operation_id = "getPreview",
    tag = "public",
    params(("token" = String, Path, description = "The `token` of a preview link")),
    responses(
        (status = 200, description = "The version the link names, exactly as `getPublicContent` would show it \
            once published: references and `item:` links resolved as the public sees those items now, and \
            the version's files (in `attachments`, `fields.file`, `fields.cover` and `body_html`) at \
            `/api/v1/preview/{token}/files/{file_id}/{filename}`. `version` is that version. \
            `published_at` is the item's first publication while it is published, otherwise when the \
            version was saved; `updated_at` is when the version was saved. `Cache-Control: private, \
            no-store`, and no `ETag`.", body = PublicItem,
         headers(("Cache-Control" = String))),
        (status = 404, description = "Not a token of ours, altered, expired, or its item archived since", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/preview/{token}")]
pub async fn show(state: web::Data<AppState>, token: web::Path<String>) -> AppResult<HttpResponse> {
    let now = Utc::now().naive_utc();
    // Rendering a long body takes a while: off the async workers.
    let item = state.db.run(move |c| preview::show(c, &token, now)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, super::cache_control()))
        .insert_header((header::HeaderName::from_static("x-robots-tag"), "noindex"))
        .json(item))
}
