//! `GET /admin/webhooks/{id}`

use actix_web::{HttpResponse, get, web};

use crate::auth::{Auth, policy::AdminOnly};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, WebhookOut};

/// Read a webhook
#[utoipa::path(
    operation_id = "getWebhook",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook (never its secret)", body = WebhookOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _staff: Auth<AdminOnly>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let hook = state.db.run(move |c| webhooks::get(c, &id)).await?;
    Ok(HttpResponse::Ok().json(hook))
}
