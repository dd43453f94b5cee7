//! `DELETE /admin/webhooks/{id}`

use actix_web::{HttpResponse, delete, web};

use crate::auth::{Auth, policy::AdminOnly};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks;

/// Delete a webhook
#[utoipa::path(
    operation_id = "deleteWebhook",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted with its deliveries; nothing more is sent to it"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = staff.actor();
    let id = id.into_inner();
    state
        .db
        .tx(move |c| webhooks::delete(c, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
