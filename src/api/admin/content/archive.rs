//! `DELETE /admin/content/{id}`

use actix_web::{HttpRequest, HttpResponse, delete, web};

use super::change_state;
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{publication as item_state, view::AdminItem};

/// Archive a content item
#[utoipa::path(
    operation_id = "archiveContent",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's current ETag"),
    ),
    responses(
        (status = 200, description = "Archived: off the public API, schedules dropped", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is archived already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[delete("/admin/content/{id}")]
pub async fn archive_item(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    change_state(
        &state,
        staff.actor(),
        &req,
        id.into_inner(),
        item_state::archive,
    )
    .await
}
