//! The platform: health, problem+json for every failure, OpenAPI, CORS, migrations.

use crate::support::Method;
use serde_json::json;

use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    health_answers_ok,
    errors_are_problem_json,
    cors_is_as_configured
);

async fn health_answers_ok(app: TestApp) {
    let v = app.get("/health").await.expect(200).json();
    assert_eq!(v, json!({"status": "ok", "database": "ok"}));
}

async fn errors_are_problem_json(app: TestApp) {
    // 404: unknown route.
    let p = app.get("/api/v1/nothing-here").await.problem(404);
    assert_eq!(p["title"], "Not found");
    // 405: known route, wrong method, with Allow.
    let r = send(app.request(Method::DELETE, "/health")).await;
    assert_eq!(r.header("allow").as_deref(), Some("GET, HEAD"));
    r.problem(405);
    // 400: malformed JSON.
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("content-type", "application/json")
            .body("{\"email\": "),
    )
    .await;
    r.problem(400);
    // 415: not JSON.
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("content-type", "text/plain")
            .body("hi"),
    )
    .await;
    r.problem(415);
    // 422: a field of the wrong type, named.
    let p = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": 5, "password": "x"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), vec!["email"]);
    // 422: a missing field and an unknown one, named.
    let p = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": "a@b.nl"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), vec!["password"]);
    let p = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": "a@b.nl", "password": "x", "admin": true})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), vec!["admin"]);
    // 413: over the JSON limit (1 MiB in tests).
    let big = "x".repeat(1024 * 1024 + 10);
    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"email": big, "password": "x"})),
    )
    .await;
    r.problem(413);
    // 401: anonymous on a staff route.
    app.get("/api/v1/auth/me").await.problem(401);
    // No error carries a path, SQL or a panic.
    let body = app.get("/api/v1/x").await.text();
    assert!(!body.contains("/src/") && !body.to_lowercase().contains("select "));
}

async fn cors_is_as_configured(app: TestApp) {
    let r = send(
        app.request(Method::OPTIONS, "/health")
            .header("origin", "https://partner.example")
            .header("access-control-request-method", "GET"),
    )
    .await;
    assert!(r.status.is_success(), "preflight: {}", r.status);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("https://partner.example")
    );
    assert_eq!(r.header("access-control-allow-credentials"), None);
    let r = send(
        app.request(Method::GET, "/health")
            .header("origin", "https://evil.example"),
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = send(
        app.request(Method::GET, "/health")
            .header("origin", "https://partner.example"),
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("https://partner.example")
    );
}

#[actix_web::test]
async fn health_is_503_when_the_database_is_gone() {
    let Some(pg) = crate::support::PgDatabase::create_database() else {
        return;
    };
    let app = TestApp::spawn_with(Some(pg), |_| {}).await;
    app.get("/health").await.expect(200);
    app.pg.as_ref().expect("pg").drop_now();
    let p = app.get("/health").await.problem(503);
    assert!(!p["detail"].as_str().unwrap_or("").contains("postgres://"));
}

#[test]
fn openapi_document_is_current() {
    let doc = oa_cms::startup::openapi_doc()
        .to_pretty_json()
        .expect("json");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, format!("{doc}\n")).expect("write");
    }
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        stored.trim_end(),
        doc.trim_end(),
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test openapi_document_is_current`"
    );
}

#[actix_web::test]
async fn openapi_is_served_and_docs_work_offline() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await;
    let v = app.get("/api/openapi.json").await.expect(200).json();
    assert!(v["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    assert!(v["paths"]["/health"].is_object());
    assert!(v["paths"]["/api/v1/auth/login"].is_object());
    let html = app.get("/api/docs/").await.expect(200).text();
    assert!(html.contains("swagger"));
    // Every asset the page loads is served by us, not a CDN.
    assert!(
        !html.contains("https://"),
        "docs page references an outside host"
    );
    app.get("/api/docs/swagger-ui-bundle.js").await.expect(200);
}

#[test]
fn migration_folders_hold_the_same_versions() {
    let list = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("migrations folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
        v.sort();
        v
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
}
