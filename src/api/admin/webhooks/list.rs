//! `GET /admin/webhooks`

use actix_web::{HttpResponse, get, web};

use crate::auth::{Auth, policy::AdminOnly};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, WebhookOut};

/// List webhooks
#[utoipa::path(
    operation_id = "listWebhooks",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Every webhook (never its secret)", body = [WebhookOut]),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks")]
pub async fn list(state: web::Data<AppState>, _staff: Auth<AdminOnly>) -> AppResult<HttpResponse> {
    let list = state.db.run(webhooks::list).await?;
    Ok(HttpResponse::Ok().json(list))
}
