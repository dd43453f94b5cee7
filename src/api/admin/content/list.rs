//! `GET /admin/content`

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use strum::VariantArray;
use utoipa::IntoParams;

use crate::auth::{Auth, policy::Content};
use crate::db::content::list::{Cursor, Filter, list as list_items};
use crate::db::content::now;
use crate::domain::content::view::{AdminList, AdminListItem};
use crate::domain::content::{Kind, Sort, Status};
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::startup::AppState;

const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

/// Filters, all optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma list of `draft`, `scheduled`, `published`, `changed`, `archived`.
    pub status: Option<String>,
    /// Comma list of kinds.
    pub kind: Option<String>,
    /// Items whose latest version has this tag.
    pub tag: Option<String>,
    /// Case-insensitive text in the title.
    pub q: Option<String>,
    /// RFC 3339; items updated at or after this time.
    pub updated_since: Option<String>,
    /// `-updated_at` (default), `updated_at`, `title`, `-published_at`, `published_at`.
    pub sort: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn parse(q: &HashMap<String, String>) -> AppResult<Filter> {
    let mut errors = Vec::new();
    let mut f = Filter {
        limit: DEFAULT_LIMIT,
        now: now(),
        ..Filter::default()
    };
    for (key, value) in q {
        let value = value.trim();
        match key.as_str() {
            "status" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    match Status::parse(part) {
                        Some(s) if !f.statuses.contains(&s) => f.statuses.push(s),
                        Some(_) => {}
                        None => errors.push(FieldError::new(
                            "status",
                            format!(
                                "unknown status '{part}'; one of draft, scheduled, published, changed, archived"
                            ),
                        )),
                    }
                }
            }
            "kind" => match Kind::parse_list(value) {
                Ok(k) => f.kinds = k,
                Err(m) => errors.push(FieldError::new("kind", m)),
            },
            "tag" => f.tag = (!value.is_empty()).then(|| value.to_owned()),
            "q" => {
                if value.chars().count() > 200 {
                    errors.push(FieldError::new("q", "must be at most 200 characters"));
                }
                f.q = (!value.is_empty()).then(|| value.to_owned());
            }
            "updated_since" => match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(t) => f.updated_since = Some(t.naive_utc()),
                Err(_) => errors.push(FieldError::new(
                    "updated_since",
                    "must be an RFC 3339 time such as 2026-11-24T09:00:00Z",
                )),
            },
            "sort" => match Sort::parse(value) {
                Some(s) => f.sort = s,
                None => errors.push(FieldError::new(
                    "sort",
                    format!("must be one of {}", Sort::names(Sort::VARIANTS)),
                )),
            },
            "limit" => match value.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => f.limit = n,
                _ => errors.push(FieldError::new(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_LIMIT}"),
                )),
            },
            "cursor" => {}
            other => errors.push(FieldError::new(other, "is not a known parameter")),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(AppError::Validation(errors));
    }
    if let Some(c) = q.get("cursor").map(|c| c.trim()).filter(|c| !c.is_empty()) {
        f.cursor = Some(Cursor::decode(c, f.sort)?);
    }
    Ok(f)
}

#[utoipa::path(
    tag = super::TAG,
    params(ListQuery),
    responses(
        (status = 200, description = "A page of items, drafts and archived ones included", body = AdminList),
        (status = 400, description = "A cursor this API did not hand out", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad parameter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    query: web::Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let filter = parse(&query)?;
    let page = state.db.run(move |c| list_items(c, &filter)).await?;
    let now = now();
    let items = page
        .rows
        .iter()
        .map(|(row, v)| AdminListItem::build(row, v, now))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AdminList {
            items,
            next_cursor: page.next_cursor,
            total: page.total,
        }))
}
