//! `GET /metrics`: the Prometheus scrape, off unless a metrics token is configured.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::AppError;
use crate::state::AppState;
use crate::telemetry::metrics::{CONTENT_TYPE, PoolGauges, render};

/// Get Prometheus metrics
#[utoipa::path(
    operation_id = "getMetrics",
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text format: `http_requests_total` and `http_request_duration_seconds` by method, route pattern and status, `db_pool_connections`, `db_pool_idle_connections`, `db_pool_max_connections`, `scheduled_changes_applied_total`, `public_answers_total` by result (hit or miss)", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "Missing or wrong metrics token", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Metrics are off (no `--metrics-token` configured)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(token) = &state.config.metrics_token else {
        return Err(AppError::not_found("No such resource."));
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !presented.is_some_and(|p| token.matches(p)) {
        return Err(AppError::Unauthorized);
    }
    let pool = state.db.state();
    let body = render(
        PoolGauges {
            connections: pool.connections,
            idle: pool.idle_connections,
            max: state.config.pool_size,
        },
        state.answers.counts(),
    );
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .content_type(CONTENT_TYPE)
        .body(body))
}
