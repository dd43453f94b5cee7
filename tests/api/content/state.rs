//! Archive, unarchive, publish and unpublish: state changes behind `If-Match`, each audited.

use crate::support::Method;
use serde_json::json;

use super::{as_put, create, write};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    archive_and_unarchive,
    publish_and_unpublish_set_the_status,
    a_version_whose_file_was_deleted_is_not_published,
    every_write_is_audited
);

async fn archive_and_unarchive(app: TestApp) {
    let (id, etag, item) = create(&app, super::news("Oud nieuws")).await;
    let path = format!("/api/v1/admin/content/{id}");
    write(&app, Method::POST, &format!("{path}/publish"), &etag, None)
        .await
        .expect(200);
    app.get("/api/v1/content/news/oud-nieuws").await.expect(200);
    send(app.admin(Method::DELETE, &path)).await.problem(428);
    write(&app, Method::DELETE, &path, &format!("\"{id}:0\""), None)
        .await
        .problem(412);
    let r = write(&app, Method::DELETE, &path, &etag, None)
        .await
        .expect(200);
    assert_eq!(r.header("etag").unwrap(), etag);
    let archived = r.json();
    assert_eq!(archived["status"], "archived");
    assert!(archived["archived_at"].is_string());
    assert_eq!(archived["published_version"], json!(null));
    app.get("/api/v1/content/news/oud-nieuws")
        .await
        .problem(404);
    // Still readable by staff, and still there in full.
    let got = app.admin_get(&path).await.expect(200).json();
    assert_eq!(got["status"], "archived");
    assert_eq!(got["title"], "Oud nieuws");
    // Archived items take no edits, publishes or second archives.
    write(&app, Method::PUT, &path, &etag, Some(&as_put(&item)))
        .await
        .problem(409);
    write(&app, Method::POST, &format!("{path}/publish"), &etag, None)
        .await
        .problem(409);
    write(&app, Method::DELETE, &path, &etag, None)
        .await
        .problem(409);
    // The slug stays taken while archived.
    app.admin_json(
        Method::POST,
        "/api/v1/admin/content",
        &super::news("Oud nieuws"),
    )
    .await
    .problem(409);
    let unarchive = format!("{path}/unarchive");
    send(app.admin(Method::POST, &unarchive)).await.problem(428);
    let back = write(&app, Method::POST, &unarchive, &etag, None)
        .await
        .expect(200)
        .json();
    assert_eq!(back["status"], "draft");
    assert_eq!(back["archived_at"], json!(null));
    write(&app, Method::POST, &unarchive, &etag, None)
        .await
        .problem(409);
    // Editable again.
    write(
        &app,
        Method::PUT,
        &path,
        &etag,
        Some(&json!({"title": "Oud nieuws, herzien", "fields": {"display_date": "2026-11-24"}})),
    )
    .await
    .expect(200);
}

async fn publish_and_unpublish_set_the_status(app: TestApp) {
    let (id, etag1, item) = create(&app, super::news("Lancering")).await;
    let path = format!("/api/v1/admin/content/{id}");
    let publish = format!("{path}/publish");
    let unpublish = format!("{path}/unpublish");
    send(app.admin(Method::POST, &publish)).await.problem(428);
    // Publish now, the latest version by default (no body needed).
    let p = write(&app, Method::POST, &publish, &etag1, None)
        .await
        .expect(200);
    assert_eq!(p.header("etag").unwrap(), etag1);
    let p = p.json();
    assert_eq!(p["status"], "published");
    assert_eq!(p["published_version"], 1);
    assert!(p["published_at"].is_string());
    // The public API shows it at once.
    let public = app
        .get("/api/v1/content/news/lancering")
        .await
        .expect(200)
        .json();
    assert_eq!(public["version"], 1);
    // An edit makes it "changed": the public still sees version 1.
    let mut body = as_put(&item);
    body["summary"] = json!("Bijgewerkt");
    let r = write(&app, Method::PUT, &path, &etag1, Some(&body))
        .await
        .expect(200);
    let etag2 = r.header("etag").unwrap();
    assert_eq!(r.json()["status"], "changed");
    assert_eq!(r.json()["published_version"], 1);
    // Bad publish bodies are named.
    let p = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"version": 3})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["version"]);
    let p = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"at": "morgen"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["at"]);
    let p = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"when": "now"})),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["when"]);
    // A future publish is scheduled: status scheduled, shown as publish_at.
    let at = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let s = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"version": 2, "at": at})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(s["status"], "scheduled");
    assert_eq!(s["publish_at"], at);
    assert_eq!(s["publish_version"], 2);
    assert_eq!(s["published_version"], 1);
    let listed = app
        .admin_get("/api/v1/admin/content?status=scheduled")
        .await
        .expect(200)
        .json();
    assert_eq!(listed["total"], 1);
    // Publishing version 2 now supersedes the schedule.
    let s = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"version": 2})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(s["status"], "published");
    assert_eq!(s["publish_at"], json!(null));
    let public = app
        .get("/api/v1/content/news/lancering")
        .await
        .expect(200)
        .json();
    assert_eq!(public["version"], 2);
    assert_eq!(public["summary"], "Bijgewerkt");
    // A publish of an older version: changed.
    let s = write(
        &app,
        Method::POST,
        &publish,
        &etag2,
        Some(&json!({"version": 1})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(s["status"], "changed");
    // A future unpublish leaves the status and shows unpublish_at.
    let u = write(
        &app,
        Method::POST,
        &unpublish,
        &etag2,
        Some(&json!({"at": at})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(u["status"], "changed");
    assert_eq!(u["unpublish_at"], at);
    // Unpublish now: a draft again.
    let u = write(&app, Method::POST, &unpublish, &etag2, None)
        .await
        .expect(200)
        .json();
    assert_eq!(u["status"], "draft");
    app.get("/api/v1/content/news/lancering").await.problem(404);
    assert_eq!(u["published_version"], json!(null));
    assert_eq!(u["unpublish_at"], json!(null));
    // A stale ETag is refused for state changes too.
    write(&app, Method::POST, &publish, &etag1, None)
        .await
        .problem(412);
    write(&app, Method::POST, &unpublish, &etag1, None)
        .await
        .problem(412);
}

/// A file only archived items use may be deleted; an item brought back afterwards cannot
/// publish (now or later) a version that uses it: 422 naming the field, not a public
/// download without its file.
async fn a_version_whose_file_was_deleted_is_not_published(app: TestApp) {
    let file = super::file(&app, "handreiking.pdf").await;
    let mut item = app.download("Handreiking", &file).published().await;
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(public["fields"]["file"]["id"], file.as_str(), "{public}");
    item.archive(&app).await;
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/files/{file}")))
        .await
        .expect(204);
    item.unarchive(&app).await;

    let publish = format!("{}/publish", item.path());
    let later = json!({"at": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339()});
    for body in [None, Some(&later), Some(&json!({"version": 1}))] {
        let p = write(&app, Method::POST, &publish, &item.etag, body)
            .await
            .problem(422);
        assert_eq!(Resp::fields(&p), ["fields.file_id"], "{body:?}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("deleted"),
            "{p}"
        );
    }
    // Nothing changed: still a draft, nothing public, nothing scheduled.
    let now = app.admin_get(&item.path()).await.expect(200).json();
    assert_eq!(now["status"], "draft");
    assert_eq!(now["published_version"], json!(null));
    assert_eq!(now["publish_at"], json!(null));
    app.get(&item.public_path()).await.problem(404);

    // With another file in a new version it publishes, and the public sees that file.
    let other = super::file(&app, "handreiking-2.pdf").await;
    item.edit(&app, |doc| doc["fields"]["file_id"] = json!(other))
        .await;
    item.publish(&app).await;
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(public["fields"]["file"]["id"], other.as_str(), "{public}");

    // An attachment is named by its place in the list.
    let kept = super::file(&app, "bijlage.pdf").await;
    let gone = super::file(&app, "weg.pdf").await;
    let mut manifest = app
        .manifest("Manifest")
        .attach(&kept, "Blijft")
        .attach(&gone, "Weg")
        .draft()
        .await;
    manifest.archive(&app).await;
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/files/{gone}")))
        .await
        .expect(204);
    manifest.unarchive(&app).await;
    let p = write(
        &app,
        Method::POST,
        &format!("{}/publish", manifest.path()),
        &manifest.etag,
        None,
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["attachments[1].file_id"]);
}

async fn every_write_is_audited(app: TestApp) {
    let (id, etag, item) = create(&app, super::news("Geaudit")).await;
    let path = format!("/api/v1/admin/content/{id}");
    let mut body = as_put(&item);
    body["summary"] = json!("x");
    let e2 = write(&app, Method::PUT, &path, &etag, Some(&body))
        .await
        .expect(200)
        .header("etag")
        .unwrap();
    write(
        &app,
        Method::POST,
        &format!("{path}/versions/1/restore"),
        &e2,
        None,
    )
    .await
    .expect(200);
    let e3 = format!("\"{id}:3\"");
    write(&app, Method::POST, &format!("{path}/publish"), &e3, None)
        .await
        .expect(200);
    write(&app, Method::POST, &format!("{path}/unpublish"), &e3, None)
        .await
        .expect(200);
    write(&app, Method::DELETE, &path, &e3, None)
        .await
        .expect(200);
    write(&app, Method::POST, &format!("{path}/unarchive"), &e3, None)
        .await
        .expect(200);
    // Refused writes leave no entry.
    write(&app, Method::PUT, &path, &etag, Some(&body))
        .await
        .problem(412);
    let actions: Vec<String> = {
        use diesel::prelude::*;
        use oa_cms::db::schema::audit_log as a;
        let id = id.clone();
        app.state
            .db
            .run(move |c| {
                Ok(a::table
                    .filter(a::record_id.eq(id))
                    .filter(a::record_type.eq("content"))
                    .order(a::id.asc())
                    .select(a::action)
                    .load::<String>(c)?)
            })
            .await
            .unwrap()
    };
    assert_eq!(
        actions,
        [
            "create",
            "update",
            "restore",
            "publish",
            "unpublish",
            "archive",
            "unarchive"
        ]
    );
}
