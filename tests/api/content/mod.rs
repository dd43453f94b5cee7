//! Content items over the admin API: validation, slugs, versions, ETags, state, lists.

mod concurrency;
mod crud;
mod history;
mod listing;
mod state;
mod unschedule;
mod validation;

use crate::support::Method;
use serde_json::{Value, json};

use crate::support::{Resp, TestApp, send};

/// An uploaded PDF's id.
pub async fn file(app: &TestApp, name: &str) -> String {
    let rec = app.file(name, &crate::files::unique_pdf()).await;
    rec["id"].as_str().expect("id").to_owned()
}

pub fn news(title: &str) -> Value {
    json!({"kind": "news", "title": title, "fields": {"display_date": "2026-11-24"}})
}

/// Creates an item; returns (id, etag, item).
pub async fn create(app: &TestApp, body: Value) -> (String, String, Value) {
    let r = app
        .admin_json(Method::POST, "/api/v1/admin/content", &body)
        .await
        .expect(201);
    let etag = r.header("etag").expect("etag");
    let item = r.json();
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{id}:1\""));
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("/api/v1/admin/content/{id}").as_str())
    );
    (id, etag, item)
}

/// A write with `If-Match`.
pub async fn write(
    app: &TestApp,
    method: Method,
    path: &str,
    etag: &str,
    body: Option<&Value>,
) -> Resp {
    let mut rb = app.admin(method, path).header("if-match", etag);
    if let Some(b) = body {
        rb = rb.json(b);
    }
    send(rb).await
}

/// The item's document as a PUT body.
pub fn as_put(item: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for k in [
        "slug",
        "title",
        "summary",
        "body",
        "tags",
        "attachments",
        "fields",
    ] {
        out.insert(k.to_owned(), item[k].clone());
    }
    Value::Object(out)
}
