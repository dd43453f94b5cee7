//! `/admin/content`: content items, their versions, and their publication, one file per
//! action. Every read of an item carries `ETag: "<id>:<version>"`; every write needs it
//! back in `If-Match`.

pub mod archive;
pub mod create;
pub mod diff;
pub mod list;
pub mod preview;
pub mod publish;
pub mod read;
pub mod restore;
pub mod unarchive;
pub mod unpublish;
pub mod unschedule;
pub mod update;
pub mod version;
pub mod versions;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::conditional;
use crate::api::extract::{is_json, parse_json};
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::usecase::content::view::AdminItem;

pub const TAG: &str = "content";

/// The versions of item `id` that the request's `If-Match` names: 428 without the header.
/// An ETag of another item, a weak one (If-Match compares strongly), `*` or a malformed
/// value names no version, which the write then answers with 412.
pub fn if_match(req: &HttpRequest, id: &str) -> AppResult<Vec<i64>> {
    let tags = conditional::if_match(req).ok_or(AppError::PreconditionRequired)?;
    Ok(tags
        .iter()
        .filter_map(|t| {
            let (tid, n) = t.tag().rsplit_once(':')?;
            // Exactly as we wrote it: `"<id>:01"` names no version.
            let version = n.parse::<i64>().ok()?;
            (tid == id && version.to_string() == n).then_some(version)
        })
        .collect())
}

/// An answer carrying the item and its ETag.
pub fn item_response(status: StatusCode, item: &AdminItem, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, item.etag()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// A change of item `id`'s state that makes no version (publish, archive, ...): checked
/// against the request's `If-Match`, run in one transaction, answered with the item.
pub async fn change_state<F>(
    state: &AppState,
    actor: Actor,
    req: &HttpRequest,
    id: String,
    change: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut AnyConnection, &Actor, &str, &[i64]) -> AppResult<AdminItem> + Send + 'static,
{
    let expected = if_match(req, &id)?;
    let item = state
        .db
        .tx(move |c| change(c, &actor, &id, &expected))
        .await?;
    Ok(item_response(StatusCode::OK, &item, &item))
}

/// A JSON body that may be left out entirely (then `T::default()`).
pub fn optional_json<T: DeserializeOwned + Default>(
    req: &HttpRequest,
    body: &web::Bytes,
) -> AppResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    if !is_json(req) {
        return Err(AppError::UnsupportedMediaType(
            "The body must be application/json.".into(),
        ));
    }
    parse_json(body)
}
