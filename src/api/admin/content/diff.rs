//! `GET /admin/content/{id}/diff?from=n&to=m`

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{OtherParams, unknown_params};
use crate::auth::{Auth, policy::Content};
use crate::domain::content::diff::VersionDiff;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::content::{history, view};

/// Both versions are required. Values are read as text and checked here, so that every bad
/// one is named.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older side (a version number).
    #[param(value_type = i64, minimum = 1)]
    pub from: Option<String>,
    /// The newer side (a version number).
    #[param(value_type = i64, minimum = 1)]
    pub to: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    pub other: OtherParams,
}

fn version_param(value: Option<&str>, name: &str, errors: &mut Vec<FieldError>) -> i64 {
    match value.map(|v| v.trim().parse::<i64>()) {
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            errors.push(FieldError::new(
                name,
                ErrorCode::OutOfRange,
                "must be a version number (1 or more)",
            ));
            0
        }
        None => {
            errors.push(FieldError::new(name, ErrorCode::Required, "is required"));
            0
        }
    }
}

/// Compare two versions of a content item
#[utoipa::path(
    operation_id = "diffContentVersions",
    tag = super::TAG,
    params(("id" = uuid::Uuid, Path, description = "The item's id"), DiffQuery),
    responses(
        (status = 200, description = "Changed fields and a line diff of the body", body = VersionDiff),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` missing or not a version of the item", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content/{id}/diff")]
pub async fn diff(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    id: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> AppResult<HttpResponse> {
    let mut errors = Vec::new();
    unknown_params(&query.other, &mut errors);
    let from = version_param(query.from.as_deref(), "from", &mut errors);
    let to = version_param(query.to.as_deref(), "to", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = id.into_inner();
    let etag_id = id.clone();
    let (d, latest) = state
        .db
        .run(move |c| history::diff(c, &id, from, to))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, view::etag(&etag_id, latest)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(d))
}
