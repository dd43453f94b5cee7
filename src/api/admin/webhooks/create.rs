//! `POST /admin/webhooks`

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::AdminOnly};
use crate::domain::webhooks::Event;
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::webhooks::{self, Draft, WebhookOut};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where deliveries are `POST`ed: `https`, or `http` for a host in
    /// `--webhook-allow-hosts`; it must not resolve to a loopback, private or link-local
    /// address unless its host is listed there.
    pub url: String,
    /// The events to deliver (at least one).
    #[schema(value_type = Vec<Event>)]
    pub events: Vec<String>,
    /// Default true; an inactive webhook gets no deliveries.
    pub active: Option<bool>,
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    /// The signing secret of `X-OA-Signature`. Shown in this response only; store it now.
    pub secret: String,
}

/// Create a webhook
#[utoipa::path(
    operation_id = "createWebhook",
    tag = "webhooks",
    security(("bearer" = []), ("session" = [])),
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Created; `secret` is shown only here", body = CreatedWebhook),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The most webhooks a site may have exist already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    body: ApiJson<CreateWebhook>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let allow = super::allow(&state);
    super::check_resolves(&b.url, &allow).await?;
    let draft = Draft {
        url: Some(b.url),
        events: Some(b.events),
        active: b.active,
        description: Some(b.description),
    };
    let actor = staff.actor();
    let (webhook, secret) = state
        .db
        .tx(move |c| webhooks::create(c, &actor, draft, &allow))
        .await?;
    Ok(HttpResponse::Created().json(CreatedWebhook { webhook, secret }))
}
