//! `GET /admin/memberships/{id}`: one sign-up.

use actix_web::{HttpResponse, get, web};

use super::MembershipOut;
use crate::auth::{Auth, policy::Members};
use crate::db::{AnyConnection, memberships as db};
use crate::error::{AppResult, Problem};
use crate::state::AppState;

/// One record with its count of duplicates.
pub fn load(conn: &mut AnyConnection, id: &str) -> AppResult<MembershipOut> {
    let m = db::find(conn, id)?;
    let n = db::email_counts(conn, std::slice::from_ref(&m.email))?
        .get(&m.email)
        .copied()
        .unwrap_or(1);
    Ok(MembershipOut::new(m, n))
}

/// Get a membership sign-up
#[utoipa::path(
    operation_id = "getMembership",
    tag = "memberships",
    params(("id" = uuid::Uuid, Path, description = "The record's id")),
    responses(
        (status = 200, description = "The sign-up, with its `ETag`", body = MembershipOut,
            headers(("ETag" = String, description = "`\"<id>:<version>\"`, for `If-Match` on `PATCH` and `DELETE`"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see members", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record (or erased)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/memberships/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _staff: Auth<Members>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let m = state.db.run(move |c| load(c, &id)).await?;
    Ok(super::membership_response(&m))
}
