//! The fixture builders make what they say: each kind, each publication state.

use chrono::{Duration, Utc};

use crate::both_backends;
use crate::files::PDF;
use crate::support::TestApp;

both_backends!(
    each_kind_is_made_and_published,
    drafts_schedules_and_ends_are_what_they_say,
    edits_and_archives_go_through_the_admin_api,
);

async fn each_kind_is_made_and_published(app: TestApp) {
    let pdf = app.file("manifest.pdf", PDF).await;
    let pdf = pdf["id"].as_str().unwrap();
    let items = [
        app.news("Leraren aan zet")
            .tags(["onderwijs"])
            .published()
            .await,
        app.page("Missie").position(1).published().await,
        app.manifest("Het Manifest")
            .attach(pdf, "Manifest (PDF)")
            .published()
            .await,
        app.download("Manifest downloaden", pdf).published().await,
        app.video("Leren met video", "https://youtu.be/abcdefghijk")
            .published()
            .await,
        app.location("Campus Zwolle", "Zwolle").published().await,
    ];
    for item in &items {
        assert_eq!(item.json["status"], "published", "{}", item.json);
        let public = app.get(&item.public_path()).await.expect(200).json();
        assert_eq!(public["id"], item.json["id"]);
        assert_eq!(public["title"], item.json["title"]);
    }
    assert_eq!(items[0].json["tags"], serde_json::json!(["onderwijs"]));
    assert_eq!(items[1].json["fields"]["position"], 1);
    assert_eq!(items[2].json["attachments"][0]["file_id"], pdf);
    let v = app.get("/api/v1/content").await.expect(200).json();
    assert_eq!(v["total"], 6);
}

async fn drafts_schedules_and_ends_are_what_they_say(app: TestApp) {
    let draft = app.news("Concept").summary("Nog niet af").draft().await;
    assert_eq!(draft.json["status"], "draft");
    assert_eq!(draft.json["summary"], "Nog niet af");
    app.get(&draft.public_path()).await.problem(404);

    let at = Utc::now() + Duration::hours(1);
    let scheduled = app.news("Straks").scheduled(at).await;
    assert_eq!(scheduled.json["status"], "scheduled");
    assert!(scheduled.json["publish_at"].is_string());
    app.get(&scheduled.public_path()).await.problem(404);

    let ending = app
        .page("Tijdelijk")
        .slug("tijdelijk")
        .published_until(at)
        .await;
    assert_eq!(ending.slug(), "tijdelijk");
    assert!(ending.json["unpublish_at"].is_string());
    app.get(&ending.public_path()).await.expect(200);
}

async fn edits_and_archives_go_through_the_admin_api(app: TestApp) {
    let mut item = app.news("Eerste versie").body("Oud").published().await;
    item.edit(&app, |doc| doc["body"] = "Nieuw".into()).await;
    assert_eq!(item.json["version"], 2);
    assert_eq!(item.etag, format!("\"{}:2\"", item.id));
    item.publish(&app).await;
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(public["body"], "Nieuw");

    item.unpublish(&app, None).await;
    app.get(&item.public_path()).await.problem(404);
    item.archive(&app).await;
    assert!(item.json["archived_at"].is_string(), "{}", item.json);
    item.unarchive(&app).await;
    assert!(item.json["archived_at"].is_null(), "{}", item.json);

    app.sign_up("Sanne de Vries", "sanne@example.nl").await;
    let members = app
        .admin_get("/api/v1/admin/memberships")
        .await
        .expect(200)
        .json();
    assert_eq!(members["total"], 1);
}
