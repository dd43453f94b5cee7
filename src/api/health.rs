//! `GET /health`: the process is up and the database answers.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::startup::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: &'static str,
    /// `ok` when a query round trip to the database succeeded.
    pub database: &'static str,
}

#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Up, database reachable", body = Health),
        (status = 503, description = "Database unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
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
