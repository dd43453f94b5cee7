//! API tokens (admin only): the secret is shown once, stored hashed, its role never wider
//! than its creator's.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{Auth, Role, policy::AdminOnly};
use crate::db::users;
use crate::domain::users as rules;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::tokens as usecase;

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    #[schema(value_type = Role)]
    pub role: String,
    #[schema(format = Uuid)]
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<users::ApiToken> for TokenOut {
    fn from(t: users::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            role: t.role,
            user_id: t.user_id,
            created_at: t.created_at.and_utc(),
            last_used_at: t.last_used_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenOut,
    /// The bearer secret. Shown in this response only; store it now.
    pub secret: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    /// Defaults to the creator's role; never wider.
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
}

/// List API tokens
#[utoipa::path(
    operation_id = "listTokens",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "All API tokens (never their secrets)", body = [TokenOut]),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/tokens")]
pub async fn list(state: web::Data<AppState>, _staff: Auth<AdminOnly>) -> AppResult<HttpResponse> {
    let list = state.db.run(|c| users::list_tokens(c, None)).await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(TokenOut::from).collect::<Vec<_>>()))
}

/// Create an API token
#[utoipa::path(
    operation_id = "createToken",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    request_body = CreateToken,
    responses(
        (status = 201, description = "Created; `secret` is shown only here", body = CreatedToken),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    body: ApiJson<CreateToken>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let mut errors = Vec::new();
    let name = b.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "name",
            ErrorCode::TooLong,
            "must be 1 to 100 characters",
        ));
    }
    let role = match b.role.as_deref() {
        None => Some(staff.role),
        Some(r) => match rules::check_role(r, &mut errors) {
            Some(r) if !staff.role.covers(r) => {
                errors.push(FieldError::new(
                    "role",
                    ErrorCode::NotAllowed,
                    "may not be wider than your own role",
                ));
                None
            }
            checked => checked,
        },
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let actor = staff.actor();
    let user_id = staff.user_id.clone();
    let (token, secret) = state
        .db
        .tx(move |c| usecase::create(c, &actor, &user_id, &name, role))
        .await?;
    Ok(HttpResponse::Created().json(CreatedToken {
        token: TokenOut::from(token),
        secret,
    }))
}

/// Revoke an API token
#[utoipa::path(
    operation_id = "revokeToken",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked; refused on its next request in every process"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/tokens/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = staff.actor();
    let id = id.into_inner();
    state
        .db
        .tx(move |c| usecase::delete(c, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
