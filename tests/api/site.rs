//! The site's structure: references between items, `sort=position`, links and images in
//! the text, the home page and `GET /api/v1/site`, each kept as fresh as the items they show.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::both_backends;
use crate::builders::Item;
use crate::files::unique_pdf;
use crate::support::{Method, Resp, TestApp, send, titles};

both_backends!(
    references_are_checked_and_named,
    references_show_published_targets_and_follow_them_at_once,
    position_orders_any_kind_and_pages_by_cursor,
    links_and_images_in_the_text,
    the_site_answer_follows_the_home_page_and_its_items,
    a_scheduled_target_shows_at_its_time,
    pages_cannot_form_a_loop_and_the_home_page_stays,
    the_preview_resolves_links_and_images,
);

/// The home page `migrate` made.
async fn home(app: &TestApp) -> Item {
    let list = app
        .admin_get("/api/v1/admin/content?kind=home")
        .await
        .expect(200)
        .json();
    assert_eq!(list["total"], 1, "{list}");
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .admin_get(&format!("/api/v1/admin/content/{id}"))
        .await
        .expect(200);
    Item {
        id,
        etag: r.header("etag").unwrap(),
        json: r.json(),
    }
}

fn id(item: &Item) -> Value {
    Value::String(item.id.clone())
}

async fn public(app: &TestApp, item: &Item) -> (Value, String) {
    let r = app.get(&item.public_path()).await.expect(200);
    let etag = r.header("etag").unwrap();
    (r.json(), etag)
}

async fn site(app: &TestApp) -> (Value, String) {
    let r = app.get("/api/v1/site").await.expect(200);
    let etag = r.header("etag").unwrap();
    (r.json(), etag)
}

async fn create(app: &TestApp, body: Value) -> Resp {
    app.admin_json(Method::POST, "/api/v1/admin/content", &body)
        .await
}

async fn references_are_checked_and_named(app: TestApp) {
    let page = app.page("Missie").draft().await;
    let ghost = uuid::Uuid::now_v7().to_string();
    let before = app.admin_total("/api/v1/admin/content").await;
    let cases = [
        (
            json!({"video": page.id}),
            "fields.video",
            "must be a video item",
        ),
        (
            json!({"downloads": [ghost]}),
            "fields.downloads[0]",
            "no content item",
        ),
        (
            json!({"video": "x"}),
            "fields.video",
            "the id of a content item",
        ),
        (
            json!({"related": [page.id, page.id]}),
            "fields.related[1]",
            "appears twice",
        ),
    ];
    for (fields, field, message) in cases {
        let p = create(
            &app,
            json!({"kind": "manifest", "title": "M", "fields": fields}),
        )
        .await
        .problem(422);
        assert_eq!(Resp::fields(&p), [field], "{p}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{p}"
        );
    }
    for body in [
        format!("Zie [dit](item:{ghost})."),
        format!("![Beeld](file:{ghost})"),
        "[kapot](item:geen-id)".to_owned(),
    ] {
        let p = create(
            &app,
            json!({"kind": "page", "title": "P", "body": body, "fields": {"position": 1}}),
        )
        .await
        .problem(422);
        assert_eq!(Resp::fields(&p), ["body"], "{p}");
    }
    // An item cannot be its own parent.
    let r = app
        .admin(Method::PUT, &page.path())
        .header("if-match", &page.etag)
        .json(&json!({"title": "Missie", "fields": {"position": 0, "parent": page.id}}));
    let p = send(r).await.problem(422);
    assert_eq!(Resp::fields(&p), ["fields.parent"]);
    assert_eq!(app.admin_total("/api/v1/admin/content").await, before);
    // The home page is one item.
    let p = create(
        &app,
        json!({"kind": "home", "title": "Tweede", "fields": {}}),
    )
    .await
    .problem(409);
    assert!(p["detail"].as_str().unwrap().contains("home page"), "{p}");
}

async fn references_show_published_targets_and_follow_them_at_once(app: TestApp) {
    let file = app.file("Manifest.pdf", &unique_pdf()).await;
    let mut video = app
        .video(
            "Video bekijken",
            "https://www.youtube.com/watch?v=abcdefghijk",
        )
        .published()
        .await;
    let mut download = app
        .download("Manifest", file["id"].as_str().unwrap())
        .published()
        .await;
    let mut manifest = app
        .manifest("Samen werken")
        .field("video", id(&video))
        .field("downloads", json!([download.id]))
        .body(&format!("Bekijk [de video](item:{}).", video.id))
        .published()
        .await;
    // Admin reads keep the ids.
    assert_eq!(manifest.json["fields"]["video"], id(&video));
    let (m, etag) = public(&app, &manifest).await;
    assert_eq!(m["url"], "/manifest/samen-werken");
    assert_eq!(
        m["fields"]["video"],
        json!({"id": video.id, "kind": "video", "slug": "video-bekijken", "title": "Video bekijken", "summary": "", "url": "/video/video-bekijken"})
    );
    assert_eq!(m["fields"]["downloads"][0]["title"], "Manifest");
    assert!(
        m["body_html"]
            .as_str()
            .unwrap()
            .contains("<a href=\"/video/video-bekijken\""),
        "{m}"
    );
    let listed = app
        .get("/api/v1/content?kind=manifest")
        .await
        .expect(200)
        .json();
    assert_eq!(
        listed["items"][0]["fields"]["video"]["slug"],
        "video-bekijken"
    );

    // Unpublished: gone from the referrer's answer at once, with a new ETag.
    video.unpublish(&app, None).await;
    let (m2, etag2) = public(&app, &manifest).await;
    assert_ne!(etag, etag2);
    assert_eq!(m2["fields"]["video"], Value::Null);
    let html = m2["body_html"].as_str().unwrap();
    assert!(
        html.contains("Bekijk de video.") && !html.contains("<a"),
        "{html}"
    );
    // Archived: left out of the list.
    download.archive(&app).await;
    let (m3, _) = public(&app, &manifest).await;
    assert_eq!(m3["fields"]["downloads"], json!([]));
    // Published again under another slug: the referrer links to the new address.
    video.edit(&app, |d| d["slug"] = json!("de-video")).await;
    video.publish(&app).await;
    let (m4, _) = public(&app, &manifest).await;
    assert_eq!(m4["fields"]["video"]["url"], "/video/de-video");
    assert!(
        m4["body_html"]
            .as_str()
            .unwrap()
            .contains("href=\"/video/de-video\"")
    );
    // The referrer's own change still shows, with the target resolved.
    manifest
        .edit(&app, |d| {
            d["title"] = json!("Samen werken aan goed onderwijs");
        })
        .await;
    manifest.publish(&app).await;
    let (m5, _) = public(&app, &manifest).await;
    assert_eq!(m5["title"], "Samen werken aan goed onderwijs");
    assert_eq!(m5["fields"]["video"]["slug"], "de-video");
}

async fn position_orders_any_kind_and_pages_by_cursor(app: TestApp) {
    app.page("Visie").position(2).published().await;
    app.page("Missie").position(1).published().await;
    app.page("Aanpak").position(1).published().await;
    app.location("Ontwikkelplek Rotterdam", "Rotterdam")
        .field("position", 1)
        .published()
        .await;
    app.location("Ontwikkelplek Amsterdam", "Amsterdam")
        .published()
        .await;
    let all = app
        .get("/api/v1/content?sort=position&kind=page,location")
        .await
        .expect(200)
        .json();
    let want = [
        "Aanpak",
        "Missie",
        "Ontwikkelplek Rotterdam",
        "Visie",
        "Ontwikkelplek Amsterdam",
    ];
    assert_eq!(titles(&all), want);
    assert_eq!(all["total"], 5);
    // One at a time through the cursor: the same order, each once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map_or(String::new(), |c| format!("&cursor={c}"));
        let page = app
            .get(&format!(
                "/api/v1/content?sort=position&kind=page,location&limit=2{q}"
            ))
            .await
            .expect(200)
            .json();
        seen.extend(titles(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, want);
}

async fn links_and_images_in_the_text(app: TestApp) {
    let image = app.file("Alliantie-wiel.pdf", &unique_pdf()).await;
    let image_id = image["id"].as_str().unwrap();
    let image_url = image["url"].as_str().unwrap();
    let mut news = app.news("Recht op goed onderwijs onder druk").draft().await;
    let page = app
        .page("Downloads")
        .body(&format!(
            "![Het Alliantie-wiel](file:{image_id})\n\nLees [het nieuws](item:{}).",
            news.id
        ))
        .published()
        .await;
    // The file is used by the published version only through the text: it is public, and
    // the media library says where it is used.
    app.get(image_url).await.expect(200);
    let detail = app
        .admin_get(&format!("/api/v1/admin/files/{image_id}"))
        .await
        .expect(200)
        .json();
    assert_eq!(detail["public"], true, "{detail}");
    assert_eq!(detail["used_by"][0]["id"], page.id.as_str(), "{detail}");
    let (p, _) = public(&app, &page).await;
    let html = p["body_html"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "<img src=\"{image_url}\" alt=\"Het Alliantie-wiel\""
        )),
        "{html}"
    );
    assert!(
        html.contains("Lees het nieuws.") && !html.contains("item:"),
        "{html}"
    );
    news.publish(&app).await;
    let (p, _) = public(&app, &page).await;
    let html = p["body_html"].as_str().unwrap();
    assert!(
        html.contains("<a href=\"/news/recht-op-goed-onderwijs-onder-druk\""),
        "{html}"
    );
}

async fn the_site_answer_follows_the_home_page_and_its_items(app: TestApp) {
    // Not published yet: no site.
    app.get("/api/v1/site").await.problem(404);
    let mut over = app.page("Over ons").position(1).published().await;
    let kind = app
        .page("Kernwaarden")
        .position(1)
        .field("parent", id(&over))
        .published()
        .await;
    app.page("Contact").position(2).published().await;
    app.news("Eerste").published().await;
    app.news("Tweede").published().await;
    let mut home = home(&app).await;
    home.edit(&app, |d| {
        d["title"] = json!("Onderwijs Alliantie");
        d["fields"] = json!({
            "tagline": "Samen werken aan goed onderwijs voor ieder kind",
            "intro": "Een **onafhankelijke** alliantie.",
            "sections": [
                {"key": "over", "heading": "Over", "body": "Wie we zijn.", "items": [over.id]},
                {"key": "inzichten", "heading": "Inzichten", "query": {"kind": "news", "limit": 1}},
            ],
        });
    })
    .await;
    home.publish(&app).await;
    let (s, etag) = site(&app).await;
    assert_eq!(s["name"], "Onderwijs Alliantie");
    assert_eq!(
        s["tagline"],
        "Samen werken aan goed onderwijs voor ieder kind"
    );
    assert!(
        s["intro_html"]
            .as_str()
            .unwrap()
            .contains("<strong>onafhankelijke</strong>")
    );
    assert_eq!(s["sections"][0]["key"], "over");
    assert_eq!(s["sections"][0]["body_html"], "<p>Wie we zijn.</p>\n");
    assert_eq!(s["sections"][0]["items"][0]["url"], "/page/over-ons");
    let news = s["sections"][1]["items"].as_array().unwrap();
    assert_eq!(news.len(), 1);
    assert_eq!(news[0]["title"], "Tweede", "newest first");
    let nav = |s: &Value| -> Value {
        Value::Array(
            s["navigation"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    json!([
                        n["title"],
                        n["children"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| c["title"].clone())
                            .collect::<Vec<_>>()
                    ])
                })
                .collect(),
        )
    };
    assert_eq!(
        nav(&s),
        json!([["Over ons", ["Kernwaarden"]], ["Contact", []]])
    );
    assert_eq!(s["navigation"][0]["children"][0]["id"], kind.id.as_str());
    // Conditional like an item.
    let r = send(
        app.request(Method::GET, "/api/v1/site")
            .header("if-none-match", &etag),
    )
    .await;
    assert_eq!(r.status.as_u16(), 304);
    assert!(r.header("cache-control").unwrap().contains("max-age"));
    // A section's item unpublished: the site answer changes at once, and the child page
    // moves up to the top of the navigation.
    over.unpublish(&app, None).await;
    let (s2, etag2) = site(&app).await;
    assert_ne!(etag, etag2);
    assert_eq!(s2["sections"][0]["items"], json!([]));
    assert_eq!(nav(&s2), json!([["Kernwaarden", []], ["Contact", []]]));
    // A news item published: the query section shows it at once.
    app.news("Derde").published().await;
    let (s3, _) = site(&app).await;
    assert_eq!(s3["sections"][1]["items"][0]["title"], "Derde");
    // The home page is an item like any other in the public API too.
    let h = app
        .get("/api/v1/content/home/home")
        .await
        .expect(200)
        .json();
    assert_eq!(h["fields"]["sections"][0]["items"], json!([]));
}

async fn a_scheduled_target_shows_at_its_time(app: TestApp) {
    let at = Utc::now() + Duration::milliseconds(1500);
    let video = app
        .video("Later", "https://vimeo.com/123456")
        .scheduled(at)
        .await;
    let manifest = app
        .manifest("Manifest")
        .field("video", id(&video))
        .published()
        .await;
    let (m, etag) = public(&app, &manifest).await;
    assert_eq!(m["fields"]["video"], Value::Null);
    let wait =
        (at - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300);
    actix_web::rt::time::sleep(wait).await;
    let (m2, etag2) = public(&app, &manifest).await;
    assert_eq!(m2["fields"]["video"]["title"], "Later", "{m2}");
    assert_ne!(etag, etag2);
}

async fn pages_cannot_form_a_loop_and_the_home_page_stays(app: TestApp) {
    let top = app.page("Over ons").draft().await;
    let middle = app.page("Missie").field("parent", id(&top)).draft().await;
    let bottom = app
        .page("Kernwaarden")
        .field("parent", id(&middle))
        .draft()
        .await;
    // Over ons under Kernwaarden would close the loop Over ons > Missie > Kernwaarden.
    let r = app
        .admin(Method::PUT, &top.path())
        .header("if-match", &top.etag)
        .json(&json!({"title": "Over ons", "fields": {"position": 0, "parent": bottom.id}}));
    let p = send(r).await.problem(422);
    assert_eq!(Resp::fields(&p), ["fields.parent"], "{p}");
    // A section's query lists items of a kind a site shows, not the home page itself.
    let mut home = home(&app).await;
    let r = app
        .admin(Method::PUT, &home.path())
        .header("if-match", &home.etag)
        .json(&json!({"title": "Home", "fields": {"sections": [{"key": "a", "query": {"kind": "home"}}]}}));
    let p = send(r).await.problem(422);
    assert_eq!(Resp::fields(&p), ["fields.sections[0].query.kind"], "{p}");
    // The home page is not archived (unpublishing takes the site offline).
    home.publish(&app).await;
    let r = app
        .admin(Method::DELETE, &home.path())
        .header("if-match", &home.etag);
    send(r).await.problem(409);
    app.get("/api/v1/site").await.expect(200);
}

async fn the_preview_resolves_links_and_images(app: TestApp) {
    let image = app.file("Wiel.pdf", &unique_pdf()).await;
    let image_id = image["id"].as_str().unwrap();
    let page = app.page("Missie").published().await;
    let draft = app.news("Nog niet").draft().await;
    let body = format!(
        "![Het wiel](file:{image_id}) [missie](item:{}) [nieuws](item:{})",
        page.id, draft.id
    );
    let html = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/preview",
            &json!({ "body": body }),
        )
        .await
        .expect(200)
        .json()["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.contains(&format!(
            "<img src=\"/api/v1/admin/files/{image_id}/content\""
        )),
        "{html}"
    );
    assert!(html.contains("<a href=\"/page/missie\""), "{html}");
    assert!(
        html.contains(" nieuws") && !html.contains("item:"),
        "{html}"
    );
}
