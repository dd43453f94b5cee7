//! `POST /admin/webhooks/{id}/test`

use actix_web::{HttpResponse, post, web};

use crate::auth::{Auth, policy::AdminOnly};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, DeliveryOut};

/// Send a test delivery
#[utoipa::path(
    operation_id = "testWebhook",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "A `webhook.ping` delivery (`data: {webhook_id}`), sent shortly, even when the webhook is inactive; follow it in the delivery log", body = DeliveryOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = staff.actor();
    let id = id.into_inner();
    let delivery = state.db.tx(move |c| webhooks::ping(c, &actor, &id)).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
