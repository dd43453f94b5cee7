//! `GET /admin/content/{id}`

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};

use super::item_response;
use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{save, view::AdminItem};

/// Get a content item at its latest version
#[utoipa::path(
    operation_id = "getContent",
    tag = super::TAG,
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses(
        (status = 200, description = "The item at its latest version, with `ETag: \"<id>:<version>\"`", body = AdminItem),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let item = state.db.run(move |c| save::load(c, &id)).await?;
    Ok(item_response(StatusCode::OK, &item, &item))
}
