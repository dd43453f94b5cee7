//! `POST /memberships/challenge`: a question for the sign-up form.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::client_address;
use crate::error::{AppResult, Problem};
use crate::state::AppState;
use crate::usecase::memberships;

#[derive(Serialize, ToSchema)]
pub struct ChallengeResponse {
    /// Send back as `challenge_token`; it works once and for 30 minutes.
    pub token: String,
    /// The question to show, e.g. `13 + 3 =`.
    #[schema(example = "13 + 3 =")]
    pub question: String,
    pub expires_at: DateTime<Utc>,
}

/// Get a challenge for the sign-up form
#[utoipa::path(
    operation_id = "createMembershipChallenge",
    tag = "memberships",
    responses(
        (status = 200, description = "A new challenge", body = ChallengeResponse),
        (status = 429, description = "Too many challenges from this address", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/memberships/challenge")]
pub async fn challenge(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let address = client_address(&req);
    let c = state
        .db
        .tx(move |conn| {
            super::limit(conn, "challenge", &address, super::MAX_CHALLENGES)?;
            memberships::new_challenge(conn)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(ChallengeResponse {
            token: c.token,
            question: c.question,
            expires_at: c.expires_at.and_utc(),
        }))
}
