//! Conditional requests (RFC 9110 §13).

use actix_web::http::header::{self, HeaderMap};

/// Whether an `If-None-Match` list names this entity tag (weak comparison, RFC 9110 §13.1.2).
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}
