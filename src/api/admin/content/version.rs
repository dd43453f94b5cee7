//! `GET /admin/content/{id}/versions/{n}`

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use crate::auth::{Auth, policy::Content};
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::content::{history, view};

/// Get one version of a content item
#[utoipa::path(
    operation_id = "getContentVersion",
    tag = super::TAG,
    params(
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("n" = i64, Path, description = "The version number (1, 2, ...)"),
    ),
    responses(
        (status = 200, description = "The version with its content; `ETag` of the item (its latest version)", body = view::VersionView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content/{id}/versions/{n}")]
pub async fn version(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (id, n) = path.into_inner();
    let etag_id = id.clone();
    let (v, latest) = state.db.run(move |c| history::get(c, &id, n)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, view::etag(&etag_id, latest)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(v))
}
