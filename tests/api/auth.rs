//! Staff sign-in, sessions, roles and their limits.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::support::{TestApp, send};

both_backends!(
    login_me_logout,
    brute_force_is_limited,
    unknown_email_answers_like_wrong_password
);

const PW: &str = "correct horse battery staple";

async fn login_me_logout(app: TestApp) {
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
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
            .header("cookie", &session),
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
            .json(&json!({"email": "admin@test.nl", "password": PW})),
    )
    .await
    .problem(429);
}

async fn unknown_email_answers_like_wrong_password(app: TestApp) {
    let a = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": "nobody@test.nl", "password": "whatever12"})),
    )
    .await
    .problem(401);
    let b = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": "admin@test.nl", "password": "whatever12"})),
    )
    .await
    .problem(401);
    assert_eq!(a["detail"], b["detail"]);
}
