//! `GET /content` and `GET /content/{kind}/{slug}`: published items, served from the
//! public read model as stored JSON.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::Digest;
use utoipa::openapi::schema::Object;
use utoipa::{IntoParams, ToSchema};

use super::cursor;
use crate::api::conditional::none_match;
use crate::api::extract::{limit, parse_query, words_schema};
use crate::db::public::query::{self, After, Key, ListQuery};
use crate::domain::content::{Kind, Sort};
use crate::domain::search;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::public_docs::PublicItem;

/// The query of the public list, as the OpenAPI document shows it. Values are read as
/// text and checked in [`ListParams::into_query`], so that every bad one is named.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Comma list of kinds.
    #[param(value_type = Option<Vec<Kind>>, style = Form, explode = false)]
    kind: Option<String>,
    /// Only items with this tag.
    tag: Option<String>,
    /// Full-text search over title, summary and body (Dutch stemming, diacritics folded);
    /// results ranked by relevance.
    q: Option<String>,
    #[param(schema_with = public_sorts)]
    sort: Option<String>,
    /// RFC 3339; items updated at or after (inclusive), for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    updated_since: Option<String>,
    /// Items per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    // Other parameters are ignored: CDNs, analytics links and cache busters add their own
    // (`utm_source`, `_`), and a public URL must keep working with them.
}

fn public_sorts() -> Object {
    let mut schema = words_schema(Sort::PUBLIC.map(Sort::as_str));
    schema.default = Some(Sort::PublishedDesc.as_str().into());
    schema.description = Some("The order, newest published first by default.".into());
    schema
}

/// A page of published items. Each item is the JSON stored when it was published, embedded
/// as it is.
#[derive(Serialize, ToSchema)]
pub struct PublicList {
    #[schema(value_type = Vec<PublicItem>)]
    pub items: Vec<Box<RawValue>>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub total: i64,
}

fn cache_control(state: &AppState) -> (header::HeaderName, HeaderValue) {
    (header::CACHE_CONTROL, state.public_cache_control.clone())
}

impl ListParams {
    /// The list query, or a 422 naming every bad parameter (400 for a cursor not ours).
    fn into_query(self) -> Result<ListQuery, AppError> {
        let mut errors = Vec::new();
        let kinds: Vec<String> = self
            .kind
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = kinds.iter().find(|k| Kind::parse(k).is_none()) {
            errors.push(FieldError::new(
                "kind",
                ErrorCode::InvalidChoice,
                format!("'{bad}' is not a kind; use {}", Kind::choices()),
            ));
        }
        let sort = match self.sort.as_deref() {
            None | Some("") => Sort::PublishedDesc,
            Some(s) => Sort::parse(s)
                .filter(|s| Sort::PUBLIC.contains(s))
                .unwrap_or_else(|| {
                    errors.push(FieldError::new(
                        "sort",
                        ErrorCode::InvalidChoice,
                        "must be -published_at, published_at, title, -updated_at or position",
                    ));
                    Sort::PublishedDesc
                }),
        };
        let updated_since = self.updated_since.and_then(|v| {
            crate::domain::time::parse_rfc3339(&v)
                .map(|t| t.naive_utc())
                .map_err(|m| {
                    errors.push(FieldError::new(
                        "updated_since",
                        ErrorCode::InvalidFormat,
                        m,
                    ));
                })
                .ok()
        });
        let limit = limit(self.limit.as_deref(), 20, 100, &mut errors);
        let q = self
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| {
                if q.chars().count() > 200 {
                    errors.push(FieldError::new(
                        "q",
                        ErrorCode::TooLong,
                        "must be at most 200 characters",
                    ));
                }
                search::query_stems(q)
            });
        let tag = self.tag.filter(|t| !t.is_empty());
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let after = self
            .cursor
            .filter(|c| !c.is_empty())
            .map(|c| cursor::decode(&c, sort, q.is_some()))
            .transpose()?;
        Ok(ListQuery {
            kinds,
            tag,
            q,
            sort,
            updated_since,
            limit,
            after,
            now: Utc::now().naive_utc(),
        })
    }
}

/// List published content
#[utoipa::path(
    operation_id = "listPublicContent",
    tag = "public",
    params(ListParams),
    responses(
        (status = 200, description = "Published items, newest first by default", body = PublicList),
        (status = 400, description = "A cursor that is not ours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown kind or sort, bad time or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/content")]
pub async fn list(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    // Only answers to valid queries are stored, so a stored one needs no checking (nor
    // parsing: the query is read only when the answer is not in memory).
    let key = format!("?{}", req.query_string());
    let stamp = state.answers.stamp(&state.db).await?;
    if let Some(hit) = state.answers.get(&key, stamp) {
        return Ok(super::json_answer(
            &state,
            &req,
            Some(&hit),
            hit.body.clone(),
        ));
    }
    let q = parse_query::<ListParams>(req.query_string())?.into_query()?;
    let ranked = q.q.is_some();
    let no_terms = q.q.as_ref().is_some_and(Vec::is_empty);
    let (limit, sort) = (q.limit, q.sort);
    let offset = match &q.after {
        Some(After::Offset(o)) => *o,
        _ => 0,
    };
    let (mut rows, total) = if no_terms {
        (Vec::new(), 0)
    } else {
        // A search ranks every match, which can take a while: not on the request thread.
        if ranked {
            state.db.run(move |c| query::list(c, &q)).await?
        } else {
            state.db.read(move |c| query::list(c, &q)).await?
        }
    };
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = match (more, rows.last()) {
        (true, Some(_)) if ranked => Some(cursor::encode_offset(offset + limit)),
        (true, Some(last)) => {
            let key = match sort {
                Sort::PublishedDesc | Sort::PublishedAsc => {
                    Key::Time(query::Row::time(&last.published_at)?)
                }
                Sort::UpdatedDesc | Sort::UpdatedAsc => {
                    Key::Time(query::Row::time(&last.updated_at)?)
                }
                Sort::Title => Key::Text(last.title_key.clone()),
                Sort::Position => Key::Text(last.position_key.clone()),
            };
            Some(cursor::encode_key(sort, &key, &last.id))
        }
        _ => None,
    };
    // The rows hold their JSON already: embedded as it is, not serialised again.
    let items = rows
        .into_iter()
        .map(|r| RawValue::from_string(r.list_json))
        .collect::<Result<Vec<_>, _>>()?;
    let body = serde_json::to_vec(&PublicList {
        items,
        next_cursor: next,
        total,
    })?;
    let body = Bytes::from(body);
    let kept = state.answers.put(key, stamp, None, body.clone());
    Ok(super::json_answer(&state, &req, kept.as_ref(), body))
}

/// Get a published content item
#[utoipa::path(
    operation_id = "getPublicContent",
    tag = "public",
    params(
        ("kind" = crate::domain::content::Kind, Path, description = "The item's kind"),
        ("slug" = String, Path),
    ),
    responses(
        (status = 200, description = "The published version, with `body` and `body_html`", body = PublicItem,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such published item, or unknown kind", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/content/{kind}/{slug}")]
pub async fn item(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (kind, slug) = path.into_inner();
    if Kind::parse(&kind).is_none() {
        return Err(AppError::not_found(format!(
            "'{kind}' is not a content kind."
        )));
    }
    let stamp = state.answers.stamp(&state.db).await?;
    if let Some(hit) = state.answers.get(req.path(), stamp)
        && let Some(etag) = hit.etag
    {
        return Ok(item_response(&state, &req, etag, hit.body));
    }
    let now = Utc::now().naive_utc();
    let gone = || AppError::not_found("No published item has this slug.");
    // Without the answers in memory, a conditional request reads the ETag alone first: when
    // it still matches, the document itself is never read. With them, the document is read
    // and kept, so the next request is answered from memory.
    if stamp.is_none() && req.headers().contains_key(header::IF_NONE_MATCH) {
        let (k, s) = (kind.clone(), slug.clone());
        let etag = state
            .db
            .read(move |c| query::etag_by_slug(c, &k, &s, now))
            .await?
            .ok_or_else(gone)?;
        if none_match(&req, &etag) {
            return Ok(not_modified(&state, etag_value(&etag)?));
        }
    }
    let (etag, json) = state
        .db
        .read(move |c| query::by_slug(c, &kind, &slug, now))
        .await?
        .ok_or_else(gone)?;
    let (etag, body) = (etag_value(&etag)?, Bytes::from(json));
    state.answers.put(
        req.path().to_owned(),
        stamp,
        Some(etag.clone()),
        body.clone(),
    );
    Ok(item_response(&state, &req, etag, body))
}

fn etag_value(etag: &str) -> AppResult<HeaderValue> {
    HeaderValue::from_str(etag).map_err(|_| AppError::internal("a stored ETag is not a header"))
}

fn not_modified(state: &AppState, etag: HeaderValue) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header(cache_control(state))
        .insert_header((header::ETAG, etag))
        .finish()
}

/// 304 when the request's `If-None-Match` names `etag`, else the item.
pub(super) fn item_response(
    state: &AppState,
    req: &HttpRequest,
    etag: HeaderValue,
    body: Bytes,
) -> HttpResponse {
    conditional(state, req, etag, body, "application/json")
}

/// An answer built from the public rows, with an ETag of its bytes, kept in memory under
/// `key`: served from there while the stamp it was built under holds, else built by `build`
/// (whose errors are not kept); 304 when `If-None-Match` names its ETag.
pub(crate) async fn etagged<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    content_type: &'static str,
    build: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<Bytes>>,
{
    let stamp = state.answers.stamp(&state.db).await?;
    if let Some(hit) = state.answers.get(&key, stamp)
        && let Some(etag) = hit.etag
    {
        return Ok(conditional(state, req, etag, hit.body, content_type));
    }
    let body = build().await?;
    let etag = etag_value(&format!(
        "\"{}\"",
        &hex::encode(sha2::Sha256::digest(&body))[..32]
    ))?;
    state
        .answers
        .put(key, stamp, Some(etag.clone()), body.clone());
    Ok(conditional(state, req, etag, body, content_type))
}

/// 304 when the request's `If-None-Match` names `etag`, else `body` as `content_type`, with
/// the public caching.
pub(crate) fn conditional(
    state: &AppState,
    req: &HttpRequest,
    etag: HeaderValue,
    body: Bytes,
    content_type: &'static str,
) -> HttpResponse {
    if none_match(req, etag.to_str().unwrap_or_default()) {
        return not_modified(state, etag);
    }
    HttpResponse::Ok()
        .insert_header(cache_control(state))
        .insert_header((header::ETAG, etag))
        .content_type(content_type)
        .body(body)
}
