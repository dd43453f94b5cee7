//! What a save accepts: common and per-kind fields, file references, slugs, derived video
//! fields, and sanitised HTML.

use crate::support::Method;
use serde_json::json;

use super::{create, file, news, write};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    validation_names_every_field,
    kind_fields_are_strict,
    file_ids_must_exist,
    slugs_are_derived_folded_and_unique,
    video_provider_and_embed_are_derived,
    body_html_is_sanitised,
);

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
    assert_eq!(app.admin_total("/api/v1/admin/content").await, 0);
}

async fn kind_fields_are_strict(app: TestApp) {
    let cases = [
        (
            json!({"kind": "news", "title": "a", "fields": {"display_date": "24 sept"}}),
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
