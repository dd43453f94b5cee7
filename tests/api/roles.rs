//! The role matrix: each role against each admin route group, read and write.

use crate::support::Method;
use oa_cms::auth::Role;
use serde_json::json;

use crate::both_backends;
use crate::support::{TestApp, send};

both_backends!(each_role_against_each_route_group);

/// (group, method, path, body, roles allowed)
type Route = (
    &'static str,
    Method,
    &'static str,
    Option<serde_json::Value>,
    Vec<Role>,
);

fn routes() -> Vec<Route> {
    use Role::{Admin, Editor, Membership, Read};
    vec![
        (
            "content read",
            Method::GET,
            "/api/v1/admin/content",
            None,
            vec![Admin, Editor, Read],
        ),
        (
            "content write",
            Method::POST,
            "/api/v1/admin/content",
            Some(json!({"kind": "page", "title": "Rol", "fields": {"position": 1}})),
            vec![Admin, Editor],
        ),
        (
            "files read",
            Method::GET,
            "/api/v1/admin/files",
            None,
            vec![Admin, Editor, Read],
        ),
        (
            "members read",
            Method::GET,
            "/api/v1/admin/memberships",
            None,
            vec![Admin, Membership],
        ),
        (
            "members export",
            Method::GET,
            "/api/v1/admin/memberships/export.csv",
            None,
            vec![Admin, Membership],
        ),
        (
            "users read",
            Method::GET,
            "/api/v1/admin/users",
            None,
            vec![Admin],
        ),
        (
            "users write",
            Method::POST,
            "/api/v1/admin/users",
            Some(json!({"email": "x", "password": "", "role": "read"})),
            vec![Admin],
        ),
        (
            "tokens read",
            Method::GET,
            "/api/v1/admin/tokens",
            None,
            vec![Admin],
        ),
        (
            "tokens write",
            Method::POST,
            "/api/v1/admin/tokens",
            Some(json!({"name": ""})),
            vec![Admin],
        ),
        (
            "audit",
            Method::GET,
            "/api/v1/admin/audit",
            None,
            vec![Admin],
        ),
        (
            "me",
            Method::GET,
            "/api/v1/auth/me",
            None,
            vec![Admin, Editor, Membership, Read],
        ),
    ]
}

async fn each_role_against_each_route_group(app: TestApp) {
    let mut tokens = Vec::new();
    for &role in Role::ALL {
        let (_, tok) = app
            .staff(&format!("{}@rollen.nl", role.as_str()), role)
            .await;
        tokens.push((role, tok));
    }
    for (group, method, path, body, allowed) in routes() {
        let mut rb = app.request(method.clone(), path);
        if let Some(b) = &body {
            rb = rb.json(b);
        }
        let r = send(rb).await;
        assert_eq!(r.status, 401, "anonymous on {group}: {}", r.text());
        for (role, tok) in &tokens {
            let mut rb = app.request(method.clone(), path).bearer_auth(tok);
            if let Some(b) = &body {
                rb = rb.json(b);
            }
            let r = send(rb).await;
            if allowed.contains(role) {
                assert!(
                    r.status != 401
                        && r.status != 403
                        && r.status != 404
                        && r.status.as_u16() < 500,
                    "{} on {group}: {} {}",
                    role.as_str(),
                    r.status,
                    r.text()
                );
            } else {
                assert_eq!(r.status, 403, "{} on {group}: {}", role.as_str(), r.text());
            }
        }
    }
}
