//! `POST /admin/content/{id}/unpublish`

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{change_state, optional_json};
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{publication as item_state, view::AdminItem};

/// The body may be left out: then the item goes off the public API now.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnpublishRequest {
    /// RFC 3339; a time ahead schedules the unpublish (shown as `unpublish_at`).
    #[serde(default, deserialize_with = "crate::domain::time::deserialize_opt")]
    pub at: Option<DateTime<Utc>>,
}

/// Take a content item off the public API now or at a time
#[utoipa::path(
    operation_id = "unpublishContent",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's current ETag"),
    ),
    request_body(content = Option<UnpublishRequest>, description = "Optional"),
    responses(
        (status = 200, description = "Unpublished now (a pending publish is dropped too), or scheduled as `unpublish_at`", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad `at`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content/{id}/unpublish")]
pub async fn unpublish(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let body: UnpublishRequest = optional_json(&req, &body)?;
    let at = body.at.map(|t| t.naive_utc());
    change_state(
        &state,
        staff.actor(),
        &req,
        id.into_inner(),
        move |c, actor, id, expected| item_state::unpublish(c, actor, id, expected, at),
    )
    .await
}
