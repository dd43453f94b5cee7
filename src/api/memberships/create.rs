//! `POST /memberships`: the public sign-up form.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::client_address;
use crate::api::extract::ApiJson;
use crate::domain::memberships::SignUpForm;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::memberships;

#[derive(Serialize, ToSchema)]
pub struct Received {
    /// Always `received`: the answer does not tell whether the e-mail was known.
    #[schema(example = "received")]
    pub status: &'static str,
}

/// Sign up as a member
#[utoipa::path(
    operation_id = "createMembership",
    tag = "memberships",
    request_body = SignUpForm,
    responses(
        (status = 202, description = "Received; staff will act on it", body = Received),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields are missing or invalid, or the challenge failed; every bad field is named", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this address", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/memberships")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SignUpForm>,
) -> AppResult<HttpResponse> {
    let address = client_address(&req);
    let limit = state.config.signup_limit;
    let form = body.0;
    // Only sign-ups taken are counted: a form sent back for a typo costs nothing.
    let outcome = state
        .db
        .tx(move |conn| {
            super::take(conn, "signup", &address, limit)?;
            let outcome = memberships::sign_up(conn, &form, Utc::now().naive_utc())?;
            if outcome.is_err() {
                super::give_back(conn, "signup", &address)?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::Accepted().json(Received { status: "received" })),
        Err(errors) => Err(AppError::Validation(errors)),
    }
}
