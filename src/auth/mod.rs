//! Who is asking: the `Staff` extractor that every admin handler takes, so access is
//! checked in one place (roles and hashing are in `domain::credentials`).

pub mod policy;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};

use crate::db::audit::Actor;
use crate::db::users;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::domain::credentials::{
    Role, dummy_hash, hash_password, hash_secret, new_password, new_secret, verify_password,
};
pub use policy::Policy;

pub const SESSION_COOKIE: &str = "oa_session";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Token(String),
}

/// An authenticated staff member, with the role in force for this request (a token's).
#[derive(Debug, Clone)]
pub struct Staff {
    pub user_id: String,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub user_role: Role,
    pub via: Via,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.user_id.clone()),
            label: self.email.clone(),
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let h = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let s = h.to_str().ok()?;
    let (scheme, value) = s.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim().to_owned())
}

/// Whether a browser request comes from the admin's own pages: its `Origin` is the admin's
/// (or the one this request was addressed to), or, without `Origin`, the browser vouches
/// with `Sec-Fetch-Site: same-origin`. A request with neither is refused: a cookie must not
/// be enough to write.
pub fn same_origin(req: &HttpRequest, admin_origins: &[String]) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    match header("origin") {
        Some(o) => {
            let o = o.trim_end_matches('/');
            admin_origins.iter().any(|a| a == o) || request_origin(req) == o
        }
        None => header("sec-fetch-site").is_some_and(|s| s.eq_ignore_ascii_case("same-origin")),
    }
}

/// A cookie-authenticated request may read from anywhere and write only from the admin.
fn origin_allowed(req: &HttpRequest, state: &AppState) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || same_origin(req, &state.config.admin_origins)
}

/// The answer to a browser write from elsewhere.
pub fn foreign_origin() -> AppError {
    AppError::Forbidden(
        "The request does not come from the admin's origin (Origin, or Sec-Fetch-Site: same-origin).".into(),
    )
}

/// The origin this request was addressed to, so the admin works on whatever host serves it.
fn request_origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Resolves the caller from a bearer token or a session cookie.
pub async fn authenticate(req: &HttpRequest) -> Result<Staff, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("app state missing"))?
        .clone();
    if let Some(secret) = bearer(req) {
        let hash = hash_secret(&secret);
        let found = state.db.run(move |c| users::token_user(c, &hash)).await?;
        let (token, user) = found.ok_or(AppError::Unauthorized)?;
        let needs_stamp = token
            .last_used_at
            .is_none_or(|t| t < chrono::Utc::now().naive_utc() - chrono::Duration::minutes(10));
        if needs_stamp {
            let id = token.id.clone();
            // Best effort and at most every ten minutes: a failed stamp must not fail the request.
            let _ = state.db.run(move |c| users::touch_token(c, &id)).await;
        }
        let role = Role::parse(&token.role).ok_or(AppError::Unauthorized)?;
        let user_role = Role::parse(&user.role).ok_or(AppError::Unauthorized)?;
        return Ok(Staff {
            user_id: user.id,
            email: user.email,
            name: user.name,
            role,
            user_role,
            via: Via::Token(token.id),
        });
    }
    let cookie = req.cookie(SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
    let hash = hash_secret(cookie.value());
    let user = state
        .db
        .run(move |c| users::session_user(c, &hash))
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !origin_allowed(req, &state) {
        return Err(foreign_origin());
    }
    let role = Role::parse(&user.role).ok_or(AppError::Unauthorized)?;
    Ok(Staff {
        user_id: user.id,
        email: user.email,
        name: user.name,
        role,
        user_role: role,
        via: Via::Cookie,
    })
}

/// An authenticated caller whose role the policy `P` admits for this request's method.
pub struct Auth<P: Policy>(pub Staff, PhantomData<P>);

impl<P: Policy> std::ops::Deref for Auth<P> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.0
    }
}

impl<P: Policy> FromRequest for Auth<P> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let staff = authenticate(&req).await?;
            let write = !matches!(*req.method(), Method::GET | Method::HEAD);
            if P::allows(staff.role, write) {
                Ok(Auth(staff, PhantomData))
            } else {
                Err(AppError::Forbidden(format!(
                    "The role '{}' may not do this.",
                    staff.role.as_str()
                )))
            }
        })
    }
}
