//! The public delivery API: published content only, no authentication, cacheable.

pub mod content;
pub mod cursor;
pub mod feeds;
pub mod site;
pub mod sync;

use actix_web::http::header::{self, AcceptEncoding, Encoding, Header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use crate::state::AppState;
use crate::usecase::answers::Answer;

/// Bodies smaller than this are sent as they are: compressing them gains too little.
const GZIP_FROM: usize = 1024;

/// Whether the client takes gzip (`Accept-Encoding`, with its q-values).
fn takes_gzip(req: &HttpRequest) -> bool {
    AcceptEncoding::parse(req).is_ok_and(|a| {
        !a.0.is_empty()
            && a.negotiate([Encoding::gzip(), Encoding::identity()].iter())
                == Some(Encoding::gzip())
    })
}

/// A JSON answer without an ETag (a list page, a sync page), with the public caching. Sent
/// gzip-compressed when the client takes gzip and the answer is kept in memory and big
/// enough: it is compressed once, on the first such request, and kept with the answer.
pub(crate) fn json_answer(
    state: &AppState,
    req: &HttpRequest,
    kept: Option<&Answer>,
    body: Bytes,
) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CACHE_CONTROL, state.public_cache_control.clone()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .content_type("application/json");
    match kept {
        Some(answer) if body.len() >= GZIP_FROM && takes_gzip(req) => res
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(answer.gzip()),
        _ => res.body(body),
    }
}
