//! `POST /admin/content`

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::item_response;
use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::Content};
use crate::domain::content::{Attachment, DocumentInput, Kind};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{save, view::AdminItem};

/// `POST /admin/content`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContent {
    pub kind: Kind,
    /// Derived from the title when left out.
    pub slug: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
    /// The kind's own fields.
    #[schema(value_type = Object)]
    pub fields: Value,
    /// Recorded with the version.
    pub comment: Option<String>,
}

impl CreateContent {
    pub fn split(self) -> (Kind, DocumentInput) {
        (
            self.kind,
            DocumentInput {
                slug: self.slug,
                title: self.title,
                summary: self.summary,
                body: self.body,
                tags: self.tags,
                attachments: self.attachments,
                fields: self.fields,
                comment: self.comment,
            },
        )
    }
}

/// Create a content item
#[utoipa::path(
    operation_id = "createContent",
    tag = super::TAG,
    request_body = CreateContent,
    responses(
        (status = 201, description = "Created at version 1; `ETag` and `Location` set", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another item of this kind has the slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/content")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    body: ApiJson<CreateContent>,
) -> AppResult<HttpResponse> {
    let actor = staff.actor();
    let (kind, input) = body.0.split();
    let item = state
        .db
        .tx(move |c| save::create(c, &actor, kind, input))
        .await?;
    let mut resp = item_response(StatusCode::CREATED, &item, &item);
    if let Ok(v) = header::HeaderValue::from_str(&format!("/api/v1/admin/content/{}", item.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}
