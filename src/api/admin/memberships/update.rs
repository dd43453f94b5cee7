//! `PATCH /admin/memberships/{id}`: set the status and/or the note.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::MembershipOut;
use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::Members};
use crate::domain::memberships::Status;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::memberships;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipPatch {
    #[schema(value_type = Option<Status>)]
    pub status: Option<String>,
    /// A note for staff, up to 5000 characters; `null` or `""` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub note: Option<Option<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from a field left out (`None`).
#[allow(clippy::option_option)] // the three cases are the point: keep, clear, set
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Change a sign-up's status or note
#[utoipa::path(
    operation_id = "updateMembership",
    tag = "memberships",
    description = "Needs the record's `ETag` in `If-Match`, so that a change made meanwhile by \
        someone else is not overwritten; a change that changes nothing keeps the version.",
    params(
        ("id" = uuid::Uuid, Path, description = "The record's id"),
        ("If-Match" = String, Header, description = "The ETag of the record as read"),
    ),
    request_body = MembershipPatch,
    responses(
        (status = 200, description = "The sign-up after the change, with its new `ETag`", body = MembershipOut,
            headers(("ETag" = String, description = "`\"<id>:<version>\"`"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not handle members", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad status or note, named", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[patch("/admin/memberships/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Auth<Members>,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<MembershipPatch>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let expected = super::if_match(&req)?;
    let MembershipPatch { status, note } = body.0;
    let change = crate::domain::memberships::check_change(
        status.as_deref(),
        note.as_ref().map(Option::as_deref),
    )
    .map_err(AppError::Validation)?;
    let actor = staff.actor();
    let m = state
        .db
        .tx(move |c| {
            memberships::change(c, &actor, &id, Some(&expected), &change)?;
            super::read::load(c, &id)
        })
        .await?;
    Ok(super::membership_response(&m))
}
