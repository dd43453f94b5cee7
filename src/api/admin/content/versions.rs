//! `GET /admin/content/{id}/versions`

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{history, view};

/// List the versions of a content item
#[utoipa::path(
    operation_id = "listContentVersions",
    tag = super::TAG,
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses(
        (status = 200, description = "Every version, newest first (without content); `ETag` of the item", body = view::VersionList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state.db.run(move |c| history::list(c, &id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, view::etag(&list.item_id, list.latest_version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(list))
}
