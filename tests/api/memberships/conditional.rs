//! A sign-up's ETag: `PATCH` and `DELETE` need it in `If-Match` (428 without, 412 when
//! stale), so two staff members handling one record never overwrite each other silently.

use crate::support::Method;
use serde_json::{Value, json};

use super::{etag, ids, list, sign_up};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    reads_carry_the_etag_and_writes_need_it,
    if_match_is_compared_exactly,
    erasing_needs_the_current_etag,
    concurrent_changes_never_both_succeed,
);

async fn only_record(app: &TestApp) -> String {
    let v = list(app, "").await;
    assert_eq!(v["total"], 1);
    v["items"][0]["id"].as_str().unwrap().to_owned()
}

fn path(id: &str) -> String {
    format!("/api/v1/admin/memberships/{id}")
}

async fn patch_with(app: &TestApp, id: &str, if_match: &str, body: &Value) -> Resp {
    send(
        app.admin(Method::PATCH, &path(id))
            .header("if-match", if_match)
            .json(body),
    )
    .await
}

async fn reads_carry_the_etag_and_writes_need_it(app: TestApp) {
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    let id = only_record(&app).await;
    let r = app.admin_get(&path(&id)).await.expect(200);
    let v1 = format!("\"{id}:1\"");
    assert_eq!(r.header("etag"), Some(v1.clone()));
    assert_eq!(r.json()["version"], 1);
    assert_eq!(list(&app, "").await["items"][0]["version"], 1);

    // No If-Match: 428, and nothing changes.
    let p = app
        .admin_json(Method::PATCH, &path(&id), &json!({"status": "approved"}))
        .await
        .problem(428);
    assert_eq!(p["title"], "Precondition required");
    assert_eq!(app.admin_get(&path(&id)).await.json()["status"], "new");

    // The current ETag: the change is made and the version goes up.
    let r = patch_with(&app, &id, &v1, &json!({"status": "approved"}))
        .await
        .expect(200);
    let v2 = format!("\"{id}:2\"");
    assert_eq!(r.header("etag"), Some(v2.clone()));
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let body = r.json();
    assert_eq!(
        (body["status"].as_str(), body["version"].as_i64()),
        (Some("approved"), Some(2))
    );
    assert_eq!(
        app.admin_get(&path(&id)).await.header("etag"),
        Some(v2.clone())
    );
    assert_eq!(list(&app, "").await["items"][0]["version"], 2);

    // The ETag read before that change is stale now: 412 naming the current version, and
    // the second person's note is not written over the first person's change.
    let p = patch_with(
        &app,
        &id,
        &v1,
        &json!({"status": "rejected", "note": "Later"}),
    )
    .await
    .problem(412);
    assert_eq!(p["current_version"], 2);
    assert_eq!(p["current_etag"], v2);
    let now = app.admin_get(&path(&id)).await.json();
    assert_eq!(
        (now["status"].as_str(), &now["note"]),
        (Some("approved"), &Value::Null)
    );

    // A change that changes nothing keeps the version, but a stale ETag is still refused.
    let r = patch_with(&app, &id, &v2, &json!({"status": "approved"}))
        .await
        .expect(200);
    assert_eq!(r.header("etag"), Some(v2.clone()));
    patch_with(&app, &id, &v1, &json!({"status": "approved"}))
        .await
        .problem(412);
    // 428 comes before the body is looked at; 422 before the record is.
    app.admin_json(Method::PATCH, &path(&id), &json!({"status": "done"}))
        .await
        .problem(428);
    let p = patch_with(&app, &id, &v1, &json!({"status": "done"}))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["status"]);
}

async fn if_match_is_compared_exactly(app: TestApp) {
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    sign_up(&app, "Piet Pietersen", "piet@example.nl").await;
    let ids = ids(&list(&app, "").await);
    let (id, other) = (&ids[0], &ids[1]);
    for wrong in [
        format!("W/\"{id}:1\""),
        format!("\"{id}:01\""),
        format!("\"{id}:1 \""),
        format!("\"{}:1\"", id.to_uppercase()),
        format!("{id}:1"),
        format!("\"{other}:1\""),
        "*".to_owned(),
        "\"\"".to_owned(),
    ] {
        let p = patch_with(&app, id, &wrong, &json!({"status": "approved"}))
            .await
            .problem(412);
        assert_eq!(p["current_etag"], format!("\"{id}:1\""), "{wrong}");
    }
    assert_eq!(app.admin_get(&path(id)).await.json()["version"], 1);
    // One right tag among others is enough.
    patch_with(
        &app,
        id,
        &format!("\"{other}:1\", W/\"{id}:1\", \"{id}:1\""),
        &json!({"status": "approved"}),
    )
    .await
    .expect(200);
}

async fn erasing_needs_the_current_etag(app: TestApp) {
    // Twice with one e-mail: erasing one record erases the person's every record.
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    let ids = ids(&list(&app, "").await);
    let id = &ids[1];
    let stale = etag(&app, id).await;
    patch_with(&app, id, &stale, &json!({"note": "Gebeld"}))
        .await
        .expect(200);

    let erase = |if_match: Option<String>| {
        let mut rb = app.admin(Method::DELETE, &path(id));
        if let Some(tag) = if_match {
            rb = rb.header("if-match", tag);
        }
        send(rb)
    };
    erase(None).await.problem(428);
    let p = erase(Some(stale)).await.problem(412);
    assert_eq!(p["current_version"], 2);
    assert_eq!(list(&app, "").await["total"], 2, "nothing was erased");
    erase(Some("*".into())).await.problem(412);

    erase(Some(format!("\"{id}:2\""))).await.expect(204);
    assert_eq!(list(&app, "").await["total"], 0);
    for id in &ids {
        app.admin_get(&path(id)).await.problem(404);
    }
}

const WRITERS: usize = 10;

async fn concurrent_changes_never_both_succeed(app: TestApp) {
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    let id = only_record(&app).await;
    let tag = etag(&app, &id).await;
    let tasks = (0..WRITERS).map(|i| {
        send(
            app.admin(Method::PATCH, &path(&id))
                .header("if-match", &tag)
                .json(&json!({"note": format!("schrijver {i}")})),
        )
    });
    let mut won = Vec::new();
    for r in futures_util::future::join_all(tasks).await {
        match r.status.as_u16() {
            200 => won.push(r.json()["note"].clone()),
            412 => assert_eq!(r.problem(412)["current_version"], 2),
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    assert_eq!(won.len(), 1, "exactly one writer wins");
    let now = app.admin_get(&path(&id)).await.json();
    assert_eq!((&now["note"], now["version"].as_i64()), (&won[0], Some(2)));

    // A change and an erasure with the same ETag: one of them, never both.
    let tag = etag(&app, &id).await;
    let change = send(
        app.admin(Method::PATCH, &path(&id))
            .header("if-match", &tag)
            .json(&json!({"status": "approved"})),
    );
    let erase = send(
        app.admin(Method::DELETE, &path(&id))
            .header("if-match", &tag),
    );
    let (c, e) = futures_util::future::join(change, erase).await;
    match (c.status.as_u16(), e.status.as_u16()) {
        (200, 412) => assert_eq!(list(&app, "").await["total"], 1),
        (404 | 412, 204) => assert_eq!(list(&app, "").await["total"], 0),
        other => panic!("unexpected {other:?}: {} / {}", c.text(), e.text()),
    }
}
