//! The admin list: filters, sorts, keyset cursors.

use std::collections::HashSet;

use crate::support::Method;
use serde_json::json;

use super::{create, write};
use crate::both_backends;
use crate::support::{Resp, TestApp, titles};

both_backends!(
    filters_and_status,
    cursor_walk_returns_each_item_once,
    bad_parameters_are_named
);

async fn filters_and_status(app: TestApp) {
    let (a, ea, _) = create(&app, json!({"kind": "news", "title": "Leraren aan zet", "tags": ["onderwijs"], "fields": {"display_date": "2026-11-01"}})).await;
    let (_b, _, _) = create(
        &app,
        json!({"kind": "page", "title": "Missie", "tags": ["over"], "fields": {"position": 1}}),
    )
    .await;
    let (c, ec, _) = create(&app, json!({"kind": "video", "title": "Leren met video", "tags": ["onderwijs"], "fields": {"url": "https://youtu.be/abcdefghijk"}})).await;
    let (d, ed, _) = create(&app, json!({"kind": "location", "title": "Plek Deventer", "fields": {"city": "Deventer", "initiator": "X"}})).await;
    write(
        &app,
        Method::POST,
        &format!("/api/v1/admin/content/{a}/publish"),
        &ea,
        None,
    )
    .await
    .expect(200);
    write(
        &app,
        Method::POST,
        &format!("/api/v1/admin/content/{c}/publish"),
        &ec,
        None,
    )
    .await
    .expect(200);
    write(
        &app,
        Method::PUT,
        &format!("/api/v1/admin/content/{c}"),
        &ec,
        Some(&json!({"title": "Leren met video", "summary": "nieuw", "tags": ["onderwijs"], "fields": {"url": "https://youtu.be/abcdefghijk"}})),
    )
    .await
    .expect(200);
    write(
        &app,
        Method::DELETE,
        &format!("/api/v1/admin/content/{d}"),
        &ed,
        None,
    )
    .await
    .expect(200);

    let all = app
        .admin_get("/api/v1/admin/content")
        .await
        .expect(200)
        .json();
    assert_eq!(all["total"], 4);
    // Default sort: most recently updated first (an archive counts as an update).
    assert_eq!(titles(&all)[0], "Plek Deventer");
    assert!(all["items"][0].get("body").is_none() && all["items"][0].get("body_html").is_none());
    assert_eq!(
        titles(&get(&app, "status=published").await.expect(200).json()),
        ["Leraren aan zet"]
    );
    assert_eq!(
        titles(&get(&app, "status=changed").await.expect(200).json()),
        ["Leren met video"]
    );
    assert_eq!(
        titles(&get(&app, "status=draft").await.expect(200).json()),
        ["Missie"]
    );
    assert_eq!(
        titles(&get(&app, "status=archived").await.expect(200).json()),
        ["Plek Deventer"]
    );
    assert_eq!(
        get(&app, "status=draft,archived").await.expect(200).json()["total"],
        2
    );
    assert_eq!(
        titles(
            &get(&app, "kind=page,location&sort=title")
                .await
                .expect(200)
                .json()
        ),
        ["Missie", "Plek Deventer"]
    );
    assert_eq!(
        titles(
            &get(&app, "tag=onderwijs&sort=title")
                .await
                .expect(200)
                .json()
        ),
        ["Leraren aan zet", "Leren met video"]
    );
    assert_eq!(
        titles(&get(&app, "q=LEREN").await.expect(200).json()),
        ["Leren met video"]
    );
    assert_eq!(get(&app, "q=100%25").await.expect(200).json()["total"], 0);
    assert_eq!(
        titles(
            &get(&app, "sort=-published_at&kind=news,video,page")
                .await
                .expect(200)
                .json()
        ),
        ["Leren met video", "Leraren aan zet", "Missie"]
    );
    assert_eq!(
        titles(
            &get(&app, "sort=published_at&kind=news,video,page")
                .await
                .expect(200)
                .json()
        ),
        ["Leraren aan zet", "Leren met video", "Missie"]
    );
    // updated_since is inclusive.
    let newest = all["items"][0]["updated_at"].as_str().unwrap().to_owned();
    let since = get(&app, &format!("updated_since={newest}"))
        .await
        .expect(200)
        .json();
    assert_eq!(titles(&since), ["Plek Deventer"]);
    assert_eq!(
        titles(
            &get(&app, "sort=updated_at&limit=1")
                .await
                .expect(200)
                .json()
        ),
        // Never published nor archived since it was saved.
        ["Missie"]
    );
}

async fn get(app: &TestApp, q: &str) -> Resp {
    app.admin_get(&format!("/api/v1/admin/content?{q}")).await
}

async fn cursor_walk_returns_each_item_once(app: TestApp) {
    let mut ids = HashSet::new();
    for i in 0..7 {
        // Same titles in pairs, so ties are broken by id.
        let (id, _, _) = create(
            &app,
            json!({"kind": "page", "slug": format!("p{i}"), "title": format!("Pagina {}", i / 2), "fields": {"position": i}}),
        )
        .await;
        ids.insert(id);
    }
    for sort in [
        "-updated_at",
        "updated_at",
        "title",
        "-published_at",
        "published_at",
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = match &cursor {
                Some(c) => format!("/api/v1/admin/content?limit=3&sort={sort}&cursor={c}"),
                None => format!("/api/v1/admin/content?limit=3&sort={sort}"),
            };
            let page = app.admin_get(&q).await.expect(200).json();
            assert_eq!(page["total"], 7);
            for i in page["items"].as_array().unwrap() {
                seen.push(i["id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7, "{sort}");
        assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), ids, "{sort}");
    }
    // A cursor made for one sort is refused under another; a made-up one is 400.
    let page = app
        .admin_get("/api/v1/admin/content?limit=2&sort=title")
        .await
        .expect(200)
        .json();
    let c = page["next_cursor"].as_str().unwrap();
    app.admin_get(&format!("/api/v1/admin/content?cursor={c}"))
        .await
        .problem(400);
    app.admin_get("/api/v1/admin/content?cursor=bm9wZQ")
        .await
        .problem(400);
    app.admin_get("/api/v1/admin/content?cursor=%%%")
        .await
        .problem(400);
}

async fn bad_parameters_are_named(app: TestApp) {
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("kind=blog", "kind"),
        ("status=live", "status"),
        ("sort=-title", "sort"),
        ("colour=red", "colour"),
        ("updated_since=gisteren", "updated_since"),
    ] {
        let p = app
            .admin_get(&format!("/api/v1/admin/content?{q}"))
            .await
            .problem(422);
        assert_eq!(Resp::fields(&p), [field], "{q}");
    }
    let p = app
        .admin_get("/api/v1/admin/content?limit=0&kind=blog")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["kind", "limit"]);
}
