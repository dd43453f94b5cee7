//! Preview links: a signed, expiring token that shows a version, drafts included, in exactly
//! the public shape, with its files, to anyone holding it.

mod access;
mod files;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::builders::Item;
use crate::support::{Method, Resp, TestApp, send};
use crate::{both_backends, both_backends_with};

both_backends!(
    a_preview_is_the_public_item_once_that_version_is_published,
    a_newer_draft_is_previewed_while_the_public_shows_the_published_one,
    a_never_published_item_is_dated_by_its_version,
    two_processes_accept_each_others_links,
);

both_backends_with!(
    |c| {
        c.preview_url_template =
            Some("https://www.example.nl/preview/{kind}/{slug}?token={token}".into());
    },
    links_carry_the_site_address_when_a_template_is_set
);

/// A preview link to `item` as the test's admin, with `body` (none: the defaults).
pub async fn link(app: &TestApp, item: &Item, body: Option<Value>) -> Value {
    link_as(app, &app.admin_token, item, body)
        .await
        .expect(200)
        .json()
}

pub async fn link_as(app: &TestApp, token: &str, item: &Item, body: Option<Value>) -> Resp {
    let mut rb = app
        .request(Method::POST, &format!("{}/preview", item.path()))
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    send(rb).await
}

/// What the link shows (200 expected), checked for the private caching.
pub async fn shown(app: &TestApp, link: &Value) -> Value {
    let r = app.get(link["url"].as_str().unwrap()).await.expect(200);
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert_eq!(r.header("etag"), None);
    r.json()
}

/// An answer with its times left out and its file addresses made public ones.
fn comparable(item: &Value, token: &str) -> Value {
    let text = item
        .to_string()
        .replace(&format!("/api/v1/preview/{token}/files/"), "/api/v1/files/");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let o = v.as_object_mut().unwrap();
    assert!(o.remove("published_at").unwrap().is_string());
    assert!(o.remove("updated_at").unwrap().is_string());
    v
}

/// Publishes version `n` of `item`.
async fn publish_version(app: &TestApp, item: &mut Item, n: i64) {
    let r = send(
        app.admin(Method::POST, &format!("{}/publish", item.path()))
            .header("if-match", &item.etag)
            .json(&json!({ "version": n })),
    )
    .await
    .expect(200);
    item.etag = r.header("etag").unwrap();
    item.json = r.json();
}

async fn a_preview_is_the_public_item_once_that_version_is_published(app: TestApp) {
    let pdf = app.file("verslag.pdf", &crate::files::unique_pdf()).await;
    let png = app.file("oranje vlak.png", crate::files::PNG).await;
    let (pdf_id, png_id) = (pdf["id"].as_str().unwrap(), png["id"].as_str().unwrap());
    let live = app.news("Al gepubliceerd").published().await;
    let draft = app.news("Nog een concept").draft().await;
    let body = format!(
        "Lees [het vorige stuk](item:{}) en [het concept](item:{}).\n\n![Een oranje vlak](file:{png_id})",
        live.id, draft.id
    );
    let mut item = app
        .news("Nieuw stuk")
        .summary("Kort")
        .tags(["onderwijs"])
        .body(&body)
        .field("cover_file_id", png_id)
        .field("related", json!([live.id, draft.id]))
        .attach(pdf_id, "Het verslag")
        .draft()
        .await;
    let l = link(&app, &item, None).await;
    let token = l["token"].as_str().unwrap();
    assert_eq!(l["url"], format!("/api/v1/preview/{token}"));
    assert!(l.get("site_url").is_none(), "{l}");
    let preview = shown(&app, &l).await;
    // The draft is not public.
    app.get(&item.public_path()).await.expect(404);
    // Files under the link's own addresses; references and links as the public sees them.
    let files = format!("/api/v1/preview/{token}/files");
    assert_eq!(
        preview["attachments"][0]["url"],
        format!("{files}/{pdf_id}/verslag.pdf")
    );
    assert_eq!(preview["attachments"][0]["label"], "Het verslag");
    assert_eq!(
        preview["fields"]["cover"]["url"],
        format!("{files}/{png_id}/oranje%20vlak.png")
    );
    let html = preview["body_html"].as_str().unwrap();
    assert!(
        html.contains(&format!("src=\"{files}/{png_id}/oranje%20vlak.png\"")),
        "{html}"
    );
    assert!(html.contains("href=\"/news/al-gepubliceerd\""), "{html}");
    assert!(!html.contains("nog-een-concept"), "{html}");
    assert_eq!(preview["fields"]["related"].as_array().unwrap().len(), 1);

    publish_version(&app, &mut item, 1).await;
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(comparable(&preview, token), comparable(&public, ""));
    // The same link shows the same version after publishing, dated as the public dates it.
    let again = shown(&app, &l).await;
    assert_eq!(again["published_at"], public["published_at"]);
    assert_eq!(comparable(&again, token), comparable(&public, ""));
}

async fn a_newer_draft_is_previewed_while_the_public_shows_the_published_one(app: TestApp) {
    let mut item = app.news("Oude titel").body("Oude tekst").published().await;
    item.edit(&app, |d| {
        d["title"] = json!("Nieuwe titel");
        d["body"] = json!("Nieuwe tekst");
    })
    .await;
    let latest = link(&app, &item, None).await;
    let first = link(&app, &item, Some(json!({ "version": 1 }))).await;
    let p = shown(&app, &latest).await;
    assert_eq!(
        (p["title"].as_str(), p["version"].as_i64()),
        (Some("Nieuwe titel"), Some(2))
    );
    assert_eq!(p["body_html"], "<p>Nieuwe tekst</p>\n");
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(
        (public["title"].as_str(), public["version"].as_i64()),
        (Some("Oude titel"), Some(1))
    );
    let p1 = shown(&app, &first).await;
    assert_eq!(comparable(&p1, ""), comparable(&public, ""));
    // A link keeps the version it was made for, also once a newer one is saved.
    item.edit(&app, |d| d["title"] = json!("Nog nieuwer")).await;
    assert_eq!(shown(&app, &latest).await["title"], "Nieuwe titel");
    // Publishing the draft makes the public equal what the link showed.
    publish_version(&app, &mut item, 2).await;
    let public = app.get(&item.public_path()).await.expect(200).json();
    assert_eq!(comparable(&p, ""), comparable(&public, ""));
}

async fn a_never_published_item_is_dated_by_its_version(app: TestApp) {
    let item = app.news("Concept").draft().await;
    let l = link(&app, &item, Some(json!({ "expires_in": 600 }))).await;
    let p = shown(&app, &l).await;
    let version = app
        .admin_get(&format!("{}/versions/1", item.path()))
        .await
        .expect(200)
        .json();
    let saved = DateTime::parse_from_rfc3339(version["created_at"].as_str().unwrap()).unwrap();
    for key in ["published_at", "updated_at"] {
        let t = DateTime::parse_from_rfc3339(p[key].as_str().unwrap()).unwrap();
        assert!(
            (t - saved).num_milliseconds().abs() < 1,
            "{key}: {t} vs {saved}"
        );
    }
    // The link lasts what was asked, to the second.
    let expires = DateTime::parse_from_rfc3339(l["expires_at"].as_str().unwrap()).unwrap();
    let left = expires.with_timezone(&Utc) - Utc::now();
    assert!((590..=601).contains(&left.num_seconds()), "{left}");
}

async fn links_carry_the_site_address_when_a_template_is_set(app: TestApp) {
    let item = app.news("Op de site").draft().await;
    let l = link(&app, &item, None).await;
    let token = l["token"].as_str().unwrap();
    assert_eq!(
        l["site_url"],
        format!("https://www.example.nl/preview/news/op-de-site?token={token}")
    );
    assert_eq!(shown(&app, &l).await["title"], "Op de site");
}

async fn two_processes_accept_each_others_links(app: TestApp) {
    let other = app.sibling().await;
    let item = app.news("Gedeeld").draft().await;
    // Both processes make their first link at once: they agree on one signing key.
    let (mine, theirs) = futures_util::join!(
        link_as(&app, &app.admin_token, &item, None),
        link_as(&other, &other.admin_token, &item, None),
    );
    let (mine, theirs) = (mine.expect(200).json(), theirs.expect(200).json());
    for l in [&mine, &theirs] {
        assert_eq!(shown(&app, l).await["title"], "Gedeeld");
        assert_eq!(shown(&other, l).await["title"], "Gedeeld");
    }
}
