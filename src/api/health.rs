//! `GET /health`: the process is up and the database answers; `GET /health/ready`: this
//! process should get traffic.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: &'static str,
    /// `ok` when a query round trip to the database succeeded.
    pub database: &'static str,
}

/// Check that the service and its database are up
#[utoipa::path(
    operation_id = "getHealth",
    tag = "health",
    responses(
        (status = 200, description = "Up, database reachable", body = Health),
        (status = 503, description = "Database unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let ok = state
        .db
        .run(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(c)?;
            Ok(())
        })
        .await;
    match ok {
        Ok(()) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(Health {
                status: "ok",
                database: "ok",
            })),
        Err(_) => Err(AppError::Unavailable("The database is unreachable.".into())),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`
    pub status: &'static str,
}

/// How long readiness waits for a database connection before it reports the pool exhausted.
const POOL_WAIT: Duration = Duration::from_secs(1);

/// Check that this process should get traffic
#[utoipa::path(
    operation_id = "getReadiness",
    tag = "health",
    responses(
        (status = 200, description = "Migrations and first-start work are done, not shutting down, and a database connection is available within a second", body = Ready),
        (status = 503, description = "Starting, shutting down, or no database connection to be had", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if !state.lifecycle.is_ready() {
        let detail = if state.lifecycle.is_stopping() {
            "The server is shutting down."
        } else {
            "The server is starting."
        };
        return Err(AppError::Unavailable(detail.into()));
    }
    let pool = state.db.pool().clone();
    let got = web::block(move || {
        use diesel::RunQueryDsl;
        let mut conn = pool.get_timeout(POOL_WAIT).ok()?;
        let answered = diesel::sql_query("SELECT 1").execute(&mut **conn).ok();
        if answered.is_none() {
            // Checked again before anyone else takes it.
            conn.suspect();
        }
        answered
    })
    .await
    .ok()
    .flatten();
    if got.is_none() {
        return Err(AppError::Unavailable(
            "No database connection is available.".into(),
        ));
    }
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Ready { status: "ready" }))
}
