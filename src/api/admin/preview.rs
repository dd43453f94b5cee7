//! `POST /admin/preview`: a Markdown body rendered and sanitised exactly as `body_html` is,
//! so the editor's live preview shows what the public API will serve; `item:` links go to
//! the site address of a published item, `file:` images show through the admin API.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::Content};
use crate::domain::content::document::MAX_BODY;
use crate::error::{AppError, AppResult, ErrorCode, Problem};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// Markdown, as in a content item's `body`.
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewResponse {
    /// The body rendered and sanitised, as `body_html` would be.
    pub html: String,
}

/// Render Markdown as the public API would
#[utoipa::path(
    operation_id = "previewMarkdown",
    tag = "content",
    request_body = PreviewRequest,
    responses(
        (status = 200, description = "The rendered, sanitised HTML", body = PreviewResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/preview")]
pub async fn preview(
    _staff: Auth<Content>,
    state: web::Data<AppState>,
    body: ApiJson<PreviewRequest>,
) -> AppResult<HttpResponse> {
    let markdown = body.0.body;
    if markdown.chars().count() > MAX_BODY {
        return Err(AppError::field(
            "body",
            ErrorCode::TooLong,
            format!("must be at most {MAX_BODY} characters"),
        ));
    }
    // Rendering a long body takes a while: keep it off the async workers.
    let now = chrono::Utc::now().naive_utc();
    let html = state
        .db
        .run(move |c| crate::usecase::public_docs::preview(c, &markdown, now))
        .await?;
    Ok(HttpResponse::Ok().json(PreviewResponse { html }))
}
