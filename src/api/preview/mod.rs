//! `/preview/{token}`: what a preview link shows, to anyone holding it: a version of an item
//! in the public shape, and the files it uses. Never kept by shared caches.

pub mod file;
pub mod show;

use actix_web::http::header::HeaderValue;

/// Drafts are for the holder of the link alone.
pub fn cache_control() -> HeaderValue {
    HeaderValue::from_static("private, no-store")
}
