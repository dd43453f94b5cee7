//! `GET /site`: the website's structure in one answer (home page sections with their items,
//! navigation), kept in memory and conditional like an item.

use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::content::item_response;
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
    let stamp = state.answers.stamp(&state.db).await?;
    if let Some(hit) = state.answers.get(KEY, stamp)
        && let Some(etag) = hit.etag
    {
        return Ok(item_response(&state, &req, etag, hit.body));
    }
    let now = Utc::now().naive_utc();
    let site = state
        .db
        .read(move |c| site::build(c, now))
        .await?
        .ok_or_else(|| AppError::not_found("The home page is not published."))?;
    let body = Bytes::from(serde_json::to_vec(&site)?);
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    let etag =
        HeaderValue::from_str(&etag).map_err(|_| AppError::internal("an ETag is not a header"))?;
    state
        .answers
        .put(KEY.to_owned(), stamp, Some(etag.clone()), body.clone());
    Ok(item_response(&state, &req, etag, body))
}
