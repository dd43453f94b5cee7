//! `PUT /admin/content/{id}`

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, put, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{if_match, item_response};
use crate::api::extract::ApiJson;
use crate::auth::{Auth, policy::Content};
use crate::domain::content::{Attachment, DocumentInput};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{save, view::SavedItem};

/// `PUT /admin/content/{id}`: the whole document again. A left-out `slug` keeps the
/// current one, so links do not break when a title is edited.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContent {
    pub slug: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
    #[schema(value_type = Object)]
    pub fields: Value,
    pub comment: Option<String>,
}

impl From<UpdateContent> for DocumentInput {
    fn from(u: UpdateContent) -> Self {
        Self {
            slug: u.slug,
            title: u.title,
            summary: u.summary,
            body: u.body,
            tags: u.tags,
            attachments: u.attachments,
            fields: u.fields,
            comment: u.comment,
        }
    }
}

/// Save a new version of a content item
#[utoipa::path(
    operation_id = "updateContent",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The ETag of the version this edit starts from"),
    ),
    request_body = UpdateContent,
    responses(
        (status = 200, description = "Saved as a new version, or `unchanged: true` when the document equals the latest version (then no version is made); the new `ETag`", body = SavedItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not write content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken, or the item is archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`; `current_version` and `current_etag` in the body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[put("/admin/content/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<UpdateContent>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, &id)?;
    let actor = staff.actor();
    let saved = state
        .db
        .tx(move |c| save::update(c, &actor, &id, &expected, body.0.into()))
        .await?;
    Ok(item_response(StatusCode::OK, &saved.item, &saved))
}
