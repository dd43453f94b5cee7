//! `GET /admin/webhooks/{id}/deliveries`: the delivery log.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::limit;
use crate::auth::{Auth, policy::AdminOnly};
use crate::domain::webhooks::DeliveryStatus;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, DeliveryOut, DeliveryQuery};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Only deliveries in this state.
    #[param(value_type = Option<DeliveryStatus>)]
    pub status: Option<String>,
    /// Deliveries per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryOut>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// List a webhook's deliveries
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Webhook id"), DeliveriesQuery),
    responses(
        (status = 200, description = "Newest first, each with its attempts (time, duration, answer code, error) and when it is tried next", body = DeliveryPage),
        (status = 400, description = "A cursor that is not ours", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    _staff: Auth<AdminOnly>,
    id: web::Path<String>,
    q: web::Query<DeliveriesQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let mut errors = Vec::new();
    let limit = limit(q.limit.as_deref(), 20, 100, &mut errors);
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => DeliveryStatus::parse(s).or_else(|| {
            errors.push(FieldError::new(
                "status",
                ErrorCode::InvalidChoice,
                format!("must be one of: {}", DeliveryStatus::choices()),
            ));
            None
        }),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let before = match q.cursor.filter(|c| !c.trim().is_empty()) {
        None => None,
        Some(c) => Some(
            uuid::Uuid::parse_str(&c)
                .map_err(|_| AppError::BadRequest("The cursor is not valid.".into()))?
                .to_string(),
        ),
    };
    let query = DeliveryQuery {
        status,
        before,
        limit: limit + 1,
    };
    let id = id.into_inner();
    let mut items = state
        .db
        .run(move |c| webhooks::deliveries(c, &id, &query))
        .await?;
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > page;
    items.truncate(page);
    let next_cursor = if more {
        items.last().map(|d| d.id.clone())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(DeliveryPage { items, next_cursor }))
}
