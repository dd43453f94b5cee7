//! `POST /admin/content/{id}/preview`: a link that shows a version, drafts included, in the
//! public shape, to anyone holding it until it expires.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::optional_json;
use crate::auth::{Auth, policy::ContentRead};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::preview::{self, Ask};

/// The body may be left out: then the latest version, for an hour.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewLinkRequest {
    /// Default: the latest version now (the link keeps showing that one).
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    /// Seconds the link lasts.
    #[schema(minimum = 1, maximum = 604_800, default = 3600)]
    pub expires_in: Option<i64>,
}

/// A preview link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLink {
    /// Signed; it names the item and the version and expires. Anyone holding it can read
    /// that version until then.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// The preview in the public item's shape: `/api/v1/preview/{token}`.
    pub url: String,
    /// Where the website shows the preview; only when `--preview-url-template` is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_url: Option<String>,
}

/// Make a preview link to a version of a content item
#[utoipa::path(
    operation_id = "createContentPreview",
    tag = super::TAG,
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body(content = Option<PreviewLinkRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The link; it changes nothing, so the `read` role may make one too", body = PreviewLink),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A version the item does not have (`version`), or `expires_in` outside 1 to 604800", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content/{id}/preview")]
pub async fn create(
    state: web::Data<AppState>,
    _staff: Auth<ContentRead>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let body: PreviewLinkRequest = optional_json(&req, &body)?;
    let ask = Ask {
        version: body.version,
        expires_in: body.expires_in,
    };
    let template = state.config.preview_url_template.clone();
    let now = Utc::now().naive_utc();
    let id = id.into_inner();
    let issued = state
        .db
        .run(move |c| preview::issue(c, &id, ask, template.as_deref(), now))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PreviewLink {
            url: preview::api_path(&issued.token),
            token: issued.token,
            expires_at: issued.expires_at.and_utc(),
            site_url: issued.site_url,
        }))
}
