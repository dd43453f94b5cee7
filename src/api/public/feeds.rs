//! `GET /api/v1/feed.atom` and `GET /sitemap.xml`: the newest items as an Atom 1.0 feed, and
//! every published item's address for search engines; kept in memory and conditional like
//! items.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use super::content::etagged;
use crate::api::extract::parse_query;
use crate::domain::content::Kind;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::feeds;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Comma list of kinds; `news` when not given.
    #[param(value_type = Option<Vec<Kind>>, style = Form, explode = false)]
    kind: Option<String>,
    /// Only items with this tag.
    tag: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SitemapParams {
    /// One page of a sitemap of more than 50 000 items (the index lists them).
    #[param(value_type = Option<i64>, minimum = 1)]
    page: Option<String>,
}

/// Where the request came to, as `scheme://host`: the connection's scheme and the `Host`
/// header when it is a plain host name (or address) with an optional port. Forwarding
/// headers (`X-Forwarded-Host`, `Forwarded`) are not believed: anyone could send one, and a
/// cache in front would keep a sitemap pointing elsewhere. Behind a proxy, give an absolute
/// `--public-url-template` so item addresses do not depend on it.
fn base(req: &HttpRequest) -> String {
    let scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    };
    let host = req
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map_or_else(|| req.app_config().host().to_owned(), str::to_owned);
    format!("{scheme}://{host}")
}

/// The newest published items as Atom
///
/// The 20 newest published items (news unless `kind` says otherwise), each with its site
/// address, summary, author and times.
#[utoipa::path(
    operation_id = "getAtomFeed",
    tag = "public",
    params(FeedParams),
    responses(
        (status = 200, description = "An Atom 1.0 feed", content_type = "application/atom+xml", body = String,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 422, description = "An unknown kind", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/feed.atom")]
pub async fn atom(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let base = base(&req);
    let key = format!("atom {base}?{}", req.query_string());
    etagged(&state, &req, key, ATOM, || async {
        let params = parse_query::<FeedParams>(req.query_string())?;
        let kinds = match params.kind.as_deref() {
            None | Some("") => vec![Kind::News.as_str().to_owned()],
            Some(list) => Kind::parse_list(list)
                .map_err(|m| {
                    AppError::Validation(vec![FieldError::new("kind", ErrorCode::InvalidChoice, m)])
                })?
                .into_iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        };
        let tag = params.tag.filter(|t| !t.is_empty());
        let self_url = format!(
            "{base}/api/v1/feed.atom{}",
            if req.query_string().is_empty() {
                String::new()
            } else {
                format!("?{}", req.query_string())
            }
        );
        let now = Utc::now().naive_utc();
        let xml = state
            .db
            .read(move |c| feeds::atom(c, kinds, tag, now, &base, &self_url))
            .await?;
        Ok(Bytes::from(xml))
    })
    .await
}

const ATOM: &str = "application/atom+xml";
const XML: &str = "application/xml";

/// Every published item's address
///
/// The sitemap protocol's `urlset` (each item's site address and when it last changed), or
/// with more than 50 000 items an index of pages (`?page=N`).
#[utoipa::path(
    operation_id = "getSitemap",
    tag = "public",
    params(SitemapParams),
    responses(
        (status = 200, description = "A sitemap or sitemap index", content_type = "application/xml", body = String,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such page", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A page that is not a whole number", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/sitemap.xml")]
pub async fn sitemap(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let base = base(&req);
    let key = format!("sitemap {base}?{}", req.query_string());
    etagged(&state, &req, key, XML, || async {
        let params = parse_query::<SitemapParams>(req.query_string())?;
        let page = match params.page.as_deref() {
            None | Some("") => None,
            Some(p) => Some(p.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                AppError::Validation(vec![FieldError::new(
                    "page",
                    ErrorCode::OutOfRange,
                    "must be a whole number from 1",
                )])
            })?),
        };
        let sitemap_url = format!("{base}/sitemap.xml");
        let now = Utc::now().naive_utc();
        let xml = state
            .db
            .run(move |c| feeds::sitemap(c, page, now, &base, &sitemap_url))
            .await?
            .ok_or_else(|| AppError::not_found("The sitemap has no such page."))?;
        Ok(Bytes::from(xml))
    })
    .await
}
