//! Staff sign-in: `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`.

use std::net::IpAddr;

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

/// The client's address for rate limits: the peer, or, when the peer is a trusted proxy,
/// the address `X-Forwarded-For` names. An IPv6 client counts by its /64 network, the
/// block one subscriber gets, so that walking through its addresses does not reset a limit.
pub fn client_address(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map_or(&[][..], |s| &s.config.trusted_proxies[..]);
    let forwarded: Vec<&str> = if trusted.is_empty() {
        Vec::new()
    } else {
        req.headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect()
    };
    match client_ip(req.peer_addr().map(|a| a.ip()), &forwarded, trusted) {
        None => "unknown".to_owned(),
        Some(IpAddr::V6(ip)) => ipnet::Ipv6Net::new(ip, 64)
            .map_or_else(|_| ip.to_string(), |net| net.trunc().to_string()),
        Some(ip) => ip.to_string(),
    }
}

/// Walks `X-Forwarded-For` from the right (the hop nearest to us) past trusted proxies: the
/// first address not one of them is the client. A peer that is not trusted is the client
/// itself, and an entry that is no address ends the walk at the last trusted hop.
fn client_ip(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    // A server listening on `[::]` sees IPv4 peers as `::ffff:a.b.c.d`.
    let mut client = peer?.to_canonical();
    if !is_trusted(&client) {
        return Some(client);
    }
    for entry in forwarded.iter().rev() {
        let Some(ip) = forwarded_address(entry) else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`), as some proxies write it.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let peer = Some(ip("10.0.0.2"));
        let client = |peer, xff: &[&str]| client_ip(peer, xff, &trusted);
        assert_eq!(client(peer, &["203.0.113.7"]), Some(ip("203.0.113.7")));
        // A client's own spoofed entries lie to the left of what our proxies added.
        assert_eq!(
            client(peer, &["1.2.3.4", "203.0.113.7", "10.0.0.9"]),
            Some(ip("203.0.113.7"))
        );
        assert_eq!(
            client(Some(ip("198.51.100.1")), &["1.2.3.4"]),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(client(peer, &[]), peer);
        assert_eq!(client(peer, &["garbage", "10.0.0.3"]), Some(ip("10.0.0.3")));
        assert_eq!(client(None, &["1.2.3.4"]), None);
        // IPv4 seen through an IPv6 socket, and entries with ports.
        assert_eq!(
            client(Some(ip("::ffff:10.0.0.2")), &["::ffff:203.0.113.7"]),
            Some(ip("203.0.113.7"))
        );
        assert_eq!(client(peer, &["203.0.113.7:5678"]), Some(ip("203.0.113.7")));
        assert_eq!(
            client(peer, &["[2001:db8::1]:443"]),
            Some(ip("2001:db8::1"))
        );
    }
}

/// Sign in with e-mail and password
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Me),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not sent from the admin's origin: a browser's `Origin` (or, without it, `Sec-Fetch-Site: same-origin`) must name it", body = Problem, content_type = "application/problem+json"),
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
    if !auth::same_origin(&req, &state.config.admin_origins) {
        return Err(auth::foreign_origin());
    }
    let LoginRequest { email, password } = body.0;
    let address = client_address(&req);
    let limit = state.config.login_limit;
    let secure = state.config.secure_cookies();
    let (user, secret) = state
        .db
        .run(move |c| sessions::login(c, &email, &password, &address, limit))
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
