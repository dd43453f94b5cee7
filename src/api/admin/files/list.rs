//! `GET /admin/files`: the media library, newest first, filtered and paged by cursor.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};

use crate::auth::{Auth, policy::Content};
use crate::db::files;
use crate::domain::files::{FileList, FileRecord, encode_cursor, parse_filter};
use crate::error::{AppResult, Problem};
use crate::state::AppState;

/// List uploaded files
#[utoipa::path(
    operation_id = "listFiles",
    tag = "files",
    params(
        ("type" = Option<String>, Query, description = "A major type (`image`) or a full media type (`application/pdf`)"),
        ("q" = Option<String>, Query, description = "Text in the file name or label, any case"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "One page of files, newest first", body = FileList),
        (status = 400, description = "A cursor this API did not hand out", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read files", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad or unknown parameter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/files")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    query: web::Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let mut filter = parse_filter(&query)?;
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    // One more than the page, to know whether another page follows.
    filter.limit += 1;
    let (mut rows, total) = state.db.run(move |c| files::list(c, &filter)).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(&r.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(FileList {
        items: rows.into_iter().map(FileRecord::from).collect(),
        next_cursor,
        total,
    }))
}
