//! Creating, reading and editing items with ETags; who may do what.

use crate::support::Method;
use oa_cms::auth::Role;
use serde_json::json;

use super::{as_put, create, news, write};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(create_read_and_edit_with_etags, roles_decide_who_writes);

async fn create_read_and_edit_with_etags(app: TestApp) {
    let (id, etag, item) = create(
        &app,
        json!({"kind": "page", "title": "Missie", "body": "Wij *verbinden*.", "tags": ["over ons"],
               "fields": {"position": 1}, "comment": "eerste opzet"}),
    )
    .await;
    assert_eq!(item["slug"], "missie");
    assert_eq!(item["kind"], "page");
    assert_eq!(item["status"], "draft");
    assert_eq!(item["version"], 1);
    assert_eq!(item["published_version"], json!(null));
    assert_eq!(item["summary"], "");
    assert_eq!(item["fields"], json!({"position": 1}));
    assert_eq!(item["body_html"], "<p>Wij <em>verbinden</em>.</p>\n");
    assert!(item["created_at"].as_str().unwrap().ends_with('Z'));
    let path = format!("/api/v1/admin/content/{id}");

    let r = app.admin_get(&path).await.expect(200);
    assert_eq!(r.header("etag").as_deref(), Some(etag.as_str()));
    assert_eq!(r.json()["title"], "Missie");

    // No If-Match: 428. A stale or foreign one: 412 with the current version.
    let mut body = as_put(&item);
    body["title"] = json!("Onze missie");
    send(app.admin(Method::PUT, &path).json(&body))
        .await
        .problem(428);
    let p = write(
        &app,
        Method::PUT,
        &path,
        &format!("\"{id}:7\""),
        Some(&body),
    )
    .await
    .problem(412);
    assert_eq!(p["current_version"], 1);
    assert_eq!(p["current_etag"], etag.as_str());
    write(&app, Method::PUT, &path, &format!("W/{etag}"), Some(&body))
        .await
        .problem(412);
    write(&app, Method::PUT, &path, "*", Some(&body))
        .await
        .problem(412);
    write(&app, Method::PUT, &path, "\"other:1\"", Some(&body))
        .await
        .problem(412);

    let r = write(&app, Method::PUT, &path, &etag, Some(&body))
        .await
        .expect(200);
    let etag2 = r.header("etag").unwrap();
    assert_eq!(etag2, format!("\"{id}:2\""));
    let saved = r.json();
    assert_eq!(saved["unchanged"], false);
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["title"], "Onze missie");
    // The slug stays when none is sent: links keep working.
    assert_eq!(saved["slug"], "missie");
    assert!(saved["updated_at"].as_str() > item["updated_at"].as_str());
    // The old ETag is stale now.
    write(&app, Method::PUT, &path, &etag, Some(&body))
        .await
        .problem(412);
    // The same document again: no version, and the answer says so.
    let r = write(&app, Method::PUT, &path, &etag2, Some(&body))
        .await
        .expect(200);
    assert_eq!(r.header("etag").unwrap(), etag2);
    assert_eq!(r.json()["unchanged"], true);
    assert_eq!(r.json()["version"], 2);
    let versions = app
        .admin_get(&format!("{path}/versions"))
        .await
        .expect(200)
        .json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
    assert_eq!(versions["versions"][0]["version"], 2);
    assert_eq!(versions["versions"][1]["comment"], "eerste opzet");
    assert_eq!(versions["versions"][1]["author"], "admin@test.nl");

    // Unknown ids are 404, on reads and writes.
    app.admin_get("/api/v1/admin/content/nope")
        .await
        .problem(404);
    write(
        &app,
        Method::PUT,
        "/api/v1/admin/content/nope",
        "\"nope:1\"",
        Some(&body),
    )
    .await
    .problem(404);
    // A PUT may not change the kind.
    let mut with_kind = body.clone();
    with_kind["kind"] = json!("news");
    let p = write(&app, Method::PUT, &path, &etag2, Some(&with_kind))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["kind"]);

    // Every write is in the audit log, which the audit API shows.
    let audit = app
        .admin_get(&format!("/api/v1/admin/audit?record_id={id}"))
        .await
        .expect(200)
        .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "update", "create"]);
}

async fn roles_decide_who_writes(app: TestApp) {
    let (_, editor) = app.staff("editor@test.nl", Role::Editor).await;
    let (_, reader) = app.staff("read@test.nl", Role::Read).await;
    let (_, members) = app.staff("members@test.nl", Role::Membership).await;
    let r = send(
        app.request(Method::POST, "/api/v1/admin/content")
            .bearer_auth(&editor)
            .json(&news("Van de redactie")),
    )
    .await
    .expect(201);
    let etag = r.header("etag").unwrap();
    let item = r.json();
    let path = format!("/api/v1/admin/content/{}", item["id"].as_str().unwrap());
    // The read role reads, drafts included, and changes nothing.
    let got = send(app.request(Method::GET, &path).bearer_auth(&reader))
        .await
        .expect(200);
    assert_eq!(got.header("etag").unwrap(), etag);
    send(
        app.request(Method::GET, "/api/v1/admin/content")
            .bearer_auth(&reader),
    )
    .await
    .expect(200);
    send(
        app.request(Method::POST, "/api/v1/admin/content")
            .bearer_auth(&reader)
            .json(&news("x")),
    )
    .await
    .problem(403);
    send(
        app.request(Method::PUT, &path)
            .bearer_auth(&reader)
            .header("if-match", &etag)
            .json(&super::as_put(&item)),
    )
    .await
    .problem(403);
    send(
        app.request(Method::DELETE, &path)
            .bearer_auth(&reader)
            .header("if-match", &etag),
    )
    .await
    .problem(403);
    send(
        app.request(Method::POST, &format!("{path}/publish"))
            .bearer_auth(&reader)
            .header("if-match", &etag),
    )
    .await
    .problem(403);
    // Membership staff see no content at all; anonymous callers are 401.
    send(app.request(Method::GET, &path).bearer_auth(&members))
        .await
        .problem(403);
    send(
        app.request(Method::GET, "/api/v1/admin/content")
            .bearer_auth(&members),
    )
    .await
    .problem(403);
    app.get(&path).await.problem(401);
    // The editor's version carries the editor as author.
    let mut body = super::as_put(&item);
    body["summary"] = json!("Nieuw");
    let r = send(
        app.request(Method::PUT, &path)
            .bearer_auth(&editor)
            .header("if-match", &etag)
            .json(&body),
    )
    .await
    .expect(200);
    assert_eq!(r.json()["version"], 2);
    let v = app
        .admin_get(&format!("{path}/versions/2"))
        .await
        .expect(200)
        .json();
    assert_eq!(v["author"], "editor@test.nl");
    assert_eq!(v["content"]["summary"], "Nieuw");
}
