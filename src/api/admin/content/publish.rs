//! `POST /admin/content/{id}/publish`

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{change_state, optional_json};
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{publication as item_state, view::AdminItem};

/// The body may be left out: then the latest version is published now.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Default: the latest version.
    pub version: Option<i64>,
    /// RFC 3339; a time ahead schedules the publish, one not ahead publishes now.
    #[serde(default, deserialize_with = "crate::domain::time::deserialize_opt")]
    pub at: Option<DateTime<Utc>>,
}

/// Publish a content item now or at a time
#[utoipa::path(
    operation_id = "publishContent",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's current ETag"),
    ),
    request_body(content = Option<PublishRequest>, description = "Optional"),
    responses(
        (status = 200, description = "Published now (`published_version`), or scheduled (`publish_at`, status `scheduled`)", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such version, a bad `at`, or a file the version uses has been deleted (each such field named, e.g. `fields.file_id`)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content/{id}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let body: PublishRequest = optional_json(&req, &body)?;
    let at = body.at.map(|t| t.naive_utc());
    change_state(
        &state,
        staff.actor(),
        &req,
        id.into_inner(),
        move |c, actor, id, expected| item_state::publish(c, actor, id, expected, body.version, at),
    )
    .await
}
