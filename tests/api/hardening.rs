//! Input no backend can store or no client meant: NUL characters, arrays for objects,
//! duplicated keys, times past what we can write, near-miss validators, over-long URLs;
//! refused alike on both backends, and nothing stored.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Method, Resp, TestApp, send};

both_backends!(
    nul_in_a_query_is_400_naming_the_parameter,
    nul_in_a_path_is_404,
    nul_in_a_body_is_422_naming_the_field_and_stores_nothing,
    only_json_objects_are_bodies,
    a_duplicated_key_is_named,
    times_stay_within_the_years_we_can_write,
    if_match_compares_exactly,
    an_over_long_url_is_414,
    public_lists_ignore_parameters_they_do_not_know,
);

async fn nul_in_a_query_is_400_naming_the_parameter(app: TestApp) {
    app.news("Een bericht").tags(["a"]).published().await;
    for (path, field, admin) in [
        ("/api/v1/content?tag=a%00", "tag", false),
        ("/api/v1/content?q=a%00b", "q", false),
        ("/api/v1/admin/content?q=%00", "q", true),
        ("/api/v1/admin/memberships?q=x%00", "q", true),
        ("/api/v1/admin/memberships/export.csv?q=x%00", "q", true),
        ("/api/v1/admin/audit?actor=%00", "actor", true),
        ("/api/v1/admin/files?q=%00", "q", true),
    ] {
        let r = if admin {
            app.admin_get(path).await
        } else {
            app.get(path).await
        };
        let p = r.problem(400);
        assert_eq!(Resp::fields(&p), [field], "{path}");
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("NUL"));
    }
    // A cursor holding a NUL is not one of ours.
    let cursor = base64_url(br#"{"s":"-published_at","k":"2026-01-01T00:00:00","i":"a\u0000"}"#);
    app.get(&format!("/api/v1/content?cursor={cursor}"))
        .await
        .problem(400);
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn nul_in_a_path_is_404(app: TestApp) {
    app.page("Missie").published().await;
    app.get("/api/v1/content/page/missie%00").await.problem(404);
    app.admin_get("/api/v1/admin/content/%00")
        .await
        .problem(404);
    send(app.admin(Method::DELETE, "/api/v1/admin/tokens/%00"))
        .await
        .problem(404);
    send(app.admin(Method::DELETE, "/api/v1/admin/users/a%00b"))
        .await
        .problem(404);
    app.get("/api/v1/files/%00/x.pdf").await.problem(404);
}

async fn nul_in_a_body_is_422_naming_the_field_and_stores_nothing(app: TestApp) {
    let cases: [(&str, &str, Value, &str); 6] = [
        (
            "POST",
            "/api/v1/admin/content",
            json!({"kind": "news", "title": "a\u{0}b", "fields": {"display_date": "2026-11-24"}}),
            "title",
        ),
        (
            "POST",
            "/api/v1/admin/content",
            json!({"kind": "news", "title": "ok", "tags": ["x", "y\u{0}"], "fields": {"display_date": "2026-11-24"}}),
            "tags[1]",
        ),
        (
            "POST",
            "/api/v1/admin/content",
            json!({"kind": "news", "title": "ok", "fields": {"display_date": "2026-11-24", "lead\u{0}": "x"}}),
            "fields.lead",
        ),
        (
            "POST",
            "/api/v1/admin/tokens",
            json!({"name": "t\u{0}"}),
            "name",
        ),
        (
            "POST",
            "/api/v1/admin/users",
            json!({"email": "n@test.nl", "password": "long enough password", "role": "read", "name": "\u{0}"}),
            "name",
        ),
        (
            "POST",
            "/api/v1/auth/login",
            json!({"email": "admin@test.nl\u{0}", "password": "x"}),
            "email",
        ),
    ];
    for (method, path, body, field) in cases {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let p = app.admin_json(method, path, &body).await.problem(422);
        assert_eq!(Resp::fields(&p), [field], "{path} {body}");
    }
    assert_eq!(app.admin_total("/api/v1/admin/content").await, 0);
    let tokens = app
        .admin_get("/api/v1/admin/tokens")
        .await
        .expect(200)
        .json();
    assert!(
        !tokens.to_string().contains("\\u0000"),
        "a token was stored: {tokens}"
    );
    // The same on a public route without login.
    let p = send(
        app.request(Method::POST, "/api/v1/memberships")
            .json(&json!({"name": "A\u{0}", "email": "a@b.nl"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["name"]);
}

async fn only_json_objects_are_bodies(app: TestApp) {
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!(["admin@test.nl", "correct horse battery staple"])),
    )
    .await;
    assert!(r.header("set-cookie").is_none(), "an array signed in");
    let p = r.problem(422);
    assert_eq!(Resp::fields(&p), ["body"]);
    assert_eq!(p["errors"][0]["message"], "must be a JSON object");
    for path in [
        "/api/v1/admin/tokens",
        "/api/v1/admin/users",
        "/api/v1/admin/content",
    ] {
        let p = app
            .admin_json(Method::POST, path, &json!(["x", "read"]))
            .await
            .problem(422);
        assert_eq!(Resp::fields(&p), ["body"], "{path}");
    }
    let item = app.news("Arrays").draft().await;
    let p = send(
        app.admin(Method::POST, &format!("{}/publish", item.path()))
            .header("if-match", &item.etag)
            .json(&json!([1, "2030-01-01T00:00:00Z"])),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["body"]);
    // A field of the wrong shape is named, in the words of JSON, not of the server's code.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/tokens",
            &json!({"name": ["x"]}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["name"]);
    let text = p.to_string();
    for rust in ["struct", "sequence", "CreateToken", "elements"] {
        assert!(!text.contains(rust), "{text}");
    }
}

async fn a_duplicated_key_is_named(app: TestApp) {
    let p = send(
        app.admin(Method::POST, "/api/v1/admin/tokens")
            .header("content-type", "application/json")
            .body(r#"{"name": "a", "name": "b"}"#),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["name"]);
    assert_eq!(p["errors"][0]["message"], "is given more than once");
    // Also inside an item's free-form fields, where the last one would silently win.
    let p = send(
        app.admin(Method::POST, "/api/v1/admin/content")
            .header("content-type", "application/json")
            .body(r#"{"kind": "news", "title": "Dubbel", "fields": {"display_date": "2026-11-24", "display_date": "2026-11-25"}}"#),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["fields.display_date"]);
    assert_eq!(app.admin_total("/api/v1/admin/content").await, 0);
}

async fn times_stay_within_the_years_we_can_write(app: TestApp) {
    let item = app.news("Ver weg").draft().await;
    for at in [
        "9999-12-31T23:59:59-23:59",
        "1969-12-31T23:59:59Z",
        "2030-01-01 10:00:00",
        "morgen",
    ] {
        let p = send(
            app.admin(Method::POST, &format!("{}/publish", item.path()))
                .header("if-match", &item.etag)
                .json(&json!({ "at": at })),
        )
        .await
        .problem(422);
        assert_eq!(Resp::fields(&p), ["at"], "{at}");
    }
    let p = app
        .get("/api/v1/content?updated_since=10000-01-01T00:00:00Z")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["updated_since"]);
    // The latest time we can write is taken, and answered in the same form.
    let r = send(
        app.admin(Method::POST, &format!("{}/publish", item.path()))
            .header("if-match", &item.etag)
            .json(&json!({ "at": "9999-12-31T23:59:59Z" })),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(r["publish_at"], "9999-12-31T23:59:59Z");
}

async fn if_match_compares_exactly(app: TestApp) {
    let item = app.news("Precies").draft().await;
    assert_eq!(item.etag, format!("\"{}:1\"", item.id));
    for near in [format!("\"{}:01\"", item.id), format!("\"{}:+1\"", item.id)] {
        send(
            app.admin(Method::POST, &format!("{}/publish", item.path()))
                .header("if-match", &near),
        )
        .await
        .problem(412);
    }
    send(
        app.admin(Method::POST, &format!("{}/publish", item.path()))
            .header("if-match", &item.etag),
    )
    .await
    .expect(200);
}

async fn an_over_long_url_is_414(app: TestApp) {
    let long = "a".repeat(9000);
    for path in [
        format!("/api/v1/content?tag={long}"),
        format!("/api/v1/content/page/{long}"),
    ] {
        let r = app.get(&path).await;
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        r.problem(414);
    }
    // A long URL within the limit is read as usual.
    app.get(&format!("/api/v1/content?tag={}", "a".repeat(4000)))
        .await
        .expect(200);
}

async fn public_lists_ignore_parameters_they_do_not_know(app: TestApp) {
    app.news("Gedeeld").published().await;
    let list = app
        .get("/api/v1/content?utm_source=nieuwsbrief&_=1733000000&fbclid=x")
        .await
        .expect(200)
        .json();
    assert_eq!(list["total"], 1);
    // Known parameters are still checked.
    let p = app
        .get("/api/v1/content?utm_source=x&limit=0")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["limit"]);
}

crate::both_backends_with!(
    |c: &mut oa_cms::config::Config| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.signup_limit = "2/10".parse().unwrap();
        c.login_limit = "3/15".parse().unwrap();
    },
    failed_logins_lock_one_address_not_the_account,
    sign_ups_count_per_forwarded_client_and_only_when_taken,
    guesses_sent_in_parallel_meet_the_same_limit,
);

both_backends!(
    cookie_writes_need_the_admins_origin,
    forwarded_for_is_ignored_from_untrusted_peers,
);

const PW: &str = "correct horse battery staple";

fn login_from(app: &TestApp, client: &str, password: &str) -> crate::support::Req {
    app.request(Method::POST, "/api/v1/auth/login")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", client)
        .json(&json!({"email": "admin@test.nl", "password": password}))
}

async fn failed_logins_lock_one_address_not_the_account(app: TestApp) {
    // Three failures from one client lock the account for that client only.
    for _ in 0..3 {
        send(login_from(&app, "203.0.113.5", "wrong password!"))
            .await
            .problem(401);
    }
    send(login_from(&app, "203.0.113.5", PW)).await.problem(429);
    send(login_from(&app, "198.51.100.7", PW)).await.expect(200);
    // Failures from many addresses together meet the looser limit per account (4 x 3).
    for i in 0..9 {
        send(login_from(&app, &format!("192.0.2.{i}"), "wrong password!"))
            .await
            .problem(401);
    }
    send(login_from(&app, "198.51.100.8", PW))
        .await
        .problem(429);
}

/// A complete sign-up of `email` from `client` (behind the trusted proxy), with a fresh
/// challenge; answers the status.
async fn sign_up_from(app: &TestApp, email: &str, client: &str) -> u16 {
    use crate::memberships::{challenge, form};
    let (token, answer) = challenge(app).await;
    send(
        app.request(Method::POST, "/api/v1/memberships")
            .header("x-forwarded-for", client)
            .json(&form("Lid", email, &token, answer)),
    )
    .await
    .status
    .as_u16()
}

async fn sign_ups_count_per_forwarded_client_and_only_when_taken(app: TestApp) {
    // Forms sent back for a mistake do not count.
    for _ in 0..4 {
        send(
            app.request(Method::POST, "/api/v1/memberships")
                .header("x-forwarded-for", "203.0.113.9")
                .json(&json!({"name": "Zonder e-mail"})),
        )
        .await
        .problem(422);
    }
    let mut taken = Vec::new();
    for (email, client) in [
        ("lid0@school.nl", "203.0.113.9"),
        ("lid1@school.nl", "203.0.113.9"),
        ("lid2@school.nl", "203.0.113.9"),
        // Another client behind the same proxy has its own count.
        ("lid3@school.nl", "198.51.100.20"),
        // An IPv6 client counts by its /64: a new address in it is the same client.
        ("v6-0@school.nl", "2001:db8:1:2::1"),
        ("v6-1@school.nl", "2001:db8:1:2::2"),
        ("v6-2@school.nl", "2001:db8:1:2::abcd"),
        ("v6-3@school.nl", "2001:db8:1:3::1"),
    ] {
        taken.push(sign_up_from(&app, email, client).await);
    }
    assert_eq!(taken, [202, 202, 429, 202, 202, 202, 429, 202]);
}

async fn forwarded_for_is_ignored_from_untrusted_peers(app: TestApp) {
    // No proxy is trusted: every X-Forwarded-For is the same client, the peer.
    for i in 0..5 {
        send(login_from(&app, &format!("192.0.2.{i}"), "wrong password!"))
            .await
            .problem(401);
    }
    send(login_from(&app, "192.0.2.99", PW)).await.problem(429);
}

async fn cookie_writes_need_the_admins_origin(app: TestApp) {
    let login = |headers: &[(&str, &str)]| {
        let mut r = app.request(Method::POST, "/api/v1/auth/login");
        for (k, v) in headers {
            r = r.header(k, v);
        }
        send(r.json(&json!({"email": "admin@test.nl", "password": PW})))
    };
    // Login checks the origin too: none, a foreign one, or a foreign site's fetch.
    login(&[]).await.problem(403);
    login(&[("origin", "https://evil.example")])
        .await
        .problem(403);
    login(&[("sec-fetch-site", "cross-site")])
        .await
        .problem(403);
    login(&[("origin", "http://127.0.0.1:8080")])
        .await
        .expect(200);
    let r = login(&[("sec-fetch-site", "same-origin")])
        .await
        .expect(200);
    let cookie = r.header("set-cookie").unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let write = |headers: &[(&str, &str)]| {
        let mut r = app
            .request(Method::POST, "/api/v1/admin/tokens")
            .header("cookie", &session);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        send(r.json(&json!({"name": "cli"})))
    };
    write(&[]).await.problem(403);
    write(&[("sec-fetch-site", "same-site")]).await.problem(403);
    write(&[("origin", "null")]).await.problem(403);
    write(&[("sec-fetch-site", "same-origin")])
        .await
        .expect(201);
    write(&[("origin", "http://localhost:8080")])
        .await
        .expect(201);
    // Reads need no origin.
    send(
        app.request(Method::GET, "/api/v1/admin/tokens")
            .header("cookie", &session),
    )
    .await
    .expect(200);
    let tokens = app
        .admin_get("/api/v1/admin/tokens")
        .await
        .expect(200)
        .json();
    assert_eq!(tokens.as_array().unwrap().len(), 3, "{tokens}");
}

async fn guesses_sent_in_parallel_meet_the_same_limit(app: TestApp) {
    let guesses = (0..12).map(|_| send(login_from(&app, "203.0.113.77", "wrong password!")));
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(wrong, 3, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        9,
        "{statuses:?}"
    );
    // An over-long e-mail is refused before it reaches any counter.
    let p = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": format!("{}@x.nl", "a".repeat(3000)), "password": "x"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["email"]);
}
