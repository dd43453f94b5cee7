//! Logging set-up and the per-request id that ties a log line to an error answer.

pub mod batched;
pub mod metrics;
mod request_line;

use std::io::IsTerminal;
use std::rc::Rc;
use std::time::{Instant, SystemTime};

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

tokio::task_local! {
    static REQUEST_ID: Rc<str>;
}

/// The id of the request being answered, or a fresh one outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(ToString::to_string)
        .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string())
}

/// Logs to stderr, as `text` or `json`. Lines are gathered in memory and written by a
/// background thread (see [`batched`]), so a request never waits on a slow terminal or log
/// pipe, and no line is dropped. Keep the guard until exit: dropping it writes what is left.
pub fn init(format: &str) -> batched::Guard {
    use tracing_subscriber::EnvFilter;
    let (writer, guard) = batched::batched(std::io::stderr());
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // Colours only for a person watching: a log file or collector gets plain text.
    let ansi = std::io::stderr().is_terminal();
    let json = format == "json";
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer.clone());
    let installed = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if installed.is_ok() && !ansi {
        request_line::write_directly(writer, json);
    }
    guard
}

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// One log line per request: method, route pattern (never the path or the query, which may
/// hold personal data), status, duration and request id; the same numbers feed the metrics.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut id = [0u8; 36];
    let id: &str = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut id);
    let start = Instant::now();
    let method = req.method().clone();
    let res = REQUEST_ID.scope(Rc::from(id), next.call(req)).await;
    let elapsed = start.elapsed().as_secs_f64();
    let (route, status) = match &res {
        Ok(res) => (
            res.request()
                .match_pattern()
                .unwrap_or_else(|| "(unmatched)".to_owned()),
            res.status().as_u16(),
        ),
        Err(e) => (
            "(unmatched)".to_owned(),
            e.as_response_error().status_code().as_u16(),
        ),
    };
    crate::telemetry::metrics::record_request(method.as_str(), &route, status, elapsed);
    if tracing::enabled!(target: request_line::TARGET, tracing::Level::INFO) {
        request_line::log(&request_line::RequestLine {
            at: SystemTime::now(),
            method: method.as_str(),
            route: &route,
            status,
            duration_ms: elapsed * 1000.0,
            request_id: id,
        });
    }
    let mut res = res?;
    if let Ok(v) = HeaderValue::from_str(id) {
        res.headers_mut().insert(X_REQUEST_ID.clone(), v);
    }
    Ok(res)
}
