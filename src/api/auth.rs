//! Staff sign-in: `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::{self, Auth, Role, SESSION_COOKIE, Staff, policy::AnyStaff};
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;
use crate::usecase::sessions::{self, SESSION_HOURS};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    #[schema(format = Uuid)]
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    /// The role in force for this request (a token's role may be narrower than its owner's).
    pub role: Role,
    /// `cookie` or `token`.
    #[schema(schema_with = auth_schema)]
    pub auth: &'static str,
}

fn auth_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .description(Some("How the caller signed in: `cookie` or `token`."))
        .enum_values(Some(["cookie", "token"]))
        .build()
}

impl From<&Staff> for Me {
    fn from(s: &Staff) -> Self {
        Self {
            id: s.user_id.clone(),
            email: s.email.clone(),
            name: s.name.clone(),
            role: s.role,
            auth: if s.via == auth::Via::Cookie {
                "cookie"
            } else {
                "token"
            },
        }
    }
}

pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// Sign in with e-mail and password
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Me),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let address = client_address(&req);
    let secure = state.config.secure_cookies();
    let (user, secret) = state
        .db
        .run(move |c| sessions::login(c, &email, &password, &address))
        .await?;
    let role = Role::parse(&user.role).ok_or_else(|| AppError::internal("stored role unknown"))?;
    let cookie = Cookie::build(SESSION_COOKIE, secret)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(CookieDuration::hours(SESSION_HOURS))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(Me {
        id: user.id,
        email: user.email,
        name: user.name,
        role,
        auth: "cookie",
    }))
}

/// Sign out
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Signed out; the session is gone in every process"),
        (status = 403, description = "A session cookie sent from another origin than the admin's", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Auth<AnyStaff>,
) -> AppResult<HttpResponse> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let secret = cookie.value().to_owned();
        let actor = staff.actor();
        state
            .db
            .run(move |c| sessions::logout(c, &actor, &secret))
            .await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Get the signed-in staff member
#[utoipa::path(
    operation_id = "getCurrentUser",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The signed-in staff member", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(staff: Auth<AnyStaff>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(Me::from(&staff.0)))
}
