//! What every request passes before routing: HEAD answered as GET, and the refusals that
//! hold for every route alike (an over-long URL, a NUL character in the path or query,
//! which PostgreSQL cannot store and SQLite would), so no handler has to think of them.

use actix_web::HttpRequest;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

use crate::api::extract::NUL_MESSAGE;
use crate::error::{AppError, ErrorCode, FieldError};

/// The longest path and query we read, in bytes; longer ones are answered 414. (A URL of
/// 64 KiB or more cannot be parsed by the HTTP layer, which answers a bare 400 before any of
/// this runs; a request head past 128 KiB gets a bare 431.)
pub const MAX_URI_BYTES: usize = 8 * 1024;

pub async fn screen(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // HEAD is answered as GET (RFC 9110 §9.3.2): the routes are declared for GET, and the
    // HTTP layer, which saw the request as HEAD, sends the headers without the body.
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    if let Some(refusal) = refusal(req.request()) {
        return Ok(req.error_response(refusal).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn refusal(req: &HttpRequest) -> Option<AppError> {
    let path = req.uri().path();
    let query = req.uri().query().unwrap_or("");
    if path.len() + query.len() > MAX_URI_BYTES {
        return Some(AppError::UriTooLong(format!(
            "The URL is longer than {MAX_URI_BYTES} bytes."
        )));
    }
    if memchr::memmem::find(path.as_bytes(), b"%00").is_some() {
        return Some(AppError::not_found("No such resource."));
    }
    if memchr::memmem::find(query.as_bytes(), b"%00").is_some() {
        let names: Vec<FieldError> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, v)| k.contains('\0') || v.contains('\0'))
            .map(|(k, _)| {
                let name = k.replace('\0', "");
                FieldError::new(
                    if name.is_empty() {
                        "query".into()
                    } else {
                        name
                    },
                    ErrorCode::InvalidFormat,
                    NUL_MESSAGE,
                )
            })
            .collect();
        if !names.is_empty() {
            return Some(AppError::BadParameters(names));
        }
    }
    None
}
