//! Creating, reading and editing items; validation and slugs; roles.

use oa_cms::auth::Role;
use reqwest::Method;
use serde_json::json;

use super::{as_put, create, file, news, write};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    create_read_and_edit_with_etags,
    validation_names_every_field,
    kind_fields_are_strict,
    file_ids_must_exist,
    slugs_are_derived_folded_and_unique,
    video_provider_and_embed_are_derived,
    body_html_is_sanitised,
    roles_decide_who_writes,
);

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

async fn validation_names_every_field(app: TestApp) {
    let long = "x".repeat(201);
    let mut tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    tags[3] = "y".repeat(51);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": long, "slug": "Bad Slug", "summary": "s".repeat(1001),
                    "tags": tags, "attachments": [{"file_id": "not-a-uuid", "label": "PDF"}],
                    "fields": {"display_date": "gisteren", "colour": "red"}}),
        )
        .await
        .problem(422);
    let mut fields = Resp::fields(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "attachments[0].file_id",
            "fields.colour",
            "fields.display_date",
            "slug",
            "summary",
            "tags",
            "tags[3]",
            "title"
        ]
    );
    // Wrong JSON types and unknown top-level fields are named too.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": 5, "fields": {}}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["title"]);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "blog", "title": "x", "fields": {}}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["kind"]);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "page", "title": "x", "fields": {"position": 1}, "status": "published"}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["status"]);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "page", "title": "  ", "fields": {"position": 1}}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["title"]);
    // A body over 200 000 characters.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "page", "title": "Lang", "body": "a".repeat(200_001), "fields": {"position": 1}}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["body"]);
    // Malformed JSON is 400, not 422.
    send(
        app.admin(Method::POST, "/api/v1/admin/content")
            .header("content-type", "application/json")
            .body("{\"kind\":"),
    )
    .await
    .problem(400);
    // Nothing was stored.
    let list = app
        .admin_get("/api/v1/admin/content")
        .await
        .expect(200)
        .json();
    assert_eq!(list["total"], 0);
}

async fn kind_fields_are_strict(app: TestApp) {
    let cases = [
        (
            json!({"kind": "news", "title": "a", "fields": {}}),
            vec!["fields.display_date"],
        ),
        (
            json!({"kind": "manifest", "title": "a", "fields": {"references": [{"label": "1"}, {"label": "2", "citation": "c", "url": "javascript:x"}], "video_url": "http://x.nl/v"}}),
            vec![
                "fields.references[0].citation",
                "fields.references[1].url",
                "fields.video_url",
            ],
        ),
        (
            json!({"kind": "download", "title": "a", "fields": {"description": 3}}),
            vec!["fields.description", "fields.file_id"],
        ),
        (
            json!({"kind": "video", "title": "a", "fields": {"url": "http://youtu.be/abc"}}),
            vec!["fields.url"],
        ),
        (
            json!({"kind": "video", "title": "a", "fields": {"url": "not a url"}}),
            vec!["fields.url"],
        ),
        (
            json!({"kind": "page", "title": "a", "fields": {"position": "1"}}),
            vec!["fields.position"],
        ),
        (
            json!({"kind": "location", "title": "a", "fields": {"city": "Zwolle"}}),
            vec!["fields.initiator"],
        ),
        (
            json!({"kind": "location", "title": "a", "fields": {"city": "Zwolle", "initiator": "X", "initiator_url": "ftp://x"}}),
            vec!["fields.initiator_url"],
        ),
        (
            json!({"kind": "page", "title": "a", "fields": "position"}),
            vec!["fields"],
        ),
    ];
    for (body, want) in cases {
        let p = app
            .admin_json(Method::POST, "/api/v1/admin/content", &body)
            .await
            .problem(422);
        let mut got = Resp::fields(&p);
        got.sort();
        assert_eq!(got, want, "{body}");
    }
    // Each kind's valid form is accepted and comes back as stored.
    let (_, _, m) = super::create(
        &app,
        json!({"kind": "manifest", "title": "Het manifest", "fields": {"subtitle": "Samen", "references": [{"label": "1", "citation": "OCW 2024", "url": "https://ocw.nl"}]}}),
    )
    .await;
    assert_eq!(m["fields"]["references"][0]["citation"], "OCW 2024");
    assert_eq!(m["fields"]["video_url"], json!(null));
    let (_, _, l) = super::create(
        &app,
        json!({"kind": "location", "title": "Plek Zwolle", "fields": {"city": "Zwolle", "initiator": "Stichting X", "initiator_url": "http://x.nl"}}),
    )
    .await;
    assert_eq!(l["fields"]["city"], "Zwolle");
}

async fn file_ids_must_exist(app: TestApp) {
    let pdf = file(&app, "manifest.pdf").await;
    let ghost = uuid::Uuid::now_v7().to_string();
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "download", "title": "Doc", "attachments": [{"file_id": pdf, "label": "a"}, {"file_id": ghost, "label": "b"}],
                    "fields": {"file_id": ghost}}),
        )
        .await
        .problem(422);
    let mut f = Resp::fields(&p);
    f.sort();
    assert_eq!(f, ["attachments[1].file_id", "fields.file_id"]);
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": "N", "fields": {"display_date": "2026-01-01", "cover_file_id": ghost}}),
        )
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["fields.cover_file_id"]);
    let (_, _, item) = create(
        &app,
        json!({"kind": "download", "title": "Doc", "attachments": [{"file_id": pdf, "label": "Manifest (PDF)"}],
               "fields": {"file_id": pdf, "description": "Het hele manifest"}}),
    )
    .await;
    assert_eq!(
        item["attachments"],
        json!([{"file_id": pdf, "label": "Manifest (PDF)"}])
    );
    assert_eq!(item["fields"]["file_id"], pdf.as_str());
    // The version records the file it uses (once, though named twice).
    let refs: i64 = {
        use diesel::prelude::*;
        use oa_cms::db::schema::content_file_refs as r;
        let id = item["id"].as_str().unwrap().to_owned();
        app.state
            .db
            .run(move |c| Ok(r::table.filter(r::item_id.eq(id)).count().get_result(c)?))
            .await
            .unwrap()
    };
    assert_eq!(refs, 1);
}

async fn slugs_are_derived_folded_and_unique(app: TestApp) {
    let (_, _, a) = create(&app, news("Reünie in het Café")).await;
    assert_eq!(a["slug"], "reunie-in-het-cafe");
    // The same title again: 409 naming slug, never a 500.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &news("Reünie in het café!"),
        )
        .await
        .problem(409);
    assert_eq!(Resp::fields(&p), ["slug"]);
    // Unique per kind: a page may have it.
    let (_, _, page) = create(
        &app,
        json!({"kind": "page", "title": "Reünie in het Café", "fields": {"position": 0}}),
    )
    .await;
    assert_eq!(page["slug"], "reunie-in-het-cafe");
    // A given slug is used as is; a clash on edit is 409 too.
    let (bid, betag, b) = create(&app, json!({"kind": "news", "slug": "tweede", "title": "Iets", "fields": {"display_date": "2026-11-24"}})).await;
    assert_eq!(b["slug"], "tweede");
    let mut body = super::as_put(&b);
    body["slug"] = json!("reunie-in-het-cafe");
    let p = write(
        &app,
        Method::PUT,
        &format!("/api/v1/admin/content/{bid}"),
        &betag,
        Some(&body),
    )
    .await
    .problem(409);
    assert_eq!(Resp::fields(&p), ["slug"]);
    // A title with nothing to derive from asks for a slug.
    let p = app
        .admin_json(Method::POST, "/api/v1/admin/content", &news("!!!"))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["slug"]);
}

async fn video_provider_and_embed_are_derived(app: TestApp) {
    let cases = [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            json!("https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "youtube",
            json!("https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ),
        (
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "youtube",
            json!("https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            json!("https://www.youtube.com/embed/dQw4w9WgXcQ"),
        ),
        (
            "https://vimeo.com/76979871",
            "vimeo",
            json!("https://player.vimeo.com/video/76979871"),
        ),
        (
            "https://player.vimeo.com/video/76979871",
            "vimeo",
            json!("https://player.vimeo.com/video/76979871"),
        ),
        ("https://example.org/film.mp4", "other", json!(null)),
    ];
    for (i, (url, provider, embed)) in cases.into_iter().enumerate() {
        let (id, etag, v) = create(
            &app,
            json!({"kind": "video", "title": format!("Video {i}"), "fields": {"url": url}}),
        )
        .await;
        assert_eq!(v["fields"]["provider"], provider, "{url}");
        assert_eq!(v["fields"]["embed_url"], embed, "{url}");
        if i == 0 {
            // Derived again on every save; sent values are ignored.
            let mut body = super::as_put(&v);
            body["fields"] = json!({"url": "https://vimeo.com/1234", "provider": "youtube", "embed_url": "https://evil.example"});
            let r = write(
                &app,
                Method::PUT,
                &format!("/api/v1/admin/content/{id}"),
                &etag,
                Some(&body),
            )
            .await
            .expect(200)
            .json();
            assert_eq!(r["fields"]["provider"], "vimeo");
            assert_eq!(
                r["fields"]["embed_url"],
                "https://player.vimeo.com/video/1234"
            );
        }
    }
}

async fn body_html_is_sanitised(app: TestApp) {
    let (_, _, item) = create(
        &app,
        json!({"kind": "page", "title": "Veilig", "fields": {"position": 2},
               "body": "[site](https://onderwijsalliantie.nl) [kwaad](javascript:alert(1))\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n\n<a href=\"javascript:alert(2)\" onclick=\"x()\">klik</a>"}),
    )
    .await;
    let html = item["body_html"].as_str().unwrap();
    assert!(
        html.contains(r#"href="https://onderwijsalliantie.nl""#),
        "{html}"
    );
    assert!(html.contains("rel=\"noopener"), "{html}");
    let lower = html.to_lowercase();
    for bad in ["<script", "onerror", "onclick", "javascript:"] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    // The Markdown itself is kept as written.
    assert!(item["body"].as_str().unwrap().contains("<script>"));
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
