//! The staff UI at `/admin`: a small single-page app (plain ES modules and one style sheet,
//! sources in `admin-ui/`) embedded in the binary, served under a strict Content Security
//! Policy. The app itself talks to the admin API; nothing here reads the database.

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

use crate::api::conditional::none_match;

#[derive(RustEmbed)]
#[folder = "admin-ui/"]
struct Assets;

/// No inline script or style anywhere, nothing from other hosts, never framed by others.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; object-src 'self'; frame-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// `/admin` and everything under it (kept out of the OpenAPI document: it is no API).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(
                DefaultHeaders::new()
                    .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "same-origin"))
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            .route("", web::get().to(index))
            .route("/{path:.*}", web::get().to(asset)),
    );
}

async fn index() -> HttpResponse {
    page()
}

/// The shell page: never cached without asking, so a new binary's UI shows at once.
fn page() -> HttpResponse {
    match Assets::get("index.html") {
        Some(file) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(file.data.into_owned()),
        None => not_found(),
    }
}

/// An embedded asset by path; any other path without a file extension is a screen of the
/// app (its router reads the address), so it gets the shell page.
async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    if path.is_empty() || path == "index.html" {
        return page();
    }
    let Some(file) = Assets::get(&path) else {
        let last = path.rsplit('/').next().unwrap_or_default();
        return if last.contains('.') {
            not_found()
        } else {
            page()
        };
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = none_match(&req, &etag);
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::ETAG, etag))
        // Names carry no hash, so a browser asks again each time; the ETag makes that a 304.
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if fresh {
        return resp.finish();
    }
    resp.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    ))
    .body(file.data.into_owned())
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Niet gevonden.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_has_a_known_type() {
        for name in Assets::iter() {
            assert_ne!(
                content_type(&name),
                "application/octet-stream",
                "{name} would be served without a type"
            );
        }
    }

    #[test]
    fn the_shell_page_is_embedded() {
        assert!(Assets::get("index.html").is_some());
        assert!(Assets::get("app.js").is_some());
        assert!(Assets::get("style.css").is_some());
    }
}
