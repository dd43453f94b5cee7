//! `PATCH /admin/webhooks/{id}`

use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::AdminOnly};
use crate::domain::webhooks::Event;
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, Draft, WebhookOut};

/// The parts to change; the others stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    #[schema(value_type = Option<Vec<Event>>)]
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
    /// An empty text removes the description.
    pub description: Option<String>,
}

/// Change a webhook
#[utoipa::path(
    operation_id = "updateWebhook",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The webhook as it is now", body = WebhookOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    id: web::Path<String>,
    body: ApiJson<UpdateWebhook>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let allow = super::allow(&state);
    if let Some(url) = &b.url {
        super::check_resolves(url, &allow).await?;
    }
    let draft = Draft {
        url: b.url,
        events: b.events,
        active: b.active,
        description: b.description.map(Some),
    };
    let actor = staff.actor();
    let id = id.into_inner();
    let hook = state
        .db
        .tx(move |c| webhooks::update(c, &actor, &id, draft, &allow))
        .await?;
    Ok(HttpResponse::Ok().json(hook))
}
