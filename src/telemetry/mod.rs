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
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt as _;

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
    let (writer, guard) = batched::batched(std::io::stderr());
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // Colours only for a person watching: a log file or collector gets plain text.
    let ansi = std::io::stderr().is_terminal();
    let json = format == "json";
    let installed = subscriber(json, ansi, filter, writer.clone()).try_init();
    if installed.is_ok() && !ansi {
        request_line::write_directly(writer, json);
    }
    guard
}

/// `tracing_subscriber`'s own format, text or JSON, written to `writer`.
fn subscriber<W>(json: bool, ansi: bool, filter: EnvFilter, writer: W) -> tracing::Dispatch
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer);
    if json {
        builder.json().finish().into()
    } else {
        builder.finish().into()
    }
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The log lines of one `GET` through [`log_requests`], in the given format, written
    /// through the batched output as the server writes them; and the answer's request id.
    async fn logged(json: bool, uri: &str) -> (String, String) {
        let sink = Sink::default();
        let (writer, guard) = batched::batched(sink.clone());
        let dispatch = subscriber(json, false, EnvFilter::new("info"), writer);
        let _default = tracing::dispatcher::set_default(&dispatch);
        let app = test::init_service(
            App::new()
                .route(
                    "/api/v1/content/{kind}/{slug}",
                    web::get().to(|| async { HttpResponse::NotModified().finish() }),
                )
                .wrap(from_fn(log_requests)),
        )
        .await;
        let res = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(res.status(), 304);
        let id = res
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        drop(guard);
        let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        (log, id)
    }

    #[actix_web::test]
    async fn the_json_request_line_has_route_status_duration_and_id_but_no_path() {
        let (log, id) = logged(true, "/api/v1/content/news/geheim?email=lid%40school.nl").await;
        let lines: Vec<serde_json::Value> = log
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 1, "{log}");
        let line = &lines[0];
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["target"], "oa_cms::telemetry");
        let fields = &line["fields"];
        assert_eq!(fields["message"], "request");
        assert_eq!(fields["method"], "GET");
        assert_eq!(fields["route"], "/api/v1/content/{kind}/{slug}");
        assert_eq!(fields["status"], 304);
        assert_eq!(fields["request_id"], id.as_str());
        let ms = fields["duration_ms"].as_str().unwrap();
        assert!(ms.parse::<f64>().is_ok() && ms.split_once('.').unwrap().1.len() == 2);
        for secret in ["geheim", "email", "school"] {
            assert!(!log.contains(secret), "{log}");
        }
    }

    #[actix_web::test]
    async fn the_text_request_line_reads_as_before() {
        let (log, id) = logged(false, "/api/v1/content/news/geheim").await;
        let (_time, rest) = log.trim_start().split_once(' ').unwrap();
        let expected = " INFO oa_cms::telemetry: request method=GET \
            route=/api/v1/content/{kind}/{slug} status=304 duration_ms=\"";
        assert!(rest.starts_with(expected), "{log}");
        assert!(rest.ends_with(&format!("\" request_id={id}\n")), "{log}");
        assert_eq!(log.lines().count(), 1);
    }
}
