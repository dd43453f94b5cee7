//! Staff users (admin only): list, create, change, delete. The last admin stays.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{self, Auth, Role, policy::AdminOnly};
use crate::db::users;
use crate::domain::users as rules;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::users as usecase;

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    #[schema(value_type = Role)]
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<users::User> for UserOut {
    fn from(u: users::User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub password: String,
    /// admin, editor, membership or read.
    #[schema(value_type = Role)]
    pub role: String,
    pub name: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// `null` clears the name.
    #[serde(default, deserialize_with = "serde_with_none::deserialize")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    pub password: Option<String>,
}

/// Distinguishes an absent field from an explicit `null`.
mod serde_with_none {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// List staff users
#[utoipa::path(
    operation_id = "listUsers",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "All staff users", body = [UserOut]),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/users")]
pub async fn list(state: web::Data<AppState>, _staff: Auth<AdminOnly>) -> AppResult<HttpResponse> {
    let list = state.db.run(users::list).await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(UserOut::from).collect::<Vec<_>>()))
}

/// Create a staff user
#[utoipa::path(
    operation_id = "createUser",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = UserOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    body: ApiJson<CreateUser>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let mut errors = Vec::new();
    let role = rules::check_role(&b.role, &mut errors);
    let email = rules::check_email(&b.email, &mut errors);
    rules::check_password(&b.password, &mut errors);
    rules::check_name(b.name.as_deref(), &mut errors);
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let password = b.password;
    let hash = web::block(move || auth::hash_password(&password)).await??;
    let actor = staff.actor();
    let name = b.name;
    let user = state
        .db
        .tx(move |c| usecase::create_hashed(c, &actor, &email, name.as_deref(), &hash, role))
        .await?;
    Ok(HttpResponse::Created().json(UserOut::from(user)))
}

/// Change a staff user
#[utoipa::path(
    operation_id = "updateUser",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    request_body = UpdateUser,
    params(("id" = uuid::Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "Updated", body = UserOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Auth<AdminOnly>,
    id: web::Path<String>,
    body: ApiJson<UpdateUser>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let mut errors = Vec::new();
    let role = b
        .role
        .as_deref()
        .and_then(|r| rules::check_role(r, &mut errors));
    if let Some(p) = &b.password {
        rules::check_password(p, &mut errors);
    }
    if let Some(Some(n)) = &b.name {
        rules::check_name(Some(n), &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // Hashing takes tens of milliseconds (and may wait for argon2's memory): off the
    // request threads.
    let hash = match b.password.clone() {
        Some(p) => Some(web::block(move || auth::hash_password(&p)).await??),
        None => None,
    };
    let actor = staff.actor();
    let id = id.into_inner();
    let user = state
        .db
        .tx(move |c| {
            let change = usecase::UserUpdate {
                name: b.name.as_ref().map(Option::as_deref),
                role,
                password_hash: hash.as_deref(),
            };
            usecase::update(c, &actor, &id, &change)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserOut::from(user)))
}

/// Delete a staff user
#[utoipa::path(
    operation_id = "deleteUser",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted, with its sessions and tokens"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/users/{id}")]
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
