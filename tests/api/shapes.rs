//! The shapes clients rely on, as snapshots (`tests/api/snapshots/`): public items and lists,
//! the admin item, a version, a diff, and the error bodies. Ids become `[id-1]`, `[id-2]`, ...
//! in order of appearance (so "the same id" stays visible) and times become `[time.fZ]` (the form kept); both
//! backends must match the one snapshot. After an intended change: `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test api shapes` and read the diff.

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Value, json};

use crate::both_backends;
use crate::builders::Item;
use crate::files::PDF;
use crate::support::{Method, Resp, TestApp, send};

both_backends!(
    public_item_and_list,
    admin_item_version_and_diff,
    error_bodies
);

/// Ids and times replaced, everywhere in the value (inside URLs and ETags too); a time keeps
/// the mark of its form (`[time.fZ]`), so a change of format shows.
pub fn redacted(v: &Value) -> Value {
    let id =
        Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").expect("regex");
    let time = Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
        .expect("regex");
    let mut ids: HashMap<String, usize> = HashMap::new();
    walk(v, &mut |s| {
        // The time goes, its form stays: fraction or not, `Z`, another offset or none.
        let s = time.replace_all(s, |c: &regex::Captures| {
            let fraction = if c.get(1).is_some() { ".f" } else { "" };
            let offset = match c.get(2).map(|m| m.as_str()) {
                Some("Z") => "Z",
                Some(_) => "+offset",
                None => " without offset",
            };
            format!("[time{fraction}{offset}]")
        });
        id.replace_all(&s, |c: &regex::Captures| {
            let n = ids.len() + 1;
            format!("[id-{}]", ids.entry(c[0].to_owned()).or_insert(n))
        })
        .into_owned()
    })
}

fn walk(v: &Value, f: &mut impl FnMut(&str) -> String) -> Value {
    match v {
        Value::String(s) => Value::String(f(s)),
        Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, f)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), walk(x, f))).collect()),
        other => other.clone(),
    }
}

/// A snapshot shared by both backends, with ids and times redacted.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        // Keys sorted, whatever order the server wrote them in.
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            sort_maps => true,
        }, {
            // A cursor encodes the last item's id.
            insta::assert_json_snapshot!($name, $crate::shapes::redacted(&$value), {
                ".next_cursor" => "[cursor]",
            });
        })
    };
}

/// A problem body with the headers that belong to it.
fn problem_with(r: &Resp, headers: &[&str]) -> Value {
    let mut v = json!({
        "status": r.status.as_u16(),
        "content_type": r.header("content-type"),
        "body": r.json(),
    });
    for h in headers {
        v[*h] = json!(r.header(h));
    }
    v
}

/// A news item with every part filled: tags, Markdown body, an attachment and a cover.
async fn full_news(app: &TestApp) -> Item {
    let pdf = app.file("manifest.pdf", PDF).await;
    let pdf = pdf["id"].as_str().unwrap();
    app.news("Leraren aan zet")
        .summary("Wat scholen nu doen.")
        .body("# Leraren\n\nZij maken **het verschil**. [Lees meer](https://onderwijsalliantie.nl)")
        .tags(["onderwijs", "leraren"])
        .attach(pdf, "Manifest (PDF)")
        .field("author", "Redactie")
        .published()
        .await
}

async fn public_item_and_list(app: TestApp) {
    let item = full_news(&app).await;
    app.page("Missie").position(1).published().await;
    let one = app.get(&item.public_path()).await.expect(200).json();
    snapshot!("public_item", one);
    let list = app
        .get("/api/v1/content?limit=1&sort=title")
        .await
        .expect(200)
        .json();
    snapshot!("public_list", list);
}

async fn admin_item_version_and_diff(app: TestApp) {
    let mut item = full_news(&app).await;
    snapshot!("admin_item", item.json);
    item.edit(&app, |doc| {
        doc["title"] = json!("Leraren weer aan zet");
        doc["body"] = json!("# Leraren\n\nZij maken **het verschil**.\n\nOok in Zwolle.");
        doc["tags"] = json!(["onderwijs"]);
    })
    .await;
    let version = app
        .admin_get(&format!("{}/versions/1", item.path()))
        .await
        .expect(200)
        .json();
    snapshot!("admin_version", version);
    let diff = app
        .admin_get(&format!("{}/diff?from=1&to=2", item.path()))
        .await
        .expect(200)
        .json();
    snapshot!("admin_diff", diff);
}

async fn error_bodies(app: TestApp) {
    // 422 naming every field at once.
    let mut tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    tags[3] = "y".repeat(51);
    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": "x".repeat(201), "slug": "Bad Slug",
                    "summary": "s".repeat(1001), "tags": tags,
                    "attachments": [{"file_id": "not-a-uuid", "label": "PDF"}],
                    "fields": {"display_date": "gisteren", "colour": "red"}}),
        )
        .await;
    snapshot!("error_422_fields", problem_with(&r, &[]));

    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/json")
            .body("{\"email\": "),
    )
    .await;
    snapshot!("error_400_malformed_json", problem_with(&r, &[]));

    let r = app.get("/api/v1/nothing-here").await;
    snapshot!("error_404", problem_with(&r, &[]));

    let r = send(app.request(Method::DELETE, "/health")).await;
    snapshot!("error_405", problem_with(&r, &["allow"]));

    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "text/plain")
            .body("hi"),
    )
    .await;
    snapshot!("error_415", problem_with(&r, &[]));

    let r = send(
        app.request(Method::POST, "/api/v1/auth/login")
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": "x".repeat(1024 * 1024 + 10), "password": "x"})),
    )
    .await;
    snapshot!("error_413_json", problem_with(&r, &[]));

    // Writes to an item: without If-Match, with a stale one, and to a taken slug.
    let mut item = app.news("Eerste").published().await;
    let stale = item.etag.clone();
    item.edit(&app, |doc| doc["summary"] = json!("Nieuw")).await;
    let r = send(app.admin(Method::DELETE, &item.path())).await;
    snapshot!("error_428", problem_with(&r, &[]));
    let r = send(
        app.admin(Method::DELETE, &item.path())
            .header("if-match", &stale),
    )
    .await;
    snapshot!("error_412", problem_with(&r, &[]));
    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": "Eerste", "fields": {"display_date": "2026-11-24"}}),
        )
        .await;
    snapshot!("error_409_slug", problem_with(&r, &[]));

    let r = app.get("/api/v1/auth/me").await;
    snapshot!("error_401", problem_with(&r, &[]));
}
