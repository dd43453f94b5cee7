//! `DELETE /admin/memberships/{id}`: erase a person's sign-up data for good.

use actix_web::{HttpRequest, HttpResponse, delete, web};

use crate::auth::{Auth, policy::Members};
use crate::error::{AppResult, Problem};
use crate::jobs;
use crate::state::AppState;
use crate::storage::erasures::Ledger;
use crate::usecase::memberships;

/// Erase a membership sign-up
#[utoipa::path(
    operation_id = "eraseMembership",
    tag = "memberships",
    description = "Erases the record and every other record with the same e-mail (the same \
        person's repeated sign-ups) for good. The audit log keeps only that the ids were erased; \
        the erasure ledger keeps a hash of the address, so restoring an older backup does not \
        bring the records back. Needs the record's `ETag` in `If-Match`.",
    params(
        ("id" = uuid::Uuid, Path, description = "The record's id"),
        ("If-Match" = String, Header, description = "The ETag of the record as read"),
    ),
    responses(
        (status = 204, description = "Erased"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not handle members", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[delete("/admin/memberships/{id}")]
pub async fn erase(
    state: web::Data<AppState>,
    staff: Auth<Members>,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let expected = super::if_match(&req)?;
    let actor = staff.actor();
    let ledger = Ledger::in_data_dir(&state.config.data_dir);
    state
        .db
        .tx(move |c| memberships::erase(c, &actor, &id, &expected, &ledger))
        .await?;
    jobs::flush_erasure(&state).await;
    Ok(HttpResponse::NoContent().finish())
}
