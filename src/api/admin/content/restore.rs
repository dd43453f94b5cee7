//! `POST /admin/content/{id}/versions/{n}/restore`

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::{if_match, item_response};
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{save, view::SavedItem};

/// Restore an earlier version as the latest
#[utoipa::path(
    operation_id = "restoreContentVersion",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("n" = i64, Path, description = "The version whose content becomes the new latest version"),
        ("If-Match" = String, Header, description = "The item's current ETag"),
    ),
    responses(
        (status = 200, description = "A new latest version with version n's content (or `unchanged: true` when the latest already has it); the new `ETag`", body = SavedItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken by now, or the item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A file the version used is gone", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content/{id}/versions/{n}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (id, n) = path.into_inner();
    let expected = if_match(&req, &id)?;
    let actor = staff.actor();
    let saved = state
        .db
        .tx(move |c| save::restore(c, &actor, &id, &expected, n))
        .await?;
    Ok(item_response(StatusCode::OK, &saved.item, &saved))
}
