//! `GET /site`: the website's structure in one answer (home page sections with their items,
//! navigation), kept in memory and conditional like an item.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;

use super::content::etagged;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::site::{self, Site};

const KEY: &str = "/api/v1/site";

/// Get the website's structure
///
/// The published home page (name, tagline, intro and sections, each section's items
/// resolved and its query run) and the navigation: published pages by position, each with
/// the pages whose `parent` it is.
#[utoipa::path(
    operation_id = "getSite",
    tag = "public",
    responses(
        (status = 200, description = "The site", body = Site,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "The home page is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/site")]
pub async fn get_site(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    etagged(&state, &req, KEY.to_owned(), "application/json", || async {
        let now = Utc::now().naive_utc();
        let site = state
            .db
            .read(move |c| site::build(c, now))
            .await?
            .ok_or_else(|| AppError::not_found("The home page is not published."))?;
        Ok(Bytes::from(serde_json::to_vec(&site)?))
    })
    .await
}
