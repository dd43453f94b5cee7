//! `POST /admin/webhooks/{id}/deliveries/{delivery}/retry`

use actix_web::{HttpResponse, post, web};

use crate::auth::{Auth, policy::AdminOnly};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, DeliveryOut};

/// Send a delivery again
#[utoipa::path(
    operation_id = "retryWebhookDelivery",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "Webhook id"),
        ("delivery" = uuid::Uuid, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Due again now (also when it was delivered or given up), with the same delivery id and body", body = DeliveryOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook or delivery", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/deliveries/{delivery}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let actor = staff.actor();
    let (id, delivery) = path.into_inner();
    let out = state
        .db
        .tx(move |c| webhooks::retry(c, &actor, &id, &delivery))
        .await?;
    Ok(HttpResponse::Accepted().json(out))
}
