//! `GET /admin/memberships`: sign-ups, newest first, filtered and paged.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{MembershipOut, MembershipQuery, PageQuery, decode_cursor, encode_cursor};
use crate::auth::{Auth, policy::Members};
use crate::db::memberships as db;
use crate::error::{AppError, AppResult, FieldError, Problem};
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
    query: web::Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let mut errors = Vec::new();
    let filter = super::parse_filter(&query, &["cursor", "limit"], &mut errors);
    let limit = match query.get("limit").map(|v| v.trim()) {
        None | Some("") => 20,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    "limit",
                    "must be a whole number from 1 to 100",
                ));
                20
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let after = query
        .get("cursor")
        .map(|c| c.trim())
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
