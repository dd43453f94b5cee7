//! `POST /admin/content/{id}/unschedule`

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::change_state;
use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{
    publication::{self as item_state, Planned},
    view::AdminItem,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnscheduleRequest {
    /// Which planned change to drop: the pending publish (`publish_at`) or the pending
    /// unpublish (`unpublish_at`).
    pub change: Planned,
}

/// Cancel a planned publish or unpublish of a content item
///
/// What is live now stays as it is; only the pending change (and its time) goes.
#[utoipa::path(
    operation_id = "unscheduleContent",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's current ETag"),
    ),
    request_body = UnscheduleRequest,
    responses(
        (status = 200, description = "The planned change is dropped", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad `change`, or no such change is planned (`errors[].code` `not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content/{id}/unschedule")]
pub async fn unschedule(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<UnscheduleRequest>,
) -> AppResult<HttpResponse> {
    let change = body.0.change;
    change_state(
        &state,
        staff.actor(),
        &req,
        id.into_inner(),
        move |c, actor, id, expected| item_state::unschedule(c, actor, id, expected, change),
    )
    .await
}
