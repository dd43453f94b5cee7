//! Staff sign-in, sessions, roles and their limits.

use crate::support::Method;
use serde_json::json;

use crate::both_backends;
use crate::support::{TestApp, send};
use oa_cms::auth::Role;

both_backends!(
    login_me_logout,
    brute_force_is_limited,
    unknown_email_answers_like_wrong_password,
    a_hash_with_the_former_setting_is_renewed_at_login
);

/// A password hash stored with the former argon2 setting (19 MiB, 2 passes) still signs in,
/// and is then stored again with the current one (7 MiB, 5 passes).
async fn a_hash_with_the_former_setting_is_renewed_at_login(app: TestApp) {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let former = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(19 * 1024, 2, 1, None).unwrap(),
    );
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let old = former
        .hash_password(PW.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let id = app.admin_id.clone();
    let stored = move |app: &TestApp| {
        let id = id.clone();
        let db = app.state.db.clone();
        async move {
            db.run(move |c| Ok(oa_cms::db::users::find(c, &id)?.password_hash))
                .await
                .unwrap()
        }
    };
    let (id, hash) = (app.admin_id.clone(), old.clone());
    app.state
        .db
        .run(move |c| oa_cms::db::users::set_password_hash(c, &id, &hash))
        .await
        .unwrap();
    assert_eq!(stored(&app).await, old);
    for _ in 0..2 {
        send(
            app.request(Method::POST, "/api/v1/auth/login")
                .header("sec-fetch-site", "same-origin")
                .json(&json!({"email": "admin@test.nl", "password": PW})),
        )
        .await
        .expect(200);
        let now = stored(&app).await;
        assert!(now.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{now}");
    }
}

const PW: &str = "correct horse battery staple";

async fn login_me_logout(app: TestApp) {
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "Admin@Test.nl", "password": PW})),
    )
    .await
    .expect(200);
    let cookie = r.header("set-cookie").expect("cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().expect("pair").to_owned();
    assert_eq!(r.json()["role"], "admin");
    let me = send(
        app.request(Method::GET, "/api/v1/auth/me")
            .header("cookie", &session),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(me["email"], "admin@test.nl");
    assert_eq!(me["auth"], "cookie");
    // A cookie write from a foreign origin is refused.
    send(
        app.request(Method::POST, "/api/v1/auth/logout")
            .header("cookie", &session)
            .header("origin", "https://evil.example"),
    )
    .await
    .problem(403);
    send(
        app.request(Method::POST, "/api/v1/auth/logout")
            .header("cookie", &session)
            .header("sec-fetch-site", "same-origin"),
    )
    .await
    .expect(204);
    // The session is gone at once.
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .header("cookie", &session),
    )
    .await
    .problem(401);
    // Bearer tokens work too.
    let me = app.admin_get("/api/v1/auth/me").await.expect(200).json();
    assert_eq!(me["auth"], "token");
}

async fn brute_force_is_limited(app: TestApp) {
    let mut last = None;
    for _ in 0..6 {
        let r = send(
            app.request(Method::POST, "/api/v1/auth/login")
                .header("sec-fetch-site", "same-origin")
                .json(&json!({"email": "admin@test.nl", "password": "wrong password!"})),
        )
        .await;
        last = Some(r.status.as_u16());
        if r.status == 429 {
            let retry: u64 = r
                .header("retry-after")
                .expect("Retry-After")
                .parse()
                .expect("seconds");
            assert!(retry > 0);
            r.problem(429);
            break;
        }
        r.problem(401);
    }
    assert_eq!(last, Some(429));
    // Even the right password is refused while the account is locked.
    send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "admin@test.nl", "password": PW})),
    )
    .await
    .problem(429);
}

async fn unknown_email_answers_like_wrong_password(app: TestApp) {
    let a = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "nobody@test.nl", "password": "whatever12"})),
    )
    .await
    .problem(401);
    let b = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "admin@test.nl", "password": "whatever12"})),
    )
    .await
    .problem(401);
    assert_eq!(a["detail"], b["detail"]);
}

both_backends!(
    users_are_managed_by_admins,
    last_admin_stays,
    tokens_are_shown_once_and_revoked_at_once,
    token_role_is_never_wider,
    audit_log_records_writes_without_secrets,
    deleting_a_user_ends_its_sessions_and_tokens,
);

async fn users_are_managed_by_admins(app: TestApp) {
    let u = app
        .admin_json(Method::POST, "/api/v1/admin/users", &json!({"email": "Redacteur@Test.nl", "password": "lang genoeg wachtwoord", "role": "editor", "name": "Eva"}))
        .await
        .expect(201)
        .json();
    assert_eq!(u["email"], "redacteur@test.nl");
    assert_eq!(u["role"], "editor");
    assert!(u.get("password").is_none() && u.get("password_hash").is_none());
    let id = u["id"].as_str().unwrap().to_owned();
    // Duplicate e-mail: 409 naming the field.
    let p = app
        .admin_json(Method::POST, "/api/v1/admin/users", &json!({"email": "redacteur@test.nl", "password": "lang genoeg wachtwoord", "role": "editor"}))
        .await
        .problem(409);
    assert_eq!(crate::support::Resp::fields(&p), vec!["email"]);
    // Every bad field at once.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/users",
            &json!({"email": "geen-mail", "password": "kort", "role": "baas"}),
        )
        .await
        .problem(422);
    let mut f = crate::support::Resp::fields(&p);
    f.sort();
    assert_eq!(f, vec!["email", "password", "role"]);
    // The new user can log in, then the admin changes the role and the password.
    send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "redacteur@test.nl", "password": "lang genoeg wachtwoord"})),
    )
    .await
    .expect(200);
    let u = app
        .admin_json(
            Method::PATCH,
            &format!("/api/v1/admin/users/{id}"),
            &json!({"role": "read", "name": null, "password": "een nieuw wachtwoord"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(u["role"], "read");
    assert!(u["name"].is_null());
    send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "redacteur@test.nl", "password": "lang genoeg wachtwoord"})),
    )
    .await
    .problem(401);
    send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "redacteur@test.nl", "password": "een nieuw wachtwoord"})),
    )
    .await
    .expect(200);
    let list = app
        .admin_get("/api/v1/admin/users")
        .await
        .expect(200)
        .json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str())
    );
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/users/{id}")))
        .await
        .expect(204);
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/users/{id}")))
        .await
        .problem(404);
}

async fn last_admin_stays(app: TestApp) {
    let p = app
        .admin_json(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", app.admin_id),
            &json!({"role": "editor"}),
        )
        .await
        .problem(409);
    assert_eq!(crate::support::Resp::fields(&p), vec!["role"]);
    send(app.admin(
        Method::DELETE,
        &format!("/api/v1/admin/users/{}", app.admin_id),
    ))
    .await
    .problem(409);
    // With a second admin, the first may go.
    let (_, second) = app.staff("tweede@test.nl", Role::Admin).await;
    send(
        app.request(
            Method::DELETE,
            &format!("/api/v1/admin/users/{}", app.admin_id),
        )
        .bearer_auth(&second),
    )
    .await
    .expect(204);
}

async fn tokens_are_shown_once_and_revoked_at_once(app: TestApp) {
    let t = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/tokens",
            &json!({"name": "bouwserver", "role": "read"}),
        )
        .await
        .expect(201)
        .json();
    let secret = t["secret"].as_str().unwrap().to_owned();
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(t["role"], "read");
    let me = send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth(&secret),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(me["role"], "read");
    // The list never shows a secret.
    let list = app
        .admin_get("/api/v1/admin/tokens")
        .await
        .expect(200)
        .text();
    assert!(!list.contains(&secret));
    assert!(!list.contains("secret"));
    // A read token changes nothing.
    send(
        app.request(Method::POST, "/api/v1/admin/tokens")
            .bearer_auth(&secret)
            .json(&json!({"name": "x"})),
    )
    .await
    .problem(403);
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/tokens/{id}")))
        .await
        .expect(204);
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth(&secret),
    )
    .await
    .problem(401);
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth("oa_made-up"),
    )
    .await
    .problem(401);
}

async fn token_role_is_never_wider(app: TestApp) {
    // A role outside the list, and an empty name, are named.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/tokens",
            &json!({"name": "x", "role": "god"}),
        )
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&p), vec!["role"]);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/tokens",
            &json!({"name": " ", "role": "editor"}),
        )
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&p), vec!["name"]);
    // Demoting a user narrows the tokens it made.
    let (_, tok) = app.staff("beheer3@test.nl", Role::Admin).await;
    let t = send(
        app.request(Method::POST, "/api/v1/admin/tokens")
            .bearer_auth(&tok)
            .json(&json!({"name": "breed"})),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(t["role"], "admin");
    let owner = t["user_id"].as_str().unwrap().to_owned();
    app.admin_json(
        Method::PATCH,
        &format!("/api/v1/admin/users/{owner}"),
        &json!({"role": "editor"}),
    )
    .await
    .expect(200);
    let secret = t["secret"].as_str().unwrap();
    let me = send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth(secret),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(me["role"], "editor");
}

async fn audit_log_records_writes_without_secrets(app: TestApp) {
    let password = "geheim wachtwoord 123";
    let u = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/users",
            &json!({"email": "audit@test.nl", "password": password, "role": "membership"}),
        )
        .await
        .expect(201)
        .json();
    let uid = u["id"].as_str().unwrap();
    let t = app
        .admin_json(Method::POST, "/api/v1/admin/tokens", &json!({"name": "ci"}))
        .await
        .expect(201)
        .json();
    let secret = t["secret"].as_str().unwrap();
    send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "audit@test.nl", "password": password})),
    )
    .await
    .expect(200);
    let all = app
        .admin_get("/api/v1/admin/audit?limit=200")
        .await
        .expect(200);
    let text = all.text();
    assert!(!text.contains(password) && !text.contains(secret));
    let v = all.json();
    let items = v["items"].as_array().unwrap();
    assert!(items.iter().any(|e| e["action"] == "create"
        && e["record_type"] == "user"
        && e["record_id"] == uid
        && e["actor"] == "admin@test.nl"));
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "create" && e["record_type"] == "token")
    );
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "login" && e["record_id"] == uid)
    );
    // Filters and cursor.
    let v = app
        .admin_get(&format!(
            "/api/v1/admin/audit?record_type=user&record_id={uid}"
        ))
        .await
        .expect(200)
        .json();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["record_id"] == uid)
    );
    let v = app
        .admin_get("/api/v1/admin/audit?action=login")
        .await
        .expect(200)
        .json();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "login")
    );
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/audit?limit=1&cursor={c}"),
            None => "/api/v1/admin/audit?limit=1".to_owned(),
        };
        let v = app.admin_get(&path).await.expect(200).json();
        for e in v["items"].as_array().unwrap() {
            assert!(
                seen.insert(e["id"].as_str().unwrap().to_owned()),
                "an entry came twice"
            );
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), items.len());
    let p = app
        .admin_get("/api/v1/admin/audit?since=gisteren&limit=0")
        .await
        .problem(422);
    let mut f = crate::support::Resp::fields(&p);
    f.sort();
    assert_eq!(f, vec!["limit", "since"]);
    app.admin_get("/api/v1/admin/audit?cursor=not-ours")
        .await
        .problem(400);
}

async fn deleting_a_user_ends_its_sessions_and_tokens(app: TestApp) {
    let (uid, tok) = app.staff("weg@test.nl", Role::Editor).await;
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "weg@test.nl", "password": PW})),
    )
    .await
    .expect(200);
    let session = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth(&tok),
    )
    .await
    .expect(200);
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/users/{uid}")))
        .await
        .expect(204);
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .bearer_auth(&tok),
    )
    .await
    .problem(401);
    send(
        app.request(Method::GET, "/api/v1/auth/me")
            .header("cookie", &session),
    )
    .await
    .problem(401);
}
