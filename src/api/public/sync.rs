//! `GET /sync`: the sync feed, for sites and build servers that keep a copy of the published
//! content (see `usecase::sync`).

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{limit, parse_query};
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::sync::{self, Position, SyncPage};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// Entries per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000, default = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page; without it the feed starts with every published
    /// item.
    cursor: Option<String>,
}

/// Follow what changed in the published content
///
/// Without a cursor: every published item as an `upsert`, then (following `next_cursor`)
/// every change after that moment. An unpublication, an archive or a slug change (the old
/// slug) is a `delete`; a publication, a new version or a changed answer (e.g. an item it
/// refers to changed) an `upsert`. Follow `next_cursor` while `has_more`; keep the last
/// one and ask again later for what changed since.
#[utoipa::path(
    operation_id = "syncContent",
    tag = "public",
    params(SyncParams),
    responses(
        (status = 200, description = "A page of the feed", body = SyncPage),
        (status = 400, description = "A cursor that is not ours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/sync")]
pub async fn sync_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let key = format!("sync?{}", req.query_string());
    let stamp = state.answers.stamp(&state.db).await?;
    if let Some(hit) = state.answers.get(&key, stamp) {
        return Ok(super::json_answer(
            &state,
            &req,
            Some(&hit),
            hit.body.clone(),
        ));
    }
    let params = parse_query::<SyncParams>(req.query_string())?;
    let mut errors = Vec::new();
    let limit = limit(params.limit.as_deref(), 100, 1000, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let from = params
        .cursor
        .filter(|c| !c.trim().is_empty())
        .map(|c| Position::decode(&c))
        .transpose()?;
    // Most reads need not wait for writers in progress; those that do read again, waiting.
    let again = from.clone();
    let page = match state
        .db
        .run(move |c| sync::read(c, from, limit, false))
        .await?
    {
        Some(page) => page,
        None => state
            .db
            .tx(move |c| sync::read(c, again, limit, true))
            .await?
            .ok_or_else(|| AppError::internal("a read that waited gave no page"))?,
    };
    let body = Bytes::from(serde_json::to_vec(&page)?);
    let kept = state.answers.put(key, stamp, None, body.clone());
    Ok(super::json_answer(&state, &req, kept.as_ref(), body))
}
