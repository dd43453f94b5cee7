//! `GET /admin/memberships`: sign-ups, newest first, filtered and paged.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{MembershipOut, MembershipQuery, PageQuery, decode_cursor, encode_cursor};
use crate::api::extract::{OtherParams, limit, unknown_params};
use crate::auth::{Auth, policy::Members};
use crate::db::memberships as db;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct MembershipList {
    pub items: Vec<MembershipOut>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// How many records match the filters, over all pages.
    pub total: i64,
}

/// The list's query: the filters, the paging and anything else (refused by name).
#[derive(Deserialize)]
pub struct ListParams {
    #[serde(flatten)]
    filters: MembershipQuery,
    #[serde(flatten)]
    page: PageQuery,
    #[serde(flatten)]
    other: OtherParams,
}

/// List membership sign-ups
#[utoipa::path(
    operation_id = "listMemberships",
    tag = "memberships",
    params(MembershipQuery, PageQuery),
    responses(
        (status = 200, description = "A page of sign-ups", body = MembershipList),
        (status = 400, description = "A cursor that is not ours", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see members", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad filter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/memberships")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<Members>,
    query: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let ListParams {
        filters,
        page,
        other,
    } = query.into_inner();
    let mut errors = Vec::new();
    unknown_params(&other, &mut errors);
    let filter = filters.into_filter(&mut errors);
    let limit = limit(page.limit.as_deref(), 20, 100, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let after = page
        .cursor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let page = state
        .db
        .run(move |c| {
            let mut rows = db::list(c, &filter, after.as_deref(), limit + 1)?;
            let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            let total = db::count(c, &filter)?;
            let emails: Vec<String> = rows.iter().map(|m| m.email.clone()).collect();
            let counts = db::email_counts(c, &emails)?;
            let next_cursor = if more {
                rows.last().map(|m| encode_cursor(&m.id))
            } else {
                None
            };
            let items = rows
                .into_iter()
                .map(|m| {
                    let n = counts.get(&m.email).copied().unwrap_or(1);
                    MembershipOut::new(m, n)
                })
                .collect();
            Ok(MembershipList {
                items,
                next_cursor,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(page))
}
