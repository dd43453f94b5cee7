//! Who is asking: roles, password and secret hashing, and the `Staff` extractor that every
//! admin handler takes, so access is checked in one place.

pub mod policy;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::audit::Actor;
use crate::db::users;
use crate::error::AppError;
use crate::startup::AppState;

pub use policy::Policy;

pub const SESSION_COOKIE: &str = "oa_session";

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Membership,
    Read,
}

impl Role {
    pub const ALL: &'static [Role] = <Self as strum::VariantArray>::VARIANTS;

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether a holder of `self` may hand out `other` (a token's role is never wider).
    pub fn covers(self, other: Role) -> bool {
        match self {
            Self::Admin => true,
            Self::Editor => matches!(other, Self::Editor | Self::Read),
            Self::Membership => matches!(other, Self::Membership),
            Self::Read => matches!(other, Self::Read),
        }
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum (19 MiB, 2 passes): strong, and a login stays well under 100 ms.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash with the same cost as a real one, checked for unknown e-mails so that the answer
/// takes as long as for a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// A random secret, URL-safe.
pub fn new_secret(prefix: &str) -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A readable generated password.
pub fn new_password() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Sessions and tokens are stored as SHA-256 of the secret: high-entropy secrets need no
/// slow hash, and a database leak yields nothing usable.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

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

fn origin_allowed(req: &HttpRequest, state: &AppState) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let origin = req
        .headers()
        .get(actix_web::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    match origin {
        Some(o) => {
            let o = o.trim_end_matches('/');
            state.config.admin_origins.iter().any(|a| a == o) || request_origin(req) == o
        }
        // Browsers send Origin on every cross-site write; a write without it is not a
        // cross-site form post.
        None => true,
    }
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
        return Err(AppError::Forbidden(
            "The request's Origin is not the admin's origin.".into(),
        ));
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
